"""FedAvg-IC (arXiv:2012.04857): HierFAVG whose groups are re-formed once to be IID- and
communication-aware.

Rounds before `warmup_rounds` run with the physical pods as groups and τ1 = τ2 = 1. At the
first round after them, every node's full-batch gradient at the global model is computed
(all nodes in one vectorised pass) and the nodes are regrouped by the k-medoids search of
grouping/ic_kmedoids.py; training then continues with those groups and the configured τ1, τ2.
The regrouping's own cost (every node computes one gradient and uploads it) is priced as
stages of that round. `costs` = "both" | "iid" | "comm" selects the objective (ablations).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..grouping.assignment import group_capacity, members_of
from ..grouping.client_gradients import full_batch_gradients
from ..grouping.ic_cost import IcCostWeights, IcGroupingCosts
from ..grouping.ic_kmedoids import IcSearchConfig, IcSearchResult, search_ic_grouping
from ..hierarchical import restrict_groups
from ..network import Stage, Transfer
from ..simulation import Simulation
from ..strategy import GLOBAL, FederationState, RoundOutcome, RoundPlan
from .hierfavg import HierFAVG

COST_WEIGHTS = {"both": IcCostWeights(1.0, 1.0), "iid": IcCostWeights(1.0, 0.0), "comm": IcCostWeights(0.0, 1.0)}


class FedAvgIC(HierFAVG):
    name = "fedavg_ic"

    def __init__(self, tau1: int = 1, tau2: int = 5, *, num_groups: int | None = None, costs: str = "both",
                 warmup_rounds: int = 1, group_size_slack: float | None = 1.5, mu: float = 0.0) -> None:
        super().__init__(tau1=tau1, tau2=tau2, mu=mu)
        if costs not in COST_WEIGHTS:
            raise ValueError(f"options.costs: expected one of {sorted(COST_WEIGHTS)}, got {costs!r}")
        if warmup_rounds < 0:
            raise ValueError(f"options.warmupRounds: expected an integer >= 0, got {warmup_rounds}")
        if num_groups is not None and num_groups < 1:
            raise ValueError(f"options.numGroups: expected an integer >= 1, got {num_groups}")
        if group_size_slack is not None and group_size_slack < 1.0:
            raise ValueError(f"options.groupSizeSlack: expected a number >= 1 or null, got {group_size_slack}")
        self.num_groups = num_groups
        self.costs = costs
        self.warmup_rounds = warmup_rounds
        self.group_size_slack = group_size_slack
        self.regrouped = False
        self.search: IcSearchResult | None = None

    def taus(self, rnd: int) -> tuple[int, int]:
        return (1, 1) if rnd < self.warmup_rounds else (self.tau1, self.tau2)

    def run_round(self, sim: Simulation, rnd: int, plan: RoundPlan, state: FederationState) -> RoundOutcome:
        if rnd < self.warmup_rounds or self.regrouped:
            return super().run_round(sim, rnd, plan, state)
        regroup_stages = self.regroup(sim, state)
        plan = RoundPlan(clients=plan.clients, groups=restrict_groups(self.groups, plan.clients), options=plan.options)
        outcome = super().run_round(sim, rnd, plan, state)
        outcome.stages = regroup_stages + outcome.stages
        assert self.search is not None
        outcome.metrics.update({"regroup_iid_cost": self.search.iid_cost, "regroup_comm_cost": self.search.comm_cost,
                                "regroup_objective": self.search.objective})
        return outcome

    def regroup(self, sim: Simulation, state: FederationState) -> list[Stage]:
        """Replace the groups by the k-medoids search's; returns the stages it costs."""
        n = sim.num_clients
        g = self.num_groups or len(self.groups)
        gradients = full_batch_gradients(sim.model, state.models[GLOBAL], sim.clients).cpu().numpy()
        sizes = sim.clients.counts.cpu().numpy()
        costs = IcGroupingCosts(gradients, sizes, sim.network.client_hops())
        cap = None if self.group_size_slack is None else int(np.ceil(self.group_size_slack * group_capacity(n, g)))
        config = IcSearchConfig(num_groups=g, weights=COST_WEIGHTS[self.costs], max_group_size=cap)
        self.search = search_ic_grouping(costs, config, sim.np_rng)
        self.groups = [m.tolist() for m in members_of(self.search.labels, g)]
        self.regrouped = True
        clients = list(range(n))
        net = sim.network
        up = [Transfer(int(net.client_node[c]), net.server_node, sim.model.bytes, "none") for c in clients]
        return [Stage(clients=clients, samples=sizes.tolist(), transfers=up)]

    def artifacts(self, sim: Simulation, state: FederationState) -> dict[str, Any]:
        out = super().artifacts(sim, state)
        if self.search is not None:
            s = self.search
            out["fedavgIc"] = {"costs": self.costs, "iidCost": s.iid_cost, "commCost": s.comm_cost,
                               "objective": s.objective, "meanRandomIidCost": s.mean_random_iid,
                               "meanRandomCommCost": s.mean_random_comm, "iterations": s.iterations}
        return out

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "regrouped": self.regrouped}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        super().load_state_dict(state)
        self.regrouped = bool(state.get("regrouped", False))


_OPTIONS = {"tau1", "tau2", "mu", "numGroups", "costs", "warmupRounds", "groupSizeSlack"}


def fedavg_ic(options: Mapping[str, Any]) -> FedAvgIC:
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise ValueError(f"options.{unknown[0]}: not an option of 'fedavg_ic' (allowed: {sorted(_OPTIONS)})")
    groups = options.get("numGroups")
    return FedAvgIC(tau1=int(options.get("tau1", 1)), tau2=int(options.get("tau2", 5)),
                    num_groups=None if groups is None else int(groups), costs=str(options.get("costs", "both")),
                    warmup_rounds=int(options.get("warmupRounds", 1)),
                    group_size_slack=options.get("groupSizeSlack", 1.5), mu=float(options.get("mu", 0.0)))
