"""The SCALE protocol's stages. Each is one `scale` run; model versions carry models between them.

pretrain -> base version; qa_finetune(base) -> Task-0 version; continual(Task-0, method) ->
expanded version per method; benchmark does all of it in one process for several methods.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Mapping

import torch

from ..data.corpus import BiographyData, build_biography_data
from ..data.packing import BatchPool
from ..data.tokenization import WordTokenizer
from ..models.llama import LlamaConfig, LlamaForCausalLM
from ..worker.job_context import JobConfigError, JobContext
from .spec import ScaleSpec
from .stages_io import architecture_of, check_same_data, data_meta, load_version, publish, write_base_folder
from .stages_probes import Probe, qa_probe, text_loss_probe
from .training import TrainConfig, Trainer, TrainResult
from .training_lm import CausalLMTrainee


def phase_record(phase: str, result: TrainResult, method: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"phase": phase, "steps": result.steps, "finalLoss": result.final_loss,
                              "resumedFrom": result.resumed_from, "curve": result.curve}
    if method is not None:
        record["method"] = method
    return record


def new_base_model(spec: ScaleSpec, vocab_size: int) -> LlamaForCausalLM:
    size = spec.model_size
    config = LlamaConfig.tiny(vocab_size, hidden_size=size["hiddenSize"], intermediate_size=size["intermediateSize"],
                              num_hidden_layers=size["layers"], num_attention_heads=size["heads"],
                              num_key_value_heads=size["kvHeads"],
                              max_position_embeddings=max(512, spec.biographies.seq_len))
    torch.manual_seed(spec.seed)
    return LlamaForCausalLM(config)


def train_full(ctx: JobContext, lm: LlamaForCausalLM, pool: BatchPool, cfg: TrainConfig, phase: str,
               probe: Callable[[torch.nn.Module], Probe], span: tuple[float, float]) -> TrainResult:
    """Every parameter of a plain LM trains (pretrain and qa_finetune)."""
    trainee = CausalLMTrainee(lm).to(ctx.device)
    trainer = Trainer(trainee, pool, cfg, ctx, phase=phase, context={"stage": phase},
                      eval_fn=probe(trainee), progress_span=span)
    return trainer.run()


def pretrain_phase(ctx: JobContext, spec: ScaleSpec, data: BiographyData, cfg: TrainConfig,
                   span: tuple[float, float]) -> tuple[LlamaForCausalLM, TrainResult]:
    lm = new_base_model(spec, data.tokenizer.vocab_size)
    rows = data.pretrain.ids[:32]  # a fixed slice: the curve shows the biographies being memorised
    result = train_full(ctx, lm, data.pretrain, cfg, "pretrain",
                        lambda m: text_loss_probe(m, rows, ctx.device, "bio"), span)
    return lm, result


def qa_phase(ctx: JobContext, lm: LlamaForCausalLM, data: BiographyData, cfg: TrainConfig,
             span: tuple[float, float]) -> TrainResult:
    return train_full(ctx, lm, data.task0_train, cfg, "qa_finetune",
                      lambda m: qa_probe(m, data, ctx.device), span)


def _publish_base(ctx: JobContext, spec: ScaleSpec, lm: LlamaForCausalLM, data: BiographyData, stage: str,
                  name: str, parent: str | None) -> dict[str, Any]:
    meta = {"stage": stage, "biographies": data_meta(spec.biographies)}
    folder = write_base_folder(Path(ctx.workdir) / stage, lm.cpu(), data.tokenizer, meta)
    return publish(ctx, folder, name, parent_version_id=parent,
                   derivation={"stage": stage, "biographies": asdict(spec.biographies)},
                   architecture=architecture_of(lm))


def run_pretrain(ctx: JobContext, spec: ScaleSpec) -> dict[str, Any]:
    data = build_biography_data(spec.biographies)
    lm, result = pretrain_phase(ctx, spec, data, spec.training, (0.0, 0.95))
    version = _publish_base(ctx, spec, lm, data, "pretrain", f"{spec.model_name}-base", None)
    return {"stage": "pretrain", "modelVersions": [version], "phases": [phase_record("pretrain", result)]}


def load_biography_version(ctx: JobContext, spec: ScaleSpec) -> tuple[LlamaForCausalLM, BiographyData]:
    """The input model version and the biography data built with its own tokenizer."""
    assert spec.model_version_id is not None  # parse_spec checked it
    loaded = load_version(ctx, spec.model_version_id)
    check_same_data(loaded.meta, spec.biographies, spec.model_version_id)
    if not isinstance(loaded.tokenizer, WordTokenizer):
        raise JobConfigError(f"modelVersionId: {spec.model_version_id} has no biography word tokenizer")
    return loaded.lm.to(ctx.device), build_biography_data(spec.biographies, loaded.tokenizer)


def run_qa_finetune(ctx: JobContext, spec: ScaleSpec) -> dict[str, Any]:
    lm, data = load_biography_version(ctx, spec)
    result = qa_phase(ctx, lm, data, spec.training, (0.0, 0.95))
    version = _publish_base(ctx, spec, lm, data, "qa_finetune", f"{spec.model_name}-task0", spec.model_version_id)
    return {"stage": "qa_finetune", "modelVersions": [version], "phases": [phase_record("qa_finetune", result)]}


def run_stage(ctx: JobContext, spec: ScaleSpec) -> Mapping[str, Any]:
    from .stages_benchmark import run_benchmark
    from .stages_continual import run_continual

    stages: dict[str, Callable[[JobContext, ScaleSpec], Mapping[str, Any]]] = {
        "pretrain": run_pretrain, "qa_finetune": run_qa_finetune, "continual": run_continual,
        "benchmark": run_benchmark}
    return stages[spec.stage](ctx, spec)
