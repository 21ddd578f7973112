"""Clients placed on a topology, and the analytic time model that prices a round.

A round is a list of `Stage`s run one after another. A stage is some local computation
(the stage waits for its slowest client) followed by transfers that run concurrently.
A transfer takes `sum(delay of its links) + max over its links(load / bandwidth)`, where a
link's load is all bytes crossing it in that stage (fair sharing: contention). With
in-network combining, uploads to one destination merge in the switches (a link carries
each destination's model once) and downloads from one source are multicast.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .topology import Topology, fat_tree, random_graph


@dataclass(frozen=True)
class Transfer:
    src: int  # node id (see Network.client_node / server_node)
    dst: int
    bytes: int
    combine: str = "none"  # "up": merges with flows to the same dst; "down": multicast from src


@dataclass
class Stage:
    clients: Sequence[int] = ()  # clients computing in this stage
    samples: Sequence[int] = ()  # samples each of them processes (epochs x n_i)
    transfers: Sequence[Transfer] = ()


@dataclass
class StageCost:
    compute_s: float
    transfer_s: float
    bytes: int


@dataclass
class NetworkSettings:
    topology: str = "fat_tree"  # "fat_tree" | "random" | "star"
    pods: int = 10
    switches: int = 20  # random graph only
    degree: int = 4  # random graph only
    placement: str = "block"  # "block": consecutive clients share a switch; "random"
    bandwidth_mbps: tuple[float, float] = (1.0, 100.0)  # MB/s per link, drawn uniformly
    delay_ms: float = 1.0
    client_gflops: tuple[float, float] = (5.0, 5.0)  # FLOP/s x 1e9 per client, drawn uniformly
    in_network_combining: bool = True


@dataclass
class Network:
    topology: Topology
    client_node: np.ndarray  # [clients] host node of each client
    client_location: np.ndarray  # [clients] pod / location id
    server_node: int
    link_bandwidth: np.ndarray  # [links] bytes per second
    link_delay: np.ndarray  # [links] seconds
    client_flops: np.ndarray  # [clients] FLOP per second
    in_network_combining: bool
    _trees: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _client_hops: np.ndarray | None = field(default=None, repr=False)

    @property
    def num_clients(self) -> int:
        return int(self.client_node.shape[0])

    @property
    def num_locations(self) -> int:
        return self.topology.num_pods

    def _tree(self, source: int) -> tuple[np.ndarray, np.ndarray]:
        if source not in self._trees:
            self._trees[source] = self.topology.bfs(source)
        return self._trees[source]

    def hops(self, a: int, b: int) -> int:
        return int(self._tree(a)[0][b])

    def path(self, a: int, b: int) -> list[int]:
        """Link ids from node a to node b along the BFS tree rooted at a."""
        _, via = self._tree(a)
        links: list[int] = []
        node = b
        while node != a:
            link = int(via[node])
            links.append(link)
            u, v = self.topology.links[link]
            node = u if v == node else v
        return links[::-1]

    def client_hops(self) -> np.ndarray:
        """[clients, clients] hop distances between client hosts (computed once; do not modify)."""
        if self._client_hops is None:
            # Clients on one switch see the same distances, so one BFS per occupied switch.
            nodes = self.client_node
            switch = np.array([self.topology.host_switch(int(n)) for n in nodes], dtype=np.int64)
            rows = {int(s): self._tree(int(s))[0][nodes] for s in np.unique(switch)}
            hops = np.stack([rows[int(s)] + 1 for s in switch])
            np.fill_diagonal(hops, 0)
            self._client_hops = hops
        return self._client_hops


    def server_hops(self) -> np.ndarray:
        return self._tree(self.server_node)[0][self.client_node]

    def locations(self) -> list[list[int]]:
        """Clients of each location (pod), in client order; empty locations omitted."""
        groups = [np.flatnonzero(self.client_location == p).tolist() for p in range(self.num_locations)]
        return [g for g in groups if g]

    # -- the time model -------------------------------------------------------------------
    def transfer_time(self, transfers: Sequence[Transfer]) -> float:
        load: dict[int, float] = defaultdict(float)
        merged: dict[tuple[int, str, int], float] = {}
        paths = [self.path(t.src, t.dst) for t in transfers]
        for t, links in zip(transfers, paths):
            for link in links:
                if self.in_network_combining and t.combine in ("up", "down"):
                    key = (link, t.combine, t.dst if t.combine == "up" else t.src)
                    merged[key] = max(merged.get(key, 0.0), float(t.bytes))
                else:
                    load[link] += float(t.bytes)
        for (link, _, _), size in merged.items():
            load[link] += size
        worst = 0.0
        for links in paths:
            if links:
                delay = float(self.link_delay[links].sum())
                worst = max(worst, delay + max(load[link] / float(self.link_bandwidth[link]) for link in links))
        return worst

    def compute_time(self, clients: Sequence[int], samples: Sequence[int], flops_per_sample: float) -> float:
        if len(clients) == 0:
            return 0.0
        speed = self.client_flops[np.asarray(clients, dtype=np.int64)]
        return float((np.asarray(samples, dtype=np.float64) * flops_per_sample / speed).max())

    def stage_cost(self, stage: Stage, flops_per_sample: float) -> StageCost:
        return StageCost(compute_s=self.compute_time(stage.clients, stage.samples, flops_per_sample),
                         transfer_s=self.transfer_time(stage.transfers),
                         bytes=int(sum(t.bytes for t in stage.transfers)))

    def round_cost(self, stages: Sequence[Stage], flops_per_sample: float) -> StageCost:
        costs = [self.stage_cost(s, flops_per_sample) for s in stages]
        return StageCost(compute_s=sum(c.compute_s for c in costs), transfer_s=sum(c.transfer_s for c in costs),
                         bytes=sum(c.bytes for c in costs))

    def describe(self) -> dict:
        """Placement and topology for the dashboard (JSON-able)."""
        return {"topology": self.topology.kind, "pods": self.topology.num_pods,
                "switches": self.topology.num_switches, "links": [list(l) for l in self.topology.links],
                "serverNode": self.server_node, "clientNode": self.client_node.tolist(),
                "clientLocation": self.client_location.tolist()}


def build_network(settings: NetworkSettings, num_clients: int, rng: np.random.Generator) -> Network:
    topo = _topology(settings, num_clients, rng)
    edges = list(topo.edge_switches)
    if settings.placement == "block":
        switch_of = [edges[i * len(edges) // num_clients] for i in range(num_clients)]
    elif settings.placement == "random":
        switch_of = [edges[int(j)] for j in rng.integers(0, len(edges), num_clients)]
    else:
        raise ValueError(f"network.placement: expected 'block' or 'random', got {settings.placement!r}")
    nodes = np.array([topo.add_host(s) for s in switch_of], dtype=np.int64)
    server = topo.add_host(topo.core_switches[0])
    lo, hi = _range("network.bandwidthMBps", settings.bandwidth_mbps)
    glo, ghi = _range("network.clientGflops", settings.client_gflops)
    if settings.delay_ms < 0:
        raise ValueError(f"network.delayMs: expected a number >= 0, got {settings.delay_ms}")
    links = len(topo.links)
    return Network(topology=topo, client_node=nodes,
                   client_location=np.array([topo.switch_pod[s] for s in switch_of], dtype=np.int64),
                   server_node=server, link_bandwidth=rng.uniform(lo, hi, links) * 1e6,
                   link_delay=np.full(links, settings.delay_ms / 1e3),
                   client_flops=rng.uniform(glo, ghi, num_clients) * 1e9,
                   in_network_combining=settings.in_network_combining)


def _topology(settings: NetworkSettings, num_clients: int, rng: np.random.Generator) -> Topology:
    if settings.topology == "fat_tree":
        return fat_tree(settings.pods)
    if settings.topology == "random":
        return random_graph(settings.switches, settings.degree, settings.pods, rng)
    if settings.topology == "star":  # every client one hop from a single switch: no locations
        return Topology("star", 1, [0], {0: 0}, 1, [0])
    raise ValueError(f"network.topology: expected 'fat_tree', 'random' or 'star', got {settings.topology!r}")


def _range(field_name: str, value: tuple[float, float]) -> tuple[float, float]:
    lo, hi = value
    if not 0 < lo <= hi:
        raise ValueError(f"{field_name}: expected 0 < low <= high, got [{lo}, {hi}]")
    return float(lo), float(hi)
