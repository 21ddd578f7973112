"""Helpers on groupings, represented as a label array: `labels[i]` = group of node i."""
from __future__ import annotations

import numpy as np


def balanced_random_labels(num_nodes: int, num_groups: int, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random grouping whose group sizes differ by at most one."""
    check_group_count(num_nodes, num_groups)
    labels = np.arange(num_nodes) % num_groups
    return rng.permutation(labels)


def members_of(labels: np.ndarray, num_groups: int) -> list[np.ndarray]:
    return [np.flatnonzero(labels == k) for k in range(num_groups)]


def check_group_count(num_nodes: int, num_groups: int) -> None:
    if num_groups < 1 or num_groups > num_nodes:
        raise ValueError(f"num_groups must be in [1, {num_nodes}] (one node at least per group), got {num_groups}")


def group_capacity(num_nodes: int, num_groups: int) -> int:
    """The balanced cap ⌈N/G⌉ used by TornadoAggregate's grouping."""
    return -(-num_nodes // num_groups)
