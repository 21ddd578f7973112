"""FedCM (arXiv:2012.03270) [RECONSTRUCTION: the paper's code is not public; this follows
its abstract, Oort's client utility and combinatorial UCB — see docs/FEDERATED-ALGORITHMS.md].

Per round: pick K clients with a combinatorial UCB bandit whose untried arms are scored
by a prior (bandits.py); train them as FedAvg; choose which returned models to average
with a filter that minimises the loss of the average on the server's proxy set
(model_filter.py); reward each client by its model's utility to that average. The
sampler ("ucb" | "random"), filter and reward are options, so the ablations and the
random-sampling baseline are the same code.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import torch

from ..bandits import CombinatorialUcb, UcbConfig
from ..evaluation import evaluate_stack
from ..model_filter import FILTERS, REWARDS, FilterResult, ModelFilter, RewardFn
from ..params import ParamStack, select, stack, weighted_average
from ..simulation import Simulation
from ..strategy import GLOBAL, FederationState, RoundOutcome, RoundPlan, Strategy, star_stages

PRIORS = ("data_size", "uniform")
SAMPLERS = ("ucb", "random")


class FedCM(Strategy):
    name = "fedcm"

    def __init__(self, *, sampler: str = "ucb", model_filter: str = "greedy", reward: str = "utility",
                 prior: str = "data_size", ucb: UcbConfig = UcbConfig()) -> None:
        for field, value, allowed in (("sampler", sampler, SAMPLERS), ("filter", model_filter, tuple(FILTERS)),
                                      ("reward", reward, tuple(REWARDS)), ("prior", prior, PRIORS)):
            if value not in allowed:
                raise ValueError(f"options.{field}: expected one of {list(allowed)}, got {value!r}")
        self.sampler = sampler
        self.filter: ModelFilter = FILTERS[model_filter]()
        self.reward: RewardFn = REWARDS[reward]
        self.prior = prior
        self.ucb_config = ucb
        self.bandit: CombinatorialUcb | None = None
        self.last_filter: FilterResult | None = None

    def setup(self, sim: Simulation) -> None:
        sizes = sim.clients.counts.cpu().numpy().astype(np.float64)
        priors = sizes if self.prior == "data_size" else np.ones_like(sizes)
        self.bandit = CombinatorialUcb(priors, self.ucb_config)

    def configure_round(self, sim: Simulation, rnd: int) -> RoundPlan:
        k = min(sim.config.clients_per_round, sim.num_clients)
        if self.sampler == "random":
            return RoundPlan(clients=sim.sample_clients(k))
        assert self.bandit is not None, "setup() must run first"
        return RoundPlan(clients=self.bandit.select(k, sim.np_rng).tolist())

    def run_round(self, sim: Simulation, rnd: int, plan: RoundPlan, state: FederationState) -> RoundOutcome:
        ids, epochs = plan.clients, sim.config.local_epochs
        trained = self.local_train(sim, stack(state.models[GLOBAL], len(ids)), ids, epochs=epochs,
                                   lr=sim.config.lr_at(rnd))
        weights = sim.clients.weights(ids)
        result = self.filter(weights.cpu().numpy().astype(np.float64), proxy_loss_fn(sim, trained))
        kept = torch.as_tensor(np.flatnonzero(result.kept), dtype=torch.long)
        new_global = weighted_average(select(trained, kept), weights.index_select(0, kept.to(weights.device)))
        if self.bandit is not None:
            self.bandit.update(np.asarray(ids), self.reward(result))
        self.last_filter = result
        metrics = {"kept_models": float(result.kept.sum()), "proxy_loss_all": result.loss_all,
                   "proxy_loss_kept": result.loss_kept, "proxy_evaluations": float(result.evaluations)}
        return RoundOutcome(state=FederationState(models={GLOBAL: new_global}, extra=state.extra),
                            stages=star_stages(sim, ids, epochs), trained_clients=list(ids), metrics=metrics)

    def artifacts(self, sim: Simulation, state: FederationState) -> dict[str, Any]:
        out = super().artifacts(sim, state)
        if self.bandit is not None:
            out["fedcm"] = {"selections": self.bandit.pulls.tolist(), "scores": self.bandit.scores().tolist()}
        return out

    def state_dict(self) -> dict[str, Any]:
        return {"bandit": None if self.bandit is None else self.bandit.state_dict()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        if self.bandit is not None and state.get("bandit") is not None:
            self.bandit.load_state_dict(dict(state["bandit"]))


def proxy_loss_fn(sim: Simulation, trained: ParamStack, batch_models: int = 16):
    """Loss on the server's proxy set of every candidate mix of the K trained models.

    A candidate average is one matrix product of the mixing weights with the flattened
    models, and all candidates of a call are evaluated together (vmap over models).
    """
    x, y = sim.proxy
    if x.shape[0] == 0:
        raise ValueError("data.proxyFraction: FedCM's model filter needs a non-empty server proxy set")
    names = list(trained)
    flat = torch.cat([trained[n].reshape(trained[n].shape[0], -1) for n in names], dim=1)  # [K, P]

    def losses(mix: np.ndarray) -> np.ndarray:
        w = torch.as_tensor(mix, dtype=flat.dtype, device=flat.device)
        out: list[torch.Tensor] = []
        for rows in torch.split(w, batch_models):
            averaged = _unflatten(rows @ flat, trained, names)
            out.append(evaluate_stack(sim.model, averaged, x, y)[1])
        return torch.cat(out).cpu().numpy().astype(np.float64)

    return losses


def _unflatten(flat: torch.Tensor, like: ParamStack, names: Sequence[str]) -> ParamStack:
    out: ParamStack = {}
    offset = 0
    for n in names:
        shape = like[n].shape[1:]
        size = int(np.prod(shape)) if len(shape) else 1
        out[n] = flat[:, offset: offset + size].reshape(flat.shape[0], *shape)
        offset += size
    return out


_OPTIONS = {"sampler", "filter", "reward", "prior", "exploration", "epsilon", "epsilonDecay"}


def fedcm(options: Mapping[str, Any]) -> FedCM:
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise ValueError(f"options.{unknown[0]}: not an option of 'fedcm' (allowed: {sorted(_OPTIONS)})")
    ucb = UcbConfig(exploration=float(options.get("exploration", 1.0)), epsilon=float(options.get("epsilon", 0.0)),
                    epsilon_decay=float(options.get("epsilonDecay", 0.95)))
    return FedCM(sampler=str(options.get("sampler", "ucb")), model_filter=str(options.get("filter", "greedy")),
                 reward=str(options.get("reward", "utility")), prior=str(options.get("prior", "data_size")), ucb=ucb)
