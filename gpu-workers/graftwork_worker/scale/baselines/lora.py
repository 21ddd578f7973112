"""Our own small LoRA: y = W x + (alpha / r) * B A x, W frozen, B zero at start (function unchanged)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ...models.llama import LlamaForCausalLM
from ..method_model import MethodModel, MethodOutput
from ..method_spec import MethodSpec

_ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")


class LoRALinear(nn.Module):
    def __init__(self, weight: nn.Parameter, rank: int, alpha: float):
        super().__init__()
        self.weight = weight.requires_grad_(False)
        out_features, in_features = weight.shape
        self.lora_a = nn.Parameter(torch.zeros(rank, in_features, dtype=weight.dtype, device=weight.device))
        self.lora_b = nn.Parameter(torch.zeros(out_features, rank, dtype=weight.dtype, device=weight.device))
        self.scaling = alpha / rank

    def reset(self, generator: torch.Generator) -> None:
        # A ~ U(-1/sqrt(in), 1/sqrt(in)) (Kaiming-uniform with a = sqrt(5), as nn.Linear), B = 0.
        bound = 1.0 / math.sqrt(self.lora_a.shape[1])
        with torch.no_grad():
            self.lora_a.copy_(torch.rand(self.lora_a.shape, generator=generator) * 2 * bound - bound)
            self.lora_b.zero_()

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight) + F.linear(F.linear(x, self.lora_a), self.lora_b) * self.scaling

    def merged_weight(self) -> Tensor:
        return self.weight + (self.lora_b @ self.lora_a) * self.scaling


class LoraMethod(MethodModel):
    def __init__(self, base: LlamaForCausalLM, spec: MethodSpec, initialise: bool = True):
        super().__init__(spec, base.config)
        o = spec.options
        for param in base.parameters():
            param.requires_grad_(False)
        generator = torch.Generator().manual_seed(o["seed"])
        for layer in base.model.layers:
            for name in o["targets"]:
                parent = layer.self_attn if name in _ATTENTION else layer.mlp
                adapted = LoRALinear(getattr(parent, name).weight, o["rank"], o["alpha"])
                if initialise:
                    adapted.reset(generator)
                setattr(parent, name, adapted)
        self.model = base

    def is_new_parameter(self, name: str) -> bool:
        return name.endswith((".lora_a", ".lora_b"))

    def forward(self, input_ids: Tensor) -> MethodOutput:  # type: ignore[override]
        logits = self.model(input_ids)
        return MethodOutput(logits=logits, eval_logits=logits)
