"""The `diagnostics` job: check a worker host end to end.

Reports the device, its memory and library versions, times a matrix product and a
host-device copy, then trains a small MLP on synthetic data with checkpoints, so a run
exercises metrics, cancellation, checkpoint/resume and artifacts like a real job does.
"""
from __future__ import annotations

import time
from typing import Any, Mapping

import torch
from safetensors.torch import save_file
from torch import nn

from ..worker.job_context import JobContext, MetricPoint, ensure_finite_loss
from .diagnostics_probes import copy_bandwidth, device_facts, library_versions, matmul_tflops
from .diagnostics_spec import DiagnosticsSpec


class DiagnosticsMLP(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.hidden = nn.Linear(width, width)
        self.out = nn.Linear(width, output_width(width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.relu(self.hidden(x)))


def output_width(width: int) -> int:
    return max(1, width // 2)


def synthetic_batch(spec: DiagnosticsSpec, step: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Batch of `step`: a pure function of (seed, step), so a resumed run sees the same data."""
    teacher = torch.Generator().manual_seed(spec.seed)
    weights = torch.randn(spec.hiddenSize, output_width(spec.hiddenSize), generator=teacher)
    batch = torch.Generator().manual_seed(spec.seed * 1_000_003 + step)
    x = torch.randn(spec.batchSize, spec.hiddenSize, generator=batch)
    return x, torch.tanh(x @ weights / spec.hiddenSize ** 0.5)


def _resume(ctx: JobContext, model: nn.Module, optimizer: torch.optim.Optimizer) -> tuple[int, float]:
    """(steps already done, their last loss); (0, nan) when starting fresh."""
    loaded = ctx.load_checkpoint()
    if loaded is None:
        return 0, float("nan")
    state, step = loaded
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return step, float(state["loss"])


def train(ctx: JobContext, spec: DiagnosticsSpec, device: torch.device) -> tuple[nn.Module, int, int, float]:
    """Train for spec.steps steps in total; returns (model, steps done, resumed from, last loss)."""
    torch.manual_seed(spec.seed)
    model = DiagnosticsMLP(spec.hiddenSize).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=spec.learningRate)
    resumed_from, loss_value = _resume(ctx, model, optimizer)
    for step in range(resumed_from + 1, spec.steps + 1):
        ctx.check_cancelled()
        x, y = (t.to(device) for t in synthetic_batch(spec, step))
        loss = nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss_value = loss.item()
        ctx.log_metrics([MetricPoint("loss", step, loss_value)])
        ensure_finite_loss(loss_value, step)
        ctx.progress(step / spec.steps, f"step {step}/{spec.steps}")
        if spec.checkpointEverySteps and step % spec.checkpointEverySteps == 0:
            state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                     "loss": torch.tensor(loss_value)}
            ctx.save_checkpoint(state, step)
        if spec.stepDelayMs:
            time.sleep(spec.stepDelayMs / 1000)
    return model, spec.steps, resumed_from, loss_value


def run_diagnostics(ctx: JobContext) -> Mapping[str, Any]:
    spec = DiagnosticsSpec.from_mapping(ctx.spec)
    device = torch.device(ctx.device)
    device_section, memory = device_facts(device)
    ctx.progress(0.0, "timing matrix product and copy")
    matmul = matmul_tflops(device, spec.matmulSize)
    copy = copy_bandwidth(device, spec.copyMB)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    model, steps, resumed_from, final_loss = train(ctx, spec, device)
    if device.type == "cuda":
        memory["peakAllocatedBytes"] = int(torch.cuda.max_memory_allocated(device))
    weights_path = ctx.workdir / "model.safetensors"
    save_file({name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()},
              str(weights_path))
    artifact = ctx.upload_artifact("model.safetensors", weights_path, kind="model",
                                   metadata={"architecture": "diagnostics-mlp", "hiddenSize": spec.hiddenSize})
    ctx.progress(1.0, "done")
    return {
        "device": device_section, "memory": memory, "versions": library_versions(),
        "matmul": matmul, "copy": copy,
        "training": {"steps": steps, "finalLoss": final_loss, "resumedFromStep": resumed_from},
        "artifactId": artifact.id,
    }
