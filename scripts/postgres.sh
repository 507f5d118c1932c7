#!/usr/bin/env bash
# Starts a local PostgreSQL 15 (Debian's packages; installs them when missing) for the store's tests and prints the
# URL of a role that may create databases: postgres://termaudit:termaudit@127.0.0.1:5432/postgres
# Safe to run again. Exit status 1 (and a message on stderr) when no server can be started here.
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "postgres: need root to run: $*" >&2; exit 1; fi
}

# Only the URL goes to standard output (the caller captures it): everything else the tools print goes to stderr.
# (Not through a saved descriptor: the server would inherit it and the caller's $(…) would wait for ever.)
start() {
if ! command -v pg_ctlcluster >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  echo "postgres: apt-get install postgresql" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
clusters=$(pg_lsclusters -h 2>/dev/null || true)   # read once: grep -q on a pipe can SIGPIPE the writer under pipefail
if ! grep -q '^15 *main' <<<"$clusters"; then
  as_root pg_createcluster 15 main >/dev/null
fi
if ! pg_lsclusters -h | grep '^15 *main .* online' >/dev/null; then
  # No systemd here: pg_ctlcluster starts the server in the background, its log in /var/log/postgresql.
  as_root pg_ctlcluster 15 main start
fi
up=0
for _ in $(seq 1 30); do
  if as_root su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then up=1; break; fi
  sleep 1
done
if [ "$up" = 0 ]; then
  echo "postgres: the server did not answer within 30 s; the end of its log:" >&2
  tail -n 20 /var/log/postgresql/postgresql-15-main.log >&2 || true
  exit 1
fi
role=$(as_root su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname = 'termaudit'\"")
[ "$role" = 1 ] || as_root su postgres -c "psql -qc \"create role termaudit login password 'termaudit' createdb\"" >/dev/null
}
start >&2
echo "postgres://termaudit:termaudit@127.0.0.1:5432/postgres"
