#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser tests (tests/web/test_browser_web.py).
# As root (CI): apt-get update once and install it when /usr/bin/chromium is missing.
# Otherwise: say why nothing was installed (the browser tests then skip, or fail under CI=true).
# Never downloads a browser from anywhere else (no `playwright install`).
set -u
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
    echo "ensure-chromium: $CHROMIUM is installed"
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "ensure-chromium: $CHROMIUM is missing and this is not root: not installing" \
         "(run 'sudo apt-get install -y chromium'); the browser tests will skip" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available (not Debian?)" \
         "; the browser tests will skip" >&2
    exit 0
fi
echo "ensure-chromium: installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
    echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
else
    echo "ensure-chromium: apt-get could not install chromium; the browser tests will skip" >&2
fi
exit 0
