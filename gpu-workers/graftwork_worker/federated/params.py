"""Parameter dictionaries and stacks of them along a leading client axis.

`Params` is one model's parameters; `ParamStack` holds several models at once (row i is
model i), which is the shape the vectorised trainer works on.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

Params = dict[str, Tensor]
ParamStack = dict[str, Tensor]


def stack(params: Params, n: int) -> ParamStack:
    """n copies of one model along a new leading axis (materialised: rows are trained apart)."""
    return {k: v.unsqueeze(0).expand(n, *v.shape).clone() for k, v in params.items()}


def stack_list(models: Sequence[Params]) -> ParamStack:
    if not models:
        raise ValueError("stack_list: expected at least one model")
    return {k: torch.stack([m[k] for m in models]) for k in models[0]}


def unstack(stacked: ParamStack) -> list[Params]:
    n = stack_size(stacked)
    return [{k: v[i] for k, v in stacked.items()} for i in range(n)]


def stack_size(stacked: ParamStack) -> int:
    return next(iter(stacked.values())).shape[0]


def select(stacked: ParamStack, rows: Tensor | Sequence[int]) -> ParamStack:
    index = torch.as_tensor(rows, dtype=torch.long, device=next(iter(stacked.values())).device)
    return {k: v.index_select(0, index) for k, v in stacked.items()}


def concat(stacks: Sequence[ParamStack]) -> ParamStack:
    return {k: torch.cat([s[k] for s in stacks]) for k in stacks[0]}


def weighted_average(stacked: ParamStack, weights: Tensor) -> Params:
    """Sum_i w_i * row_i / sum_i w_i. Weights are usually the clients' sample counts."""
    w = weights.to(dtype=torch.float64)
    total = w.sum()
    if not torch.isfinite(total) or total <= 0:
        raise ValueError(f"weighted_average: weights must sum to a positive number, got {float(total)}")
    out: Params = {}
    for k, v in stacked.items():
        wk = (w / total).to(device=v.device, dtype=v.dtype).reshape(-1, *([1] * (v.dim() - 1)))
        out[k] = (v * wk).sum(0)
    return out


def group_average(stacked: ParamStack, weights: Tensor, group_of_row: Tensor, n_groups: int) -> ParamStack:
    """Weighted average of the rows of each group at once (one row out per group).

    A group with no rows gets zeros; callers keep their previous model for it.
    """
    w = weights.to(next(iter(stacked.values())).device, torch.float32)
    g = group_of_row.to(w.device, torch.long)
    totals = torch.zeros(n_groups, device=w.device).index_add_(0, g, w)
    share = w / totals[g].clamp_min(1e-12)
    out: ParamStack = {}
    for k, v in stacked.items():
        flat = (v.reshape(v.shape[0], -1) * share.to(v.dtype)[:, None])
        out[k] = torch.zeros(n_groups, flat.shape[1], device=v.device, dtype=v.dtype).index_add_(0, g, flat).reshape(
            n_groups, *v.shape[1:])
    return out


def num_parameters(params: Params) -> int:
    return sum(v.numel() for v in params.values())


def num_bytes(params: Params) -> int:
    return sum(v.numel() * v.element_size() for v in params.values())


def clone(params: Params) -> Params:
    return {k: v.detach().clone() for k, v in params.items()}
