"""A small simulation on sklearn's 8×8 digits: fast enough to run several rounds in tests."""
from __future__ import annotations

from dataclasses import replace

from graftwork_worker.federated.builder import build_simulation
from graftwork_worker.federated.config import FederatedConfig, ModelSettings, PartitionSettings
from graftwork_worker.federated.datasets import load_digits
from graftwork_worker.federated.network import NetworkSettings
from graftwork_worker.federated.simulation import Simulation

_DIGITS = None


def small_sim(num_clients: int = 16, pods: int = 4, seed: int = 0, **overrides) -> Simulation:
    global _DIGITS
    if _DIGITS is None:
        _DIGITS = load_digits()
    config = FederatedConfig(
        num_clients=num_clients, clients_per_round=num_clients, rounds=4, local_epochs=1, batch_size=16,
        lr=0.1, seed=seed, model=ModelSettings(name="softmax"),
        partition=PartitionSettings(kind="location_skew", mean_classes_per_node=2.0, mean_classes_per_location=4.0),
        network=NetworkSettings(topology="fat_tree", pods=pods))
    return build_simulation(replace(config, **overrides), _DIGITS)
