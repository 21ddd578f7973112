"""Runs one Attempt against the fake service, as the runtime would for a BullMQ job."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Mapping

from graftwork_worker.worker.attempt import Attempt, AttemptOutcome
from graftwork_worker.worker.config import WorkerConfig
from graftwork_worker.worker.handlers import HANDLER_PATHS
from graftwork_worker.worker.service_client import ServiceClient
from graftwork_worker.worker.spool import Spool

from . import sample_handlers


def sample(name: str) -> str:
    return f"{sample_handlers.__name__}:{name}"


async def never_cancelled(run_id: str) -> bool:
    return False


async def run_attempt(config: WorkerConfig, run_id: str, kind: str, *, handler: str | None = None,
                      cancel_probe: Callable[[str], Awaitable[bool]] = never_cancelled,
                      during: Callable[[Attempt], Awaitable[None]] | None = None,
                      spec: Mapping[str, Any] | None = None) -> tuple[AttemptOutcome, Attempt]:
    client = ServiceClient(config.api_url, config.worker_key, timeout_s=5.0)
    handlers = dict(HANDLER_PATHS)
    if handler is not None:
        handlers[kind] = handler
    attempt = Attempt(config, client, Spool(config.spool_dir), cancel_probe, device="cpu",
                      device_description={"type": "cpu", "name": "test"}, handler_paths=handlers)
    envelope = {"runId": run_id, "kind": kind, "spec": dict(spec or {})}
    try:
        if during is None:
            return await attempt.run(envelope), attempt
        task = asyncio.create_task(attempt.run(envelope))
        await during(attempt)
        return await task, attempt
    finally:
        await client.aclose()


async def wait_until(condition: Callable[[], bool], timeout_s: float = 60.0, what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
