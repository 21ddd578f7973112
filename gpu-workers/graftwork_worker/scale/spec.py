"""The `scale` job spec: schema defaults filled in, cross-field checks, typed settings.

Defaults live in contracts/jobs/scale.schema.json only; this module reads them from there
(nested objects and $refs included), so the worker and the service never disagree.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ..data.corpus import BiographyConfig
from ..worker.contracts_catalog import locate_contracts_dir, schema_errors
from ..worker.job_context import JobConfigError
from .training import TrainConfig

STAGES = ("pretrain", "qa_finetune", "continual", "benchmark")
ALL_METHODS = ("fft", "lora", "freeze", "llama_pro", "scale_preserve", "scale_adapt", "scale_route")


@dataclass(frozen=True)
class MethodRun:
    method: str
    options: dict[str, Any]
    learning_rate: float | None = None  # overrides training.learningRate for this method
    new_learning_rate: float | None = None


@dataclass(frozen=True)
class CorpusSpec:
    dataset_version_id: str
    held_out_dataset_version_id: str
    text_field: str
    seq_len: int
    max_sequences: int
    eval_sequences: int


@dataclass(frozen=True)
class ScaleSpec:
    stage: str
    model_version_id: str | None
    method: MethodRun
    methods: tuple[MethodRun, ...]
    model_size: dict[str, int]
    biographies: BiographyConfig
    corpus: CorpusSpec | None
    training: TrainConfig
    pretrain_training: TrainConfig
    qa_training: TrainConfig
    model_name: str
    export_onnx: bool
    seed: int


@lru_cache(maxsize=1)
def _schema() -> tuple[Path, dict[str, Any]]:
    contracts = locate_contracts_dir(None)
    if contracts is None:
        raise RuntimeError("contracts/ not found: the scale spec's defaults live in contracts/jobs/scale.schema.json")
    return contracts, json.loads((contracts / "jobs" / "scale.schema.json").read_text())


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> dict[str, Any]:
    """A schema node with its local $ref merged in (the node's own keys win, as in 2020-12)."""
    if "$ref" not in node:
        return dict(node)
    target: Any = root
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    merged = _resolve(target, root)
    merged.update({k: v for k, v in node.items() if k != "$ref"})
    return merged


def _with_defaults(value: Any, node: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    node = _resolve(node, root)
    if isinstance(value, dict) and "properties" in node:
        filled = dict(value)
        for name, prop in node["properties"].items():
            prop = _resolve(prop, root)
            if name not in filled and "default" in prop:
                filled[name] = copy.deepcopy(prop["default"])
            if name in filled:
                filled[name] = _with_defaults(filled[name], prop, root)
        return filled
    if isinstance(value, list) and "items" in node:
        return [_with_defaults(item, node["items"], root) for item in value]
    return value


def fill_defaults(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with every schema default filled in, at every depth."""
    _, schema = _schema()
    return _with_defaults(dict(raw), schema, schema)


def _train_config(t: Mapping[str, Any], seed: int) -> TrainConfig:
    return TrainConfig(
        steps=t["steps"], batch_size=t["batchSize"], lr=t["learningRate"], new_lr=t["newLearningRate"],
        weight_decay=t["weightDecay"], warmup_steps=min(t["warmupSteps"], t["steps"]), min_lr_ratio=t["minLrRatio"],
        grad_accum=t["gradAccum"], max_grad_norm=t["maxGradNorm"], seed=seed, eval_every=t["evalEvery"],
        checkpoint_every=t["checkpointEvery"], compile=t["compile"], bf16=t["bf16"])


def _method_run(entry: Mapping[str, Any]) -> MethodRun:
    return MethodRun(method=entry["method"], options=dict(entry.get("options", {})),
                     learning_rate=entry.get("learningRate"), new_learning_rate=entry.get("newLearningRate"))


def _default_methods(layers: int) -> list[dict[str, Any]]:
    """All seven methods; Freeze keeps the paper's 3 bottom layers only where the model is deep
    enough to leave trainable layers above them."""
    return [{"method": m, "options": {"freezeLayers": min(3, layers // 2)} if m == "freeze" else {}}
            for m in ALL_METHODS]


def _check_model_size(size: Mapping[str, int]) -> None:
    hidden, heads, kv = size["hiddenSize"], size["heads"], size["kvHeads"]
    if hidden % heads:
        raise JobConfigError(f"modelSize.heads: expected a divisor of hiddenSize ({hidden}), got {heads}")
    if (hidden // heads) % 2:
        raise JobConfigError(f"modelSize.heads: hiddenSize / heads must be even (rotary pairs), got {hidden // heads}")
    if heads % kv:
        raise JobConfigError(f"modelSize.kvHeads: expected a divisor of heads ({heads}), got {kv}")


def _check_stage(spec: ScaleSpec) -> None:
    if spec.stage in ("qa_finetune", "continual") and not spec.model_version_id:
        raise JobConfigError(f"modelVersionId: required by stage {spec.stage!r}")
    if spec.corpus is not None and spec.stage != "continual":
        raise JobConfigError(f"corpus: only the continual stage trains on a corpus, stage is {spec.stage!r}")
    bio = spec.biographies
    if spec.stage in ("pretrain", "benchmark") and bio.task0_fraction * bio.old_people < 1:
        raise JobConfigError("biographies.task0Fraction: selects no old person for Task 0")


def parse_spec(raw: Mapping[str, Any]) -> ScaleSpec:
    """Validate against the schema, fill defaults, and check what the schema cannot express."""
    contracts, _ = _schema()
    errors = schema_errors(contracts, "jobs", "scale", dict(raw), "spec")
    if errors:
        raise JobConfigError("; ".join(errors))
    s = fill_defaults(raw)
    seed = s["seed"]
    b = s["biographies"]
    corpus = s.get("corpus")
    spec = ScaleSpec(
        stage=s["stage"], model_version_id=s.get("modelVersionId"),
        method=MethodRun(method=s["method"], options=dict(s["methodOptions"])),
        methods=tuple(_method_run(m) for m in s.get("methods") or _default_methods(s["modelSize"]["layers"])),
        model_size=dict(s["modelSize"]),
        biographies=BiographyConfig(
            old_people=b["oldPeople"], new_people=b["newPeople"], bios_per_person=b["biosPerPerson"],
            task0_fraction=b["task0Fraction"], language=b["language"], task1_language=b["task1Language"],
            task1_qa=b["task1Qa"], seq_len=b["seqLen"], eval_people=b["evalPeople"], seed=b["seed"]),
        corpus=None if corpus is None else CorpusSpec(
            dataset_version_id=corpus["datasetVersionId"], held_out_dataset_version_id=corpus["heldOutDatasetVersionId"],
            text_field=corpus["textField"], seq_len=corpus["seqLen"], max_sequences=corpus["maxSequences"],
            eval_sequences=corpus["evalSequences"]),
        training=_train_config(s["training"], seed),
        pretrain_training=_train_config(s["pretrainTraining"], seed),
        qa_training=_train_config(s["qaTraining"], seed),
        model_name=s["modelName"], export_onnx=s["exportOnnx"], seed=seed)
    _check_model_size(spec.model_size)
    _check_stage(spec)
    return spec
