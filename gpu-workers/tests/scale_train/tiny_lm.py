"""A stand-in MethodModel for loop tests: embedding + one linear layer, with one "new" parameter."""
from __future__ import annotations

from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn


class TinyLM(nn.Module):
    def __init__(self, vocab: int = 16, width: int = 8, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.embed = nn.Embedding(vocab, width)
        self.head = nn.Linear(width, vocab)
        self.new_bias = nn.Parameter(torch.zeros(vocab))  # stands for the expansion's new weights
        self.blow_up = False

    def forward(self, ids: torch.Tensor) -> SimpleNamespace:
        logits = self.head(torch.tanh(self.embed(ids))) + self.new_bias
        return SimpleNamespace(logits=logits, eval_logits=logits, extras={})

    def training_loss(self, ids: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        logits = self(ids).logits[:, :-1]
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100)
        return loss * float("nan") if self.blow_up else loss

    def param_groups(self, lr: float, new_lr: float, weight_decay: float) -> list[dict]:
        old = [p for n, p in self.named_parameters() if n != "new_bias"]
        return [{"params": old, "lr": lr, "weight_decay": weight_decay},
                {"params": [self.new_bias], "lr": new_lr, "weight_decay": 0.0}]
