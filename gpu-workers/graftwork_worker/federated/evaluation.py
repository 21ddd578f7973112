"""Accuracy and loss of one model, or of a stack of models, on a labelled set."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.func import vmap

from .models import FunctionalModel
from .params import Params, ParamStack


@torch.no_grad()
def evaluate(model: FunctionalModel, params: Params, x: Tensor, y: Tensor, batch: int = 4096) -> dict[str, float]:
    if x.shape[0] == 0:
        return {"accuracy": float("nan"), "loss": float("nan")}
    correct, loss = 0.0, 0.0
    for i in range(0, x.shape[0], batch):
        logits = model.apply(params, x[i:i + batch])
        loss += float(F.cross_entropy(logits, y[i:i + batch], reduction="sum"))
        correct += float((logits.argmax(1) == y[i:i + batch]).sum())
    return {"accuracy": correct / x.shape[0], "loss": loss / x.shape[0]}


@torch.no_grad()
def evaluate_stack(model: FunctionalModel, stacked: ParamStack, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """(accuracy, loss) of every row of a stack on the same set, as two [rows] tensors."""
    def one(params: Params) -> tuple[Tensor, Tensor]:
        logits = model.apply(params, x)
        return (logits.argmax(1) == y).float().mean(), F.cross_entropy(logits, y)

    return vmap(one)(stacked)


@torch.no_grad()
def per_client_accuracy(model: FunctionalModel, params: Params, x: Tensor, y: Tensor, index: Tensor,
                        counts: Tensor, batch: int = 8192) -> Tensor:
    """[clients] accuracy of one model on each client's own samples, in one pass over x."""
    correct = torch.cat([(model.apply(params, x[i:i + batch]).argmax(1) == y[i:i + batch]).float()
                         for i in range(0, x.shape[0], batch)])
    valid = torch.arange(index.shape[1], device=index.device)[None, :] < counts[:, None]
    return (correct[index] * valid).sum(1) / counts.clamp_min(1)
