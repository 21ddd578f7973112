"""Communication graphs: switches, hosts (clients and the server), links.

Node ids: switches first, then hosts. Every link is undirected with its own bandwidth
(bytes/s) and delay (s). Paths are BFS shortest paths with a deterministic tie-break, so
a transfer always crosses the same links and contention is reproducible.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Topology:
    kind: str
    num_switches: int
    edge_switches: list[int]  # switches hosts may attach to
    switch_pod: dict[int, int]  # edge switch -> location (pod) id
    num_pods: int
    core_switches: list[int]  # where the global server attaches
    links: list[tuple[int, int]] = field(default_factory=list)
    num_hosts: int = 0
    _adj: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # node -> [(neighbour, link id)]

    def add_link(self, a: int, b: int) -> int:
        self.links.append((a, b))
        link = len(self.links) - 1
        self._adj.setdefault(a, []).append((b, link))
        self._adj.setdefault(b, []).append((a, link))
        return link

    def add_host(self, switch: int) -> int:
        """A new host node attached to `switch`; returns its node id."""
        node = self.num_switches + self.num_hosts
        self.num_hosts += 1
        self.add_link(switch, node)
        return node

    def host_switch(self, host: int) -> int:
        """The switch a host hangs off (a host has exactly one link)."""
        (switch, _), = self._adj[host]
        return switch

    def bfs(self, source: int) -> tuple[np.ndarray, np.ndarray]:
        """(hops to every node, link used to reach it) from `source`; -1 where unreachable."""
        size = max(self._adj) + 1
        dist = np.full(size, -1, dtype=np.int64)
        via = np.full(size, -1, dtype=np.int64)
        dist[source] = 0
        queue = deque([source])
        while queue:
            u = queue.popleft()
            for v, link in sorted(self._adj.get(u, [])):
                if dist[v] < 0:
                    dist[v] = dist[u] + 1
                    via[v] = link
                    queue.append(v)
        return dist, via


def fat_tree(k: int) -> Topology:
    """The k-ary fat-tree: k pods of k/2 edge and k/2 aggregation switches, (k/2)^2 cores."""
    if k < 2 or k % 2:
        raise ValueError(f"network.pods: a fat-tree needs an even number of pods >= 2, got {k}")
    half = k // 2
    cores = list(range(half * half))
    next_id = len(cores)
    edges: list[int] = []
    switch_pod: dict[int, int] = {}
    pending: list[tuple[int, int]] = []
    for pod in range(k):
        aggs = list(range(next_id, next_id + half))
        pod_edges = list(range(next_id + half, next_id + k))
        next_id += k
        for i, agg in enumerate(aggs):
            pending += [(agg, cores[i * half + j]) for j in range(half)]
            pending += [(agg, e) for e in pod_edges]
        for e in pod_edges:
            switch_pod[e] = pod
        edges += pod_edges
    topo = Topology("fat_tree", next_id, edges, switch_pod, k, cores)
    for a, b in pending:
        topo.add_link(a, b)
    return topo


def random_graph(switches: int, degree: int, pods: int, rng: np.random.Generator) -> Topology:
    """Jellyfish-style random regular graph of switches, retried until connected.

    Locations ("pods") are contiguous blocks of switch ids, so placement by location is
    still meaningful on a graph that has no physical pods.
    """
    if switches < 2 or not 1 <= degree < switches:
        raise ValueError(f"network.switches/degree: need switches >= 2 and 1 <= degree < switches, "
                         f"got {switches}/{degree}")
    if not 1 <= pods <= switches:
        raise ValueError(f"network.pods: expected 1..{switches} for a random graph, got {pods}")
    for _ in range(100):
        pairs = _random_regular_pairs(switches, degree, rng)
        topo = Topology("random", switches, list(range(switches)),
                        {s: s * pods // switches for s in range(switches)}, pods, [0])
        for a, b in pairs:
            topo.add_link(a, b)
        if (topo.bfs(0)[0][:switches] >= 0).all():
            return topo
    raise ValueError(f"network: could not draw a connected random graph with {switches} switches of degree {degree}")


def _random_regular_pairs(n: int, degree: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    # Jellyfish's construction: join random pairs of switches with free ports that are not
    # yet neighbours, until no such pair turns up (a few ports may stay free, as in Jellyfish).
    free = [degree] * n
    open_ports = list(range(n))
    pairs: set[tuple[int, int]] = set()
    misses = 0
    while len(open_ports) >= 2 and misses < 20 * n:
        i, j = rng.choice(len(open_ports), 2, replace=False)
        a, b = sorted((open_ports[int(i)], open_ports[int(j)]))
        if (a, b) in pairs:
            misses += 1
            continue
        pairs.add((a, b))
        for s in (a, b):
            free[s] -= 1
            if free[s] == 0:
                open_ports.remove(s)
    return sorted(pairs)
