"""The strategy interface: small hooks around one loop (loop.py), in the manner of Flower.

The default hooks are FedAvg: sample clients, train them from the global model, average
by sample count, evaluate the global model. A strategy overrides only what differs.
"""
from __future__ import annotations

from abc import ABC
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from torch import Tensor

from .evaluation import evaluate
from .network import Stage, Transfer
from .params import Params, ParamStack, clone, stack, weighted_average
from .simulation import Simulation

GLOBAL = "global"


@dataclass
class FederationState:
    """What the loop carries from round to round (and checkpoints)."""

    models: dict[str, Params]  # GLOBAL, or one entry per group ("group/0", ...) for plural models
    extra: dict[str, Any] = field(default_factory=dict)  # strategy-specific, torch.save-able


@dataclass
class RoundPlan:
    clients: list[int]  # who trains this round
    groups: list[list[int]] | None = None  # client groups (hierarchical / ring strategies)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class ContextMetric:
    key: str
    value: float
    context: Mapping[str, Any]  # e.g. {"client": 7} or {"group": 2}


@dataclass
class RoundOutcome:
    state: FederationState
    stages: list[Stage]  # priced by Network.round_cost: computation + transfers, in order
    trained_clients: list[int]
    metrics: dict[str, float] = field(default_factory=dict)  # extra per-round scalars
    context_metrics: list[ContextMetric] = field(default_factory=list)


class Strategy(ABC):
    name: str = "fedavg"
    prox_mu: float = 0.0  # FedProx's proximal weight; 0 is plain local SGD

    def setup(self, sim: Simulation) -> None:
        """Once per run, before the first round (initial groups, priors, ...)."""

    def initial_state(self, sim: Simulation) -> FederationState:
        return FederationState(models={GLOBAL: sim.model.init(sim.rng, sim.device)})

    def configure_round(self, sim: Simulation, rnd: int) -> RoundPlan:
        return RoundPlan(clients=sim.sample_clients(sim.config.clients_per_round))

    def local_train(self, sim: Simulation, start: ParamStack, client_ids: Sequence[int], *, epochs: int,
                    lr: float) -> ParamStack:
        """Every row's local training; the proximal anchor is the model each row started from."""
        anchor = start if self.prox_mu > 0 else None
        return sim.trainer.train(start, client_ids, epochs=epochs, lr=lr, prox_mu=self.prox_mu, prox_anchor=anchor)

    def run_round(self, sim: Simulation, rnd: int, plan: RoundPlan, state: FederationState) -> RoundOutcome:
        ids = plan.clients
        epochs = sim.config.local_epochs
        trained = self.local_train(sim, stack(state.models[GLOBAL], len(ids)), ids, epochs=epochs,
                                   lr=sim.config.lr_at(rnd))
        new_global = self.aggregate(sim, trained, sim.clients.weights(ids))
        return RoundOutcome(state=FederationState(models={GLOBAL: new_global}, extra=state.extra),
                            stages=star_stages(sim, ids, epochs), trained_clients=list(ids))

    def aggregate(self, sim: Simulation, stacked: ParamStack, weights: Tensor) -> Params:
        return weighted_average(stacked, weights)

    def evaluate(self, sim: Simulation, state: FederationState) -> dict[str, float]:
        x, y = sim.test
        if GLOBAL in state.models:
            return evaluate(sim.model, state.models[GLOBAL], x, y)
        # Plural models without a global one: mean over the models (strategies may do better).
        results = [evaluate(sim.model, p, x, y) for p in state.models.values()]
        return {k: sum(r[k] for r in results) / len(results) for k in ("accuracy", "loss")}

    def artifacts(self, sim: Simulation, state: FederationState) -> dict[str, Any]:
        """JSON-able descriptions for the dashboard; the placement is always included."""
        return {"placement": sim.network.describe()}

    def state_dict(self) -> dict[str, Any]:
        """Strategy-internal state to checkpoint (groups, bandit statistics, ...)."""
        return {}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Inverse of state_dict, called after setup() on resume."""


def star_stages(sim: Simulation, client_ids: Sequence[int], epochs: int) -> list[Stage]:
    """The global model goes down to the clients, they train, their models come back up."""
    net, size = sim.network, sim.model.bytes
    server = net.server_node
    samples = sim.trainer.local_samples(client_ids, epochs).tolist()
    down = [Transfer(server, int(net.client_node[c]), size, "down") for c in client_ids]
    up = [Transfer(int(net.client_node[c]), server, size, "up") for c in client_ids]
    return [Stage(transfers=down), Stage(clients=list(client_ids), samples=samples, transfers=up)]


def snapshot_models(state: FederationState) -> FederationState:
    return FederationState(models={k: clone(v) for k, v in state.models.items()}, extra=dict(state.extra))
