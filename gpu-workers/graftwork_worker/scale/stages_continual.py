"""The `continual` stage: expand a model version with one method and train it on Task 1.

Task 1 is the new population's biographies (retention / acquisition accuracy curves) or an
uploaded corpus (forgetting / learning perplexity curves). The output is a child model
version of the input, its derivation recording the method, its options and the stage.
"""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from ..data.packing import BatchPool, pack_dataset_file
from ..data.tokenization import TextTokenizer
from ..models.llama import LlamaForCausalLM
from ..worker.job_context import JobConfigError, JobContext
from .spec import CorpusSpec, MethodRun, ScaleSpec
from .stages import load_biography_version, phase_record
from .stages_io import architecture_of, data_meta, load_version, publish, write_method_folder
from .stages_probes import Probe, forgetting_learning_probe, preservation_scores, retention_acquisition_probe
from .training import TrainConfig, Trainer, TrainResult
from .training_lm import CausalLMTrainee


def build_method(base: LlamaForCausalLM, run: MethodRun, field: str) -> nn.Module:
    """The MethodModel of `run` over `base`; a bad option is a JobConfigError naming the spec field."""
    from .methods import MethodSpec, build_method_model

    try:
        return build_method_model(base, MethodSpec.from_dict({"method": run.method, "options": run.options}))
    except ValueError as error:
        message = str(error)
        if message.startswith("options."):
            raise JobConfigError(f"{field}.{message.removeprefix('options.')}") from error
        raise JobConfigError(f"{field}: {message}") from error


def train_method(ctx: JobContext, base: LlamaForCausalLM, run: MethodRun, pool: BatchPool, cfg: TrainConfig,
                 probe: Callable[[nn.Module], Probe], *, phase: str, field: str,
                 span: tuple[float, float]) -> tuple[nn.Module, TrainResult]:
    model = build_method(base, run, field).to(ctx.device)
    cfg = replace(cfg, lr=run.learning_rate or cfg.lr, new_lr=run.new_learning_rate or cfg.new_lr)
    trainer = Trainer(model, pool, cfg, ctx, phase=phase, context={"stage": "continual", "method": run.method},
                      eval_fn=probe(model), progress_span=span)
    return model, trainer.run()


def biography_row(method: str, before: dict[str, float], result: TrainResult, model: nn.Module,
                  preservation: dict[str, float] | None) -> dict[str, Any]:
    """One method's line of the stability-plasticity table (accuracies in 0..1, NLL in nats).

    "Before" is the Task-0 model before expansion; acquisitionBefore is the expanded model at
    step 0. preservationHead: SCALE's frozen-head scores after training (None for baselines).
    """
    first, last = result.curve[0], result.curve[-1]
    return {"method": method,
            "retentionBefore": before["task0_first_token_acc"], "retentionAfter": last["task0_first_token_acc"],
            "retentionExactBefore": before["task0_exact_match"], "retentionExactAfter": last["task0_exact_match"],
            "retentionNllBefore": before["task0_answer_nll"], "retentionNllAfter": last["task0_answer_nll"],
            "acquisitionBefore": first["task1_first_token_acc"], "acquisition": last["task1_first_token_acc"],
            "acquisitionExact": last["task1_exact_match"], "acquisitionNll": last["task1_answer_nll"],
            "preservationHead": preservation, "parameters": model.parameter_report()}  # type: ignore[operator]


def _publish_method(ctx: JobContext, spec: ScaleSpec, model: nn.Module, base_folder: Path | None,
                    tokenizer: TextTokenizer, base: LlamaForCausalLM, meta: dict[str, Any]) -> dict[str, Any]:
    method = model.spec.method  # type: ignore[union-attr]
    folder = Path(ctx.workdir) / f"continual-{method}"
    config = write_method_folder(folder, model, tokenizer, meta)
    if base_folder is not None and not (folder / "tokenizer.json").exists():
        shutil.copy(base_folder / "tokenizer.json", folder / "tokenizer.json")  # an uploaded model's own
    if spec.export_onnx:
        _export_onnx(model, folder)
    return publish(ctx, folder, f"{spec.model_name}-{method}", parent_version_id=spec.model_version_id,
                   derivation={"method": method, "options": config["options"], "stage": "continual"},
                   architecture=architecture_of(base, {"method": method, "expansion": config.get("details", {}),
                                                       "parameterReport": config.get("parameters", {})}))


