"""Every client's data on the device, in a form the vectorised trainer can gather from.

All samples live once in `x`/`y`; `index[c, j]` is the row of client c's j-th sample
(padded with 0 past `counts[c]`). This keeps memory at O(samples) however skewed the
client sizes are, and lets a round gather its batches with one indexing op.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import Tensor


@dataclass
class ClientData:
    x: Tensor  # [N, features] float32, on the device
    y: Tensor  # [N] int64
    index: Tensor  # [clients, max_count] int64 rows into x/y; padding points at row 0
    counts: Tensor  # [clients] int64, n_i
    label_hist: Tensor  # [clients, classes] int64
    classes: int

    @property
    def num_clients(self) -> int:
        return int(self.counts.shape[0])

    def weights(self, client_ids: Sequence[int] | Tensor) -> Tensor:
        """Aggregation weights n_i of these clients (float32)."""
        ids = torch.as_tensor(client_ids, dtype=torch.long, device=self.counts.device)
        return self.counts.index_select(0, ids).to(torch.float32)

    def client_tensors(self, client: int) -> tuple[Tensor, Tensor]:
        rows = self.index[client, : int(self.counts[client])]
        return self.x.index_select(0, rows), self.y.index_select(0, rows)


def build_client_data(x: np.ndarray, y: np.ndarray, parts: Sequence[np.ndarray], classes: int,
                      device: torch.device | str) -> ClientData:
    """Pack a partition (a list of row-index arrays, one per client) for the device."""
    if not parts:
        raise ValueError("partition: expected at least one client")
    counts = np.array([len(p) for p in parts], dtype=np.int64)
    if (counts == 0).any():
        empty = int(np.flatnonzero(counts == 0)[0])
        raise ValueError(f"partition: client {empty} received no samples; use fewer clients or a larger dataset")
    index = np.zeros((len(parts), int(counts.max())), dtype=np.int64)
    hist = np.zeros((len(parts), classes), dtype=np.int64)
    for c, rows in enumerate(parts):
        index[c, : len(rows)] = rows
        hist[c] = np.bincount(y[rows], minlength=classes)[:classes]
    return ClientData(
        x=torch.as_tensor(np.ascontiguousarray(x, dtype=np.float32), device=device),
        y=torch.as_tensor(np.ascontiguousarray(y, dtype=np.int64), device=device),
        index=torch.as_tensor(index, device=device),
        counts=torch.as_tensor(counts, device=device),
        label_hist=torch.as_tensor(hist, device=device),
        classes=classes,
    )
