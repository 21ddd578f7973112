"""A worker process killed mid-run: BullMQ's stalled check hands the job to another worker,
which resumes from the last checkpoint, and the orphaned training child dies with its parent."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from bullmq import Queue

from graftwork_worker.worker.runtime import WorkerRuntime

from .attempt_helpers import wait_until
from .test_redis_end_to_end import CPU_ONLY, REDIS_URL, _add, _finished_state, _redis_available, _spec

pytestmark = pytest.mark.skipif(not _redis_available(), reason=f"no Redis at {REDIS_URL}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def test_job_of_a_killed_worker_resumes_on_another_worker(tmp_path, make_config, service):
    prefix = f"gwtest-{uuid.uuid4().hex[:12]}"
    spec = _spec(steps=60, stepDelayMs=40, checkpointEverySteps=10)
    run_id = service.add_run(spec)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAFTWORK_")}
    env.update(GRAFTWORK_WORKER_KEY=service.worker_key, GRAFTWORK_API_URL=service.url, REDIS_URL=REDIS_URL,
               QUEUE_PREFIX=prefix, GRAFTWORK_QUEUES="diagnostics", GRAFTWORK_SPOOL_DIR=str(tmp_path / "spool1"),
               GRAFTWORK_WORK_DIR=str(tmp_path / "work1"), GRAFTWORK_CHECKPOINT_MIN_INTERVAL_S="0",
               GRAFTWORK_LOCK_DURATION_MS="2000", CUDA_VISIBLE_DEVICES="")
    # The console script, as deployed: spawn re-runs its file as the child's __main__, which must be harmless.
    first = subprocess.Popen([str(Path(sys.executable).with_name("graftwork-worker"))], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    config = make_config(queues=("diagnostics",), queue_prefix=prefix, redis_url=REDIS_URL,
                         lock_duration_ms=2000, stalled_interval_ms=1000)

    async def scenario() -> list[int]:
        queue = Queue("diagnostics", {"prefix": prefix, "connection": REDIS_URL})
        try:
            await _add(queue, run_id, spec, attempts=1)
            await wait_until(lambda: (service.runs[run_id].checkpoint or {}).get("step", 0) >= 20, 120,
                             "checkpoint 20 on the first worker")
            orphans = _children_of(first.pid)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            await wait_until(lambda: not any(_pid_alive(p) for p in orphans), 10, "the orphaned child to die")
            runtime = WorkerRuntime(config, CPU_ONLY)
            stop = asyncio.Event()
            serving = asyncio.create_task(runtime.run_until(stop))
            try:
                assert await _finished_state(queue, run_id, 120) == "completed"
            finally:
                stop.set()
                await asyncio.wait_for(serving, 60)
            return orphans
        finally:
            await queue.obliterate(force=True)
            await queue.close()

    try:
        orphans = asyncio.run(scenario())
    finally:
        if first.poll() is None:
            first.kill()
    run = service.runs[run_id]
    assert orphans, "the first worker had started a training child"
    assert run.attempts == 2 and not run.failures
    assert run.result["training"]["resumedFromStep"] >= 20
    assert sorted(run.loss_steps()) == list(range(1, 61))
