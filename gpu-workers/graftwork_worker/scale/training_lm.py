"""Full training of a plain causal LM (the `pretrain` and `qa_finetune` stages).

Gives a LlamaForCausalLM the MethodModel training interface (training_loss, param_groups,
forward -> logits and eval_logits) so one loop trains everything.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

IGNORE_INDEX = -100


def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy; labels are aligned with the inputs (-100: no loss)."""
    shifted = logits[:, :-1].float()
    return F.cross_entropy(shifted.reshape(-1, shifted.shape[-1]), labels[:, 1:].reshape(-1),
                           ignore_index=IGNORE_INDEX)


class CausalLMTrainee(nn.Module):
    """Every parameter trains; matrices decay, norm weights do not."""

    def __init__(self, lm: nn.Module):
        super().__init__()
        self.lm = lm

    def forward(self, ids: torch.Tensor) -> SimpleNamespace:
        logits = self.lm(ids)
        return SimpleNamespace(logits=logits, eval_logits=logits, extras={})

    def training_loss(self, ids: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return causal_lm_loss(self.lm(ids), labels)

    def param_groups(self, lr: float, new_lr: float, weight_decay: float) -> list[dict[str, Any]]:
        params = [p for p in self.lm.parameters() if p.requires_grad]
        decay = [p for p in params if p.dim() >= 2]
        no_decay = [p for p in params if p.dim() < 2]
        return [{"params": decay, "lr": lr, "weight_decay": weight_decay},
                {"params": no_decay, "lr": lr, "weight_decay": 0.0}]
