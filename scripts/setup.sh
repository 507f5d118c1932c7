#!/usr/bin/env bash
# Installs what termaudit needs on a Debian machine, only what is missing:
#   - libxlsxwriter-dev (the C library the workbooks are written with) and zlib1g-dev (inflate, to read them)
#   - with --test: Python's openpyxl and openxml-audit (to read workbooks back in the tests),
#     LibreOffice (another writer, for the import tests), a German locale, and Chromium with chromedriver and
#     Python's selenium (the browser tests) and schemathesis (the API fuzzing)
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root to run: $*" >&2; exit 1; fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    echo "setup: apt-get update" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  echo "setup: apt-get install $*" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v swift >/dev/null; then
  echo "setup: Swift 6 is required (swift not found on PATH); see https://www.swift.org/install/linux/" >&2
  exit 1
fi

missing=()
[ -f /usr/include/xlsxwriter.h ] || missing+=(libxlsxwriter-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if [ "$want_test" = 1 ]; then
  # LibreOffice re-saves filled workbooks in the import tests (another writer's xlsx must read back).
  command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
  # …and prints workbooks to PDF (checked with poppler's pdfinfo and pdftotext), with CJK fonts.
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  fc-list 2>/dev/null | grep -qi "noto.*cjk" || missing+=(fonts-noto-cjk)
  # The browser tests drive Debian's Chromium through its chromedriver (Tests/Browser/journeys.py).
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  # Tests/Security/tls.py makes a certificate for 127.0.0.1.
  command -v openssl >/dev/null || missing+=(openssl)
  # A German locale proves numbers are written the same under any locale.
  if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    command -v locale-gen >/dev/null || missing+=(locales)
  fi
fi
[ "${#missing[@]}" = 0 ] || apt_install "${missing[@]}"

if [ "$want_test" = 1 ]; then
  if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    as_root sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
    as_root locale-gen >/dev/null
  fi
  py=()
  python3 -c 'import openpyxl' 2>/dev/null || py+=(openpyxl)
  command -v openxml-audit >/dev/null || py+=(openxml-audit)
  python3 -c 'import selenium' 2>/dev/null || py+=(selenium)
  python3 -c 'import openapi_spec_validator, yaml' 2>/dev/null || py+=(openapi-spec-validator pyyaml)
  command -v schemathesis >/dev/null || py+=(schemathesis)
  if [ "${#py[@]}" != 0 ]; then
    echo "setup: pip install ${py[*]}" >&2
    python3 -m pip install --quiet --disable-pip-version-check "${py[@]}"
  fi
fi
