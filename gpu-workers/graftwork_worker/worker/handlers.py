"""Registry of job kinds. Start-up fails if a kind in contracts/jobs/ has no entry here.

Entries are import paths, resolved only inside the training child, so the worker's
event-loop process never imports torch and a kind whose engine module is missing fails
only its own jobs.
"""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .contracts_catalog import job_kinds
from .job_context import JobContext

# A handler runs in the training child process and returns the run's result
# (a JSON-able mapping that matches contracts/results/<kind>.schema.json).
Handler = Callable[[JobContext], Mapping[str, Any]]

HANDLER_PATHS: dict[str, str] = {
    "diagnostics": "graftwork_worker.evaluation.diagnostics_job:run_diagnostics",
    "scale": "graftwork_worker.scale.job:run_scale_job",
    "federated": "graftwork_worker.federated.job:run_federated_job",
}


class MissingHandler(Exception):
    pass


def check_complete(contracts_dir: Path, registry: Mapping[str, str] = HANDLER_PATHS) -> None:
    """Raise when a job kind of the contracts has no registry entry (checked once, at boot)."""
    missing = [kind for kind in job_kinds(contracts_dir) if kind not in registry]
    if missing:
        raise MissingHandler(
            f"job kinds without a handler in worker/handlers.py: {', '.join(missing)} "
            f"(contracts: {contracts_dir / 'jobs'})")


def installed_kinds(kinds: Iterable[str], registry: Mapping[str, str] = HANDLER_PATHS) -> list[str]:
    """The kinds whose handler module exists, found without importing it."""
    present = []
    for kind in kinds:
        module = registry[kind].split(":", 1)[0]
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:  # a missing parent package
            found = False
        if found:
            present.append(kind)
    return present


def resolve(path: str) -> Handler:
    """Import `package.module:function`; raises MissingHandler naming what is missing."""
    module_name, _, attribute = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise MissingHandler(f"handler module {module_name} is not installed on this worker: {error}") from error
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise MissingHandler(f"{module_name} has no callable {attribute!r}")
    return handler


def handler_for(kind: str) -> Handler:
    if kind not in HANDLER_PATHS:
        raise MissingHandler(f"no handler for job kind {kind!r}")
    return resolve(HANDLER_PATHS[kind])
