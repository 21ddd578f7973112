"""SCALE-Preserve, SCALE-Adapt and SCALE-Route as MethodModels over an ExpandedLlama.

- Preserve: no W12 anywhere (frozen at zero, so not even a Parameter).
- Adapt: W12 trainable from zero in `adapt_modules` of layers l_fp .. L-1; layers below l_fp
  keep the base computation exactly.
- Route: the Preserve body with two heads; evaluation routes per token (router.py).
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

import torch
from torch import Tensor

from ..models.llama import LlamaConfig, LlamaForCausalLM
from .expanded_model import ExpandedLlama, ExpansionSizes
from .expansion_init import init_block, init_normal
from .block_linear import BlockLinear
from .method_model import MethodModel, MethodOutput, next_token_loss
from .method_spec import MethodSpec
from .router import hard_route, soft_route

_NEW_LEAVES = ("w12", "w21", "w22", "new_weight", "new_embed_tokens", "new_lm_head")


def resolve_sizes(options: dict[str, Any], config: LlamaConfig) -> ExpansionSizes:
    """Fill the expansion sizes the spec left to the base model (see method_spec.py)."""
    hidden = options["hidden"] if options["hidden"] is not None else max(1, config.hidden_size // 4)
    heads = options["heads"] if options["heads"] is not None else max(1, config.num_attention_heads // 4)
    kv_heads = options["kv_heads"]
    if kv_heads is None:  # keep the base's GQA group size where it divides, else fall back
        group = config.num_attention_heads // config.num_key_value_heads
        kv_heads = max(1, heads // group) if heads else 0
        while heads and heads % kv_heads:
            kv_heads -= 1
    ffn = options["ffn"] if options["ffn"] is not None else max(1, config.intermediate_size // 4)
    return ExpansionSizes(hidden=hidden, heads=heads, kv_heads=kv_heads, ffn=ffn)


def collaboration_plan(spec: MethodSpec, layers: int) -> tuple[int, list[frozenset[str]]]:
    """(l_fp, per-layer set of linears whose W12 exists and trains)."""
    if spec.method != "scale_adapt":
        return layers, [frozenset()] * layers
    l_fp = spec.options["l_fp"] if spec.options["l_fp"] is not None else layers // 2
    if l_fp > layers:
        raise ValueError(f"options.l_fp: expected 0..{layers} (the base has {layers} layers), got {l_fp}")
    modules = frozenset(spec.options["adapt_modules"])
    return l_fp, [frozenset() if i < l_fp else modules for i in range(layers)]


class ScaleMethodModel(MethodModel):
    def __init__(self, base: LlamaForCausalLM, spec: MethodSpec, initialise: bool = True):
        options = dict(spec.options)
        sizes = resolve_sizes(options, base.config)
        l_fp, plan = collaboration_plan(spec, base.config.num_hidden_layers)
        options.update(hidden=sizes.hidden, heads=sizes.heads, kv_heads=sizes.kv_heads, ffn=sizes.ffn)
        if spec.method == "scale_adapt":
            options["l_fp"] = l_fp
        super().__init__(MethodSpec(spec.method, options), base.config)
        self.sizes = sizes
        self.expanded = ExpandedLlama(base, sizes, plan, options["norm"])
        for name, param in self.named_parameters():
            param.requires_grad_(self.is_new_parameter(name))
        if initialise:
            self.initialise()

    def initialise(self) -> None:
        o = self.spec.options
        generator = torch.Generator().manual_seed(o["seed"])
        init_normal(self.expanded.new_embed_tokens, o["init_std"], generator)
        for module in self.expanded.modules():
            if isinstance(module, BlockLinear):
                init_block(module, o["init"], o["init_scale"], o["init_std"], generator)
        with torch.no_grad():
            self.expanded.new_lm_head.zero_()

    def is_new_parameter(self, name: str) -> bool:
        return name.rsplit(".", 1)[-1] in _NEW_LEAVES

    def _heads(self, input_ids: Tensor) -> tuple[Tensor, Tensor]:
        return self.expanded(input_ids)

    def _train_logits(self, z_p: Tensor, delta: Tensor) -> Tensor:
        o = self.spec.options
        if self.spec.method == "scale_route" and o["router_training"] == "soft":
            return soft_route(z_p, delta, o["router_tau"], o["router_temperature"], o["router_floor"])
        return z_p + delta  # z_A on all tokens: never a hard router in training (it starves W_lm12)

    def forward(self, input_ids: Tensor) -> MethodOutput:  # type: ignore[override]
        z_p, delta = self._heads(input_ids)
        z_a = z_p + delta
        extras = {"preservation_logits": z_p, "adaptation_logits": z_a}
        if self.spec.method != "scale_route":
            return MethodOutput(logits=z_a, eval_logits=z_a, extras=extras)
        with torch.no_grad():
            routed, mask = hard_route(z_p, delta, self.spec.options["router_tau"])
        extras["route_mask"] = mask
        soft = self.spec.options["router_training"] == "soft"
        return MethodOutput(logits=self._train_logits(z_p, delta) if soft else z_a, eval_logits=routed, extras=extras)

    def training_loss(self, input_ids: Tensor, labels: Tensor) -> Tensor:
        # Skips the routed logits and extras: one [B, T, V] tensor less at the memory peak.
        z_p, delta = self._heads(input_ids)
        if not z_p.requires_grad and self.spec.options.get("router_training", "all_tokens") == "all_tokens":
            # Frozen x-stream (no graph) and z_P needed nowhere else: add in place, one [B, T, V] less.
            return next_token_loss(z_p.add_(delta), labels)
        return next_token_loss(self._train_logits(z_p, delta), labels)

    def hidden_states(self, input_ids: Tensor) -> list[tuple[Tensor, Tensor]]:
        """(x, u) after each decoder layer."""
        return self.expanded.streams(input_ids, output_hidden_states=True)[2]

    def export_details(self) -> dict[str, Any]:
        collaboration = [sorted(name.rsplit(".", 1)[-1] for name, module in layer.named_modules()
                                if isinstance(module, BlockLinear) and module.w12 is not None)
                         for layer in self.expanded.layers]
        return {"expansion": asdict(self.sizes), "w12_by_layer": collaboration,
                "expanded_hidden_size": self.base_config.hidden_size + self.sizes.hidden}
