"""Registry of job kinds. Start-up fails if a kind in contracts/ has no handler here."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from .job_context import JobContext

# A handler runs in the training child process and returns the run's result
# (a JSON-able mapping that matches contracts/results/<kind>.schema.json).
Handler = Callable[[JobContext], Mapping[str, Any]]


def _load() -> dict[str, Handler]:
    # Imported lazily so the worker's event-loop process never imports torch.
    from ..evaluation.diagnostics_job import run_diagnostics
    from ..federated.job import run_federated_job
    from ..scale.job import run_scale_job

    return {"diagnostics": run_diagnostics, "scale": run_scale_job, "federated": run_federated_job}


def handler_for(kind: str) -> Handler:
    handlers = _load()
    if kind not in handlers:
        raise KeyError(f"no handler for job kind {kind!r}")
    return handlers[kind]
