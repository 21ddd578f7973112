"""One linear map of the base model, widened to SCALE's block form over [x; u].

    [y_x]   [W    W12] [x]
    [y_u] = [W21  W22] [u]

W is the base model's own (frozen) Parameter, shared, never copied. W12, W21 and W22 are
separate Parameters, so optimiser groups and checkpoints need no masks. An absent W12 (None)
means "frozen at zero": the x-rows are then exactly `F.linear(x, W)`, the same call as the base
model makes, and autograd builds no backward graph through them.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _new_parameter(rows: int, cols: int, like: Tensor) -> nn.Parameter | None:
    if rows == 0 or cols == 0:
        return None
    return nn.Parameter(torch.zeros(rows, cols, dtype=like.dtype, device=like.device))


class BlockLinear(nn.Module):
    def __init__(self, weight: nn.Parameter, new_in: int, new_out: int, collaborate: bool):
        super().__init__()
        weight.requires_grad_(False)
        self.weight = weight  # W: d_out x d_in, frozen
        self.new_in, self.new_out = new_in, new_out
        self.w21 = _new_parameter(new_out, weight.shape[1], weight)  # old inputs -> new outputs
        self.w22 = _new_parameter(new_out, new_in, weight)  # new inputs -> new outputs
        # new inputs -> old outputs: starts at zero; exists only where collaboration trains
        self.w12 = _new_parameter(weight.shape[0], new_in, weight) if collaborate else None

    def old_rows(self, x: Tensor, u: Tensor | None) -> Tensor:
        y = F.linear(x, self.weight)
        if self.w12 is not None and u is not None:
            y = y + F.linear(u, self.w12)
        return y

    def new_rows(self, x: Tensor, u: Tensor | None) -> Tensor | None:
        if self.w21 is None:
            return None
        y = F.linear(x, self.w21)
        if self.w22 is not None and u is not None:
            y = y + F.linear(u, self.w22)
        return y

    def forward(self, x: Tensor, u: Tensor | None) -> tuple[Tensor, Tensor | None]:
        return self.old_rows(x, u), self.new_rows(x, u)

    def extra_repr(self) -> str:
        out_features, in_features = self.weight.shape
        return (f"old={in_features}->{out_features}, new_in={self.new_in}, new_out={self.new_out}, "
                f"w12={'trainable' if self.w12 is not None else 'absent (zero)'}")
