"""Handlers used by the runtime's tests; they run in the spawned training child."""
from __future__ import annotations

import time
from typing import Any, Mapping

from graftwork_worker.worker.job_context import JobConfigError, JobContext, MetricPoint, ensure_finite_loss


def slow_steps(ctx: JobContext) -> Mapping[str, Any]:
    """Steps of spec.stepMs, checking for a cancel each step and logging `step` per step."""
    for step in range(1, int(ctx.spec["steps"]) + 1):
        ctx.check_cancelled()
        ctx.log_metrics([MetricPoint("step_started_at", step, time.time())])
        time.sleep(ctx.spec["stepMs"] / 1000)
    return {"steps": ctx.spec["steps"]}


def ignores_cancel(ctx: JobContext) -> Mapping[str, Any]:
    ctx.log_metrics([MetricPoint("alive", 1, 1.0)])
    time.sleep(600)
    return {}


def bad_config(ctx: JobContext) -> Mapping[str, Any]:
    raise JobConfigError("spec.heads: 3 does not divide hiddenSize 64")


def diverges(ctx: JobContext) -> Mapping[str, Any]:
    ctx.log_metrics([MetricPoint("client_loss", 1, 0.25, {"client": 3})])
    for step, loss in enumerate([1.0, 0.5, float("nan")], start=1):
        ctx.log_metrics([MetricPoint("loss", step, loss), MetricPoint("grad_norm", step, float("inf"))])
        ensure_finite_loss(loss, step)
    return {}


def crashes(ctx: JobContext) -> Mapping[str, Any]:
    raise RuntimeError("boom in the engine")


def uses_the_store(ctx: JobContext) -> Mapping[str, Any]:
    """Downloads a model and a dataset version, uploads an artifact, registers a model version."""
    model_folder = ctx.fetch_model_version("mv-base")
    dataset_file = ctx.fetch_dataset_version("dv-train")
    out = ctx.workdir / "weights.bin"
    out.write_bytes(b"new weights")
    artifact = ctx.upload_artifact("weights.bin", out, kind="model")
    version = ctx.register_model_version("grown", artifact, parent_version_id="mv-base",
                                         derivation={"method": "test"}, architecture={"layers": 1})
    return {"modelFiles": sorted(p.name for p in model_folder.iterdir()),
            "config": (model_folder / "config.json").read_text(), "dataset": dataset_file.name,
            "datasetText": dataset_file.read_text(), "artifactId": artifact.id, "versionId": version}
