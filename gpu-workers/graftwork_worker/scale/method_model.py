"""The interface every training method presents to the training loop and to evaluation.

A MethodModel owns its modules (sharing the base model's tensors where they stay frozen) and
knows which of its parameters are new (expansion blocks, LoRA factors, inserted blocks): those
get their own learning rate and are counted apart in the parameter report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..models.llama import LlamaConfig
from .method_spec import MethodSpec

EXPORT_FORMAT = "graftwork-method/1"


@dataclass
class MethodOutput:
    logits: Tensor  # what the training loss uses
    eval_logits: Tensor  # what evaluation uses (routed for scale_route)
    extras: dict[str, Tensor] = field(default_factory=dict)


def next_token_loss(logits: Tensor, labels: Tensor) -> Tensor:
    """Mean CE of logits[:, t] against labels[:, t+1] (labels aligned with input_ids; -100 ignored)."""
    if labels.shape != logits.shape[:2]:
        raise ValueError(f"labels: expected shape {tuple(logits.shape[:2])} (same as input_ids), "
                         f"got {tuple(labels.shape)}")
    # Shift the labels, not the logits: slicing [B, T, V] logits would copy the largest tensor
    # of the step (V = 128k); the last position gets -100 and is ignored instead.
    targets = F.pad(labels[:, 1:], (0, 1), value=-100)
    return F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten(), ignore_index=-100)


class MethodModel(nn.Module):
    def __init__(self, spec: MethodSpec, base_config: LlamaConfig):
        super().__init__()
        self.spec, self.base_config = spec, base_config

    # --- what subclasses provide -------------------------------------------------------
    def forward(self, input_ids: Tensor) -> MethodOutput:  # type: ignore[override]
        raise NotImplementedError

    def is_new_parameter(self, name: str) -> bool:
        """True for parameters that the base model did not have."""
        raise NotImplementedError

    def export_details(self) -> dict[str, Any]:
        """Method-specific facts recorded next to the weights (expansion sizes, inserted blocks)."""
        return {}

    # --- shared behaviour ----------------------------------------------------------------
    def training_loss(self, input_ids: Tensor, labels: Tensor) -> Tensor:
        return next_token_loss(self(input_ids).logits, labels)

    def param_groups(self, lr: float, new_lr: float, weight_decay: float) -> list[dict[str, Any]]:
        """Trainable parameters only; new ones at `new_lr`; no weight decay on vectors (norms)."""
        buckets: dict[tuple[bool, bool], list[nn.Parameter]] = {}
        for name, param in self.named_parameters():
            if param.requires_grad:
                buckets.setdefault((self.is_new_parameter(name), param.dim() >= 2), []).append(param)
        groups = []
        for (new, decays), params in sorted(buckets.items()):
            groups.append({"params": params, "lr": new_lr if new else lr,
                           "weight_decay": weight_decay if decays else 0.0,
                           "name": f"{'new' if new else 'base'}{'' if decays else '_no_decay'}"})
        return groups

    def parameter_report(self) -> dict[str, int]:
        report = {"total": 0, "trainable": 0, "frozen": 0, "new": 0, "new_trainable": 0}
        for name, param in self.named_parameters():
            n = param.numel()
            report["total"] += n
            report["trainable" if param.requires_grad else "frozen"] += n
            if self.is_new_parameter(name):
                report["new"] += n
                report["new_trainable"] += n if param.requires_grad else 0
        return report

    def export(self) -> tuple[dict[str, Tensor], dict[str, Any]]:
        """(state for safetensors, config JSON) from which `load_method_model` rebuilds this model."""
        state: dict[str, Tensor] = {}
        seen: dict[int, str] = {}
        for name, tensor in self.state_dict().items():
            if tensor.data_ptr() in seen and tensor.numel():
                raise RuntimeError(f"export: {name} shares storage with {seen[tensor.data_ptr()]}")
            seen[tensor.data_ptr()] = name
            state[name] = tensor.detach().contiguous()
        dtype = next(iter(state.values())).dtype
        config = {"format": EXPORT_FORMAT, **self.spec.to_dict(), "base_config": self.base_config.to_hf_dict(),
                  "dtype": str(dtype).removeprefix("torch."), "details": self.export_details(),
                  "parameters": self.parameter_report()}
        return state, config

    @torch.no_grad()
    def logits_for_eval(self, input_ids: Tensor) -> Tensor:
        return self(input_ids).eval_logits
