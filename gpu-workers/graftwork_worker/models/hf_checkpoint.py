"""Read and write Hugging Face Llama checkpoint folders (config.json + *.safetensors)."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from .llama import LlamaConfig, LlamaForCausalLM, rope_inverse_frequencies

_LM_HEAD = "lm_head.weight"
_EMBED = "model.embed_tokens.weight"


def _read_tensors(folder: Path) -> dict[str, torch.Tensor]:
    index = folder / "model.safetensors.index.json"
    if index.exists():  # sharded: the index maps every tensor name to its shard file
        shard_names = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        files = [folder / name for name in shard_names]
    else:
        files = sorted(folder.glob("*.safetensors"))
    if not files:
        raise FileNotFoundError(f"{folder}: expected *.safetensors weight files, found none")
    tensors: dict[str, torch.Tensor] = {}
    for path in files:
        tensors.update(load_file(str(path)))
    return tensors


def load_hf_checkpoint(folder: Path, dtype: torch.dtype | None = None) -> LlamaForCausalLM:
    """Build our LlamaForCausalLM from a Hugging Face folder (sharded or not, tied or untied).

    `dtype` None keeps the dtype the tensors were stored in.
    """
    folder = Path(folder)
    config_path = folder / "config.json"
    if not config_path.exists():
        raise FileNotFoundError(f"{folder}: expected a config.json")
    config = LlamaConfig.from_hf_dict(json.loads(config_path.read_text()))
    tensors = _read_tensors(folder)
    if config.tie_word_embeddings:
        tensors.pop(_LM_HEAD, None)  # some exporters write the tied copy anyway
    # Checkpoints store rotary buffers under various names; we compute them from the config.
    tensors = {k: v for k, v in tensors.items() if not k.endswith("rotary_emb.inv_freq")}
    with torch.device("meta"):
        model = LlamaForCausalLM(config)
    expected = set(model.state_dict())
    missing, unexpected = sorted(expected - set(tensors)), sorted(set(tensors) - expected)
    if missing or unexpected:
        raise ValueError(f"{folder}: weights do not match config.json: missing {missing[:5]}, "
                         f"unexpected {unexpected[:5]}")
    if dtype is not None:
        tensors = {k: v.to(dtype) for k, v in tensors.items()}
    model.load_state_dict(tensors, assign=True)
    # The rotary buffer is not stored; rebuild it on the CPU now that the model left `meta`.
    model.model.register_buffer("rope_inv_freq", rope_inverse_frequencies(config), persistent=False)
    return model


def save_hf_checkpoint(model: LlamaForCausalLM, folder: Path) -> None:
    """Write config.json and one model.safetensors that Hugging Face `from_pretrained` reads."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = model.config.to_hf_dict()
    state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    config["torch_dtype"] = str(next(iter(state.values())).dtype).removeprefix("torch.")
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
