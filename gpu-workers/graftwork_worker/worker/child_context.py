"""The JobContext a handler gets inside the training child process."""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from .child_channel import ChildChannel, RemoteCallError
from .encoding import to_json_safe
from .job_context import ArtifactRef, JobCancelled, MetricPoint

_PROGRESS_MIN_INTERVAL_S = 0.5
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckpointPolicy:
    min_interval_s: float
    min_steps: int


class ChildJobContext:
    def __init__(self, channel: ChildChannel, cancel_event: Any, *, run_id: str, attempt: int,
                 spec: Mapping[str, Any], device: str, workdir: Path, checkpoint: Mapping[str, Any] | None,
                 policy: CheckpointPolicy) -> None:
        self._channel = channel
        self._cancel_event = cancel_event
        self.run_id = run_id
        self.attempt = attempt
        self.spec = spec
        self.device = device
        self.workdir = workdir
        self._checkpoint = checkpoint
        self._policy = policy
        self._last_checkpoint: tuple[float, int] | None = None
        self._last_progress = 0.0

    def check_cancelled(self) -> None:
        if self._cancel_event.is_set():
            raise JobCancelled(f"run {self.run_id}: cancel requested")

    def progress(self, fraction: float, message: str = "", **extra: Any) -> None:
        now = time.monotonic()
        fraction = float(fraction)
        if not math.isfinite(fraction) or not 0.0 <= fraction <= 1.0:
            raise ValueError(f"progress fraction must be a number in [0, 1], got {fraction}")
        if fraction < 1.0 and now - self._last_progress < _PROGRESS_MIN_INTERVAL_S:
            return
        self._last_progress = now
        # Encoded here so a bad value fails the engine's call, not the worker's reporting.
        self._channel.send({"type": "progress", "fraction": fraction, "message": str(message),
                            "extra": to_json_safe(extra)})

    def log_metrics(self, points: Sequence[MetricPoint]) -> None:
        encoded = []
        for point in points:
            if not isinstance(point.key, str) or not point.key:
                raise ValueError(f"metric key must be a non-empty string, got {point.key!r}")
            if int(point.step) < 0:
                raise ValueError(f"metric {point.key!r}: step must be >= 0, got {point.step}")
            context = to_json_safe(dict(point.context)) if point.context else None
            encoded.append((point.key, int(point.step), float(point.value), context))
        if encoded:
            self._channel.send({"type": "metrics", "points": encoded})

    def save_checkpoint(self, state: Mapping[str, Any], step: int, *, force: bool = False) -> bool:
        import torch

        now = time.monotonic()
        if not force and self._last_checkpoint is not None:
            last_time, last_step = self._last_checkpoint
            if now - last_time < self._policy.min_interval_s or step - last_step < self._policy.min_steps:
                return False
        folder = self.workdir / "checkpoints"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"checkpoint-step-{step}.pt"
        path = folder / name
        torch.save(dict(state), path)
        try:
            self._channel.call("upload_artifact", name=name, path=str(path), kind="checkpoint", step=step,
                               metadata=None)
        except RemoteCallError as error:
            if error.kind != "unreachable":
                raise
            # Training outlives a service outage: the next checkpoint tries again.
            log.warning("checkpoint at step %d not stored (service unreachable): %s", step, error)
            path.unlink(missing_ok=True)
            return False
        for older in folder.glob("checkpoint-step-*.pt"):
            if older != path:
                older.unlink(missing_ok=True)
        self._last_checkpoint = (now, step)
        return True

    def load_checkpoint(self) -> tuple[Mapping[str, Any], int] | None:
        import torch

        if not self._checkpoint:
            return None
        step = int(self._checkpoint["step"])
        destination = self.workdir / "resume" / f"checkpoint-step-{step}.pt"
        self._channel.call("fetch_artifact", artifact_id=self._checkpoint["artifactId"],
                           destination=str(destination))
        state = torch.load(destination, map_location="cpu", weights_only=True)
        self._last_checkpoint = (time.monotonic(), step)
        return state, step

    def upload_artifact(self, name: str, path: Path, kind: str = "file",
                        metadata: Mapping[str, Any] | None = None) -> ArtifactRef:
        answer = self._channel.call("upload_artifact", name=name, path=str(path), kind=kind, step=None,
                                    metadata=dict(metadata) if metadata else None)
        return ArtifactRef(id=answer["id"], name=answer["name"], sha256=answer["sha256"],
                           bytes=int(answer["bytes"]), extra=dict(metadata or {}))

    def fetch_model_version(self, model_version_id: str) -> Path:
        return Path(self._channel.call("fetch_model_version", model_version_id=model_version_id,
                                       destination=str(self.workdir / "models" / model_version_id)))

    def fetch_dataset_version(self, dataset_version_id: str) -> Path:
        return Path(self._channel.call("fetch_dataset_version", dataset_version_id=dataset_version_id,
                                       destination=str(self.workdir / "datasets" / dataset_version_id)))

    def register_model_version(self, name: str, artifact: ArtifactRef, *, parent_version_id: str | None,
                               derivation: Mapping[str, Any], architecture: Mapping[str, Any]) -> str:
        return self._channel.call("register_model_version", model_name=name, artifact_id=artifact.id,
                                  parent_version_id=parent_version_id, derivation=dict(derivation),
                                  architecture=dict(architecture))
