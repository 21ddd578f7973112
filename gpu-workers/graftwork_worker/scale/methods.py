"""Entry points of the SCALE engine's model side: build a method around a base, and reload it.

    spec = MethodSpec.from_dict({"method": "scale_route", "options": {"hidden": 512}})
    model = build_method_model(load_hf_checkpoint(folder), spec)
    state, config = model.export()          # safetensors state + JSON config
    same = load_method_model(state, config)

`build_method_model` takes the base over: its modules and tensors are reused, not copied
(FFT, Freeze and LLaMA Pro train them in place; LLaMA Pro and LoRA rewire its layers). Keep a
`copy.deepcopy(base)` if the original function is still needed (SCALE leaves every base tensor
untouched, so a SCALE model and its base can be evaluated side by side).
"""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from ..models.llama import LlamaConfig, LlamaForCausalLM, rope_inverse_frequencies
from .baselines.full_model import FullModelMethod
from .baselines.llama_pro import LlamaProMethod
from .baselines.lora import LoraMethod
from .method_model import EXPORT_FORMAT, MethodModel, MethodOutput
from .method_spec import METHODS, SCALE_METHODS, MethodSpec
from .scale_method import ScaleMethodModel

__all__ = ["METHODS", "MethodSpec", "MethodModel", "MethodOutput", "build_method_model", "load_method_model"]


def build_method_model(base: LlamaForCausalLM, spec: MethodSpec, initialise: bool = True) -> MethodModel:
    """Wrap `base` for `spec.method`. `initialise=False` skips the (SVD, random) init of new
    parameters, for callers that load their values right after (load_method_model)."""
    if spec.method not in METHODS:
        raise ValueError(f"method: expected one of {list(METHODS)}, got {spec.method!r}")
    if spec.method in SCALE_METHODS:
        return ScaleMethodModel(base, spec, initialise=initialise)
    if spec.method == "lora":
        return LoraMethod(base, spec, initialise=initialise)
    if spec.method == "llama_pro":
        return LlamaProMethod(base, spec)
    return FullModelMethod(base, spec)


def load_method_model(state: dict[str, Tensor], config: dict[str, Any]) -> MethodModel:
    """Inverse of `MethodModel.export()`: same structure, same values, same trainable flags."""
    if config.get("format") != EXPORT_FORMAT:
        raise ValueError(f"format: expected {EXPORT_FORMAT!r}, got {config.get('format')!r}")
    spec = MethodSpec.from_dict({"method": config.get("method"), "options": config.get("options")})
    base_config = LlamaConfig.from_hf_dict(config["base_config"])
    # Build on `meta` (no memory, no random init), then adopt the stored tensors as they are.
    with torch.device("meta"):
        model = build_method_model(LlamaForCausalLM(base_config), spec, initialise=False)
    missing, unexpected = model.load_state_dict(state, strict=False, assign=True)
    if missing or unexpected:
        raise ValueError(f"state: does not match the recorded method: missing {sorted(missing)[:5]}, "
                         f"unexpected {sorted(unexpected)[:5]}")
    device = next(iter(state.values())).device
    inv_freq = rope_inverse_frequencies(base_config).to(device)
    for module in model.modules():  # the rotary buffers are not stored: recompute them
        if "rope_inv_freq" in module._buffers:
            module.register_buffer("rope_inv_freq", inv_freq.clone(), persistent=False)
    return model
