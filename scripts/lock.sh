#!/usr/bin/env bash
# Regenerate the locks from the loose ranges: requirements-dev.lock (app, tests, lint, the Spark engine) and
# requirements.lock (the app alone, at the same versions). Exact versions with every file's sha256, resolved
# from PyPI for Python 3.11 on Linux x86_64, where the suite runs (elsewhere, install requirements*.txt).
# Usage: bash scripts/lock.sh                # keep the locked versions where the ranges still allow them
#        bash scripts/lock.sh --upgrade      # move everything to the newest versions allowed
#        bash scripts/lock.sh --upgrade-package pytest   # move one package (and what it needs)
# Any argument is passed to `uv pip compile`. uv is taken from PATH, else installed into a scratch venv.
# LOCK_DIR=folder writes the two locks there instead (scripts/upgrade_check.sh tries them before they replace these).
set -euo pipefail
cd "$(dirname "$0")/.."

uv=$(command -v uv || true)
if [ -z "$uv" ]; then
  tools=$(mktemp -d)
  trap 'rm -rf "$tools"' EXIT
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install -q --disable-pip-version-check "uv>=0.5"
  uv="$tools/venv/bin/uv"
fi

compile=("$uv" pip compile --quiet --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu
  --index-url https://pypi.org/simple --custom-compile-command "bash scripts/lock.sh")
out=${LOCK_DIR:+$LOCK_DIR/}
"${compile[@]}" "$@" requirements-dev.txt -o "${out}requirements-dev.lock"
# The app's lock is the dev lock's subset: the same versions, so what the tests pass on is what users get.
"${compile[@]}" requirements.txt --constraint "${out}requirements-dev.lock" -o "${out}requirements.lock"
