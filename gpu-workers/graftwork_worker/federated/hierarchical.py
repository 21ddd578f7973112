"""Hierarchical FedAvg rounds (HierFAVG), shared by every grouped star strategy.

One global round: each group starts from the global model; τ2 times, its members train
τ1 local epochs and the group server (the member with the fewest total hops to the other
members) averages them; then the global server averages the groups by sample count.
All groups train together in one vectorised call per group round.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch

from .evaluation import evaluate_stack
from .network import Stage, Transfer
from .params import Params, ParamStack, group_average, select, stack, weighted_average
from .simulation import Simulation
from .strategy import ContextMetric

LocalTrain = Callable[..., ParamStack]  # Strategy.local_train bound to a strategy


@dataclass
class HierarchicalResult:
    global_model: Params
    group_models: ParamStack  # [groups, ...] after the last group round
    stages: list[Stage]
    group_servers: list[int]  # client id acting as each group's server
    groups: list[list[int]]  # the non-empty groups, in the order of group_models' rows
    group_ids: list[int]  # each row's position in the groups passed in (empty groups are skipped)


def group_server(sim: Simulation, members: Sequence[int]) -> int:
    """The member with the fewest hops to all other members (FedAvg-IC's PS_k)."""
    idx = np.asarray(members, dtype=np.int64)
    totals = sim.network.client_hops()[np.ix_(idx, idx)].sum(1)
    return int(members[int(np.argmin(totals))])


def hierarchical_round(sim: Simulation, global_model: Params, groups: Sequence[Sequence[int]], *, tau1: int,
                       tau2: int, lr: float, local_train: LocalTrain) -> HierarchicalResult:
    group_ids = [i for i, g in enumerate(groups) if len(g) > 0]
    groups = [list(groups[i]) for i in group_ids]
    if not groups:
        raise ValueError("hierarchical_round: every group is empty")
    if tau2 < 1:
        raise ValueError(f"tau2: expected an integer >= 1, got {tau2}")
    ids = [c for g in groups for c in g]
    group_of_row = torch.tensor([gi for gi, g in enumerate(groups) for _ in g], device=sim.device)
    weights = sim.clients.weights(ids)
    servers = [group_server(sim, g) for g in groups]
    net, size = sim.network, sim.model.bytes
    server_node = [int(net.client_node[s]) for s in servers]
    member_node = [int(net.client_node[c]) for c in ids]
    row_server = [server_node[int(g)] for g in group_of_row.tolist()]
    down_members = [Transfer(s, m, size, "down") for s, m in zip(row_server, member_node)]
    stages = [Stage(transfers=[Transfer(net.server_node, s, size, "down") for s in server_node]),
              Stage(transfers=down_members)]
    group_models = stack(global_model, len(groups))
    samples = sim.trainer.local_samples(ids, tau1).tolist()
    for t in range(tau2):
        trained = local_train(sim, select(group_models, group_of_row), ids, epochs=tau1, lr=lr)
        group_models = group_average(trained, weights, group_of_row, len(groups))
        up = [Transfer(m, s, size, "up") for s, m in zip(row_server, member_node)]
        stages.append(Stage(clients=ids, samples=samples, transfers=up))
        if t + 1 < tau2:
            stages.append(Stage(transfers=down_members))
    group_weights = torch.zeros(len(groups), device=weights.device).index_add_(0, group_of_row, weights)
    stages.append(Stage(transfers=[Transfer(s, net.server_node, size, "up") for s in server_node]))
    return HierarchicalResult(weighted_average(group_models, group_weights), group_models, stages, servers, groups, group_ids)


def group_metrics(sim: Simulation, result: HierarchicalResult) -> list[ContextMetric]:
    """Per group: its size in samples and, with clientMetrics, its model's test accuracy
    (how far the groups drift apart before the global average)."""
    out = []
    for g, members in zip(result.group_ids, result.groups):
        out.append(ContextMetric("group_samples", float(sim.clients.weights(members).sum()), {"group": g}))
    if sim.config.client_metrics:
        accuracy, _ = evaluate_stack(sim.model, result.group_models, *sim.test)
        out += [ContextMetric("group_accuracy", float(a), {"group": g})
                for g, a in zip(result.group_ids, accuracy.tolist())]
    return out


def restrict_groups(groups: Sequence[Sequence[int]], clients: Sequence[int]) -> list[list[int]]:
    """Each group's members that take part this round (keeps group positions, may be empty)."""
    chosen = set(clients)
    return [[c for c in g if c in chosen] for g in groups]
