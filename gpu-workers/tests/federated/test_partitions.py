"""Partitions: coverage, skew where asked for, determinism, clear errors."""
from __future__ import annotations

import numpy as np
import pytest

from graftwork_worker.federated import partitions as P

Y = np.repeat(np.arange(10), 60)  # 600 rows, 10 balanced classes


def labels_per_client(parts: list[np.ndarray]) -> list[int]:
    return [len(np.unique(Y[p])) for p in parts]


def assert_disjoint_cover(parts: list[np.ndarray], total: int = len(Y)) -> None:
    rows = np.concatenate(parts)
    assert len(rows) == len(np.unique(rows)) == total


def test_iid_covers_everything_evenly() -> None:
    parts = P.iid(Y, 8, np.random.default_rng(0))
    assert_disjoint_cover(parts)
    assert {len(p) for p in parts} == {75}
    assert min(labels_per_client(parts)) >= 8


def test_dirichlet_small_alpha_skews_more_than_large() -> None:
    skewed = P.dirichlet(Y, 10, 0.05, np.random.default_rng(0))
    mixed = P.dirichlet(Y, 10, 100.0, np.random.default_rng(0))
    assert_disjoint_cover(skewed)
    assert np.mean(labels_per_client(skewed)) < np.mean(labels_per_client(mixed))
    assert min(len(p) for p in skewed) >= 2


def test_dirichlet_rejects_bad_alpha() -> None:
    with pytest.raises(ValueError, match="partition.alpha"):
        P.dirichlet(Y, 10, 0.0, np.random.default_rng(0))


def test_shards_give_few_classes_each() -> None:
    parts = P.shards(Y, 20, 2, np.random.default_rng(1))
    assert_disjoint_cover(parts)
    assert max(labels_per_client(parts)) <= 2


def test_power_law_sizes_are_skewed_and_classes_limited() -> None:
    parts = P.power_law(Y, 30, 1.0, 2, np.random.default_rng(2))
    sizes = P.sizes(parts)
    assert max(labels_per_client(parts)) <= 2
    assert sizes.max() >= 4 * np.median(sizes)
    rows = np.concatenate(parts)
    assert len(rows) == len(np.unique(rows))


def test_location_skew_keeps_locations_non_iid() -> None:
    location = np.repeat(np.arange(5), 4)  # 20 clients, 5 locations
    parts = P.location_skew(Y, location, 2.0, 3.0, np.random.default_rng(3))
    for loc in range(5):
        members = np.concatenate([parts[i] for i in np.flatnonzero(location == loc)])
        assert len(np.unique(Y[members])) <= 7  # a location sees a subset of the classes
    assert np.mean(labels_per_client(parts)) <= 4
    rows = np.concatenate(parts)
    assert len(rows) == len(np.unique(rows))


def test_location_skew_rejects_a_mean_above_the_classes() -> None:
    with pytest.raises(ValueError, match="meanClassesPerNode"):
        P.location_skew(Y, np.zeros(4, dtype=int), 11.0, 3.0, np.random.default_rng(0))


def test_given_client_ids() -> None:
    ids = np.array([3, 3, 7, 3, 7, 9])
    assert [p.tolist() for p in P.given(ids)] == [[0, 1, 3], [2, 4], [5]]


@pytest.mark.parametrize("make", [
    lambda r: P.iid(Y, 7, r), lambda r: P.dirichlet(Y, 7, 0.5, r), lambda r: P.shards(Y, 7, 2, r),
    lambda r: P.power_law(Y, 7, 1.5, 2, r),
])
def test_same_seed_same_partition(make) -> None:
    a, b = make(np.random.default_rng(42)), make(np.random.default_rng(42))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_too_many_clients_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="numClients"):
        P.iid(Y[:5], 6, np.random.default_rng(0))
