"""TornadoAggregate's groupings on label histograms (L1), each group capped at ⌈N/G⌉.

- `random`:  a balanced random split.
- `iid`:     groups that mirror the population: minimise Σ_k (n_k/n)·‖P_k − P‖₁ with P_k the
             group's label distribution. Since (n_k/n)·‖P_k − P‖₁ = ‖c_k − n_k·P‖₁ / n (c_k the
             group's label counts), the objective is additive over groups: seeds = G random
             medoids, greedy capped assignment, then improving pairwise swaps (which keep sizes).
- `cluster`: label-homogeneous groups: balanced k-medoids minimising Σ_i ‖P_i − P_medoid(i)‖₁,
             nodes assigned in order of regret (how much they lose by not getting their
             nearest medoid) so that full groups push away the nodes that care least.
"""
from __future__ import annotations

from enum import Enum

import numpy as np

from .assignment import balanced_random_labels, check_group_count, group_capacity


class GroupingMethod(str, Enum):
    RANDOM = "random"
    IID = "iid"
    CLUSTER = "cluster"


def group_by_labels(histograms: np.ndarray, num_groups: int, method: GroupingMethod | str,
                    rng: np.random.Generator, restarts: int = 3) -> np.ndarray:
    """Labels [N] in 0..G-1 for `histograms` [N, classes] of per-node label counts."""
    counts = _check_histograms(histograms)
    n = counts.shape[0]
    check_group_count(n, num_groups)
    try:
        method = GroupingMethod(method)
    except ValueError:
        raise ValueError(f"grouping must be one of {[m.value for m in GroupingMethod]}, got {method!r}") from None
    if method is GroupingMethod.RANDOM:
        return balanced_random_labels(n, num_groups, rng)
    search, score = (_iid_search, distance_to_population) if method is GroupingMethod.IID \
        else (_cluster_search, within_group_distance)
    candidates = [search(counts, num_groups, rng) for _ in range(max(1, restarts))]
    return min(candidates, key=lambda labels: score(counts, labels))


def distance_to_population(histograms: np.ndarray, labels: np.ndarray) -> float:
    """Σ_k (n_k/n)·‖P_k − P‖₁: 0 when every group has the population's label mix."""
    counts = _check_histograms(histograms)
    total = counts.sum()
    population = counts.sum(axis=0) / total
    return float(sum(np.abs(counts[labels == k].sum(axis=0) - counts[labels == k].sum() * population).sum()
                     for k in np.unique(labels)) / total)


def within_group_distance(histograms: np.ndarray, labels: np.ndarray) -> float:
    """Mean over nodes of ‖P_i − P_k‖₁, P_k the node's group's label distribution."""
    counts = _check_histograms(histograms)
    dists = _distributions(counts)
    total = 0.0
    for k in np.unique(labels):
        group = counts[labels == k].sum(axis=0)
        total += float(np.abs(dists[labels == k] - group / group.sum()).sum())
    return total / counts.shape[0]


def _check_histograms(histograms: np.ndarray) -> np.ndarray:
    counts = np.asarray(histograms, dtype=np.float64)
    if counts.ndim != 2 or np.any(counts < 0) or np.any(counts.sum(axis=1) <= 0):
        raise ValueError("histograms must be [nodes, classes] non-negative label counts, every node with samples")
    return counts


def _distributions(counts: np.ndarray) -> np.ndarray:
    return counts / counts.sum(axis=1, keepdims=True)


def _iid_search(counts: np.ndarray, g: int, rng: np.random.Generator) -> np.ndarray:
    n = counts.shape[0]
    cap = group_capacity(n, g)
    population = counts.sum(axis=0) / counts.sum()
    sizes_n = counts.sum(axis=1)
    seeds = rng.choice(n, size=g, replace=False)
    labels = np.full(n, -1, dtype=np.int64)
    labels[seeds] = np.arange(g)
    group_counts = counts[seeds].copy()
    members = np.ones(g, dtype=np.int64)
    for i in rng.permutation(np.setdiff1d(np.arange(n), seeds)):
        before = np.abs(group_counts - group_counts.sum(axis=1, keepdims=True) * population).sum(axis=1)
        grown = group_counts + counts[i]
        after = np.abs(grown - grown.sum(axis=1, keepdims=True) * population).sum(axis=1)
        k = int(np.argmin(np.where(members >= cap, np.inf, after - before)))
        labels[i], group_counts[k], members[k] = k, grown[k], members[k] + 1
    return _improve_by_swaps(counts, sizes_n, population, labels, g, rng)


def _improve_by_swaps(counts: np.ndarray, sizes_n: np.ndarray, population: np.ndarray, labels: np.ndarray,
                      g: int, rng: np.random.Generator, max_passes: int = 10) -> np.ndarray:
    """Swap node pairs across groups while a swap lowers Σ_k ‖c_k − n_k·P‖₁ (sizes unchanged)."""
    labels = labels.copy()
    group_counts = np.stack([counts[labels == k].sum(axis=0) for k in range(g)])

    def term(c: np.ndarray) -> np.ndarray:
        return np.abs(c - c.sum(axis=-1, keepdims=True) * population).sum(axis=-1)

    for _ in range(max_passes):
        improved = False
        for i in rng.permutation(counts.shape[0]):
            k = labels[i]
            others = np.flatnonzero(labels != k)
            moved = counts[others] - counts[i]  # what group k gains (and j's group loses) when i ↔ j
            new_k = term(group_counts[k] + moved)
            new_l = term(group_counts[labels[others]] - moved)
            delta = new_k + new_l - term(group_counts[k]) - term(group_counts[labels[others]])
            best = int(np.argmin(delta))
            if delta[best] < -1e-9:
                j, l = others[best], labels[others[best]]
                group_counts[k] += moved[best]
                group_counts[l] -= moved[best]
                labels[i], labels[j] = l, k
                improved = True
        if not improved:
            break
    return labels


def _cluster_search(counts: np.ndarray, g: int, rng: np.random.Generator, max_iterations: int = 50) -> np.ndarray:
    n = counts.shape[0]
    cap = group_capacity(n, g)
    dists = _distributions(counts)
    pairwise = np.abs(dists[:, None, :] - dists[None, :, :]).sum(axis=2)  # [N, N] L1
    medoids = rng.choice(n, size=g, replace=False)
    labels = np.full(n, -1, dtype=np.int64)
    for _ in range(max_iterations):
        labels = _capped_nearest(pairwise[:, medoids], cap)
        new_medoids = medoids.copy()
        for k in range(g):
            members = np.flatnonzero(labels == k)
            new_medoids[k] = members[int(np.argmin(pairwise[np.ix_(members, members)].sum(axis=1)))]
        if np.array_equal(new_medoids, medoids):
            break
        medoids = new_medoids
    return labels


def _capped_nearest(to_medoids: np.ndarray, cap: int) -> np.ndarray:
    n, g = to_medoids.shape
    ordered = np.sort(to_medoids, axis=1)
    regret = ordered[:, 1] - ordered[:, 0] if g > 1 else np.zeros(n)
    labels = np.full(n, -1, dtype=np.int64)
    load = np.zeros(g, dtype=np.int64)
    for i in np.argsort(-regret, kind="stable"):
        choice = np.where(load >= cap, np.inf, to_medoids[i])
        k = int(np.argmin(choice))
        labels[i], load[k] = k, load[k] + 1
    return labels
