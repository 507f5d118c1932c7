#!/usr/bin/env bash
# The main job on the sample workspace: set up, build, validate, show the status of every case,
# and export the internal and public workbooks to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product termaudit 2>&1 | grep -v '^\[' || true
bin=".build/release/termaudit"
[ -x "$bin" ] || { echo "build failed" >&2; exit 1; }
echo
echo "== termaudit validate samples"
"$bin" validate samples
echo
echo "== termaudit status samples --brief"
"$bin" status samples --brief
mkdir -p out
echo
echo "== termaudit export samples (internal, public and fill-in workbooks)"
"$bin" export samples --edition internal --output out/samples-internal.xlsx
"$bin" export samples --edition public --output out/samples-public.xlsx
"$bin" export samples --edition fill-in --output out/samples-fill-in.xlsx
echo
echo "== termaudit verify samples (2024-010 is stale on purpose: a value was corrected after signing)"
"$bin" verify samples || true
