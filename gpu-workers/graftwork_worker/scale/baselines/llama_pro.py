"""LLaMA Pro (depth/block expansion): copies of blocks inserted with o_proj and down_proj zeroed.

A zeroed copy adds nothing to the residual stream, so the model is the base function at start.
Only the new blocks train. Because they sit in the residual path, every later frozen layer sees
shifted inputs once they train: the drift behind this baseline's forgetting.
"""
from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import torch
from torch import Tensor, nn

from ...models.llama import LlamaForCausalLM
from ..method_model import MethodModel, MethodOutput
from ..method_spec import MethodSpec


def insertion_points(layers: int, new_blocks: int | None, interval: int | None) -> list[int]:
    """Indices of the base layers after which a copy is inserted (each copy copies that layer)."""
    if interval is not None:
        if interval > layers:
            raise ValueError(f"options.interval: expected 1..{layers} (the base has {layers} layers), got {interval}")
        return [i for i in range(layers) if (i + 1) % interval == 0]
    count = new_blocks if new_blocks is not None else max(1, layers // 4)
    if count > layers:
        raise ValueError(f"options.new_blocks: expected 1..{layers} (the base has {layers} layers), got {count}")
    # evenly spread (ceil of j * L / n), the last copy after the top layer
    return [-(-(j + 1) * layers // count) - 1 for j in range(count)]


class LlamaProMethod(MethodModel):
    def __init__(self, base: LlamaForCausalLM, spec: MethodSpec):
        super().__init__(spec, base.config)
        layers = base.config.num_hidden_layers
        after = insertion_points(layers, spec.options["new_blocks"], spec.options["interval"])
        for param in base.parameters():
            param.requires_grad_(False)
        stacked: list[nn.Module] = []
        self.new_block_indices: list[int] = []
        for i, layer in enumerate(base.model.layers):
            stacked.append(layer)
            if i in after:
                block = copy.deepcopy(layer)
                with torch.no_grad():
                    block.self_attn.o_proj.weight.zero_()
                    block.mlp.down_proj.weight.zero_()
                for param in block.parameters():
                    param.requires_grad_(True)
                self.new_block_indices.append(len(stacked))
                stacked.append(block)
        base.model.layers = nn.ModuleList(stacked)
        base.config = replace(base.config, num_hidden_layers=len(stacked))
        self.model = base
        self._new_prefixes = tuple(f"model.model.layers.{i}." for i in self.new_block_indices)

    def is_new_parameter(self, name: str) -> bool:
        return name.startswith(self._new_prefixes)

    def forward(self, input_ids: Tensor) -> MethodOutput:  # type: ignore[override]
        logits = self.model(input_ids)
        return MethodOutput(logits=logits, eval_logits=logits)

    def export_details(self) -> dict[str, Any]:
        return {"new_block_indices": list(self.new_block_indices),
                "expanded_num_hidden_layers": self.model.config.num_hidden_layers}
