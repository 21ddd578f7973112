"""HierFAVG (Liu et al.): hierarchical FedAvg with groups = network locations (pods).

Subclasses change `groups` (FedAvg-IC regroups once) or `taus` (a warm-up round) and keep
the round itself.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..hierarchical import group_metrics, hierarchical_round, restrict_groups
from ..simulation import Simulation
from ..strategy import GLOBAL, FederationState, RoundOutcome, RoundPlan, Strategy


class HierFAVG(Strategy):
    name = "hierfavg"

    def __init__(self, tau1: int = 1, tau2: int = 5, mu: float = 0.0) -> None:
        if tau1 < 1 or tau2 < 1:
            raise ValueError(f"options.tau1/tau2: expected integers >= 1, got {tau1}/{tau2}")
        self.tau1, self.tau2 = int(tau1), int(tau2)
        self.prox_mu = float(mu)
        self.groups: list[list[int]] = []

    def setup(self, sim: Simulation) -> None:
        self.groups = sim.network.locations()

    def taus(self, rnd: int) -> tuple[int, int]:
        return self.tau1, self.tau2

    def configure_round(self, sim: Simulation, rnd: int) -> RoundPlan:
        clients = sim.sample_clients(sim.config.clients_per_round)
        return RoundPlan(clients=clients, groups=restrict_groups(self.groups, clients))

    def run_round(self, sim: Simulation, rnd: int, plan: RoundPlan, state: FederationState) -> RoundOutcome:
        tau1, tau2 = self.taus(rnd)
        groups = plan.groups if plan.groups is not None else self.groups
        result = hierarchical_round(sim, state.models[GLOBAL], groups, tau1=tau1, tau2=tau2,
                                    lr=sim.config.lr_at(rnd), local_train=self.local_train)
        return RoundOutcome(state=FederationState(models={GLOBAL: result.global_model}, extra=state.extra),
                            stages=result.stages, trained_clients=[c for g in groups for c in g],
                            metrics={"groups": float(sum(1 for g in groups if g))},
                            context_metrics=group_metrics(sim, result))

    def artifacts(self, sim: Simulation, state: FederationState) -> dict[str, Any]:
        return {**super().artifacts(sim, state), "grouping": {"groups": self.groups}}

    def state_dict(self) -> dict[str, Any]:
        return {"groups": self.groups}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.groups = [list(map(int, g)) for g in state["groups"]]


def hierfavg(options: Mapping[str, Any]) -> Strategy:
    unknown = sorted(set(options) - {"tau1", "tau2", "mu"})
    if unknown:
        raise ValueError(f"options.{unknown[0]}: not an option of 'hierfavg' (allowed: mu, tau1, tau2)")
    return HierFAVG(tau1=int(options.get("tau1", 1)), tau2=int(options.get("tau2", 5)), mu=float(options.get("mu", 0.0)))
