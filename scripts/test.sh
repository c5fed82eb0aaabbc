#!/usr/bin/env bash
# Set up a fresh machine and run the tests: lint, unit, property, CLI, app, browser, database, Spark, LibreOffice
# and Jupyter tests, in a brand-new virtual environment installed from the lock (requirements-dev.lock), so a
# missing or drifting dependency fails here, not on a newcomer's machine.
# Usage: bash scripts/test.sh [--quick] [--reuse-venv] [extra pytest arguments]
#   --quick       the quick tier: no browser, PostgreSQL, Spark, LibreOffice, Jupyter or slow test (and no apt-get)
#   --reuse-venv  keep .venv-test if it was built from the same lock (a developer's repeated runs)
# TEST_VENV=path puts the environment elsewhere (default .venv-test in the checkout; it is rebuilt each run);
# TEST_LOCK=file installs another lock (scripts/upgrade_check.sh tries the newest versions that way).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
reuse=0
pytest_args=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --reuse-venv) reuse=1 ;;
    *) pytest_args+=("$arg") ;;
  esac
done

# Debian packages: Chromium for the end-to-end browser tests (Playwright drives the system
# browser; 'playwright install' cannot download one here), LibreOffice
# and poppler to open, recalculate and render the exported deck and workbook as a client would,
# PostgreSQL for the shared scenario library (the tests start their own server with initdb/pg_ctl),
# a Java runtime for Spark.
if [ "$quick" = 0 ] && { ! command -v chromium >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 \
  || ! command -v pdftoppm >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1 \
  || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || ! [ -x /usr/sbin/nginx ]; }; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo "sudo")
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core \
    libreoffice-impress libreoffice-calc poppler-utils postgresql default-jre-headless nginx
fi

# A brand-new virtual environment, installed from the lock with every file's hash checked; then the checkout
# itself (editable, without dependencies: an editable install cannot be hashed).
venv=$(realpath -m "${TEST_VENV:-.venv-test}")
lock=${TEST_LOCK:-requirements-dev.lock}
stamp="$venv/.lock-sha256"
lock_hash=$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$reuse" = 1 ] && [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$lock_hash" ]; then
  echo "test.sh: reusing $venv (built from this lock)"
else
  started=$(date +%s)
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --require-hashes -r "$lock"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$lock_hash" >"$stamp"
  echo "test.sh: built $venv from $lock in $(($(date +%s) - started)) s"
fi
# The environment's programs first (python, streamlit, jupyter, ruff), as if it were activated; this checkout's
# estimator and ui (never another checkout's from an inherited PYTHONPATH).
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" PYTHONPATH="$PWD"
unset PYTHONHOME

python -m ruff check .
python -m ruff format --check .
if [ "$quick" = 1 ]; then
  # On every core (pytest-xdist): the logic alone, in under 2 minutes on 2 cores.
  python -m pytest -q -n auto -m "not (browser or postgres or spark or office or jupyter or slow)" "${pytest_args[@]}"
else
  # The full run: a test skipped for a missing program or package fails (tests/conftest.py --fail-on-skip).
  python -m pytest -q --fail-on-skip "${pytest_args[@]}"
fi
