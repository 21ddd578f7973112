"""How a dataset's training rows are spread over clients. Each function returns one
array of row indices per client and is deterministic given its numpy Generator."""
from __future__ import annotations

from typing import Sequence

import numpy as np

Partition = list[np.ndarray]


def iid(y: np.ndarray, num_clients: int, rng: np.random.Generator) -> Partition:
    _check_clients(num_clients, len(y))
    return [np.sort(p) for p in np.array_split(rng.permutation(len(y)), num_clients)]


def dirichlet(y: np.ndarray, num_clients: int, alpha: float, rng: np.random.Generator,
              min_samples: int = 2, tries: int = 100) -> Partition:
    """Each class split over clients by proportions ~ Dir(alpha): small alpha, strong skew."""
    _check_clients(num_clients, len(y))
    if alpha <= 0:
        raise ValueError(f"partition.alpha: expected a number > 0, got {alpha}")
    for _ in range(tries):
        parts: list[list[np.ndarray]] = [[] for _ in range(num_clients)]
        for cls in np.unique(y):
            rows = rng.permutation(np.flatnonzero(y == cls))
            cuts = (np.cumsum(rng.dirichlet(np.full(num_clients, alpha))) * len(rows)).astype(np.int64)[:-1]
            for client, chunk in enumerate(np.split(rows, cuts)):
                parts[client].append(chunk)
        out = [np.sort(np.concatenate(p)) for p in parts]
        if min(len(p) for p in out) >= min_samples:
            return out
    raise ValueError(f"partition.alpha: no Dirichlet({alpha}) draw gave every one of {num_clients} clients "
                     f"{min_samples}+ samples in {tries} tries; raise alpha or lower the client count")


def shards(y: np.ndarray, num_clients: int, classes_per_client: int, rng: np.random.Generator) -> Partition:
    """FedAvg's pathological split: rows sorted by label, cut into shards, k shards each."""
    _check_clients(num_clients * classes_per_client, len(y))
    if classes_per_client < 1:
        raise ValueError(f"partition.classesPerClient: expected an integer >= 1, got {classes_per_client}")
    order = np.argsort(y, kind="stable")
    pieces = np.array_split(order, num_clients * classes_per_client)
    assignment = rng.permutation(len(pieces)).reshape(num_clients, classes_per_client)
    return [np.sort(np.concatenate([pieces[i] for i in row])) for row in assignment]


def power_law(y: np.ndarray, num_clients: int, exponent: float, classes_per_client: int,
              rng: np.random.Generator, min_samples: int = 2) -> Partition:
    """Power-law client sizes, each client holding `classes_per_client` consecutive labels
    (TornadoAggregate's MNIST setting: 2 digits per client)."""
    _check_clients(num_clients, len(y))
    if exponent <= 0:
        raise ValueError(f"partition.powerLawExponent: expected a number > 0, got {exponent}")
    classes = np.unique(y)
    if not 1 <= classes_per_client <= len(classes):
        raise ValueError(f"partition.classesPerClient: expected 1..{len(classes)}, got {classes_per_client}")
    owned = [[classes[(i + j) % len(classes)] for j in range(classes_per_client)] for i in range(num_clients)]
    sizes = rng.pareto(exponent, num_clients) + 1.0
    demand = {c: 0.0 for c in classes}
    for i, cls in enumerate(owned):
        for c in cls:
            demand[c] += sizes[i] / classes_per_client
    scale = min(np.sum(y == c) / demand[c] for c in classes if demand[c] > 0)
    pools = {c: list(rng.permutation(np.flatnonzero(y == c))) for c in classes}
    parts = []
    for i, cls in enumerate(owned):
        take = max(min_samples // classes_per_client + 1, int(sizes[i] * scale / classes_per_client))
        rows = []
        for c in cls:
            rows += [pools[c].pop() for _ in range(min(take, len(pools[c])))]
        if len(rows) < min_samples:
            raise ValueError(f"partition: client {i} got {len(rows)} samples under the power law; "
                             "use fewer clients or a larger dataset")
        parts.append(np.sort(np.array(rows, dtype=np.int64)))
    return parts


def location_skew(y: np.ndarray, client_location: np.ndarray, mean_classes_per_node: float,
                  mean_classes_per_location: float, rng: np.random.Generator) -> Partition:
    """FedAvg-IC's location-correlated skew: each location owns a class set whose size is a
    truncated normal around `mean_classes_per_location`; each node draws its own classes
    (size around `mean_classes_per_node`) from its location's set. Nodes holding a class
    share that class's rows equally. Locations are then non-IID as well as nodes."""
    classes = np.unique(y)
    c = len(classes)
    num_clients = len(client_location)
    _check_clients(num_clients, len(y))
    for name, mean in (("meanClassesPerNode", mean_classes_per_node),
                       ("meanClassesPerLocation", mean_classes_per_location)):
        if not 1 <= mean <= c:
            raise ValueError(f"partition.{name}: expected a number in [1, {c}], got {mean}")
    node_classes: list[np.ndarray] = [np.empty(0, dtype=classes.dtype)] * num_clients
    for loc in np.unique(client_location):
        loc_set = rng.choice(classes, _truncated_normal_int(mean_classes_per_location, 1, c, rng), replace=False)
        for node in np.flatnonzero(client_location == loc):
            k = _truncated_normal_int(mean_classes_per_node, 1, len(loc_set), rng)
            node_classes[node] = rng.choice(loc_set, k, replace=False)
    holders = {cls: [i for i in range(num_clients) if cls in node_classes[i]] for cls in classes}
    parts: list[list[np.ndarray]] = [[] for _ in range(num_clients)]
    for cls, nodes in holders.items():
        if nodes:
            rows = rng.permutation(np.flatnonzero(y == cls))
            for node, chunk in zip(nodes, np.array_split(rows, len(nodes))):
                parts[node].append(chunk)
    out = [np.sort(np.concatenate(p)) if p else np.empty(0, dtype=np.int64) for p in parts]
    return out


def given(client_id: np.ndarray) -> Partition:
    """The dataset's own client ids (e.g. an uploaded npz with `client_id`)."""
    ids = np.unique(client_id)
    return [np.flatnonzero(client_id == i) for i in ids]


def _truncated_normal_int(mean: float, low: int, high: int, rng: np.random.Generator) -> int:
    # Rejection sampling of N(mean, (mean/2)^2) restricted to [low, high], then rounded.
    sd = max(mean / 2.0, 0.5)
    for _ in range(1000):
        v = rng.normal(mean, sd)
        if low - 0.5 <= v <= high + 0.5:
            return int(min(max(round(v), low), high))
    return int(min(max(round(mean), low), high))


def _check_clients(num_clients: int, rows: int) -> None:
    if num_clients < 1:
        raise ValueError(f"numClients: expected an integer >= 1, got {num_clients}")
    if num_clients > rows:
        raise ValueError(f"numClients: {num_clients} clients need at least as many training samples, got {rows}")


def sizes(parts: Sequence[np.ndarray]) -> np.ndarray:
    return np.array([len(p) for p in parts], dtype=np.int64)
