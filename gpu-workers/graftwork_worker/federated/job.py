"""The `federated` job: spec -> simulation -> strategy rounds -> metrics, artifacts, result."""
from __future__ import annotations

import json
import math
from typing import Any, Mapping

import torch
from safetensors.torch import save_file

from ..worker.job_context import JobConfigError, JobContext, MetricPoint, ensure_finite_loss
from .builder import build_simulation
from .config import FederatedConfig
from .data_source import load_dataset
from .evaluation import per_client_accuracy
from .loop import FederationProgress, RoundRecord, checkpoint, run_federation
from .registry import make_strategy
from .simulation import Simulation
from .spec import parse_spec
from .strategy import GLOBAL, FederationState, Strategy

# Round metrics sent for every round (accuracy/loss only on evaluated rounds).
REPORTED = ("accuracy", "loss", "sim_time_s", "round_time_s", "compute_s", "transfer_s", "bytes", "bytes_total", "lr")


def run_federated_job(ctx: JobContext) -> Mapping[str, Any]:
    sim, strategy = _prepare(ctx)
    loaded = ctx.load_checkpoint()
    resume, resumed_from = (loaded[0], loaded[1]) if loaded is not None else (None, 0)
    config = sim.config

    def on_round(record: RoundRecord, state: FederationState, progress: FederationProgress) -> None:
        _report_round(ctx, sim, strategy, record, state)
        ctx.progress(record.round / config.rounds, f"round {record.round}/{config.rounds}")
        if config.checkpoint_every and record.round % config.checkpoint_every == 0 and record.round < config.rounds:
            ctx.save_checkpoint(checkpoint(sim, strategy, state, progress), record.round)

    result = run_federation(sim, strategy, config.rounds, on_round=on_round, cancel=ctx.check_cancelled,
                            resume=resume)
    artifacts = _save_artifacts(ctx, sim, strategy, result.state)
    return _result(sim, strategy, result.progress, resumed_from, artifacts)


def _prepare(ctx: JobContext) -> tuple[Simulation, Strategy]:
    """Everything a spec decides; a value the engine cannot use is a config error (no retry)."""
    try:
        config = parse_spec(ctx.spec)
        data = load_dataset(config, ctx.fetch_dataset_version)
        sim = build_simulation(config, data, ctx.device)
        strategy = make_strategy(config.algorithm, config.options)
    except (ValueError, FileNotFoundError) as e:
        raise JobConfigError(str(e)) from e
    return sim, strategy


def _report_round(ctx: JobContext, sim: Simulation, strategy: Strategy, record: RoundRecord,
                  state: FederationState) -> None:
    m = record.metrics
    points = [MetricPoint(k, record.round, float(m[k])) for k in REPORTED if k in m]
    points += [MetricPoint(k, record.round, float(v)) for k, v in m.items() if k not in REPORTED]
    points += [MetricPoint(c.key, record.round, float(c.value), dict(c.context)) for c in record.context_metrics]
    if sim.config.client_metrics and "accuracy" in m and GLOBAL in state.models:
        acc = per_client_accuracy(sim.model, state.models[GLOBAL], sim.clients.x, sim.clients.y,
                                  sim.clients.index, sim.clients.counts).tolist()
        points += [MetricPoint("client_accuracy", record.round, a, {"client": i}) for i, a in enumerate(acc)]
    ctx.log_metrics(points)
    if "loss" in m:
        ensure_finite_loss(m["loss"], record.round)


def _save_artifacts(ctx: JobContext, sim: Simulation, strategy: Strategy, state: FederationState) -> dict[str, Any]:
    models = []
    for key, params in state.models.items():
        name = f"model-{key.replace('/', '-')}.safetensors"
        path = ctx.workdir / name
        save_file({k: v.detach().cpu().contiguous() for k, v in params.items()}, str(path),
                  metadata={"model": sim.model.name, "key": key, "algorithm": strategy.name})
        ref = ctx.upload_artifact(name, path, kind="model", metadata={"key": key})
        models.append({"key": key, "name": name, "artifactId": ref.id})
    layout = ctx.workdir / "federation.json"
    layout.write_text(json.dumps(_jsonable(strategy.artifacts(sim, state))))
    ref = ctx.upload_artifact("federation.json", layout, kind="file")
    return {"models": models, "federationArtifactId": ref.id}


def _result(sim: Simulation, strategy: Strategy, progress: FederationProgress, resumed_from: int,
            artifacts: dict[str, Any]) -> dict[str, Any]:
    evaluated = [(i + 1, h) for i, h in enumerate(progress.history) if "accuracy" in h]
    last = evaluated[-1][1] if evaluated else {}
    best_round, best = max(evaluated, key=lambda rh: rh[1]["accuracy"]) if evaluated else (0, {})
    counts = sim.clients.counts.float()
    history = [{"round": i + 1, "simTimeS": h["sim_time_s"], "bytes": int(h["bytes"]),
                **({"accuracy": _num(h["accuracy"]), "loss": _num(h["loss"])} if "accuracy" in h else {})}
               for i, h in enumerate(progress.history)]
    return {
        "algorithm": strategy.name,
        "rounds": progress.rounds_done,
        "resumedFromRound": resumed_from,
        "final": {"accuracy": _num(last.get("accuracy", math.nan)), "loss": _num(last.get("loss", math.nan)),
                  "simTimeS": progress.sim_time_s, "bytesTotal": progress.bytes_total},
        "best": {"accuracy": _num(best.get("accuracy", math.nan)), "round": best_round},
        "history": history,
        "model": {"name": sim.model.name, "numParams": sim.model.num_params, "bytes": sim.model.bytes,
                  "flopsPerSample": sim.model.flops_per_sample},
        "clients": {"count": sim.num_clients, "perRound": sim.config.clients_per_round,
                    "samplesMin": int(counts.min()), "samplesMax": int(counts.max()),
                    "samplesMean": float(counts.mean())},
        "device": str(sim.device),
        "artifacts": artifacts,
    }


def _num(value: float) -> float | str:
    """Non-finite numbers as the strings the contracts allow."""
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, torch.Tensor):
        return value.tolist()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    return value


__all__ = ["run_federated_job", "FederatedConfig"]
