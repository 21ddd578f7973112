#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian/Ubuntu machine with Node.js 20+
# and Python 3.11+: npm packages, the worker's virtual environment (CPU PyTorch unless
# GRAFTWORK_TORCH_CUDA=1), PostgreSQL and Redis (found, started or installed), the
# database and its migrations. Safe to run again: each step is skipped when done.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/services.sh"
cd "$GW_ROOT"

TORCH_VERSION=2.13.0

check_node() {
  command -v node >/dev/null 2>&1 || die "Node.js 20.19+ is required (https://nodejs.org); node was not found"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    die "Node.js 20.19+ is required; found $(node --version)"
}

install_node_packages() {
  # npm ci is skipped when node_modules already matches the lock file.
  if [ -f node_modules/.package-lock.json ] && cmp -s <(node -e 'const l=require("./package-lock.json");delete l.packages[""];console.log(JSON.stringify(Object.keys(l.packages).sort()))') \
       <(node -e 'const l=require("./node_modules/.package-lock.json");console.log(JSON.stringify(Object.keys(l.packages).sort()))'); then
    say "npm packages up to date"
  else
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

pick_python() {
  local c
  for c in python3.13 python3.12 python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  return 1
}

quiet_pip() {
  local log="$GW_VAR/logs/pip.log"
  "$@" >"$log" 2>&1 || { cat "$log" >&2; die "pip install failed (log: $log)"; }
}

install_python_env() {
  local py
  py=$(pick_python) || die "Python 3.11+ is required (apt-get install python3 python3-venv)"
  if [ ! -x "$GW_VENV/bin/python" ]; then
    say "creating the worker's virtual environment in gpu-workers/.venv"
    "$py" -m venv "$GW_VENV" 2>/dev/null || { apt_install python3-venv && "$py" -m venv "$GW_VENV"; } ||
      die "could not create a virtual environment: install python3-venv"
  fi
  # pip's own chatter goes to a log; it is shown only when an install fails.
  local pip=(quiet_pip "$GW_VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
  if ! "$GW_VENV/bin/python" -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('$TORCH_VERSION') else 1)" 2>/dev/null; then
    # Pin torch exactly: an open range resolves to a multi-GB CUDA build. The CPU build is
    # taken from a local wheel folder when pip has one configured, else from PyTorch's CPU index.
    local index=()
    if [ "${GRAFTWORK_TORCH_CUDA:-0}" != 1 ] && ! ls "${PIP_FIND_LINKS:-/nonexistent}"/torch-"$TORCH_VERSION"+cpu* >/dev/null 2>&1; then
      index=(--index-url "${GRAFTWORK_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}" --extra-index-url https://pypi.org/simple)
    fi
    say "installing torch==$TORCH_VERSION into the venv"
    "${pip[@]}" "${index[@]}" "torch==$TORCH_VERSION"
  fi
  if ! "$GW_VENV/bin/python" -c 'import graftwork_worker, transformers, pytest' 2>/dev/null ||
     [ gpu-workers/pyproject.toml -nt "$GW_VENV/.graftwork-installed" ]; then
    say "installing the worker package (gpu-workers) and its test extras"
    "${pip[@]}" -e "gpu-workers[test]"
    touch "$GW_VENV/.graftwork-installed"
  else
    say "worker virtual environment up to date"
  fi
}

main() {
  check_node
  install_node_packages
  install_python_env
  ensure_postgres
  ensure_redis
  ensure_database
  say "building the service"
  npm run -s build >/dev/null
  say "running database migrations"
  npm run -s migrate
  say "setup done"
}

main "$@"
