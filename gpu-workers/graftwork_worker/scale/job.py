"""Handler of the `scale` job kind: parse the spec, run its stage, return the result.

The result matches contracts/results/scale.schema.json; non-finite numbers are written as
the strings "NaN", "Infinity", "-Infinity" (the queue refuses raw NaN).
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from ..worker.job_context import JobContext
from .spec import parse_spec
from .stages import run_stage


def encode_non_finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Mapping):
        return {k: encode_non_finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_non_finite(v) for v in value]
    return value


def run_scale_job(ctx: JobContext) -> Mapping[str, Any]:
    spec = parse_spec(ctx.spec)
    result = run_stage(ctx, spec)
    ctx.progress(1.0, f"{spec.stage}: done")
    return encode_non_finite(dict(result))
