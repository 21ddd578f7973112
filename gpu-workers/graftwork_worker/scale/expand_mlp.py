"""SwiGLU widened by new units (SCALE): gate/up get new output rows, down new input columns.

The old units are `silu(W_g n_x) * (W_u n_x)` exactly as in the base (W12 of gate/up absent
unless configured); down's x-rows receive `W_d old (+ W_d12 new)`.
"""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from ..models.llama import LlamaMLP
from .block_linear import BlockLinear


class ExpandedMLP(nn.Module):
    def __init__(self, base: LlamaMLP, new_hidden: int, new_units: int, collaborate: frozenset[str]):
        super().__init__()
        self.gate_proj = BlockLinear(base.gate_proj.weight, new_hidden, new_units, "gate_proj" in collaborate)
        self.up_proj = BlockLinear(base.up_proj.weight, new_hidden, new_units, "up_proj" in collaborate)
        self.down_proj = BlockLinear(base.down_proj.weight, new_units, new_hidden, "down_proj" in collaborate)

    def forward(self, n_x: Tensor, n_u: Tensor) -> tuple[Tensor, Tensor]:
        g_x, g_u = self.gate_proj(n_x, n_u)
        v_x, v_u = self.up_proj(n_x, n_u)
        h_x = F.silu(g_x) * v_x
        h_u = F.silu(g_u) * v_u if g_u is not None and v_u is not None else None
        y_x, y_u = self.down_proj(h_x, h_u)
        assert y_u is not None
        return y_x, y_u
