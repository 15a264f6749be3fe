#!/usr/bin/env bash
# Start the local PostgreSQL server if it is not answering (the machine's own cluster).
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432; then exit 0; fi
echo "PostgreSQL không chạy: khởi động cụm cục bộ…"
if command -v pg_ctlcluster >/dev/null; then
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
echo "Không khởi động được PostgreSQL trên 127.0.0.1:5432" >&2
exit 1
