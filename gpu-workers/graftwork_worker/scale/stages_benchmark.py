"""The `benchmark` stage: the whole protocol in one process, every requested method compared.

pretrain -> QA fine-tune (Task 0) -> for each method: a fresh copy of the Task-0 model,
expanded and trained on Task 1. Returns the stability-plasticity table (retention vs
acquisition per method) with FFT as the baseline when it is among the methods. Nothing is
registered: the benchmark's product is the table and the curves.
"""
from __future__ import annotations

import copy
from typing import Any

from ..data.corpus import build_biography_data
from ..worker.job_context import JobContext
from .spec import ScaleSpec
from .stages import phase_record, pretrain_phase, qa_phase
from .stages_continual import biography_row, train_method
from .stages_probes import preservation_scores, retention_acquisition_probe
from .training_lm import CausalLMTrainee

BASELINE = "fft"
# SCALE-Route routes only at evaluation (training uses z_A on all tokens), so one trained model
# can be scored at several thresholds: the table shows where its trade-off lies.
ROUTER_SWEEP = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)


def router_sweep(model: Any, data: Any, device: str) -> list[dict[str, float]]:
    """Retention and acquisition of a trained SCALE-Route model at each threshold tau."""
    options = model.spec.options
    trained_tau = options["router_tau"]
    points = []
    try:
        for tau in ROUTER_SWEEP:
            options["router_tau"] = tau  # read by the router at every forward pass
            scores = retention_acquisition_probe(model, data, device)(0)
            points.append({"tau": tau, "retention": scores["task0_first_token_acc"],
                           "acquisition": scores["task1_first_token_acc"]})
    finally:
        options["router_tau"] = trained_tau
    return points


def _with_ratios(rows: list[dict[str, Any]]) -> None:
    """Retention and acquisition of each method relative to the baseline's (None without one)."""
    base = next((r for r in rows if r["method"] == BASELINE), None)
    for row in rows:
        for key, ratio in (("retentionAfter", "retentionRatio"), ("acquisition", "acquisitionRatio")):
            row[ratio] = row[key] / base[key] if base is not None and base[key] > 0 else None


def run_benchmark(ctx: JobContext, spec: ScaleSpec) -> dict[str, Any]:
    data = build_biography_data(spec.biographies)
    lm, pretrained = pretrain_phase(ctx, spec, data, spec.pretrain_training, (0.0, 0.2))
    tuned = qa_phase(ctx, lm, data, spec.qa_training, (0.2, 0.3))
    lm.eval()
    before = retention_acquisition_probe(CausalLMTrainee(lm), data, ctx.device)(0)
    phases = [phase_record("pretrain", pretrained), phase_record("qa_finetune", tuned)]
    rows = []
    share = 0.7 / len(spec.methods)
    for i, run in enumerate(spec.methods):
        span = (0.3 + i * share, 0.3 + (i + 1) * share)
        model, result = train_method(ctx, copy.deepcopy(lm), run, data.task1_train, spec.training,
                                     lambda m: retention_acquisition_probe(m, data, ctx.device),
                                     phase=f"continual/{i}/{run.method}", field=f"methods[{i}].options", span=span)
        model.eval()
        preservation = preservation_scores(model, data.task0_eval, data.tokenizer.pad_id, ctx.device)
        rows.append(biography_row(run.method, before, result, model, preservation))
        if run.method == "scale_route":
            rows[-1]["routerSweep"] = router_sweep(model, data, ctx.device)
        phases.append(phase_record("continual", result, run.method))
        del model
    _with_ratios(rows)
    return {"stage": "benchmark", "modelVersions": [], "phases": phases, "table": rows,
            "baseline": BASELINE if any(r["method"] == BASELINE for r in rows) else None,
            "vocabSize": data.tokenizer.vocab_size}
