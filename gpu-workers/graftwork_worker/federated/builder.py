"""Builds a `Simulation` from a config and a dataset: split, partition, place, pack."""
from __future__ import annotations

import numpy as np
import torch

from . import partitions
from .client_data import build_client_data
from .client_training import ClientTrainer
from .config import FederatedConfig
from .datasets import Dataset
from .models import make_model
from .network import build_network
from .simulation import Simulation


def build_simulation(config: FederatedConfig, data: Dataset, device: torch.device | str = "cpu") -> Simulation:
    device = torch.device(device)
    data_seed = config.seed if config.data_seed is None else config.data_seed
    np_rng = np.random.default_rng(data_seed)
    n = len(data.y)
    order = np_rng.permutation(n)
    n_test = int(round(config.data.test_fraction * n))
    n_proxy = int(round(config.data.proxy_fraction * n))
    if n_test < 1 or n - n_test - n_proxy < config.num_clients:
        raise ValueError(f"data.testFraction/proxyFraction: {n} samples leave too few for a test set and "
                         f"{config.num_clients} clients")
    test_rows, proxy_rows, train_rows = order[:n_test], order[n_test:n_test + n_proxy], order[n_test + n_proxy:]
    network = build_network(config.network, config.num_clients, np_rng)
    parts = _partition(config, data, train_rows, network.client_location, np_rng)
    if len(parts) != config.num_clients:
        raise ValueError(f"numClients: the dataset's own client ids give {len(parts)} clients, "
                         f"but numClients is {config.num_clients}")
    x_train, y_train = data.x[train_rows], data.y[train_rows]
    clients = build_client_data(x_train, y_train, parts, data.classes, device)
    model = make_model(config.model.name, data.x.shape[1], data.classes, hidden=config.model.hidden,
                       cnn_channels=config.model.cnn_channels, group_norm=config.model.group_norm)
    trainer = ClientTrainer(model, clients, batch_size=config.batch_size, seed=config.seed,
                            chunk_size=config.chunk_size)

    def tensors(rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        return (torch.as_tensor(data.x[rows], device=device), torch.as_tensor(data.y[rows], device=device))

    return Simulation(clients=clients, test=tensors(test_rows), proxy=tensors(proxy_rows), model=model,
                      trainer=trainer, network=network, rng=torch.Generator().manual_seed(config.seed),
                      np_rng=np.random.default_rng([config.seed, 1]), device=device, config=config)


def _partition(config: FederatedConfig, data: Dataset, train_rows: np.ndarray, location: np.ndarray,
               rng: np.random.Generator) -> partitions.Partition:
    """Row indices are relative to the training rows."""
    p, y, k = config.partition, data.y[train_rows], config.num_clients
    if p.kind == "iid":
        return partitions.iid(y, k, rng)
    if p.kind == "dirichlet":
        return partitions.dirichlet(y, k, p.alpha, rng, p.min_samples)
    if p.kind == "shards":
        return partitions.shards(y, k, p.classes_per_client, rng)
    if p.kind == "power_law":
        return partitions.power_law(y, k, p.power_law_exponent, p.classes_per_client, rng, p.min_samples)
    if p.kind == "location_skew":
        return partitions.location_skew(y, location, p.mean_classes_per_node, p.mean_classes_per_location, rng)
    if p.kind == "given":
        if data.client_id is None:
            raise ValueError("partition.kind: 'given' needs a dataset with client ids (npz `client_id`, or synthetic)")
        return partitions.given(data.client_id[train_rows])
    raise ValueError(f"partition.kind: expected one of iid, dirichlet, shards, power_law, location_skew, given; "
                     f"got {p.kind!r}")
