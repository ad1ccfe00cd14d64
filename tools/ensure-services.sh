#!/usr/bin/env bash
# Start the system parts the tests need, where this machine allows it (as root, as in CI).
# Prints what it did; never fails: the tests themselves skip (or, with CI=true, fail) with the reason.
set -u
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
if ! pg_up; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "ensure-services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do pg_up && break; sleep 1; done
  fi
fi
if pg_up; then echo "ensure-services: PostgreSQL on 127.0.0.1:5432"; else echo "ensure-services: no PostgreSQL on 127.0.0.1:5432; its tests will skip (fail when CI=true)"; fi
exit 0
