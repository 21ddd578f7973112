"""SCALE-Route: per token, the preservation head z_P or the adaptation head z_A = z_P + delta.

At evaluation the router is hard: z_P where cos(z_P, z_A) >= tau, else z_A. In training a hard
router would starve the adaptation head (at init W_lm12 = 0, so delta = 0, cos = 1 and every
token goes to the frozen head), so training uses z_A on all tokens, or `soft_route`.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def head_cosine(z_p: Tensor, delta: Tensor) -> Tensor:
    """cos(z_P, z_P + delta) per token, in float32."""
    z_p32 = z_p.float()
    return F.cosine_similarity(z_p32, z_p32 + delta.float(), dim=-1)


def hard_route(z_p: Tensor, delta: Tensor, tau: float) -> tuple[Tensor, Tensor]:
    """(routed logits, mask True where the adaptation head was used)."""
    use_adaptation = head_cosine(z_p, delta) < tau
    routed = torch.where(use_adaptation.unsqueeze(-1), z_p + delta, z_p)
    return routed, use_adaptation


def soft_route(z_p: Tensor, delta: Tensor, tau: float, temperature: float, floor: float) -> Tensor:
    """z_P + w * delta with w = max(floor, sigmoid((tau - cos) / temperature)), w detached.

    The gate is a weighting, not a learned router, so it is detached; `floor` > 0 keeps
    gradient flowing into W_lm12 while cos is still ~1 at the start.
    """
    with torch.no_grad():
        weight = torch.sigmoid((tau - head_cosine(z_p, delta)) / temperature).clamp_min(floor)
    return z_p + weight.unsqueeze(-1).to(delta.dtype) * delta
