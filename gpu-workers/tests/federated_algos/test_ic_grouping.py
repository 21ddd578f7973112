import numpy as np
import pytest

from graftwork_worker.federated.grouping.assignment import balanced_random_labels
from graftwork_worker.federated.grouping.ic_cost import IcCostWeights, IcGroupingCosts, group_servers
from graftwork_worker.federated.grouping.ic_kmedoids import IcSearchConfig, ic_objective, search_ic_grouping

from .pod_fixtures import pod_gradients, pod_hops

N, PODS, G = 40, 5, 5


def _costs(seed: int = 0) -> IcGroupingCosts:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(20, 200, size=N)
    return IcGroupingCosts(pod_gradients(N, PODS, 8, rng), sizes, pod_hops(N, PODS))


def test_iid_cost_is_zero_for_one_group_and_positive_for_pods() -> None:
    costs = _costs()
    assert costs.iid_cost(np.zeros(N, dtype=int)) == pytest.approx(0.0, abs=1e-9)
    assert costs.iid_cost(np.arange(N) % PODS) > 1.0


def test_comm_cost_uses_the_most_central_member_as_server() -> None:
    hops = pod_hops(N, PODS)
    labels = np.arange(N) % PODS  # groups = pods: every member within 4 hops
    servers = group_servers(hops, labels, PODS)
    for k, s in enumerate(servers):
        members = np.flatnonzero(labels == k)
        assert hops[s, members].sum() == hops[np.ix_(members, members)].sum(axis=1).min()
    costs = _costs()
    assert costs.comm_cost(labels) < costs.comm_cost(balanced_random_labels(N, PODS, np.random.default_rng(1)))


def test_search_beats_random_groupings_on_the_joint_objective() -> None:
    costs = _costs()
    weights = IcCostWeights()
    result = search_ic_grouping(costs, IcSearchConfig(num_groups=G, weights=weights), np.random.default_rng(2))
    rng = np.random.default_rng(3)
    random_js = [ic_objective(costs, balanced_random_labels(N, G, rng), weights,
                              result.mean_random_iid, result.mean_random_comm) for _ in range(50)]
    assert result.objective < min(random_js)
    assert result.objective == pytest.approx(
        ic_objective(costs, result.labels, weights, result.mean_random_iid, result.mean_random_comm))
    assert set(result.labels.tolist()) == set(range(G))


def test_ablations_move_their_own_cost() -> None:
    costs = _costs()
    iid_only = search_ic_grouping(costs, IcSearchConfig(G, IcCostWeights(1.0, 0.0)), np.random.default_rng(4))
    comm_only = search_ic_grouping(costs, IcSearchConfig(G, IcCostWeights(0.0, 1.0)), np.random.default_rng(4))
    # IID-only mixes pods (low Δ, high C); comm-only keeps pods together (low C, high Δ).
    assert iid_only.iid_cost < comm_only.iid_cost
    assert comm_only.comm_cost < iid_only.comm_cost
    assert iid_only.iid_cost < 0.5 * iid_only.mean_random_iid
    assert comm_only.comm_cost < 0.8 * comm_only.mean_random_comm


def test_max_group_size_is_respected() -> None:
    result = search_ic_grouping(_costs(), IcSearchConfig(G, max_group_size=8), np.random.default_rng(5))
    assert np.bincount(result.labels, minlength=G).max() <= 8


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ValueError, match="hops"):
        IcGroupingCosts(np.zeros((3, 2)), np.ones(3), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="num_groups"):
        search_ic_grouping(_costs(), IcSearchConfig(num_groups=0), np.random.default_rng(0))
    with pytest.raises(ValueError, match="cost weights"):
        IcCostWeights(0.0, 0.0)
