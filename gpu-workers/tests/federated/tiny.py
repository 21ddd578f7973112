"""Small simulations for the engine's tests: scikit-learn digits, a handful of clients."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

from graftwork_worker.federated.builder import build_simulation
from graftwork_worker.federated.config import FederatedConfig, ModelSettings, PartitionSettings
from graftwork_worker.federated.datasets import Dataset, load_digits
from graftwork_worker.federated.network import NetworkSettings
from graftwork_worker.federated.simulation import Simulation


@lru_cache(maxsize=1)
def digits() -> Dataset:
    return load_digits()


def tiny_config(**overrides: Any) -> FederatedConfig:
    base = FederatedConfig(num_clients=12, clients_per_round=12, rounds=5, local_epochs=1, batch_size=16, lr=0.1,
                           seed=0, model=ModelSettings(name="softmax"),
                           partition=PartitionSettings(kind="dirichlet", alpha=1.0),
                           network=NetworkSettings(topology="fat_tree", pods=4))
    return replace(base, **overrides)


def tiny_sim(**overrides: Any) -> Simulation:
    return build_simulation(tiny_config(**overrides), digits())
