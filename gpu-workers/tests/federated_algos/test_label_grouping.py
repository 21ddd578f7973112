import numpy as np
import pytest

from graftwork_worker.federated.grouping.label_grouping import (
    distance_to_population,
    group_by_labels,
    within_group_distance,
)

from .pod_fixtures import skewed_histograms

N, CLASSES, G = 60, 10, 6


def _hist() -> np.ndarray:
    return skewed_histograms(N, CLASSES, 2, np.random.default_rng(0))


@pytest.mark.parametrize("method", ["random", "iid", "cluster"])
def test_groups_are_balanced(method: str) -> None:
    labels = group_by_labels(_hist(), G, method, np.random.default_rng(1))
    assert np.bincount(labels, minlength=G).max() <= -(-N // G)
    assert np.bincount(labels, minlength=G).min() >= 1


def test_iid_groups_mirror_the_population_better_than_clustered_and_random_ones() -> None:
    hist = _hist()
    iid = group_by_labels(hist, G, "iid", np.random.default_rng(2))
    cluster = group_by_labels(hist, G, "cluster", np.random.default_rng(2))
    random = group_by_labels(hist, G, "random", np.random.default_rng(2))
    assert distance_to_population(hist, iid) < distance_to_population(hist, random)
    assert distance_to_population(hist, random) < distance_to_population(hist, cluster)
    assert distance_to_population(hist, iid) < 0.3 * distance_to_population(hist, cluster)


def test_clustered_groups_are_label_homogeneous() -> None:
    hist = _hist()
    cluster = group_by_labels(hist, G, "cluster", np.random.default_rng(3))
    iid = group_by_labels(hist, G, "iid", np.random.default_rng(3))
    assert within_group_distance(hist, cluster) < 0.7 * within_group_distance(hist, iid)


def test_unknown_method_is_named() -> None:
    with pytest.raises(ValueError, match="grouping must be one of"):
        group_by_labels(_hist(), G, "kmeans", np.random.default_rng(0))
