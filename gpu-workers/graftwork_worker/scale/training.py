"""The training loop shared by every SCALE stage and method.

AdamW over the model's own param groups (new parameters may have their own lr), warm-up +
cosine decay, gradient accumulation and clipping, bf16 autocast on CUDA, optional
torch.compile. Batches are a pure function of (seed, step), so a run resumed from a
checkpoint (trainable weights, optimiser, scheduler, RNG states, step) continues exactly
as the uninterrupted run would have.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

import torch
from torch import nn

from ..worker.job_context import JobContext, MetricPoint, NonFiniteLoss
from ..data.packing import BatchPool
from .schedule import warmup_cosine


class TrainableModel(Protocol):
    """What the loop needs: the MethodModel interface (scale/methods.py) on an nn.Module."""

    def training_loss(self, ids: torch.Tensor, labels: torch.Tensor) -> torch.Tensor: ...
    def param_groups(self, lr: float, new_lr: float, weight_decay: float) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class TrainConfig:
    steps: int
    batch_size: int
    lr: float
    new_lr: float | None = None  # None: new parameters use `lr`
    weight_decay: float = 0.0
    warmup_steps: int = 0
    min_lr_ratio: float = 0.1
    grad_accum: int = 1
    max_grad_norm: float = 1.0  # 0 disables clipping
    seed: int = 0
    eval_every: int = 0  # 0: evaluate only before the first and after the last step
    checkpoint_every: int = 0  # 0: no checkpoints
    metrics_every: int = 10  # flush buffered metric points this often
    compile: bool = False
    bf16: bool = True  # autocast to bf16 on CUDA; ignored on the CPU


EvalFn = Callable[[int], Mapping[str, float]]


@dataclass
class TrainResult:
    steps: int
    final_loss: float
    curve: list[dict[str, Any]] = field(default_factory=list)  # [{"step": s, **eval metrics}]
    resumed_from: int | None = None


def _rng_state() -> dict[str, Any]:
    # Only tensors and plain Python values: the runtime loads checkpoints with weights_only=True.
    state: dict[str, Any] = {"torch": torch.get_rng_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: Mapping[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def trainable_state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def load_trainable_state(model: nn.Module, state: Mapping[str, torch.Tensor]) -> None:
    params = dict(model.named_parameters())
    unknown = sorted(set(state) - set(params))
    if unknown:
        raise ValueError(f"checkpoint: parameters {unknown[:5]} are not in the model")
    with torch.no_grad():
        for name, value in state.items():
            params[name].copy_(value)


class Trainer:
    """Trains one model for one phase; `phase` names the checkpoints this trainer may resume."""

    def __init__(self, model: nn.Module, pool: BatchPool, cfg: TrainConfig, ctx: JobContext, *,
                 phase: str, context: Mapping[str, Any] | None = None, eval_fn: EvalFn | None = None,
                 progress_span: tuple[float, float] = (0.0, 1.0)):
        self.model, self.pool, self.cfg, self.ctx = model, pool, cfg, ctx
        self.phase = phase
        self.context = dict(context or {"phase": phase})
        self.eval_fn = eval_fn
        self.progress_span = progress_span
        self.device = torch.device(ctx.device)
        new_lr = cfg.lr if cfg.new_lr is None else cfg.new_lr
        groups = model.param_groups(cfg.lr, new_lr, cfg.weight_decay)  # type: ignore[operator]
        self.params = [p for g in groups for p in g["params"]]
        self.optimizer = torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.95), eps=1e-8)
        self.scheduler = warmup_cosine(self.optimizer, cfg.warmup_steps, cfg.steps, cfg.min_lr_ratio)
        loss_fn = model.training_loss  # type: ignore[attr-defined]
        self.loss_fn = torch.compile(loss_fn) if cfg.compile else loss_fn
        self.pending: list[MetricPoint] = []
        self.curve: list[dict[str, Any]] = []

    # -- checkpoints -------------------------------------------------------------------
    def _checkpoint(self, step: int) -> None:
        state = {"phase": self.phase, "step": step, "model": trainable_state(self.model),
                 "optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict(),
                 "rng": _rng_state(), "curve": list(self.curve)}
        self.ctx.save_checkpoint(state, step)

    def _resume(self, checkpoint: tuple[Mapping[str, Any], int] | None) -> int:
        if checkpoint is None or checkpoint[0].get("phase") != self.phase:
            return 0
        state, step = checkpoint
        load_trainable_state(self.model, state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        _set_rng_state(state["rng"])
        self.curve = list(state["curve"])
        return int(state["step"])

    # -- metrics -----------------------------------------------------------------------
    def _log(self, step: int, values: Mapping[str, float]) -> None:
        self.pending.extend(MetricPoint(key=k, step=step, value=float(v), context=self.context)
                            for k, v in values.items())

    def _flush(self) -> None:
        if self.pending:
            self.ctx.log_metrics(self.pending)
            self.pending = []

    def _evaluate(self, step: int) -> None:
        if self.eval_fn is None or any(point["step"] == step for point in self.curve):
            return
        self.model.eval()
        with torch.no_grad():
            metrics = dict(self.eval_fn(step))
        self.model.train()
        self.curve.append({"step": step, **metrics})
        self._log(step, {f"eval/{k}": v for k, v in metrics.items()})

    # -- the loop ----------------------------------------------------------------------
    def _step(self, step: int) -> tuple[float, float]:
        cfg = self.cfg
        self.optimizer.zero_grad(set_to_none=True)
        total = 0.0
        autocast = torch.autocast("cuda", dtype=torch.bfloat16, enabled=cfg.bf16 and self.device.type == "cuda")
        for micro in range(cfg.grad_accum):
            first_row = (step * cfg.grad_accum + micro) * cfg.batch_size
            ids, labels = self.pool.batch(cfg.seed, first_row, cfg.batch_size)
            with autocast:
                loss = self.loss_fn(ids.to(self.device), labels.to(self.device))
            value = float(loss.detach())
            if not math.isfinite(value):
                self._log(step, {"train/loss": value})
                self._flush()
                raise NonFiniteLoss(value, step)
            (loss / cfg.grad_accum).backward()
            total += value / cfg.grad_accum
        grad_norm = 0.0
        if cfg.max_grad_norm > 0:
            grad_norm = float(torch.nn.utils.clip_grad_norm_(self.params, cfg.max_grad_norm))
        self.optimizer.step()
        self.scheduler.step()
        return total, grad_norm

    def run(self) -> TrainResult:
        """Train to cfg.steps, resuming this phase's checkpoint of an earlier attempt if any."""
        cfg = self.cfg
        start = self._resume(self.ctx.load_checkpoint())
        self.model.train()
        loss = float("nan")
        try:
            if start == 0:
                self._evaluate(0)
            lo, hi = self.progress_span
            for step in range(start, cfg.steps):
                self.ctx.check_cancelled()
                lr = self.optimizer.param_groups[0]["lr"]
                loss, grad_norm = self._step(step)
                done = step + 1
                self._log(done, {"train/loss": loss, "train/lr": lr, "train/grad_norm": grad_norm})
                if cfg.eval_every and done % cfg.eval_every == 0 and done < cfg.steps:
                    self._evaluate(done)
                if cfg.checkpoint_every and done % cfg.checkpoint_every == 0 and done < cfg.steps:
                    self._flush()  # metrics up to a checkpoint are never lost on a crash
                    self._checkpoint(done)
                if done % max(1, cfg.metrics_every) == 0:
                    self._flush()
                    self.ctx.progress(lo + (hi - lo) * done / cfg.steps, f"{self.phase}: step {done}/{cfg.steps}")
            self._evaluate(cfg.steps)
        finally:
            self._flush()
        self.model.eval()
        return TrainResult(steps=cfg.steps, final_loss=loss, curve=list(self.curve),
                           resumed_from=start or None)
