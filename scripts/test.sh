#!/usr/bin/env bash
# Sets up what the tests need (libxlsxwriter-dev, openpyxl, openxml-audit, a German locale, PostgreSQL, Chromium) and
# runs them: the Swift tests, then the browser journeys and the security tests (only when no test filter is given).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# The store's tests run on SQLite and on PostgreSQL: start a local server when one can be started.
if url=$(bash scripts/postgres.sh) && [[ "$url" =~ ^postgres://[^[:space:]]+$ ]]; then
  export TERMAUDIT_TEST_POSTGRES="$url"
elif [ "${TERMAUDIT_REQUIRE_POSTGRES:-}" = 1 ]; then
  echo "test: PostgreSQL could not be started (scripts/postgres.sh printed: '${url:-}'); TERMAUDIT_REQUIRE_POSTGRES=1" >&2
  exit 1
else
  echo "test: *** PostgreSQL could not be started here: the store tests run on SQLite only ***" >&2
fi
swift build --build-tests
swift test --skip-build "$@"
# Each person's journey through the web application in headless Chromium; a screenshot of every page it visits.
if [ "$#" = 0 ]; then
  python3 Tests/Browser/journeys.py --termaudit .build/debug/termaudit --out .build/screenshots
  # Security, as an outsider sees it: the reader never receives an internal-only value; the API, fuzzed against
  # its OpenAPI document, never fails and never breaks the document (docs/security.md).
  python3 Tests/Security/reader_canary.py --termaudit .build/debug/termaudit
  python3 Tests/Security/api_fuzz.py --termaudit .build/debug/termaudit
  # HTTPS served by termaudit (a certificate made for the test), and the client's address behind a proxy.
  python3 Tests/Security/tls.py --termaudit .build/debug/termaudit
fi
