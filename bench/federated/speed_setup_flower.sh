#!/usr/bin/env bash
# Builds the Flower baseline's own virtual environment (never the worker's): flwr with its
# simulation extra, pinned. torch is not installed here: a .pth file lets this venv import the
# worker venv's CPU torch, so no multi-GB CUDA wheel is ever pulled.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="$HERE/.venv-flwr"
WORKER_VENV="$HERE/../../gpu-workers/.venv"
FLWR_VERSION="1.23.0"
python3.11 -m venv "$VENV"
"$VENV/bin/pip" install --quiet "flwr[simulation]==$FLWR_VERSION"
WORKER_SITE="$("$WORKER_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
FLWR_SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# Appended after the venv's own site-packages, so flwr's pinned dependencies win.
echo "$WORKER_SITE" > "$FLWR_SITE/zz-graftwork-worker-torch.pth"
"$VENV/bin/python" -c 'import flwr, ray, torch; print("flwr", flwr.__version__, "ray", ray.__version__, "torch", torch.__version__)'
