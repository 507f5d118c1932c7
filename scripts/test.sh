#!/usr/bin/env bash
# Sets up what the tests need (libxlsxwriter-dev, openpyxl, openxml-audit, a German locale) and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
swift build --build-tests
swift test --skip-build "$@"
