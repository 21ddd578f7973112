"""RMSNorm over the widened residual stream [x; u] without disturbing x.

One RMSNorm over [x; u] divides x by a statistic that depends on u, and the base computation
is lost as soon as u is non-zero. SCALE's preservation needs n_x to depend on x only:
- "split": [RMSNorm_g(x); RMSNorm_g'(u)], g frozen (the base weight), g' new;
- "x_stats": both halves divided by the RMS of x (u then carries no statistic of its own).
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from ..models.llama import rms_norm


class SplitRMSNorm(nn.Module):
    def __init__(self, weight: nn.Parameter, new_dim: int, eps: float, mode: str = "split"):
        super().__init__()
        if mode not in ("split", "x_stats"):
            raise ValueError(f"norm: expected 'split' or 'x_stats', got {mode!r}")
        weight.requires_grad_(False)
        self.weight = weight  # g, frozen
        self.new_weight = nn.Parameter(torch.ones(new_dim, dtype=weight.dtype, device=weight.device))
        self.eps, self.mode = eps, mode

    def forward(self, x: Tensor, u: Tensor) -> tuple[Tensor, Tensor]:
        n_x = rms_norm(x, self.weight, self.eps)
        if self.mode == "split":
            return n_x, rms_norm(u, self.new_weight, self.eps)
        inverse_rms = torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps)
        return n_x, self.new_weight * (u.float() * inverse_rms).to(u.dtype)
