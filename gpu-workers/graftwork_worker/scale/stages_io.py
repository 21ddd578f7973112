"""Model versions in and out of a stage: folders, tar artifacts, lineage registration.

A model version is uploaded as one uncompressed tar of its folder (safetensors barely
compress); the runtime's fetch_model_version unpacks it back into a folder. Folders hold:
  base / Task-0 model: config.json + model.safetensors (Hugging Face layout) + tokenizer.json
  continual output:    model.safetensors + method.json (export/method_checkpoint.py: the whole
                       trained state and the config recording the method and the expansion,
                       from which load_method_checkpoint rebuilds the model exactly);
                       config.json = the base's Hugging Face config plus a "graftwork_method"
                       entry (method, options, expansion); tokenizer.json; model.onnx if asked
  all of ours:         graftwork_scale.json (stage, biography data settings: checked by the
                       next stage, so a protocol never mixes populations)
"""
from __future__ import annotations

import json
import tarfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping

from torch import nn

from ..data.corpus import BiographyConfig
from ..data.tokenization import TextTokenizer, WordTokenizer, load_tokenizer
from ..models.hf_checkpoint import load_hf_checkpoint, save_hf_checkpoint
from ..models.llama import LlamaForCausalLM
from ..worker.job_context import JobConfigError, JobContext

META_FILE = "graftwork_scale.json"
# Biography settings that change which people and words exist: they must match across stages.
_DATA_IDENTITY = ("old_people", "new_people", "bios_per_person", "task0_fraction", "language",
                  "task1_language", "seed")


@dataclass
class LoadedVersion:
    lm: LlamaForCausalLM
    tokenizer: TextTokenizer
    meta: dict[str, Any]
    folder: Path


def _write_common(folder: Path, tokenizer: TextTokenizer, meta: Mapping[str, Any]) -> Path:
    if isinstance(tokenizer, WordTokenizer):
        tokenizer.save(folder / "tokenizer.json")
    (folder / META_FILE).write_text(json.dumps(dict(meta), indent=2))
    return folder


def write_base_folder(folder: Path, lm: LlamaForCausalLM, tokenizer: TextTokenizer,
                      meta: Mapping[str, Any]) -> Path:
    save_hf_checkpoint(lm, folder)
    return _write_common(folder, tokenizer, meta)


def write_method_folder(folder: Path, model: nn.Module, tokenizer: TextTokenizer,
                        meta: Mapping[str, Any]) -> dict[str, Any]:
    """Write a trained MethodModel's folder; returns its export config."""
    from ..export.method_checkpoint import CONFIG_FILE, save_method_checkpoint

    save_method_checkpoint(model, folder)  # type: ignore[arg-type]
    config = json.loads((folder / CONFIG_FILE).read_text())
    summary = {k: config.get(k) for k in ("format", "method", "options", "details")}
    (folder / "config.json").write_text(json.dumps({**config["base_config"], "graftwork_method": summary}, indent=2))
    _write_common(folder, tokenizer, meta)
    return config


def is_method_folder(folder: Path) -> bool:
    from ..export.method_checkpoint import CONFIG_FILE

    return (folder / CONFIG_FILE).exists()


def data_meta(cfg: BiographyConfig) -> dict[str, Any]:
    return {k: v for k, v in asdict(cfg).items() if k in _DATA_IDENTITY}


def check_same_data(meta: Mapping[str, Any], cfg: BiographyConfig, version_id: str) -> None:
    """Refuse a spec whose biography settings differ from those the model version was trained on."""
    trained = meta.get("biographies")
    if trained is None:
        raise JobConfigError(f"modelVersionId: {version_id} was not trained by a scale stage on biographies")
    wanted = data_meta(cfg)
    for key in _DATA_IDENTITY:
        if trained.get(key) != wanted[key]:
            camel = "".join(w.capitalize() if i else w for i, w in enumerate(key.split("_")))
            raise JobConfigError(f"biographies.{camel}: model version {version_id} was trained with "
                                 f"{trained.get(key)!r}, the spec says {wanted[key]!r}")


def load_version(ctx: JobContext, version_id: str) -> LoadedVersion:
    folder = Path(ctx.fetch_model_version(version_id))
    if is_method_folder(folder):
        raise JobConfigError(f"modelVersionId: {version_id} is already an expanded (method) model; "
                             "expand its base or Task-0 model version instead")
    try:
        lm = load_hf_checkpoint(folder)
        tokenizer = load_tokenizer(folder)
    except (FileNotFoundError, ValueError) as error:
        raise JobConfigError(f"modelVersionId: {version_id} cannot be loaded: {error}") from error
    meta_path = folder / META_FILE
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    return LoadedVersion(lm=lm.float(), tokenizer=tokenizer, meta=meta, folder=folder)


def architecture_of(lm: LlamaForCausalLM, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    c = lm.config
    arch: dict[str, Any] = {"family": "llama", "hiddenSize": c.hidden_size, "intermediateSize": c.intermediate_size,
                            "layers": c.num_hidden_layers, "heads": c.num_attention_heads,
                            "kvHeads": c.num_key_value_heads, "vocabSize": c.vocab_size,
                            "parameters": sum(p.numel() for p in lm.parameters())}
    arch.update(extra or {})
    return arch


def publish(ctx: JobContext, folder: Path, name: str, *, parent_version_id: str | None,
            derivation: Mapping[str, Any], architecture: Mapping[str, Any]) -> dict[str, Any]:
    """Tar the folder, upload it, register it as a model version; the result's record of it."""
    archive = folder.with_suffix(".tar")
    with tarfile.open(archive, "w") as tar:
        for path in sorted(folder.iterdir()):
            tar.add(path, arcname=path.name)
    artifact = ctx.upload_artifact(f"{name}.tar", archive, kind="model",
                                   metadata={"format": "tar", "files": sorted(p.name for p in folder.iterdir())})
    version_id = ctx.register_model_version(name, artifact, parent_version_id=parent_version_id,
                                            derivation=derivation, architecture=architecture)
    return {"id": version_id, "name": name, "artifactId": artifact.id, "parentVersionId": parent_version_id,
            "derivation": dict(derivation)}

