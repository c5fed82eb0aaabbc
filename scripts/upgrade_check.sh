#!/usr/bin/env bash
# Try the newest versions that requirements*.txt allow, before users get them: resolve them into a scratch
# lock (scripts/lock.sh --upgrade), list what moves, build a brand-new venv from that lock and run the tests.
# Usage: bash scripts/upgrade_check.sh [--all] [--apply] [extra pytest arguments]
#   (default)  the quick tier (no browser, PostgreSQL, Spark, LibreOffice, Jupyter or slow test)
#   --all      every test, as CI runs them
#   --apply    when the tests pass, the new versions replace requirements-dev.lock and requirements.lock
set -euo pipefail
cd "$(dirname "$0")/.."

tier=--quick
apply=0
pytest_args=()
for arg in "$@"; do
  case "$arg" in
    --all) tier="" ;;
    --apply) apply=1 ;;
    *) pytest_args+=("$arg") ;;
  esac
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
LOCK_DIR="$scratch" bash scripts/lock.sh --upgrade

# What moves: "name old -> new" for every package whose pinned version changes (or that comes or goes).
pins() { sed -nE 's/^([A-Za-z0-9._-]+)==([^ ;]+).*/\1 \2/p' "$1" | LC_ALL=C sort; }
echo "upgrade_check: versions that move (current lock -> newest allowed):"
LC_ALL=C join -a1 -a2 -e '-' -o 0,1.2,2.2 <(pins requirements-dev.lock) <(pins "$scratch/requirements-dev.lock") |
  awk '$2 != $3 { printf "  %-28s %s -> %s\n", $1, $2, $3; moved++ } END { if (!moved) print "  (nothing)" }'

status=0
TEST_LOCK="$scratch/requirements-dev.lock" TEST_VENV="$scratch/venv" bash scripts/test.sh $tier "${pytest_args[@]}" || status=$?
if [ "$status" != 0 ]; then
  echo "upgrade_check: the tests FAIL on the newest versions (exit $status); the lock is unchanged" >&2
  exit "$status"
fi
echo "upgrade_check: the tests pass on the newest versions${tier:+ (quick tier; --all for every test)}"
if [ "$apply" = 1 ]; then
  cp "$scratch/requirements-dev.lock" .
  bash scripts/lock.sh  # requirements.lock from it, at the same versions
  echo "upgrade_check: requirements-dev.lock and requirements.lock now hold them; run the full suite before committing"
fi
