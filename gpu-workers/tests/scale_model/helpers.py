"""Small shared builders for the scale_model tests."""
from __future__ import annotations

import copy
from typing import Any

import torch

from graftwork_worker.models.llama import LlamaConfig, LlamaForCausalLM
from graftwork_worker.scale.methods import MethodModel, MethodSpec, build_method_model

VOCAB = 61


def tiny_base(seed: int = 0, **overrides: Any) -> LlamaForCausalLM:
    torch.manual_seed(seed)
    model = LlamaForCausalLM(LlamaConfig.tiny(VOCAB, **overrides))
    with torch.no_grad():  # non-trivial norm weights, so a wrong norm cannot hide behind ones
        for name, param in model.named_parameters():
            if name.endswith("norm.weight"):
                param.uniform_(0.5, 1.5)
    return model


def base_and_method(method: str, options: dict[str, Any] | None = None, seed: int = 0,
                    **overrides: Any) -> tuple[LlamaForCausalLM, MethodModel]:
    """A base and a method built on a deep copy of it (so the base stays the reference)."""
    base = tiny_base(seed, **overrides).eval()
    spec = MethodSpec.from_dict({"method": method, "options": options or {}})
    return base, build_method_model(copy.deepcopy(base), spec)


def token_batch(batch: int = 2, seq: int = 16, seed: int = 7) -> torch.Tensor:
    return torch.randint(0, VOCAB, (batch, seq), generator=torch.Generator().manual_seed(seed))


def randomise_new_parameters(model: MethodModel, std: float = 0.3) -> None:
    """Every new parameter non-zero and random (W_lm12 included), so preservation is tested hard."""
    generator = torch.Generator().manual_seed(123)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if model.is_new_parameter(name):
                param.copy_(torch.randn(param.shape, generator=generator) * std + (1.0 if param.dim() == 1 else 0.0))


def adamw_steps(model: MethodModel, steps: int, lr: float = 1e-2) -> torch.optim.AdamW:
    optimiser = torch.optim.AdamW(model.param_groups(lr=lr, new_lr=lr, weight_decay=0.01))
    for step in range(steps):
        ids = token_batch(seed=100 + step)
        loss = model.training_loss(ids, ids)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return optimiser
