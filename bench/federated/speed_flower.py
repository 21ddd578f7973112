"""Baseline (b): the same FedAvg task in Flower's simulation engine (Ray backend).

Runs in its own virtual environment (bench/federated/.venv-flwr, see speed_setup_flower.sh)
as a subprocess of speed_bench.py. Input: an .npz written by speed_bench.py (the clients'
data, the test set, the initial weights) and a JSON config; output: a JSON file with the
wall-clock time of every round and the final test accuracy.

    python speed_flower.py --data task.npz --config task.json --out flower.json
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "gpu-workers"))  # the same model code
from graftwork_worker.federated.models import build_module  # noqa: E402

from flwr.client import ClientApp, NumPyClient  # noqa: E402
from flwr.common import Context, ndarrays_to_parameters  # noqa: E402
from flwr.server import ServerApp, ServerAppComponents, ServerConfig  # noqa: E402
from flwr.server.strategy import FedAvg  # noqa: E402
from flwr.simulation import run_simulation  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    cfg = json.loads(args.config.read_text())
    task = dict(np.load(args.data))
    names = cfg["param_names"]

    def new_module() -> torch.nn.Module:
        return build_module(cfg["model"], cfg["features"], cfg["classes"], hidden=cfg["hidden"])

    def set_weights(module: torch.nn.Module, arrays: list[np.ndarray]) -> None:
        module.load_state_dict({n: torch.from_numpy(np.asarray(a)) for n, a in zip(names, arrays)})

    class Client(NumPyClient):
        def __init__(self, cid: int) -> None:
            rows = task["index"][cid, : task["counts"][cid]]
            self.x = torch.from_numpy(task["x"][rows])
            self.y = torch.from_numpy(task["y"][rows])
            self.cid = cid

        def fit(self, parameters, config):  # noqa: ANN001, ANN201 (Flower's signature)
            torch.set_num_threads(1)  # one CPU per actor, as its Ray resources say
            module = new_module()
            set_weights(module, parameters)
            opt = torch.optim.SGD(module.parameters(), lr=cfg["lr"])
            gen = torch.Generator().manual_seed(cfg["seed"] * 100003 + self.cid * 7919 + int(config.get("rnd", 0)))
            for _ in range(cfg["epochs"]):
                order = torch.randperm(len(self.y), generator=gen)
                for i in range(0, len(order), cfg["batch_size"]):
                    rows = order[i:i + cfg["batch_size"]]
                    opt.zero_grad(set_to_none=True)
                    F.cross_entropy(module(self.x[rows]), self.y[rows]).backward()
                    opt.step()
            return [v.detach().numpy() for v in module.state_dict().values()], len(self.y), {}

    def client_fn(context: Context):  # noqa: ANN201
        return Client(int(context.node_config["partition-id"])).to_client()

    stamps: list[float] = []
    result: dict = {}

    def evaluate_fn(server_round: int, parameters, config):  # noqa: ANN001, ANN201
        stamps.append(time.perf_counter())
        if server_round < cfg["rounds"]:
            return None  # evaluate only after the last round, as the other runners do
        module = new_module()
        set_weights(module, parameters)
        with torch.no_grad():
            logits = module(torch.from_numpy(task["x_test"]))
        y = torch.from_numpy(task["y_test"])
        result["accuracy"] = float((logits.argmax(1) == y).float().mean())
        return float(F.cross_entropy(logits, y)), {"accuracy": result["accuracy"]}

    initial = [task[f"p:{n}"] for n in names]
    n = int(cfg["clients"])
    strategy = FedAvg(fraction_fit=1.0, fraction_evaluate=0.0, min_fit_clients=n, min_evaluate_clients=0,
                      min_available_clients=n, initial_parameters=ndarrays_to_parameters(initial),
                      evaluate_fn=evaluate_fn, on_fit_config_fn=lambda rnd: {"rnd": rnd})

    def server_fn(context: Context) -> ServerAppComponents:
        return ServerAppComponents(strategy=strategy, config=ServerConfig(num_rounds=cfg["rounds"]))

    started = time.perf_counter()
    run_simulation(server_app=ServerApp(server_fn=server_fn), client_app=ClientApp(client_fn=client_fn),
                   num_supernodes=n, backend_config={"client_resources": {"num_cpus": 1, "num_gpus": 0.0},
                                                     "init_args": {"num_cpus": cfg["cpus"]}})
    # stamps[0] is the evaluation of the initial model (round 0); stamps[r] ends round r.
    args.out.write_text(json.dumps({"round_end_s": [s - started for s in stamps],
                                    "accuracy": result.get("accuracy"), "flwr": _version()}))


def _version() -> str:
    import flwr

    return str(flwr.__version__)


if __name__ == "__main__":
    main()
