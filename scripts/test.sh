#!/usr/bin/env bash
# Runs every test of the project: contracts drift, type checks, the service's unit specs,
# the worker's pytest suite, and the integration/end-to-end specs against the real
# PostgreSQL, Redis and Python worker. Installs what is missing first (scripts/setup.sh).
# Every suite runs even when an earlier one fails; the exit code is non-zero if any failed.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$GW_ROOT"

bash scripts/setup.sh || die "setup failed (see above)"

declare -a results=()
failed=0
suite() { # name command...
  local name=$1; shift
  say "── $name"
  local start=$SECONDS
  if "$@"; then results+=("ok     $name ($((SECONDS - start)) s)")
  else results+=("FAILED $name ($((SECONDS - start)) s)"); failed=$((failed + 1))
  fi
}

suite "contracts: generated code matches contracts/" npm run -s contracts:check
suite "typescript: type check" npm run -s typecheck
suite "service: unit specs" npm run -s test:unit -- --ci
suite "worker: pytest" bash -c 'cd gpu-workers && .venv/bin/python -m pytest -q -p no:cacheprovider tests'
suite "service: integration and end-to-end (PostgreSQL, Redis, Python worker)" npm run -s test:integration -- --ci

say "── summary"
printf '  %s\n' "${results[@]}"
exit $((failed > 0))
