#!/usr/bin/env bash
# Starts a local PostgreSQL 15 (Debian's packages; installs them when missing) for the store's tests and prints the
# URL of a role that may create databases: postgres://termaudit:termaudit@127.0.0.1:5432/postgres
# Safe to run again. Exit status 1 (and a message on stderr) when no server can be started here.
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "postgres: need root to run: $*" >&2; exit 1; fi
}

if ! command -v pg_ctlcluster >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  echo "postgres: apt-get install postgresql" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
  as_root pg_createcluster 15 main >/dev/null
fi
if ! pg_lsclusters -h | grep -q '^15 *main .* online'; then
  # No systemd here: pg_ctlcluster starts the server in the background, its log in /var/log/postgresql.
  as_root pg_ctlcluster 15 main start
fi
for _ in $(seq 1 30); do
  as_root su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
as_root su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname = 'termaudit'\"" | grep -q 1 ||
  as_root su postgres -c "psql -qc \"create role termaudit login password 'termaudit' createdb\"" >/dev/null
echo "postgres://termaudit:termaudit@127.0.0.1:5432/postgres"
