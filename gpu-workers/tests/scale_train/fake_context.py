"""A small in-memory JobContext for the scale tests (until tests/fakes.py exists)."""
from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
from pathlib import Path
from typing import Any, Mapping, Sequence

import torch

from graftwork_worker.worker.job_context import ArtifactRef, JobCancelled, MetricPoint


class FakeContext:
    def __init__(self, spec: Mapping[str, Any], workdir: Path, *, cancel_after_checks: int | None = None,
                 checkpoint: tuple[Mapping[str, Any], int] | None = None,
                 store: dict[str, Path] | None = None):
        self.run_id, self.attempt, self.spec, self.device, self.workdir = "run-1", 1, spec, "cpu", workdir
        self.cancel_after_checks = cancel_after_checks
        self.cancel_checks = 0
        self.metrics: list[MetricPoint] = []
        self.progress_calls: list[tuple[float, str]] = []
        self.checkpoints: list[tuple[bytes, int]] = []
        self.initial_checkpoint = checkpoint
        self.artifacts: dict[str, Path] = {}
        self.store = store if store is not None else {}  # model / dataset version id -> path
        self.registered: list[dict[str, Any]] = []

    def check_cancelled(self) -> None:
        self.cancel_checks += 1
        if self.cancel_after_checks is not None and self.cancel_checks > self.cancel_after_checks:
            raise JobCancelled("cancel requested")

    def progress(self, fraction: float, message: str = "", **extra: Any) -> None:
        assert 0.0 <= fraction <= 1.0, fraction
        self.progress_calls.append((fraction, message))

    def log_metrics(self, points: Sequence[MetricPoint]) -> None:
        self.metrics.extend(points)

    def save_checkpoint(self, state: Mapping[str, Any], step: int) -> None:
        buffer = io.BytesIO()
        torch.save(dict(state), buffer)  # serialised, as the runtime does: no aliasing with live tensors
        self.checkpoints.append((buffer.getvalue(), step))

    def last_checkpoint(self) -> tuple[Mapping[str, Any], int] | None:
        if not self.checkpoints:
            return None
        data, step = self.checkpoints[-1]
        return torch.load(io.BytesIO(data), weights_only=False), step

    def load_checkpoint(self) -> tuple[Mapping[str, Any], int] | None:
        return self.initial_checkpoint

    def upload_artifact(self, name: str, path: Path, kind: str = "file",
                        metadata: Mapping[str, Any] | None = None) -> ArtifactRef:
        artifact_id = f"artifact-{len(self.artifacts) + 1}"
        kept = self.workdir / "uploaded" / artifact_id
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, kept)
        self.artifacts[artifact_id] = kept
        digest = hashlib.sha256(kept.read_bytes()).hexdigest()
        return ArtifactRef(id=artifact_id, name=name, sha256=digest, bytes=kept.stat().st_size)

    def fetch_model_version(self, model_version_id: str) -> Path:
        return self.store[model_version_id]

    def fetch_dataset_version(self, dataset_version_id: str) -> Path:
        return self.store[dataset_version_id]

    def register_model_version(self, name: str, artifact: ArtifactRef, *, parent_version_id: str | None,
                               derivation: Mapping[str, Any], architecture: Mapping[str, Any]) -> str:
        version_id = f"mv-{len(self.registered) + 1}"
        folder = self.workdir / "versions" / version_id  # the runtime unpacks a model version's tar
        folder.mkdir(parents=True)
        with tarfile.open(self.artifacts[artifact.id]) as archive:
            archive.extractall(folder, filter="data")
        self.store[version_id] = folder
        self.registered.append({"id": version_id, "name": name, "artifact": artifact, "parent": parent_version_id,
                                "derivation": dict(derivation), "architecture": dict(architecture)})
        return version_id
