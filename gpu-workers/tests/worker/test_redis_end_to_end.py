"""The worker runtime against a real Redis: jobs added with Python bullmq's Queue, a fake HTTP service.

Covers a diagnostics run end to end, resume from the last checkpoint after the training
child is killed (BullMQ retries the job), and a cancel through the Redis key.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import uuid
from typing import Any, Awaitable, Callable

import jsonschema
import pytest
import redis
from bullmq import Queue

from graftwork_worker.worker.device_probe import HostDevices
from graftwork_worker.worker.runtime import WorkerRuntime

from .attempt_helpers import wait_until
from .conftest import REPO_CONTRACTS

REDIS_URL = os.environ.get("GRAFTWORK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CPU_ONLY = HostDevices(cuda=[], cpu_name="test-cpu", torch_version=None)


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_available(), reason=f"no Redis at {REDIS_URL}")


def _spec(**overrides: Any) -> dict[str, Any]:
    spec = json.loads((REPO_CONTRACTS / "examples" / "diagnostics.smoke.json").read_text())
    spec.update(overrides)
    return spec


async def _with_worker(make_config, scenario: Callable[[WorkerRuntime, Queue, str], Awaitable[None]]) -> None:
    prefix = f"gwtest-{uuid.uuid4().hex[:12]}"
    config = make_config(queues=("diagnostics",), queue_prefix=prefix, redis_url=REDIS_URL, lock_duration_ms=10_000)
    runtime = WorkerRuntime(config, CPU_ONLY)
    queue = Queue("diagnostics", {"prefix": prefix, "connection": REDIS_URL})
    stop = asyncio.Event()
    serving = asyncio.create_task(runtime.run_until(stop))
    try:
        await scenario(runtime, queue, prefix)
    finally:
        stop.set()
        await asyncio.wait_for(serving, 60)
        await queue.obliterate(force=True)
        await queue.close()
        cleanup = redis.Redis.from_url(REDIS_URL)
        for key in cleanup.scan_iter(f"{prefix}:*"):
            cleanup.delete(key)


async def _add(queue: Queue, run_id: str, spec: dict[str, Any], attempts: int = 1) -> None:
    envelope = {"runId": run_id, "projectId": str(uuid.uuid4()), "kind": "diagnostics", "spec": spec,
                "enqueuedAt": "2026-11-27T00:00:00Z"}
    await queue.add("diagnostics", envelope, {"jobId": run_id, "attempts": attempts})


async def _finished_state(queue: Queue, run_id: str, timeout_s: float = 120.0) -> str:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        state = await queue.getJobState(run_id)
        if state in ("completed", "failed"):
            return state
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {run_id} did not finish within {timeout_s}s")


def test_diagnostics_job_end_to_end(make_config, service):
    run_id = service.add_run(_spec())

    async def scenario(runtime: WorkerRuntime, queue: Queue, prefix: str) -> None:
        await _add(queue, run_id, _spec())
        assert await _finished_state(queue, run_id) == "completed"
        job = await queue.getJob(run_id)
        assert job.returnvalue == {"outcome": "succeeded", "message": ""}

    asyncio.run(_with_worker(make_config, scenario))
    run = service.runs[run_id]
    schema = json.loads((REPO_CONTRACTS / "results" / "diagnostics.schema.json").read_text())
    jsonschema.validate(run.result, schema)
    assert run.loss_steps() == list(range(1, 21))
    assert run.artifacts["model.safetensors"]["id"] == run.result["artifactId"]
    assert run.checkpoint["step"] == 20 and run.attempts == 1 and run.heartbeats >= 0


def test_killed_child_resumes_from_last_checkpoint_on_bullmq_retry(make_config, service):
    spec = _spec(steps=60, stepDelayMs=40, checkpointEverySteps=10)
    run_id = service.add_run(spec)
    killed_after: list[int] = []

    async def scenario(runtime: WorkerRuntime, queue: Queue, prefix: str) -> None:
        await _add(queue, run_id, spec, attempts=2)
        await wait_until(lambda: (service.runs[run_id].checkpoint or {}).get("step", 0) >= 20, 120, "checkpoint 20")
        (attempt,) = runtime.attempts
        killed_after.append(service.runs[run_id].checkpoint["step"])
        os.kill(attempt.child.pid, signal.SIGKILL)
        assert await _finished_state(queue, run_id) == "completed"

    asyncio.run(_with_worker(make_config, scenario))
    run = service.runs[run_id]
    assert run.attempts == 2 and [f["reason"] for f in run.failures] == ["internal_error"]
    resumed_from = run.result["training"]["resumedFromStep"]
    assert resumed_from >= killed_after[0] >= 20 and run.result["training"]["steps"] == 60
    second_attempt_steps = sorted(step for token, key, step in run.metric_posts if token == 2 and key == "loss")
    assert second_attempt_steps == list(range(resumed_from + 1, 61))  # nothing before the checkpoint is redone
    assert sorted(run.loss_steps()) == list(range(1, 61))  # and no step is missing


def test_redis_cancel_key_cancels_the_run(make_config, service):
    spec = _spec(steps=500, stepDelayMs=40)
    run_id = service.add_run(spec)

    async def scenario(runtime: WorkerRuntime, queue: Queue, prefix: str) -> None:
        await _add(queue, run_id, spec)
        await wait_until(lambda: len(service.runs[run_id].loss_steps()) >= 3, 120, "three steps")
        redis.Redis.from_url(REDIS_URL).set(f"{prefix}:cancel:{run_id}", "1")
        assert await _finished_state(queue, run_id) == "completed"
        assert (await queue.getJob(run_id)).returnvalue["outcome"] == "cancelled"

    asyncio.run(_with_worker(make_config, scenario))
    run = service.runs[run_id]
    assert run.cancelled and run.result is None and len(run.loss_steps()) < 500


def test_shutdown_interrupts_a_running_attempt_as_retryable_worker_lost(make_config, service):
    spec = _spec(steps=500, stepDelayMs=40)
    run_id = service.add_run(spec)
    prefix = f"gwtest-{uuid.uuid4().hex[:12]}"
    config = make_config(queues=("diagnostics",), queue_prefix=prefix, redis_url=REDIS_URL)

    async def scenario() -> str:
        queue = Queue("diagnostics", {"prefix": prefix, "connection": REDIS_URL})
        runtime = WorkerRuntime(config, CPU_ONLY)
        stop = asyncio.Event()
        serving = asyncio.create_task(runtime.run_until(stop))
        try:
            await _add(queue, run_id, spec, attempts=3)
            await wait_until(lambda: len(service.runs[run_id].loss_steps()) >= 3, 120, "three steps")
            stop.set()
            await asyncio.wait_for(serving, 30)
            return await queue.getJobState(run_id)
        finally:
            await queue.obliterate(force=True)
            await queue.close()

    state = asyncio.run(scenario())
    run = service.runs[run_id]
    assert run.failures == [{"reason": "worker_lost", "retryable": True,
                             "message": "the worker was shut down during training"}]
    assert state in ("waiting", "delayed")  # BullMQ keeps it for another worker


def test_long_training_keeps_its_lock_and_runs_once(make_config, service):
    """Training longer than several lock durations must not be taken as stalled (the child
    process keeps the worker's event loop free to renew the lock)."""
    spec = _spec(steps=80, stepDelayMs=50, checkpointEverySteps=0)
    run_id = service.add_run(spec)
    prefix = f"gwtest-{uuid.uuid4().hex[:12]}"
    config = make_config(queues=("diagnostics",), queue_prefix=prefix, redis_url=REDIS_URL,
                         lock_duration_ms=1000, stalled_interval_ms=500)

    async def scenario() -> str:
        queue = Queue("diagnostics", {"prefix": prefix, "connection": REDIS_URL})
        runtime = WorkerRuntime(config, CPU_ONLY)
        stop = asyncio.Event()
        serving = asyncio.create_task(runtime.run_until(stop))
        try:
            await _add(queue, run_id, spec, attempts=3)
            return await _finished_state(queue, run_id)
        finally:
            stop.set()
            await asyncio.wait_for(serving, 30)
            await queue.obliterate(force=True)
            await queue.close()

    assert asyncio.run(scenario()) == "completed"
    run = service.runs[run_id]
    assert run.attempts == 1 and run.stale_calls == 0 and run.result["training"]["steps"] == 80
