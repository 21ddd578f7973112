"""Attention widened by whole heads (SCALE): the old heads compute exactly what they did.

New query heads are appended after the old ones and read only the new KV heads, with their own
GQA grouping (new_heads / new_kv_heads); old query head i still reads old KV head i // g. The
old heads' q, k, v are `W n_x (+ W12 n_u)`, so with W12 absent they equal the base's bit for
bit; they go through the same `causal_attention` call as the base, and o's x-rows receive
`W_o old (+ W_o12 new)`.
"""
from __future__ import annotations

from torch import Tensor, nn

from ..models.llama import LlamaAttention, apply_rotary, causal_attention, split_heads
from .block_linear import BlockLinear


class ExpandedAttention(nn.Module):
    def __init__(self, base: LlamaAttention, new_hidden: int, new_heads: int, new_kv_heads: int,
                 collaborate: frozenset[str]):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = base.heads, base.kv_heads, base.head_dim
        self.new_heads, self.new_kv_heads = new_heads, new_kv_heads
        d = self.head_dim
        self.q_proj = BlockLinear(base.q_proj.weight, new_hidden, new_heads * d, "q_proj" in collaborate)
        self.k_proj = BlockLinear(base.k_proj.weight, new_hidden, new_kv_heads * d, "k_proj" in collaborate)
        self.v_proj = BlockLinear(base.v_proj.weight, new_hidden, new_kv_heads * d, "v_proj" in collaborate)
        self.o_proj = BlockLinear(base.o_proj.weight, new_heads * d, new_hidden, "o_proj" in collaborate)

    def forward(self, n_x: Tensor, n_u: Tensor, cos: Tensor, sin: Tensor) -> tuple[Tensor, Tensor]:
        q_x, q_u = self.q_proj(n_x, n_u)
        k_x, k_u = self.k_proj(n_x, n_u)
        v_x, v_u = self.v_proj(n_x, n_u)
        d = self.head_dim
        old = causal_attention(apply_rotary(split_heads(q_x, self.heads, d), cos, sin),
                               apply_rotary(split_heads(k_x, self.kv_heads, d), cos, sin),
                               split_heads(v_x, self.kv_heads, d))
        new = None
        if self.new_heads:
            assert q_u is not None and k_u is not None and v_u is not None
            new = causal_attention(apply_rotary(split_heads(q_u, self.new_heads, d), cos, sin),
                                   apply_rotary(split_heads(k_u, self.new_kv_heads, d), cos, sin),
                                   split_heads(v_u, self.new_kv_heads, d))
        y_x, y_u = self.o_proj(old, new)
        assert y_u is not None  # new_hidden >= 1, so o always has new output rows
        return y_x, y_u
