"""FedAvg-IC's k-medoids search for a grouping that minimises J (see ic_cost.py).

As in the authors' code: G random medoids seed the groups; every other node, in random
order, joins the group where it raises J the least; each group's new medoid is the member
with the lowest n_i‖g_i − g‖/μ_Δ + Σ_{j∈k} hops(i, j)/μ_C; repeat until J has not improved
by more than 1% (relative) for 5 iterations. The best grouping seen is returned.
J is additive over groups, so a node's marginal cost is computed per group in O(N).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assignment import check_group_count
from .ic_cost import IcCostWeights, IcGroupingCosts


@dataclass(frozen=True)
class IcSearchConfig:
    num_groups: int
    weights: IcCostWeights = IcCostWeights()
    normaliser_samples: int = 100
    min_relative_improvement: float = 0.01
    patience: int = 5
    max_iterations: int = 200
    max_group_size: int | None = None  # None: unconstrained, as in the paper


@dataclass(frozen=True)
class IcSearchResult:
    labels: np.ndarray
    objective: float
    iid_cost: float
    comm_cost: float
    mean_random_iid: float
    mean_random_comm: float
    iterations: int


def search_ic_grouping(costs: IcGroupingCosts, config: IcSearchConfig, rng: np.random.Generator) -> IcSearchResult:
    n, g = costs.num_nodes, config.num_groups
    check_group_count(n, g)
    if config.max_group_size is not None and config.max_group_size * g < n:
        raise ValueError(f"max_group_size={config.max_group_size} × num_groups={g} cannot hold {n} nodes")
    mu_iid, mu_comm = costs.random_means(g, rng, config.normaliser_samples)
    scale_iid = config.weights.iid / mu_iid if mu_iid > 0 else 0.0
    scale_comm = config.weights.comm / mu_comm if mu_comm > 0 else 0.0

    medoids = rng.choice(n, size=g, replace=False)
    best_labels, best_j = None, np.inf
    reference_j, stale, iterations = np.inf, 0, 0
    while iterations < config.max_iterations and stale < config.patience:
        iterations += 1
        labels = _greedy_assign(costs, medoids, scale_iid, scale_comm, config.max_group_size, rng)
        j = scale_iid * costs.iid_cost(labels) + scale_comm * costs.comm_cost(labels)
        if j < best_j:
            best_labels, best_j = labels, j
        # Patience counts iterations since the last improvement of more than 1%.
        if j < reference_j * (1.0 - config.min_relative_improvement):
            reference_j, stale = j, 0
        else:
            stale += 1
        medoids = _update_medoids(costs, labels, g, scale_iid, scale_comm)
    assert best_labels is not None
    return IcSearchResult(best_labels, float(best_j), costs.iid_cost(best_labels), costs.comm_cost(best_labels),
                          mu_iid, mu_comm, iterations)


def ic_objective(costs: IcGroupingCosts, labels: np.ndarray, weights: IcCostWeights,
                 mu_iid: float, mu_comm: float) -> float:
    """J of any grouping, normalised by the same random means as a search result's."""
    j = 0.0
    if weights.iid and mu_iid > 0:
        j += weights.iid * costs.iid_cost(labels) / mu_iid
    if weights.comm and mu_comm > 0:
        j += weights.comm * costs.comm_cost(labels) / mu_comm
    return j


def _greedy_assign(costs: IcGroupingCosts, medoids: np.ndarray, scale_iid: float, scale_comm: float,
                   max_size: int | None, rng: np.random.Generator) -> np.ndarray:
    n, g = costs.num_nodes, medoids.size
    labels = np.full(n, -1, dtype=np.int64)
    labels[medoids] = np.arange(g)
    dev_sum = costs.deviations[medoids].copy()  # [G, D]: each group's summed deviation rows
    hop_sum = costs.hops[:, medoids].T.copy()  # [G, N]: hops from every node to each group's members
    member = np.zeros((g, n), dtype=bool)
    member[np.arange(g), medoids] = True
    sizes = np.ones(g, dtype=np.int64)
    comm_now = np.zeros(g)  # a lone medoid is its own server: zero hops
    iid_now = np.linalg.norm(dev_sum, axis=1)
    for i in rng.permutation(np.setdiff1d(np.arange(n), medoids)):
        iid_new = np.linalg.norm(dev_sum + costs.deviations[i], axis=1)
        hop_new = hop_sum + costs.hops[:, i][None, :]
        with_i = member.copy()
        with_i[:, i] = True
        comm_new = np.where(with_i, hop_new, np.inf).min(axis=1)
        marginal = scale_iid * (iid_new - iid_now) + scale_comm * (comm_new - comm_now)
        if max_size is not None:
            marginal = np.where(sizes >= max_size, np.inf, marginal)
        k = int(np.argmin(marginal))
        labels[i] = k
        dev_sum[k] += costs.deviations[i]
        hop_sum[k] = hop_new[k]
        member[k, i] = True
        sizes[k] += 1
        iid_now[k], comm_now[k] = iid_new[k], comm_new[k]
    return labels


def _update_medoids(costs: IcGroupingCosts, labels: np.ndarray, num_groups: int,
                    scale_iid: float, scale_comm: float) -> np.ndarray:
    own_iid = np.linalg.norm(costs.deviations, axis=1)  # (n_i/n)‖g_i − g‖
    medoids = np.empty(num_groups, dtype=np.int64)
    for k in range(num_groups):
        members = np.flatnonzero(labels == k)
        score = scale_iid * own_iid[members] + scale_comm * costs.hops[np.ix_(members, members)].sum(axis=1)
        medoids[k] = members[int(np.argmin(score))]
    return medoids
