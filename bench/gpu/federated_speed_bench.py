"""The federated speed benchmark in its GPU setting: 1,000 clients per round on one CUDA
device, the vectorised engine against the per-client sequential loop (target: >= 10x).

    gpu-workers/.venv/bin/python bench/gpu/federated_speed_bench.py            # needs CUDA
    gpu-workers/.venv/bin/python bench/gpu/federated_speed_bench.py --tiny     # seconds, CPU

Extra arguments go to bench/federated/speed_bench.py (e.g. --model cnn --epochs 2).
Flower is left out here by default (its Ray actors would need GPU fractions); pass
--with-flower to include it.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "federated"))
from speed_bench import main as speed_main  # noqa: E402

# MNIST's 8,000 training rows over 1,000 clients: 8 each, so 5 local epochs give 5 steps.
GPU_DEFAULTS = ["--device", "cuda", "--clients", "1000", "--epochs", "5", "--rounds", "6", "--threads", "4"]


def gpu_argv(argv: list[str]) -> list[str]:
    if "--tiny" in argv:
        return argv  # the CPU smoke mode of speed_bench.py
    with_flower = "--with-flower" in argv
    argv = [a for a in argv if a != "--with-flower"]
    return GPU_DEFAULTS + ([] if with_flower else ["--skip-flower"]) + argv


def main(argv: list[str] | None = None) -> None:
    args = gpu_argv(list(sys.argv[1:] if argv is None else argv))
    if "--tiny" not in args:
        import torch

        if not torch.cuda.is_available():
            raise SystemExit("federated_speed_bench: CUDA is not available (use --tiny for the CPU smoke mode)")
    speed_main(args)


if __name__ == "__main__":
    main()
