#!/usr/bin/env bash
# Install axe-core (the accessibility checker the browser tests inject into every page) from the
# npm registry into the git-ignored folder .cache/axe of the repository. Idempotent.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/.cache/axe"
AXE="$TARGET/node_modules/axe-core/axe.min.js"
if [ -f "$AXE" ]; then
    echo "ensure-axe: $AXE is installed"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "ensure-axe: npm is missing: cannot install axe-core; the accessibility checks will skip" >&2
    exit 0
fi
mkdir -p "$TARGET"
if npm install --prefix "$TARGET" --no-audit --no-fund --silent axe-core@4 >/dev/null; then
    echo "ensure-axe: installed axe-core into $TARGET"
else
    echo "ensure-axe: npm could not install axe-core; the accessibility checks will skip" >&2
fi
exit 0
