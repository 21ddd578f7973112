"""Every client's full-batch gradient at one model, all clients at once (FedAvg-IC's g_i).

`vmap` runs over clients with the model's parameters shared (in_dims=None), so the cost
is one batched forward/backward per chunk instead of one per client. Client data are
padded to the longest client and masked; samples are processed in slices so memory stays
at clients × slice × features whatever the clients' sizes.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.func import grad, vmap

from ..client_data import ClientData
from ..models import FunctionalModel
from ..params import Params


def full_batch_gradients(model: FunctionalModel, params: Params, data: ClientData, *,
                         client_chunk: int = 128, sample_chunk: int = 256) -> Tensor:
    """[clients, parameters] float32: row i = ∇ (1/n_i) Σ_{s∈client i} loss(params, s), flattened."""
    if client_chunk < 1 or sample_chunk < 1:
        raise ValueError(f"client_chunk and sample_chunk must be >= 1, got {client_chunk}, {sample_chunk}")

    def summed_loss(p: Params, x: Tensor, y: Tensor, mask: Tensor) -> Tensor:
        return (F.cross_entropy(model.apply(p, x), y, reduction="none") * mask).sum()

    per_client = vmap(grad(summed_loss), in_dims=(None, 0, 0, 0))
    fixed = {k: v.detach() for k, v in params.items()}
    rows: list[Tensor] = []
    for start in range(0, data.num_clients, client_chunk):
        ids = torch.arange(start, min(start + client_chunk, data.num_clients), device=data.index.device)
        counts = data.counts.index_select(0, ids)
        index = data.index.index_select(0, ids)
        total: Tensor | None = None
        for s in range(0, int(counts.max()), sample_chunk):
            cols = index[:, s: s + sample_chunk]
            positions = torch.arange(s, s + cols.shape[1], device=cols.device)
            mask = (positions[None, :] < counts[:, None]).to(data.x.dtype)
            grads = per_client(fixed, data.x[cols], data.y[cols], mask)
            flat = torch.cat([g.reshape(g.shape[0], -1) for g in grads.values()], dim=1)
            total = flat if total is None else total + flat
        assert total is not None
        rows.append(total / counts.to(total.dtype)[:, None])
    return torch.cat(rows)
