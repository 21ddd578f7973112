"""TornadoAggregate (arXiv:2012.03214): one strategy over the whole grid (tornado_config.py).

Groups are formed once, in setup, on the clients' label histograms. Each global round,
units (a model visiting a group) train inside their groups (tornado_groups.py) and their
outputs are combined by the global topology:
- STAR:   the groups' outputs are averaged by the groups' sample counts into one model;
- RING:   chain c goes on to group order[(t + c) mod G] next round; output = chains' mean;
- PLURAL: group k keeps its own model.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import torch
import torch.nn.functional as F

from ..grouping.assignment import members_of
from ..grouping.ic_cost import group_servers
from ..grouping.label_grouping import distance_to_population, group_by_labels, within_group_distance
from ..network import Stage, Transfer
from ..params import Params, clone, stack_list, unstack, weighted_average
from ..simulation import Simulation
from ..strategy import GLOBAL, FederationState, RoundOutcome, RoundPlan, Strategy
from .tornado_config import GlobalTopology, TornadoConfig, tornado_config
from .tornado_groups import GroupLayout, RingSchedule, train_ring_units, train_star_units

HOLDERS = "holders"  # FederationState.extra key: model key -> node holding that model


class TornadoStrategy(Strategy):
    def __init__(self, config: TornadoConfig, name: str = "tornado") -> None:
        self.config = config
        self.name = name
        self.labels: np.ndarray | None = None
        self.layout: GroupLayout | None = None
        self.group_order: np.ndarray | None = None  # RING global: the order chains visit groups
        self.last_visits: list[list[int]] = []  # ring steps of the last round (tests, dashboard)
        self._sim: Simulation | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any], default_preset: str = "tornado") -> "TornadoStrategy":
        return cls(tornado_config(options, default_preset), name=str(options.get("preset", default_preset)))

    # -- set-up ----------------------------------------------------------------------------
    def setup(self, sim: Simulation) -> None:
        g = self.config.group_num
        if g > sim.num_clients:
            raise ValueError(f"options.groupNum: expected at most {sim.num_clients} (the number of clients), got {g}")
        self._sim = sim
        hist = sim.clients.label_hist.cpu().numpy()
        self._set_groups(sim, group_by_labels(hist, g, self.config.grouping, sim.np_rng))

    def _set_groups(self, sim: Simulation, labels: np.ndarray) -> None:
        g = self.config.group_num
        members = members_of(labels, g)
        servers = group_servers(sim.network.client_hops(), labels, g)
        self.labels = labels
        self.layout = GroupLayout(members, [int(sim.network.client_node[s]) for s in servers],
                                  RingSchedule(members, sim.np_rng))
        self.group_samples = torch.stack([sim.clients.weights(m.tolist()).sum() for m in members])

    def _model_keys(self) -> list[str]:
        if self.config.global_topology is GlobalTopology.STAR:
            return [GLOBAL]
        if self.config.global_topology is GlobalTopology.RING:
            return [f"chain/{c}" for c in range(self.config.chain_num)]
        return [f"group/{k}" for k in range(self.config.group_num)]

    def initial_state(self, sim: Simulation) -> FederationState:
        w = sim.model.init(sim.rng, sim.device)
        keys = self._model_keys()
        return FederationState(models={k: clone(w) for k in keys},
                               extra={HOLDERS: {k: sim.network.server_node for k in keys}})

    # -- one round -------------------------------------------------------------------------
    def configure_round(self, sim: Simulation, rnd: int) -> RoundPlan:
        assert self.layout is not None, "setup() must run first"
        g, cfg = self.config.group_num, self.config
        if cfg.global_topology is GlobalTopology.RING:
            if self.group_order is None or rnd % g == 0:
                self.group_order = sim.np_rng.permutation(g)
            units = [int(self.group_order[(rnd + c) % g]) for c in range(cfg.chain_num)]
        else:
            units = list(range(g))
        groups = [self.layout.members[k].tolist() for k in units]
        return RoundPlan(clients=sorted({c for m in groups for c in m}), groups=groups,
                         options={"unit_groups": units, "model_keys": self._unit_keys(units)})

    def _unit_keys(self, units: list[int]) -> list[str]:
        """The state key of the model each unit starts from."""
        topology = self.config.global_topology
        if topology is GlobalTopology.STAR:
            return [GLOBAL] * len(units)
        if topology is GlobalTopology.RING:
            return [f"chain/{c}" for c in range(len(units))]  # unit c is chain c
        return [f"group/{k}" for k in units]

    def run_round(self, sim: Simulation, rnd: int, plan: RoundPlan, state: FederationState) -> RoundOutcome:
        assert self.layout is not None, "setup() must run first"
        units, keys = plan.options["unit_groups"], plan.options["model_keys"]
        holders_of = dict(state.extra.get(HOLDERS, {}))
        starts = stack_list([state.models[k] for k in keys])
        holders = [int(holders_of.get(k, sim.network.server_node)) for k in keys]
        lr = sim.config.lr_at(rnd)
        if self.config.ring_groups:
            res = train_ring_units(sim, self.layout, units, starts, holders, chains=self.config.chain_num,
                                   rounds=self.config.group_rounds, lr=lr, rng=sim.np_rng)
        else:
            participation = min(1.0, sim.config.clients_per_round / sim.num_clients)
            res = train_star_units(sim, self.layout, units, starts, holders, rounds=self.config.group_rounds,
                                   lr=lr, participation=participation, rng=sim.np_rng)
        self.last_visits = res.visits
        models, stages = dict(state.models), list(res.stages)
        if self.config.global_topology is GlobalTopology.STAR:
            server = sim.network.server_node
            models[GLOBAL] = weighted_average(res.outputs, self.group_samples[units])
            stages.append(Stage(transfers=[Transfer(h, server, sim.model.bytes, "up") for h in res.holders]))
            holders_of[GLOBAL] = server
        else:
            for key, params, holder in zip(keys, unstack(res.outputs), res.holders):
                models[key], holders_of[key] = params, holder
        return RoundOutcome(state=FederationState(models=models, extra={**state.extra, HOLDERS: holders_of}),
                            stages=stages, trained_clients=res.trained)

    # -- evaluation ------------------------------------------------------------------------
    def output_model(self, state: FederationState) -> Params:
        """The model a STAR or RING run delivers (the chains' average for RING)."""
        if GLOBAL in state.models:
            return state.models[GLOBAL]
        keys = self._model_keys()
        return weighted_average(stack_list([state.models[k] for k in keys]), torch.ones(len(keys)))

    def evaluate(self, sim: Simulation, state: FederationState) -> dict[str, float]:
        if self.config.global_topology is not GlobalTopology.PLURAL:
            return super().evaluate(sim, FederationState(models={GLOBAL: self.output_model(state)}))
        return self._personalised(sim, state)

    @torch.no_grad()
    def _personalised(self, sim: Simulation, state: FederationState) -> dict[str, float]:
        """Each group's model on the test set re-weighted to that group's label mix; groups
        weighted by their sample counts (what a member of the group would see)."""
        x, y = sim.test
        classes = sim.clients.classes
        acc, loss = 0.0, 0.0
        shares = self.group_samples / self.group_samples.sum()
        class_count = torch.bincount(y, minlength=classes).clamp_min(1).to(torch.float64)
        assert self.layout is not None
        for k, members in enumerate(self.layout.members):
            logits = sim.model.apply(state.models[f"group/{k}"], x)
            correct = torch.zeros(classes, dtype=torch.float64, device=y.device).index_add_(
                0, y, (logits.argmax(1) == y).to(torch.float64))
            losses = torch.zeros(classes, dtype=torch.float64, device=y.device).index_add_(
                0, y, F.cross_entropy(logits, y, reduction="none").to(torch.float64))
            mix = sim.clients.label_hist[members].sum(0).to(torch.float64)
            mix = mix / mix.sum()
            acc += float(shares[k]) * float((mix * correct / class_count).sum())
            loss += float(shares[k]) * float((mix * losses / class_count).sum())
        return {"accuracy": acc, "loss": loss}

    def artifacts(self, sim: Simulation, state: FederationState) -> dict[str, Any]:
        assert self.labels is not None
        hist = sim.clients.label_hist.cpu().numpy()
        cfg = self.config
        return {**super().artifacts(sim, state), "groups": self.labels.tolist(),
                "tornado": {"globalTopology": cfg.global_topology.value, "groupTopology": cfg.group_topology.value,
                            "grouping": cfg.grouping.value, "groupNum": cfg.group_num, "chainNum": cfg.chain_num,
                            "groupRounds": cfg.group_rounds,
                            "distanceToPopulation": distance_to_population(hist, self.labels),
                            "withinGroupDistance": within_group_distance(hist, self.labels)}}

    def state_dict(self) -> dict[str, Any]:
        assert self.labels is not None and self.layout is not None
        return {"labels": self.labels.tolist(), "schedule": self.layout.schedule.state_dict(),
                "group_order": None if self.group_order is None else self.group_order.tolist()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        if self._sim is None:
            raise RuntimeError("load_state_dict: setup() must run first")
        self._set_groups(self._sim, np.asarray(state["labels"], dtype=np.int64))
        assert self.layout is not None
        self.layout.schedule.load_state_dict(dict(state["schedule"]))
        order = state.get("group_order")
        self.group_order = None if order is None else np.asarray(order, dtype=np.int64)


def tornado_aggregate(options: Mapping[str, Any]) -> TornadoStrategy:
    """Registry factory: options.preset (default "tornado") plus any grid overrides."""
    return TornadoStrategy.from_options(options)
