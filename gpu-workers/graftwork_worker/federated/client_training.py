"""Local training of many clients at once: one model per row of a parameter stack.

`train` runs every client of a call together: parameters are stacked on a client axis,
each row's loss comes from `vmap` over `functional_call` (or the model's batched-ops form),
one backward pass gives every row its own gradient, and clients with fewer local steps are
padded with masked steps. `train_sequential` is the plain per-client loop with the same
maths and the same data order; tests hold the two equal.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.func import vmap

from .batch_plan import BatchPlan, make_batch_plan
from .client_data import ClientData
from .models import FunctionalModel
from .params import Params, ParamStack, select, stack, stack_list, stack_size, unstack, weighted_average

__all__ = ["ClientTrainer", "stack", "unstack", "stack_list", "weighted_average", "ParamStack", "Params"]


class ClientTrainer:
    def __init__(self, model: FunctionalModel, data: ClientData, *, batch_size: int, seed: int,
                 chunk_size: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batchSize: expected an integer >= 1, got {batch_size}")
        if chunk_size is None:
            chunk_size = auto_chunk_size(model.bytes, data.x.device)
        if chunk_size < 1:
            raise ValueError(f"chunkSize: expected an integer >= 1, got {chunk_size}")
        self.model = model
        self.data = data
        self.batch_size = batch_size
        self.seed = seed
        self.chunk_size = chunk_size
        self.calls = 0  # default data-order stream: one per train() call; checkpointed by the loop
        self._batched_loss: Callable[..., Tensor] = (
            self._stacked_loss if model.apply_stacked is not None else vmap(self._loss))

    # -- the loss every path differentiates -------------------------------------------------
    def _loss(self, params: Params, x: Tensor, y: Tensor, mask: Tensor) -> Tensor:
        per_sample = F.cross_entropy(self.model.apply(params, x), y, reduction="none")
        return (per_sample * mask).sum() / mask.sum().clamp_min(1.0)

    def _stacked_loss(self, params: ParamStack, x: Tensor, y: Tensor, mask: Tensor) -> Tensor:
        """[K] losses, as vmap(_loss) gives them, through the model's batched-ops forward."""
        assert self.model.apply_stacked is not None
        logits = self.model.apply_stacked(params, x)
        per_sample = F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="none").view_as(mask)
        return (per_sample * mask).sum(1) / mask.sum(1).clamp_min(1.0)

    def _next_stream(self, stream: int | None) -> int:
        if stream is not None:
            return stream
        self.calls += 1
        return self.calls - 1

    def local_samples(self, client_ids: Sequence[int], epochs: int) -> Tensor:
        """Samples each client processes in `epochs` local epochs (for computation time)."""
        return self.data.weights(client_ids).to(torch.long) * epochs

    def plan(self, client_ids: Sequence[int] | Tensor, *, epochs: int, stream: int) -> BatchPlan:
        ids = torch.as_tensor(client_ids, dtype=torch.long, device=self.data.index.device)
        return make_batch_plan(self.data.index, self.data.counts, ids, epochs=epochs,
                               batch_size=self.batch_size, seed=self.seed, stream=stream)

    # -- vectorised ----------------------------------------------------------------------------
    def train(self, start: ParamStack, client_ids: Sequence[int], *, epochs: int, lr: float,
              prox_mu: float = 0.0, prox_anchor: ParamStack | None = None,
              stream: int | None = None) -> ParamStack:
        """Row i starts from start[i] and trains `epochs` local epochs on client client_ids[i]."""
        _check_call(start, client_ids, epochs, prox_mu, prox_anchor)
        stream = self._next_stream(stream)
        out = {k: v.detach().clone() for k, v in start.items()}
        if epochs == 0 or len(client_ids) == 0:
            return out
        ids = torch.as_tensor(client_ids, dtype=torch.long, device=self.data.index.device)
        # Clients with similar step counts share a chunk, so little work is padding.
        steps = (self.data.counts.index_select(0, ids) + self.batch_size - 1) // self.batch_size
        order = torch.argsort(steps, stable=True)
        for chunk in torch.split(order, self.chunk_size):
            anchor = select(prox_anchor, chunk) if prox_anchor is not None and prox_mu > 0 else None
            trained = self._train_chunk(select(out, chunk), ids.index_select(0, chunk), epochs, lr, prox_mu,
                                        anchor, stream)
            for k, v in trained.items():
                out[k].index_copy_(0, chunk.to(v.device), v)
        return out

    def _train_chunk(self, params: ParamStack, ids: Tensor, epochs: int, lr: float, prox_mu: float,
                     anchor: ParamStack | None, stream: int) -> ParamStack:
        plan = self.plan(ids, epochs=epochs, stream=stream)
        x, y = self.data.x, self.data.y
        for s in range(plan.max_steps):
            rows = plan.rows[:, s]
            grads = self._stacked_grads(params, x[rows], y[rows], plan.mask[:, s].to(x.dtype))
            active = (plan.steps > s).to(x.dtype)
            for k, p in params.items():
                g = grads[k]
                if anchor is not None:
                    g = g.add_(p - anchor[k], alpha=prox_mu)
                # One fused pass: p -= lr * active_row * g (rows past their last step stay put).
                p.addcmul_(g, active.reshape((-1,) + (1,) * (p.dim() - 1)), value=-lr)
        return params

    def _stacked_grads(self, params: ParamStack, x: Tensor, y: Tensor, mask: Tensor) -> Params:
        """Every row's gradient of its own loss. Row k's loss depends only on row k's
        parameters, so the gradient of the sum of the rows' losses is each row's own
        gradient: a batched forward (vmap, or the model's batched-ops form), one ordinary
        backward pass (the same numbers as vmap(grad(loss)), with far less per-step overhead)."""
        leaves = {k: v.detach().requires_grad_(True) for k, v in params.items()}
        total = self._batched_loss(leaves, x, y, mask).sum()
        return dict(zip(leaves, torch.autograd.grad(total, list(leaves.values()))))

    # -- reference ----------------------------------------------------------------------------
    def train_sequential(self, start: ParamStack, client_ids: Sequence[int], *, epochs: int, lr: float,
                         prox_mu: float = 0.0, prox_anchor: ParamStack | None = None,
                         stream: int | None = None) -> ParamStack:
        """The per-client loop (plain autograd, unpadded batches): the trainer's reference."""
        _check_call(start, client_ids, epochs, prox_mu, prox_anchor)
        stream = self._next_stream(stream)
        results: list[Params] = []
        anchors = unstack(prox_anchor) if prox_anchor is not None else None
        for i, (client, init) in enumerate(zip(client_ids, unstack(start))):
            anchor = anchors[i] if anchors is not None else None
            results.append(self._train_one(init, int(client), epochs, lr, prox_mu, anchor, stream))
        return stack_list(results)

    def _train_one(self, init: Params, client: int, epochs: int, lr: float, prox_mu: float,
                   anchor: Params | None, stream: int) -> Params:
        params = {k: v.detach().clone() for k, v in init.items()}
        if epochs == 0:
            return params
        plan = self.plan([client], epochs=epochs, stream=stream)
        for s in range(int(plan.steps[0])):
            rows = plan.rows[0, s][plan.mask[0, s]]
            leaves = {k: v.requires_grad_(True) for k, v in params.items()}
            loss = F.cross_entropy(self.model.apply(leaves, self.data.x[rows]), self.data.y[rows])
            grads = torch.autograd.grad(loss, list(leaves.values()))
            with torch.no_grad():
                params = {}
                for (k, p), g in zip(leaves.items(), grads):
                    if anchor is not None and prox_mu > 0:
                        g = g + prox_mu * (p - anchor[k])
                    params[k] = (p - lr * g).detach()
        return params


# Bytes of stacked parameters (plus their gradients) one chunk may hold. On a CPU the
# update is memory-bound, so a chunk should stay in cache; a GPU wants thousands of rows.
CHUNK_BUDGET_BYTES = {"cpu": 8 << 20, "cuda": 4 << 30}


def auto_chunk_size(model_bytes: int, device: torch.device) -> int:
    budget = CHUNK_BUDGET_BYTES.get(device.type, CHUNK_BUDGET_BYTES["cpu"])
    return max(1, budget // (2 * max(model_bytes, 1)))


def _check_call(start: ParamStack, client_ids: Sequence[int], epochs: int, prox_mu: float,
                anchor: ParamStack | None) -> None:
    if stack_size(start) != len(client_ids):
        raise ValueError(f"train: start has {stack_size(start)} rows but {len(client_ids)} client ids were given")
    if epochs < 0:
        raise ValueError(f"localEpochs: expected an integer >= 0, got {epochs}")
    if prox_mu < 0:
        raise ValueError(f"mu: expected a number >= 0, got {prox_mu}")
    if anchor is not None and stack_size(anchor) != len(client_ids):
        raise ValueError("train: prox_anchor must have one row per client id")
