"""Typed settings of one federated run (parsed from the job spec by spec.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .network import NetworkSettings


@dataclass
class DataSettings:
    builtin: str | None = "digits"  # "mnist" | "digits" | "synthetic"; None when datasetVersionId is set
    dataset_version_id: str | None = None
    label_column: str = "label"  # CSV uploads
    test_fraction: float = 0.2
    proxy_fraction: float = 0.05  # of all samples, kept by the server as a proxy/validation set
    max_samples: int | None = None
    synthetic_alpha: float = 1.0
    synthetic_beta: float = 1.0
    synthetic_features: int = 60
    synthetic_classes: int = 10
    synthetic_samples: int = 6000


@dataclass
class PartitionSettings:
    kind: str = "iid"  # iid | dirichlet | shards | power_law | location_skew | given
    alpha: float = 0.5  # dirichlet
    classes_per_client: int = 2  # shards
    power_law_exponent: float = 1.5  # power_law sizes (label split inside a client: shards of classes_per_client)
    mean_classes_per_node: float = 2.0  # location_skew
    mean_classes_per_location: float = 5.0  # location_skew
    min_samples: int = 2


@dataclass
class ModelSettings:
    name: str = "softmax"
    hidden: int = 200
    cnn_channels: int = 16
    group_norm: bool = False


@dataclass
class FederatedConfig:
    algorithm: str = "fedavg"
    options: dict[str, Any] = field(default_factory=dict)
    data: DataSettings = field(default_factory=DataSettings)
    partition: PartitionSettings = field(default_factory=PartitionSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    num_clients: int = 100
    clients_per_round: int = 10
    rounds: int = 20
    local_epochs: int = 1
    batch_size: int = 10
    lr: float = 0.05
    lr_decay: float = 1.0  # lr of round r = lr * lr_decay**r
    seed: int = 0  # training: initial model, client sampling, data order
    data_seed: int | None = None  # split, partition, network; None: the same as seed
    eval_every: int = 1
    checkpoint_every: int = 5
    chunk_size: int | None = None  # clients per vectorised block; None: sized to the device
    client_metrics: bool = False  # per-client accuracy on the clients' own data every eval

    def lr_at(self, rnd: int) -> float:
        return self.lr * self.lr_decay**rnd
