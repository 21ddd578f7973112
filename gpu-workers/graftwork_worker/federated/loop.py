"""The one federated loop every strategy runs in."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .simulation import Simulation
from .strategy import ContextMetric, FederationState, Strategy


@dataclass
class RoundRecord:
    round: int  # 1-based: rounds completed
    metrics: dict[str, float]  # accuracy/loss (when evaluated), sim_time_s, round_time_s, bytes, ...
    context_metrics: list[ContextMetric] = field(default_factory=list)
    trained_clients: list[int] = field(default_factory=list)


@dataclass
class FederationProgress:
    """Where a run stands; together with the state, what a checkpoint needs to resume."""

    rounds_done: int = 0
    sim_time_s: float = 0.0
    bytes_total: int = 0
    history: list[dict[str, float]] = field(default_factory=list)  # metrics of every round


@dataclass
class FederationResult:
    state: FederationState
    progress: FederationProgress
    records: list[RoundRecord]  # only the rounds run by this call


RoundCallback = Callable[[RoundRecord, FederationState, FederationProgress], None]


def run_federation(sim: Simulation, strategy: Strategy, rounds: int, *, on_round: RoundCallback | None = None,
                   cancel: Callable[[], None] | None = None, resume: Mapping[str, Any] | None = None,
                   eval_every: int | None = None) -> FederationResult:
    """Run rounds until `rounds` are done (counting those a resumed checkpoint already did).

    `cancel` is called before every round and stops the run by raising; `on_round` sees
    every finished round (reporting, checkpointing). `resume` is a `checkpoint()` value.
    """
    eval_every = eval_every or sim.config.eval_every
    strategy.setup(sim)
    if resume is not None:
        state, progress = _restore(sim, strategy, resume)
    else:
        state, progress = strategy.initial_state(sim), FederationProgress()
    records: list[RoundRecord] = []
    for rnd in range(progress.rounds_done, rounds):
        if cancel is not None:
            cancel()
        plan = strategy.configure_round(sim, rnd)
        outcome = strategy.run_round(sim, rnd, plan, state)
        state = outcome.state
        cost = sim.network.round_cost(outcome.stages, sim.model.flops_per_sample)
        round_time = cost.compute_s + cost.transfer_s
        progress.rounds_done = rnd + 1
        progress.sim_time_s += round_time
        progress.bytes_total += cost.bytes
        metrics = {"sim_time_s": progress.sim_time_s, "round_time_s": round_time, "compute_s": cost.compute_s,
                   "transfer_s": cost.transfer_s, "bytes": float(cost.bytes), "bytes_total": float(progress.bytes_total),
                   "lr": sim.config.lr_at(rnd), "clients": float(len(outcome.trained_clients)), **outcome.metrics}
        if (rnd + 1) % eval_every == 0 or rnd + 1 == rounds:
            metrics.update(strategy.evaluate(sim, state))
        progress.history.append(metrics)
        record = RoundRecord(rnd + 1, metrics, outcome.context_metrics, outcome.trained_clients)
        records.append(record)
        if on_round is not None:
            on_round(record, state, progress)
    return FederationResult(state=state, progress=progress, records=records)


def checkpoint(sim: Simulation, strategy: Strategy, state: FederationState, progress: FederationProgress) -> dict:
    """Everything needed to resume after `progress.rounds_done` rounds (torch.save-able)."""
    return {"models": {k: {n: t.cpu() for n, t in v.items()} for k, v in state.models.items()},
            "extra": state.extra, "strategy": strategy.state_dict(), "rng": sim.rng_state(),
            "progress": {"rounds_done": progress.rounds_done, "sim_time_s": progress.sim_time_s,
                         "bytes_total": progress.bytes_total, "history": progress.history}}


def _restore(sim: Simulation, strategy: Strategy, saved: Mapping[str, Any]) -> tuple[FederationState, FederationProgress]:
    models = {k: {n: t.to(sim.device) for n, t in v.items()} for k, v in saved["models"].items()}
    strategy.load_state_dict(saved["strategy"])
    sim.load_rng_state(saved["rng"])
    p = saved["progress"]
    progress = FederationProgress(int(p["rounds_done"]), float(p["sim_time_s"]), int(p["bytes_total"]),
                                  list(p["history"]))
    return FederationState(models=models, extra=dict(saved["extra"])), progress
