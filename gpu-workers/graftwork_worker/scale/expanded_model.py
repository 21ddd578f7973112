"""The Llama decoder widened by SCALE: residual stream [x; u], every linear a BlockLinear.

Frozen base tensors are the base model's own Parameters (shared, requires_grad False). New:
embedding columns E' (V x d'), per-layer W12/W21/W22, norm weights g', and the LM-head block
W_lm12 (V x d', zero at start, never tied to E' even when the base ties E and W_lm).
The x-stream is computed with the same functions and shapes as models/llama.py, so while
every W12 is absent (or zero) the preservation logits equal the base model's bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..models.llama import LlamaConfig, LlamaDecoderLayer, LlamaForCausalLM, rotary_cos_sin
from .expand_attention import ExpandedAttention
from .expand_mlp import ExpandedMLP
from .split_norm import SplitRMSNorm


@dataclass(frozen=True)
class ExpansionSizes:
    hidden: int  # d'
    heads: int  # new query heads
    kv_heads: int  # new KV heads
    ffn: int  # new SwiGLU units

    def validate(self, base: LlamaConfig) -> None:
        if self.hidden < 1:
            raise ValueError(f"options.hidden: expected >= 1, got {self.hidden}")
        if (self.heads == 0) != (self.kv_heads == 0):
            raise ValueError(f"options.kv_heads: expected 0 exactly when heads is 0, got heads={self.heads}, "
                             f"kv_heads={self.kv_heads}")
        if self.heads and self.heads % self.kv_heads:
            raise ValueError(f"options.kv_heads: expected a divisor of heads ({self.heads}), got {self.kv_heads}")


class ExpandedDecoderLayer(nn.Module):
    def __init__(self, base: LlamaDecoderLayer, config: LlamaConfig, sizes: ExpansionSizes,
                 collaborate: frozenset[str], norm_mode: str):
        super().__init__()
        eps = config.rms_norm_eps
        self.input_layernorm = SplitRMSNorm(base.input_layernorm.weight, sizes.hidden, eps, norm_mode)
        self.self_attn = ExpandedAttention(base.self_attn, sizes.hidden, sizes.heads, sizes.kv_heads, collaborate)
        self.post_attention_layernorm = SplitRMSNorm(base.post_attention_layernorm.weight, sizes.hidden, eps,
                                                     norm_mode)
        self.mlp = ExpandedMLP(base.mlp, sizes.hidden, sizes.ffn, collaborate)

    def forward(self, x: Tensor, u: Tensor, cos: Tensor, sin: Tensor) -> tuple[Tensor, Tensor]:
        a_x, a_u = self.self_attn(*self.input_layernorm(x, u), cos, sin)
        x, u = x + a_x, u + a_u
        m_x, m_u = self.mlp(*self.post_attention_layernorm(x, u))
        return x + m_x, u + m_u


class ExpandedLlama(nn.Module):
    def __init__(self, base: LlamaForCausalLM, sizes: ExpansionSizes, collaborate_by_layer: list[frozenset[str]],
                 norm_mode: str = "split"):
        super().__init__()
        config = base.config
        sizes.validate(config)
        self.config, self.sizes = config, sizes
        inner = base.model
        like = inner.embed_tokens.weight
        self.embed_tokens = inner.embed_tokens.weight.requires_grad_(False)  # E, frozen
        self.new_embed_tokens = nn.Parameter(torch.zeros(config.vocab_size, sizes.hidden, dtype=like.dtype,
                                                         device=like.device))  # E'
        self.layers = nn.ModuleList(
            ExpandedDecoderLayer(layer, config, sizes, collaborate_by_layer[i], norm_mode)
            for i, layer in enumerate(inner.layers))
        self.norm = SplitRMSNorm(inner.norm.weight, sizes.hidden, config.rms_norm_eps, norm_mode)
        # Tied bases: the frozen head *is* E, so it is not registered a second time.
        self.lm_head = None if base.lm_head is None else base.lm_head.weight.requires_grad_(False)
        self.new_lm_head = nn.Parameter(torch.zeros(config.vocab_size, sizes.hidden, dtype=like.dtype,
                                                    device=like.device))  # W_lm12, zero at start
        self.register_buffer("rope_inv_freq", inner.rope_inv_freq.clone(), persistent=False)

    @property
    def output_weight(self) -> Tensor:
        return self.embed_tokens if self.lm_head is None else self.lm_head

    def streams(self, input_ids: Tensor, output_hidden_states: bool = False
                ) -> tuple[Tensor, Tensor, list[tuple[Tensor, Tensor]]]:
        """Final normed (n_x, n_u), and (x, u) after each layer if asked."""
        x = F.embedding(input_ids, self.embed_tokens)
        u = F.embedding(input_ids, self.new_embed_tokens)
        cos, sin = rotary_cos_sin(self.rope_inv_freq, input_ids.shape[1], x.dtype)
        hidden: list[tuple[Tensor, Tensor]] = []
        for layer in self.layers:
            x, u = layer(x, u, cos, sin)
            if output_hidden_states:
                hidden.append((x, u))
        n_x, n_u = self.norm(x, u)
        return n_x, n_u, hidden

    def forward(self, input_ids: Tensor) -> tuple[Tensor, Tensor]:
        """(z_P, delta): preservation logits W_lm n_x and the adaptation increment W_lm12 n_u."""
        n_x, n_u, _ = self.streams(input_ids)
        return F.linear(n_x, self.output_weight), F.linear(n_u, self.new_lm_head)
