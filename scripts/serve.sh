#!/usr/bin/env bash
# The main job: the web application on the samples, on the embedded store (SQLite).
# Installs what is missing, builds, and serves http://127.0.0.1:8080/ — the first run makes termaudit-data/termaudit.db
# from samples/ and prints an account for every role (kept in termaudit-data/demo-accounts.txt). Ctrl-C stops.
# Options are passed on: e.g. `bash scripts/serve.sh --listen 0.0.0.0:8080`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "serve: building (the first build takes several minutes)" >&2
swift build -c release --product termaudit 2>&1 | grep -v '^\[' || true
bin=".build/release/termaudit"
[ -x "$bin" ] || { echo "serve: the build failed" >&2; exit 1; }
exec "$bin" serve --demo "$@"
