"""Topologies, hop distances and the time model."""
from __future__ import annotations

import numpy as np
import pytest

from graftwork_worker.federated.network import NetworkSettings, Stage, Transfer, build_network
from graftwork_worker.federated.topology import fat_tree, random_graph


def fat_tree_network(clients: int = 16, **kw) -> "object":
    settings = NetworkSettings(topology="fat_tree", pods=4, bandwidth_mbps=(10.0, 10.0), delay_ms=1.0, **kw)
    return build_network(settings, clients, np.random.default_rng(0))


def test_fat_tree_shape() -> None:
    topo = fat_tree(4)
    assert topo.num_switches == 4 + 4 * 4  # (k/2)^2 cores + k pods x k switches
    assert len(topo.edge_switches) == 8
    assert len(topo.links) == 4 * 2 * 2 + 4 * 2 * 2  # agg-core + agg-edge
    with pytest.raises(ValueError, match="network.pods"):
        fat_tree(3)


def test_fat_tree_hop_distances() -> None:
    net = fat_tree_network(16)  # 2 clients per edge switch, 4 per pod
    hops = net.client_hops()
    assert hops[0, 0] == 0
    assert hops[0, 1] == 2  # same edge switch
    assert hops[0, 2] == 4  # same pod, other edge switch
    assert hops[0, 4] == 6  # other pod
    assert (hops == hops.T).all()
    assert set(net.server_hops().tolist()) == {4}  # server on a core switch
    assert [len(g) for g in net.locations()] == [4, 4, 4, 4]


def test_random_graph_is_connected_with_the_asked_degree() -> None:
    topo = random_graph(12, 3, 3, np.random.default_rng(1))
    dist, _ = topo.bfs(0)
    assert (dist[:12] >= 0).all()
    degrees = np.bincount(np.array(topo.links).ravel(), minlength=12)
    assert degrees.max() <= 3 and degrees.sum() >= 2 * 16
    net = build_network(NetworkSettings(topology="random", switches=12, degree=3, pods=3), 9,
                        np.random.default_rng(1))
    hops = net.client_hops()
    off_diagonal = hops[~np.eye(9, dtype=bool)]
    assert (hops.diagonal() == 0).all() and (off_diagonal >= 2).all()  # hosts hang off switches
    assert set(net.client_location.tolist()) <= {0, 1, 2}


def test_transfer_time_is_delay_plus_bytes_over_bandwidth() -> None:
    net = fat_tree_network(16)
    one = net.transfer_time([Transfer(int(net.client_node[0]), int(net.client_node[1]), 1_000_000)])
    assert one == pytest.approx(2 * 1e-3 + 1_000_000 / 10e6)  # 2 hops, 10 MB/s


def test_contention_on_a_shared_link_slows_transfers() -> None:
    net = fat_tree_network(16, in_network_combining=False)
    dst = int(net.client_node[1])
    alone = net.transfer_time([Transfer(int(net.client_node[0]), dst, 1_000_000)])
    shared = net.transfer_time([Transfer(int(net.client_node[0]), dst, 1_000_000),
                                Transfer(int(net.client_node[2]), dst, 1_000_000)])
    assert shared > alone * 1.5


def test_in_network_combining_cuts_upload_time() -> None:
    uploads = lambda net: [Transfer(int(n), net.server_node, 1_000_000, "up") for n in net.client_node]  # noqa: E731
    plain = fat_tree_network(16, in_network_combining=False)
    combined = fat_tree_network(16, in_network_combining=True)
    assert combined.transfer_time(uploads(combined)) < plain.transfer_time(uploads(plain)) / 2


def test_compute_time_waits_for_the_straggler() -> None:
    net = build_network(NetworkSettings(pods=4, client_gflops=(1.0, 1.0)), 16, np.random.default_rng(0))
    cost = net.stage_cost(Stage(clients=[0, 1], samples=[10, 40]), flops_per_sample=1e9)
    assert cost.compute_s == pytest.approx(40.0)
    assert cost.transfer_s == 0 and cost.bytes == 0


def test_bad_settings_name_the_field() -> None:
    with pytest.raises(ValueError, match="network.bandwidthMBps"):
        build_network(NetworkSettings(bandwidth_mbps=(5.0, 1.0)), 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="network.topology"):
        build_network(NetworkSettings(topology="torus"), 4, np.random.default_rng(0))


@pytest.mark.parametrize("settings", [NetworkSettings(pods=4), NetworkSettings(topology="star"),
                                      NetworkSettings(topology="random", switches=10, degree=3, pods=2)])
def test_the_hop_matrix_agrees_with_per_pair_searches(settings: NetworkSettings) -> None:
    net = build_network(settings, 12, np.random.default_rng(4))
    pairwise = np.array([[net.hops(int(a), int(b)) for b in net.client_node] for a in net.client_node])
    assert np.array_equal(net.client_hops(), pairwise)
