"""One global round of group training for TornadoAggregate: all units batched together.

A *unit* is one model visiting one group this round: with a STAR or PLURAL global
topology there is one unit per group; with a RING global topology one per chain. Every
trainer call carries all units' rows at once (units × members for star groups, units ×
chains for ring groups), because a ring is sequential along its members but independent
across chains and groups.

Each unit's start model sits at a network node (its holder); the stages returned price
moving it there, the training, and the transfers, for Network.round_cost.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..network import Stage, Transfer
from ..params import ParamStack, group_average, select
from ..simulation import Simulation


class RingSchedule:
    """Which member each chain of a ring group trains on at each ring step.

    Chain c is at member (r + c) mod m at step r of its group; the member order is drawn
    again every m steps so a chain does not see the same sequence forever.
    """

    def __init__(self, members: list[np.ndarray], rng: np.random.Generator) -> None:
        self.members = [np.asarray(m, dtype=np.int64) for m in members]
        self.order = [rng.permutation(m) for m in self.members]
        self.step = [0] * len(members)

    def visit(self, group: int, chains: int) -> list[int]:
        order, r = self.order[group], self.step[group]
        return [int(order[(r + c) % order.size]) for c in range(chains)]

    def advance(self, group: int, rng: np.random.Generator) -> None:
        self.step[group] += 1
        if self.step[group] % self.order[group].size == 0:
            self.order[group] = rng.permutation(self.members[group])

    def state_dict(self) -> dict[str, Any]:
        return {"order": [o.tolist() for o in self.order], "step": list(self.step)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.order = [np.asarray(o, dtype=np.int64) for o in state["order"]]
        self.step = [int(s) for s in state["step"]]


@dataclass
class GroupLayout:
    members: list[np.ndarray]  # clients of each group
    servers: list[int]  # each group's aggregation server (a client host node)
    schedule: RingSchedule


@dataclass
class UnitsResult:
    outputs: ParamStack  # one row per unit
    holders: list[int]  # node where each output now sits
    stages: list[Stage]
    trained: list[int]
    visits: list[list[int]]  # per ring step, the client each (unit, chain) row trained on


def train_star_units(sim: Simulation, layout: GroupLayout, groups: list[int], starts: ParamStack,
                     holders: list[int], *, rounds: int, lr: float, participation: float,
                     rng: np.random.Generator) -> UnitsResult:
    """Group rounds of FedAvg inside each unit's group (a sample of members per round)."""
    net, size, epochs = sim.network, sim.model.bytes, sim.config.local_epochs
    servers = [layout.servers[g] for g in groups]
    stages = [Stage(transfers=_moves(holders, servers, size))]
    current, trained = starts, []
    for _ in range(rounds):
        picks = [_sample(layout.members[g], participation, rng) for g in groups]
        clients = [c for p in picks for c in p]
        unit_of_row = torch.as_tensor([u for u, p in enumerate(picks) for _ in p], dtype=torch.long)
        rows = sim.trainer.train(select(current, unit_of_row), clients, epochs=epochs, lr=lr)
        current = group_average(rows, sim.clients.weights(clients), unit_of_row, len(groups))
        nodes = [int(net.client_node[c]) for c in clients]
        row_servers = [servers[u] for u in unit_of_row.tolist()]
        stages.append(Stage(transfers=[Transfer(s, n, size, "down") for s, n in zip(row_servers, nodes) if s != n]))
        stages.append(Stage(clients=clients, samples=sim.trainer.local_samples(clients, epochs).tolist(),
                            transfers=[Transfer(n, s, size, "up") for n, s in zip(nodes, row_servers) if s != n]))
        trained += clients
    return UnitsResult(current, servers, stages, trained, [])


def train_ring_units(sim: Simulation, layout: GroupLayout, groups: list[int], starts: ParamStack,
                     holders: list[int], *, chains: int, rounds: int, lr: float,
                     rng: np.random.Generator) -> UnitsResult:
    """Ring steps inside each unit's group; C chains per unit never merged until the end."""
    net, size, epochs = sim.network, sim.model.bytes, sim.config.local_epochs
    n_units = len(groups)
    unit_of_row = torch.arange(n_units).repeat_interleave(chains)
    models = select(starts, unit_of_row)  # row u*C + c: chain c of unit u
    at = [holders[u] for u in unit_of_row.tolist()]
    stages, trained, visits = [], [], []
    for _ in range(rounds):
        clients = [c for g in groups for c in layout.schedule.visit(g, chains)]
        for g in sorted(set(groups)):  # a group visited by several units still takes one step
            layout.schedule.advance(g, rng)
        nodes = [int(net.client_node[c]) for c in clients]
        stages.append(Stage(transfers=_moves(at, nodes, size)))
        stages.append(Stage(clients=clients, samples=sim.trainer.local_samples(clients, epochs).tolist()))
        models = sim.trainer.train(models, clients, epochs=epochs, lr=lr)
        at, trained, visits = nodes, trained + clients, visits + [clients]
    servers = [layout.servers[g] for g in groups]
    # Chains meet only here, at the group's server, to give the unit's output.
    stages.append(Stage(transfers=[Transfer(a, servers[u], size, "up")
                                   for a, u in zip(at, unit_of_row.tolist()) if a != servers[u]]))
    outputs = group_average(models, torch.ones(len(at)), unit_of_row, n_units)
    return UnitsResult(outputs, servers, stages, trained, visits)


def _moves(sources: list[int], targets: list[int], size: int) -> list[Transfer]:
    return [Transfer(s, t, size) for s, t in zip(sources, targets) if s != t]


def _sample(members: np.ndarray, participation: float, rng: np.random.Generator) -> list[int]:
    if participation >= 1.0:
        return members.tolist()
    k = max(1, int(round(participation * members.size)))
    return np.sort(rng.choice(members, size=k, replace=False)).tolist()
