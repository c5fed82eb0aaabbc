#!/usr/bin/env bash
# Set up a fresh machine and run every test: lint, unit, property, CLI, app and browser tests.
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium for the end-to-end browser tests (Playwright drives the system
# browser; 'playwright install' cannot download one here), LibreOffice
# and poppler to open, recalculate and render the exported deck and workbook as a client would,
# PostgreSQL for the shared scenario library (the tests start their own server with initdb/pg_ctl).
if ! command -v chromium >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
  || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo "sudo")
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core \
    libreoffice-impress libreoffice-calc poppler-utils postgresql
fi

python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt

python3 -m ruff check .
python3 -m ruff format --check .
python3 -m pytest -q "$@"
