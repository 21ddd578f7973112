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
from .spec import ScaleSpec
from .stages import phase_record, pretrain_phase, qa_phase
from .stages_continual import biography_row, train_method
from .stages_probes import preservation_scores, retention_acquisition_probe
from .training_lm import CausalLMTrainee

BASELINE = "fft"


def _with_ratios(rows: list[dict[str, Any]]) -> None:
    """Retention and acquisition of each method relative to the baseline's (None without one)."""
    base = next((r for r in rows if r["method"] == BASELINE), None)
    for row in rows:
        for key, ratio in (("retentionAfter", "retentionRatio"), ("acquisition", "acquisitionRatio")):
            row[ratio] = row[key] / base[key] if base is not None and base[key] > 0 else None


def run_benchmark(ctx: Any, spec: ScaleSpec) -> dict[str, Any]:
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
        phases.append(phase_record("continual", result, run.method))
        del model
    _with_ratios(rows)
    return {"stage": "benchmark", "modelVersions": [], "phases": phases, "table": rows,
            "baseline": BASELINE if any(r["method"] == BASELINE for r in rows) else None,
            "vocabSize": data.tokenizer.vocab_size}
