"""The interface a job handler sees. The runtime implements it; engines code against it.

Engines (scale/, federated/, diagnostics) never talk to BullMQ, Redis or the service
directly: everything goes through this object, so each engine is testable with a fake
(see tests/fakes.py) and the runtime owns retries, spooling, fencing and cancellation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence


class JobCancelled(Exception):
    """Raised by `JobContext.check_cancelled()` when the service asked this run to stop."""


class JobConfigError(Exception):
    """A spec that passed the schema but cannot be executed (e.g. heads do not divide).

    The runtime reports it as a terminal failure with reason `config_error` (no retry).
    """


class NonFiniteLoss(Exception):
    """The training loss became NaN or infinite; reported with reason `non_finite_loss` (no retry)."""

    def __init__(self, value: float, step: int) -> None:
        super().__init__(f"loss is {value} at step {step}")
        self.value = value
        self.step = step


def ensure_finite_loss(value: float, step: int) -> float:
    """Return `value` as a float, or raise NonFiniteLoss when it diverged.

    Engines call this after logging the loss, so the diverged point still reaches the service.
    """
    loss = float(value)
    if not math.isfinite(loss):
        raise NonFiniteLoss(loss, step)
    return loss


@dataclass(frozen=True)
class MetricPoint:
    key: str
    step: int
    value: float  # may be nan/inf: the reporter encodes non-finite values, never crashes
    context: Mapping[str, Any] | None = None  # e.g. {"client": 7} or {"method": "lora"}


@dataclass
class ArtifactRef:
    id: str
    name: str
    sha256: str
    bytes: int
    extra: dict = field(default_factory=dict)


class JobContext(Protocol):
    run_id: str
    attempt: int
    spec: Mapping[str, Any]  # the validated job payload (contracts/jobs/<kind>.schema.json)
    device: str  # "cuda:0" or "cpu"
    workdir: Path  # scratch space private to this attempt

    def check_cancelled(self) -> None:
        """Raise JobCancelled if a cancel was requested. Call at least once per training step."""

    def progress(self, fraction: float, message: str = "", **extra: Any) -> None:
        """0..1 progress with a short human message; rate-limited by the runtime."""

    def log_metrics(self, points: Sequence[MetricPoint]) -> None:
        """Queue metric points; the runtime batches, retries and spools them to disk."""

    def save_checkpoint(self, state: Mapping[str, Any], step: int, *, force: bool = False) -> bool:
        """Persist resumable state for this run; the latest wins.

        `state` must load with `torch.load(weights_only=True)`: tensors, numbers, strings and
        lists/dicts of them. Returns False when skipped because the runtime's minimum interval
        (seconds or steps since the last save) has not passed; `force` saves anyway (use it for
        the final state). Returns once the checkpoint is stored by the service.
        """

    def load_checkpoint(self) -> tuple[Mapping[str, Any], int] | None:
        """(state, step) of the last checkpoint of any earlier attempt, or None."""

    def upload_artifact(self, name: str, path: Path, kind: str = "file",
                        metadata: Mapping[str, Any] | None = None) -> ArtifactRef:
        """Stream a file to the service's artifact store; returns its stored reference."""

    def fetch_model_version(self, model_version_id: str) -> Path:
        """Download an uploaded model version (a folder: config.json + *.safetensors [+ tokenizer.json])."""

    def fetch_dataset_version(self, dataset_version_id: str) -> Path:
        """Download an uploaded dataset version (one file; its format is in the registry)."""

    def register_model_version(self, name: str, artifact: ArtifactRef, *, parent_version_id: str | None,
                               derivation: Mapping[str, Any], architecture: Mapping[str, Any]) -> str:
        """Register an artifact as a new model version with lineage; returns its id."""
