"""Perplexity of held-out packed text, computed on a model's evaluation logits."""
from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F

LogitsFn = Callable[[torch.Tensor], torch.Tensor]  # ids [B, T] -> eval logits [B, T, V]


@torch.no_grad()
def perplexity(logits_fn: LogitsFn, rows: torch.Tensor, device: torch.device | str = "cpu",
               batch_size: int = 16, ignore_id: int | None = None) -> dict[str, float]:
    """Token-weighted mean next-token NLL over packed rows [N, T], and its exp.

    `ignore_id` (e.g. a pad id) excludes targets equal to it. Logits are scored in float32
    so bf16 evaluation does not distort the log-probabilities.
    """
    if rows.dim() != 2 or rows.shape[0] == 0 or rows.shape[1] < 2:
        raise ValueError(f"rows: expected a non-empty [N, T>=2] tensor, got {tuple(rows.shape)}")
    device = torch.device(device)
    total_nll, total_tokens = 0.0, 0
    for start in range(0, rows.shape[0], batch_size):
        ids = rows[start:start + batch_size].to(device)
        logits = logits_fn(ids)[:, :-1].float()
        targets = ids[:, 1:]
        mask = torch.ones_like(targets, dtype=torch.bool) if ignore_id is None else targets != ignore_id
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none")
        total_nll += float(nll[mask.reshape(-1)].sum())
        total_tokens += int(mask.sum())
    if total_tokens == 0:
        raise ValueError("rows: no target tokens left to score")
    loss = total_nll / total_tokens
    return {"loss": loss, "perplexity": math.exp(min(loss, 700.0))}
