"""Typed spec of a diagnostics run (contracts/jobs/diagnostics.schema.json)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

from ..worker.job_context import JobConfigError


@dataclass(frozen=True)
class DiagnosticsSpec:
    steps: int = 200
    batchSize: int = 64
    hiddenSize: int = 128
    matmulSize: int = 1024
    copyMB: float = 64.0
    learningRate: float = 0.01
    checkpointEverySteps: int = 50
    stepDelayMs: int = 0
    seed: int = 0

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> "DiagnosticsSpec":
        """Build from a spec that already passed the schema; re-checks what this code relies on."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise JobConfigError(f"spec.{unknown[0]}: unknown field (expected one of {', '.join(known)})")
        values: dict[str, Any] = {}
        for name, field in known.items():
            if name not in raw:
                continue
            value = raw[name]
            wants_int = field.type == "int"
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (wants_int and value != int(value)):
                raise JobConfigError(f"spec.{name}: expected {'an integer' if wants_int else 'a number'}, got {value!r}")
            values[name] = int(value) if wants_int else float(value)
        spec = cls(**values)
        for name in ("steps", "batchSize", "hiddenSize", "matmulSize"):
            if getattr(spec, name) < 1:
                raise JobConfigError(f"spec.{name}: expected at least 1, got {getattr(spec, name)}")
        for name in ("checkpointEverySteps", "stepDelayMs", "seed"):
            if getattr(spec, name) < 0:
                raise JobConfigError(f"spec.{name}: expected at least 0, got {getattr(spec, name)}")
        if not spec.copyMB > 0 or not spec.learningRate > 0:
            bad = "copyMB" if not spec.copyMB > 0 else "learningRate"
            raise JobConfigError(f"spec.{bad}: expected a number above 0, got {getattr(spec, bad)}")
        return spec