def _export_onnx(model: nn.Module, folder: Path) -> None:
    """ONNX beside the weights (inference in the service); outputs named by export/onnx_export.py."""
    from ..export.onnx_export import export_onnx

    export_onnx(model, folder / "model.onnx")  # type: ignore[arg-type]


def _run_on_biographies(ctx: JobContext, spec: ScaleSpec) -> dict[str, Any]:
    lm, data = load_biography_version(ctx, spec)
    before = retention_acquisition_probe(CausalLMTrainee(lm), data, ctx.device)(0)
    model, result = train_method(ctx, lm, spec.method, data.task1_train, spec.training,
                                 lambda m: retention_acquisition_probe(m, data, ctx.device),
                                 phase="continual", field="methodOptions", span=(0.0, 0.95))
    model.eval()
    preservation = preservation_scores(model, data.task0_eval, data.tokenizer.pad_id, ctx.device)
    row = biography_row(spec.method.method, before, result, model, preservation)
    meta = {"stage": "continual", "biographies": data_meta(spec.biographies)}
    version = _publish_method(ctx, spec, model, None, data.tokenizer, lm, meta)
    return {"stage": "continual", "modelVersions": [version],
            "phases": [phase_record("continual", result, spec.method.method)], "table": [row]}


def _corpus_rows(ctx: JobContext, corpus: CorpusSpec, tokenizer: TextTokenizer) -> tuple[torch.Tensor, ...]:
    """(training rows, new-domain held-out rows, old-domain held-out rows)."""
    try:
        new = pack_dataset_file(ctx.fetch_dataset_version(corpus.dataset_version_id), tokenizer, corpus.seq_len,
                                corpus.text_field, corpus.max_sequences + corpus.eval_sequences)
        old = pack_dataset_file(ctx.fetch_dataset_version(corpus.held_out_dataset_version_id), tokenizer,
                                corpus.seq_len, corpus.text_field, corpus.eval_sequences)
    except ValueError as error:
        raise JobConfigError(f"corpus: {error}") from error
    held = min(corpus.eval_sequences, new.shape[0] // 2)
    if held == 0:
        raise JobConfigError(f"corpus.datasetVersionId: needs at least 2 sequences of {corpus.seq_len} tokens")
    return new[:-held], new[-held:], old


def _run_on_corpus(ctx: JobContext, spec: ScaleSpec, corpus: CorpusSpec) -> dict[str, Any]:
    assert spec.model_version_id is not None
    loaded = load_version(ctx, spec.model_version_id)
    lm = loaded.lm.to(ctx.device)
    if loaded.tokenizer.vocab_size > lm.config.vocab_size:
        raise JobConfigError(f"modelVersionId: tokenizer has {loaded.tokenizer.vocab_size} tokens, "
                             f"the model's vocabulary {lm.config.vocab_size}")
    train_rows, new_rows, old_rows = _corpus_rows(ctx, corpus, loaded.tokenizer)
    before = forgetting_learning_probe(CausalLMTrainee(lm), old_rows, new_rows, ctx.device)(0)
    model, result = train_method(ctx, lm, spec.method, BatchPool(train_rows, train_rows.clone()), spec.training,
                                 lambda m: forgetting_learning_probe(m, old_rows, new_rows, ctx.device),
                                 phase="continual", field="methodOptions", span=(0.0, 0.95))
    last = result.curve[-1]
    row = {"method": spec.method.method, "oldPerplexityBefore": before["old_perplexity"],
           "oldPerplexityAfter": last["old_perplexity"], "newPerplexityBefore": before["new_perplexity"],
           "newPerplexityAfter": last["new_perplexity"], "parameters": model.parameter_report()}  # type: ignore[operator]
    meta = {"stage": "continual", "corpus": {"datasetVersionId": corpus.dataset_version_id}}
    version = _publish_method(ctx, spec, model, loaded.folder, loaded.tokenizer, lm, meta)
    return {"stage": "continual", "modelVersions": [version],
            "phases": [phase_record("continual", result, spec.method.method)], "perplexityTable": [row]}


def run_continual(ctx: JobContext, spec: ScaleSpec) -> dict[str, Any]:
    if spec.corpus is not None:
        return _run_on_corpus(ctx, spec, spec.corpus)
    return _run_on_biographies(ctx, spec)
