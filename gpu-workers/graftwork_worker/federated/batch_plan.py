"""Which samples each client visits at each local step: the data order of a round.

The order comes from a counter-based integer hash of (seed, stream, client, epoch,
position), not from a stateful generator. So a client's order is the same whether it is
trained alone, in a chunk of 10 or of 1,000, on the CPU or a GPU — which is what makes the
vectorised trainer and the sequential reference comparable step by step.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

_MASK32 = 0xFFFFFFFF


def _fmix32(h: Tensor) -> Tensor:
    # MurmurHash3's finaliser on values kept in [0, 2^32) inside int64 tensors; products
    # may wrap past 2^63 but the low 32 bits that the mask keeps are exact either way.
    h = h ^ (h >> 16)
    h = (h * 0x85EBCA6B) & _MASK32
    h = h ^ (h >> 13)
    h = (h * 0xC2B2AE35) & _MASK32
    return h ^ (h >> 16)


def _mix(a: Tensor, b: Tensor | int) -> Tensor:
    return _fmix32(((a * 0x9E3779B1) + b) & _MASK32)


@dataclass
class BatchPlan:
    rows: Tensor  # [K, S, B] rows into ClientData.x (0 where masked)
    mask: Tensor  # [K, S, B] bool: a real sample in this slot
    steps: Tensor  # [K] local steps of each client (E * ceil(n_k / B))

    @property
    def max_steps(self) -> int:
        return int(self.rows.shape[1])


def make_batch_plan(index: Tensor, counts: Tensor, client_ids: Tensor, *, epochs: int, batch_size: int,
                    seed: int, stream: int) -> BatchPlan:
    """Per-epoch shuffles of each client's samples, cut into batches of `batch_size`.

    The last batch of an epoch may be short (masked), as in a DataLoader without
    drop_last; clients with fewer steps than the longest one get fully masked steps.
    """
    device = index.device
    n = counts.index_select(0, client_ids)  # [K]
    max_n = int(n.max())
    k = client_ids.shape[0]
    base = _mix(torch.full((k,), seed & _MASK32, dtype=torch.long, device=device), stream & _MASK32)
    base = _mix(base, client_ids & _MASK32)  # [K]
    epoch_ids = torch.arange(epochs, device=device)
    per_epoch = _mix(base[:, None], epoch_ids[None, :])  # [K, E]
    positions = torch.arange(max_n, device=device)
    keys = _mix(per_epoch[:, :, None], positions[None, None, :])  # [K, E, max_n]
    keys = keys.masked_fill(positions[None, None, :] >= n[:, None, None], 1 << 40)
    order = torch.argsort(keys, dim=-1, stable=True)  # local positions, valid ones first

    steps_per_epoch = (n + batch_size - 1) // batch_size  # [K]
    steps = steps_per_epoch * epochs
    max_steps = int(steps.max())
    s = torch.arange(max_steps, device=device)[None, :, None]  # [1, S, 1]
    j = torch.arange(batch_size, device=device)[None, None, :]  # [1, 1, B]
    spe = steps_per_epoch[:, None, None]
    epoch = s // spe
    pos = (s % spe) * batch_size + j  # [K, S, B]
    mask = (s < steps[:, None, None]) & (pos < n[:, None, None])
    flat = (epoch.clamp_max(epochs - 1) * max_n + pos.clamp_max(max_n - 1)).reshape(k, -1)
    local = torch.gather(order.reshape(k, -1), 1, flat).reshape(k, max_steps, batch_size)
    rows = torch.gather(index.index_select(0, client_ids), 1, local.reshape(k, -1)).reshape_as(local)
    return BatchPlan(rows=rows.masked_fill(~mask, 0), mask=mask, steps=steps)
