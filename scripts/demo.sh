#!/usr/bin/env bash
# The platform with a sample experiment: installs what is missing, starts PostgreSQL and
# Redis if needed, the service and one worker, then runs a diagnostics run, a small
# federated run and a small SCALE benchmark, following each live, and prints where to
# look. In a terminal it keeps the platform up until Ctrl-C; elsewhere (or with --exit)
# it stops when the sample is done. Exits non-zero if a sample run did not succeed.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$GW_ROOT"

keep_running=0
[ -t 0 ] && keep_running=1
for arg in "$@"; do
  case "$arg" in
    --exit) keep_running=0 ;;
    --keep-running) keep_running=1 ;;
    *) die "unknown option $arg (use --exit or --keep-running)" ;;
  esac
done

bash scripts/setup.sh

export PORT="${PORT:-3000}"
export GRAFTWORK_API_URL="http://127.0.0.1:$PORT"
if tcp_open 127.0.0.1 "$PORT"; then die "port $PORT is in use: stop what listens there or set PORT"; fi

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

say "starting the service on port $PORT (log: var/logs/api.log)"
node dist/src/main.js >"$GW_VAR/logs/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do
  curl -fsS "$GRAFTWORK_API_URL/health/ready" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || die "the service stopped at start: see var/logs/api.log"
  sleep 0.2
done
curl -fsS "$GRAFTWORK_API_URL/health/ready" >/dev/null || die "the service did not become ready: see var/logs/api.log"

say "creating the demo project and its admin key"
GRAFTWORK_ADMIN_KEY=$(npm run -s create-admin-key -- --project demo 2>/dev/null | tail -n 1)
export GRAFTWORK_ADMIN_KEY
GRAFTWORK_WORKER_KEY=$(node scripts/demo-client.mjs worker-key)
export GRAFTWORK_WORKER_KEY

say "starting a worker (log: var/logs/worker.log)"
"$GW_VENV/bin/graftwork-worker" >"$GW_VAR/logs/worker.log" 2>&1 &
pids+=($!)

say "running the sample experiment"
status=0
node scripts/demo-client.mjs sample || status=$?

echo
say "admin key for this demo project (shown once): $GRAFTWORK_ADMIN_KEY"
if [ "$keep_running" = 1 ]; then
  say "the platform stays up at $GRAFTWORK_API_URL; press Ctrl-C to stop it"
  wait "${pids[0]}"
fi
exit "$status"
