"""FedAvg simulation speed: the vectorised engine against (a) a per-client sequential
PyTorch loop and (b) Flower's simulation engine, on the same task (same data, partition,
model, initial weights and hyper-parameters). Prints rounds per second and final test
accuracy of each, and the ratios.

    gpu-workers/.venv/bin/python bench/federated/speed_bench.py --clients 100
    gpu-workers/.venv/bin/python bench/federated/speed_bench.py --device cuda --clients 1000 --skip-flower
    gpu-workers/.venv/bin/python bench/federated/speed_bench.py --tiny    # seconds, CPU, no Flower

Flower runs as a subprocess in bench/federated/.venv-flwr (build it with speed_setup_flower.sh).
The first round of every runner is a warm-up and is not timed.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from speed_sequential import fedavg_sequential  # noqa: E402

from graftwork_worker.federated.builder import build_simulation  # noqa: E402
from graftwork_worker.federated.config import FederatedConfig, ModelSettings, PartitionSettings  # noqa: E402
from graftwork_worker.federated.data_source import load_dataset  # noqa: E402
from graftwork_worker.federated.evaluation import evaluate  # noqa: E402
from graftwork_worker.federated.loop import run_federation  # noqa: E402
from graftwork_worker.federated.network import NetworkSettings  # noqa: E402
from graftwork_worker.federated.registry import make_strategy  # noqa: E402
from graftwork_worker.federated.simulation import Simulation  # noqa: E402
from graftwork_worker.federated.strategy import GLOBAL, FederationState, Strategy  # noqa: E402


@dataclass
class Measured:
    name: str
    rounds_per_s: float | None
    accuracy: float | None
    note: str = ""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="FedAvg rounds per second: engine vs sequential loop vs Flower")
    p.add_argument("--clients", type=int, default=100, help="clients, all trained every round")
    p.add_argument("--rounds", type=int, default=6, help="rounds per runner (the first is not timed)")
    p.add_argument("--dataset", default="mnist", choices=["mnist", "digits", "synthetic"])
    p.add_argument("--model", default="mlp", choices=["softmax", "mlp", "cnn"])
    p.add_argument("--hidden", type=int, default=200)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--partition", default="iid", choices=["iid", "dirichlet", "shards"])
    p.add_argument("--device", default="cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1,
                   help="CPU threads for every runner: torch threads here, Ray CPUs (one per actor) for Flower")
    p.add_argument("--skip-flower", action="store_true")
    p.add_argument("--skip-sequential", action="store_true")
    p.add_argument("--flower-python", type=Path, default=HERE / ".venv-flwr" / "bin" / "python")
    p.add_argument("--json", type=Path, help="also write the measurements here")
    p.add_argument("--tiny", action="store_true", help="seconds on a CPU: digits, 10 clients, 3 rounds, no Flower")
    args = p.parse_args(argv)
    if args.tiny:
        args.dataset, args.clients, args.rounds, args.model, args.hidden = "digits", 10, 3, "mlp", 32
        args.skip_flower = True
    return args


def build(args: argparse.Namespace) -> Simulation:
    config = FederatedConfig(algorithm="fedavg", num_clients=args.clients, clients_per_round=args.clients,
                             rounds=args.rounds, local_epochs=args.epochs, batch_size=args.batch, lr=args.lr,
                             seed=args.seed, eval_every=args.rounds,
                             model=ModelSettings(name=args.model, hidden=args.hidden),
                             partition=PartitionSettings(kind=args.partition),
                             network=NetworkSettings(topology="star"))
    config.data.builtin = args.dataset
    config.data.proxy_fraction = 0.0
    return build_simulation(config, load_dataset(config), args.device)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _rate(stamps: list[float]) -> float:
    """Rounds per second over rounds 2..R (stamps[r] = end of round r, stamps[0] = start)."""
    timed = stamps[1:]
    return (len(timed) - 1) / (timed[-1] - timed[0]) if len(timed) > 1 else float("nan")


def run_engine(sim: Simulation, rounds: int, init: dict[str, torch.Tensor]) -> Measured:
    stamps = [time.perf_counter()]
    strategy = make_strategy("fedavg")
    _with_initial(strategy, init)

    def on_round(*_: object) -> None:
        _sync(sim.device)
        stamps.append(time.perf_counter())

    result = run_federation(sim, strategy, rounds, on_round=on_round)
    return Measured("graftwork (vectorised)", _rate(stamps), float(result.progress.history[-1]["accuracy"]))


def _with_initial(strategy: Strategy, init: dict[str, torch.Tensor]) -> None:
    # Every runner starts from the same weights.
    strategy.initial_state = lambda sim: FederationState(models={GLOBAL: {k: v.clone() for k, v in init.items()}})


def run_sequential(sim: Simulation, rounds: int, init: dict[str, torch.Tensor], args: argparse.Namespace) -> Measured:
    module = _module(sim)
    stamps = [time.perf_counter()]

    def on_round(_: int) -> None:
        _sync(sim.device)
        stamps.append(time.perf_counter())

    final = fedavg_sequential(module, init, sim.clients, rounds, epochs=args.epochs, lr=args.lr,
                              batch_size=args.batch, seed=args.seed, on_round=on_round)
    acc = evaluate(sim.model, final, *sim.test)["accuracy"]
    return Measured("sequential PyTorch loop", _rate(stamps), acc)


def _module(sim: Simulation) -> torch.nn.Module:
    import copy

    module = copy.deepcopy(sim.model.module).to(sim.device)
    module.requires_grad_(True)
    return module


def run_flower(sim: Simulation, rounds: int, init: dict[str, torch.Tensor], args: argparse.Namespace) -> Measured:
    if not args.flower_python.exists():
        return Measured("Flower simulation (Ray)", None, None,
                        f"not run: {args.flower_python} missing (bench/federated/speed_setup_flower.sh)")
    with tempfile.TemporaryDirectory() as tmp:
        data, config, out = Path(tmp) / "task.npz", Path(tmp) / "task.json", Path(tmp) / "flower.json"
        c = sim.clients
        np.savez(data, x=c.x.cpu().numpy(), y=c.y.cpu().numpy(), index=c.index.cpu().numpy(),
                 counts=c.counts.cpu().numpy(), x_test=sim.test[0].cpu().numpy(), y_test=sim.test[1].cpu().numpy(),
                 **{f"p:{k}": v.cpu().numpy() for k, v in init.items()})
        config.write_text(json.dumps({"model": sim.model.name, "features": sim.model.in_features,
                                      "classes": sim.model.classes, "hidden": args.hidden, "lr": args.lr,
                                      "epochs": args.epochs, "batch_size": args.batch, "seed": args.seed,
                                      "rounds": rounds, "clients": sim.num_clients, "param_names": list(init),
                                      "cpus": args.threads}))
        proc = subprocess.run([str(args.flower_python), str(HERE / "speed_flower.py"), "--data", str(data),
                               "--config", str(config), "--out", str(out)], capture_output=True, text=True)
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            return Measured("Flower simulation (Ray)", None, None, "failed: " + " | ".join(tail))
        report = json.loads(out.read_text())
    # round_end_s[0] is Flower's evaluation of the initial model, so it plays stamps[0].
    return Measured(f"Flower {report['flwr']} simulation (Ray)", _rate(report["round_end_s"]), report["accuracy"])


def table(rows: list[Measured], candidate: Measured) -> str:
    lines = [f"{'runner':<32} {'rounds/s':>10} {'accuracy':>9} {'engine x':>9}  note", "-" * 78]
    for r in rows:
        rate = f"{r.rounds_per_s:10.3f}" if r.rounds_per_s else f"{'-':>10}"
        acc = f"{r.accuracy:9.4f}" if r.accuracy is not None else f"{'-':>9}"
        ratio = (f"{candidate.rounds_per_s / r.rounds_per_s:8.1f}x" if r.rounds_per_s and candidate.rounds_per_s
                 else f"{'-':>9}")
        lines.append(f"{r.name:<32} {rate} {acc} {ratio}  {r.note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Measured]:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    sim = build(args)
    init = sim.model.init(torch.Generator().manual_seed(args.seed), sim.device)
    counts = sim.clients.counts
    print(f"task: FedAvg, {args.dataset}, {args.model}, {sim.num_clients} clients/round "
          f"({int(counts.min())}-{int(counts.max())} samples), {args.epochs} epoch(s), batch {args.batch}, "
          f"lr {args.lr}, {args.rounds} rounds; device {sim.device}, torch threads {torch.get_num_threads()}, "
          f"{platform.processor() or platform.machine()}")
    candidate = run_engine(sim, args.rounds, init)
    rows = [candidate]
    if not args.skip_sequential:
        rows.append(run_sequential(sim, args.rounds, init, args))
    if not args.skip_flower:
        rows.append(run_flower(sim, args.rounds, init, args))
    print(table(rows, candidate))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=2))
    return rows


if __name__ == "__main__":
    main()
