"""ONNX export of a MethodModel for inference (onnxruntime, onnxruntime-node in the service).

SCALE methods export three outputs: `preservation_logits` (z_P), `adaptation_logits` (z_A) and
`routed_logits` (per token z_P where cos(z_P, z_A) >= tau, else z_A; tau from the spec, 0.5
when the method has none). Other methods export `logits`. Batch and sequence are dynamic.

We use the TorchScript exporter (`dynamo=False`): the torch.export-based one needs the
`onnxscript` package, which the worker does not ship. Models over 2 GB would need external
data files; this is meant for small models evaluated inside the service.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import torch
from torch import Tensor, nn

from ..scale.method_spec import SCALE_METHODS
from ..scale.methods import MethodModel
from ..scale.router import hard_route

SCALE_OUTPUTS = ["preservation_logits", "adaptation_logits", "routed_logits"]
PLAIN_OUTPUTS = ["logits"]


class _ScaleHeads(nn.Module):
    def __init__(self, model: MethodModel, tau: float):
        super().__init__()
        self.model, self.tau = model, tau

    def forward(self, input_ids: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        z_p, delta = self.model.expanded(input_ids)
        routed, _ = hard_route(z_p, delta, self.tau)
        return z_p, z_p + delta, routed


class _PlainLogits(nn.Module):
    def __init__(self, model: MethodModel):
        super().__init__()
        self.model = model

    def forward(self, input_ids: Tensor) -> Tensor:
        return self.model(input_ids).eval_logits


def output_names(model: MethodModel) -> list[str]:
    return SCALE_OUTPUTS if model.spec.method in SCALE_METHODS else PLAIN_OUTPUTS


def export_onnx(model: MethodModel, path: Path, example_seq_len: int = 8, opset: int = 17) -> list[str]:
    """Write `path` (exported in float32, eval mode); returns the output names in order."""
    names = output_names(model)
    if model.spec.method in SCALE_METHODS:
        wrapper: nn.Module = _ScaleHeads(model, float(model.spec.options.get("router_tau", 0.5)))
    else:
        wrapper = _PlainLogits(model)
    was_training, dtype = model.training, next(model.parameters()).dtype
    wrapper = wrapper.float().eval()  # converts the model in place; restored below
    example = torch.zeros(1, example_seq_len, dtype=torch.long, device=next(model.parameters()).device)
    dynamic = {name: {0: "batch", 1: "sequence"} for name in ["input_ids", *names]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=torch.jit.TracerWarning)
        torch.onnx.export(wrapper, (example,), str(path), dynamo=False, input_names=["input_ids"],
                          output_names=names, dynamic_axes=dynamic, opset_version=opset)
    model.to(dtype).train(was_training)
    return names
