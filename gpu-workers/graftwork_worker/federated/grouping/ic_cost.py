"""FedAvg-IC's two grouping costs (arXiv:2012.04857), as in the authors' FL-Sim code.

IID cost      Δ = Σ_k (n_k/n) ‖g_k − g‖, g_k the group's sample-weighted mean gradient.
Comm. cost    C = Σ_k Σ_{i∈k} hops(i, PS_k), PS_k the member with the fewest total hops
              to the other members (the group's parameter server).
Objective     J = w_Δ·Δ/μ_Δ + w_C·C/μ_C, μ = each cost's mean over random groupings, so
              the two terms are on one scale; (w_Δ, w_C) = (1, 0) or (0, 1) are the ablations.

(n_k/n)(g_k − g) = Σ_{i∈k} (n_i/n)(g_i − g), so each node is reduced once to a
"deviation" row d_i = (n_i/n)(g_i − g) and a group's IID cost is the norm of its rows' sum.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assignment import balanced_random_labels, check_group_count


@dataclass(frozen=True)
class IcCostWeights:
    iid: float = 1.0
    comm: float = 1.0

    def __post_init__(self) -> None:
        if self.iid < 0 or self.comm < 0 or self.iid + self.comm == 0:
            raise ValueError(f"cost weights must be >= 0 and not both 0, got iid={self.iid}, comm={self.comm}")


class IcGroupingCosts:
    """The costs of groupings of one population (fixed gradients, sizes and hop matrix)."""

    def __init__(self, gradients: np.ndarray, sizes: np.ndarray, hops: np.ndarray) -> None:
        gradients = np.asarray(gradients, dtype=np.float64)
        sizes = np.asarray(sizes, dtype=np.float64)
        hops = np.asarray(hops, dtype=np.float64)
        n = gradients.shape[0]
        if gradients.ndim != 2:
            raise ValueError(f"gradients must be [nodes, parameters], got shape {gradients.shape}")
        if sizes.shape != (n,) or np.any(sizes <= 0):
            raise ValueError(f"sizes must be {n} positive sample counts, got shape {sizes.shape}")
        if hops.shape != (n, n) or np.any(hops < 0):
            raise ValueError(f"hops must be a non-negative [{n}, {n}] matrix, got shape {hops.shape}")
        share = sizes / sizes.sum()
        global_gradient = share @ gradients
        self.deviations = share[:, None] * (gradients - global_gradient)
        self.hops = hops
        self.num_nodes = n

    def iid_cost(self, labels: np.ndarray) -> float:
        total = 0.0
        for k in np.unique(labels):
            total += float(np.linalg.norm(self.deviations[labels == k].sum(axis=0)))
        return total

    def comm_cost(self, labels: np.ndarray) -> float:
        total = 0.0
        for k in np.unique(labels):
            members = np.flatnonzero(labels == k)
            total += float(self.hops[np.ix_(members, members)].sum(axis=1).min())
        return total

    def random_means(self, num_groups: int, rng: np.random.Generator, samples: int = 100) -> tuple[float, float]:
        """(μ_Δ, μ_C): each cost's mean over `samples` balanced random groupings."""
        check_group_count(self.num_nodes, num_groups)
        iid, comm = [], []
        for _ in range(samples):
            labels = balanced_random_labels(self.num_nodes, num_groups, rng)
            iid.append(self.iid_cost(labels))
            comm.append(self.comm_cost(labels))
        return float(np.mean(iid)), float(np.mean(comm))


def group_servers(hops: np.ndarray, labels: np.ndarray, num_groups: int) -> np.ndarray:
    """Each group's parameter server: the member with the fewest total hops to the others."""
    servers = np.empty(num_groups, dtype=np.int64)
    for k in range(num_groups):
        members = np.flatnonzero(labels == k)
        if members.size == 0:
            raise ValueError(f"group {k} has no member")
        servers[k] = members[int(np.argmin(hops[np.ix_(members, members)].sum(axis=1)))]
    return servers
