"""Small synthetic populations for grouping tests: nodes in pods, label skew by pod."""
from __future__ import annotations

import numpy as np


def pod_hops(num_nodes: int, num_pods: int, per_edge_switch: int = 2) -> np.ndarray:
    """Fat-tree-like hop counts: 0 self, 2 same edge switch, 4 same pod, 6 across pods."""
    node = np.arange(num_nodes)
    pod = node % num_pods
    edge = node // num_pods // per_edge_switch
    hops = np.where(pod[:, None] == pod[None, :], np.where(edge[:, None] == edge[None, :], 2, 4), 6)
    np.fill_diagonal(hops, 0)
    return hops.astype(np.float64)


def pod_gradients(num_nodes: int, num_pods: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Each pod's gradients cluster around their own direction: pods are non-IID."""
    pod = np.arange(num_nodes) % num_pods
    centres = rng.normal(size=(num_pods, dim)) * 3.0
    return centres[pod] + rng.normal(size=(num_nodes, dim))


def skewed_histograms(num_nodes: int, num_classes: int, classes_per_node: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Per-node label counts over `classes_per_node` consecutive classes (MNIST-style skew)."""
    counts = np.zeros((num_nodes, num_classes))
    for i in range(num_nodes):
        first = rng.integers(num_classes)
        for c in range(classes_per_node):
            counts[i, (first + c) % num_classes] = rng.integers(20, 60)
    return counts
