"""Cancel reaches the child within one step; a child that ignores it is killed after the grace period."""
from __future__ import annotations

import asyncio
import time

from .attempt_helpers import run_attempt, sample, wait_until

STEP_MS = 100


def _steps_started(run) -> list[tuple[int, float]]:
    return sorted((step, value) for (key, step, _), value in run.metrics.items() if key == "step_started_at")


def test_redis_cancel_key_stops_the_child_within_one_step(make_config, service):
    run_id = service.add_run({"steps": 1000, "stepMs": STEP_MS})
    cancel_at: list[float] = []

    async def probe(checked_run_id: str) -> bool:
        started = _steps_started(service.runs[run_id])
        if len(started) >= 5 and not cancel_at:
            cancel_at.append(time.time())
        return bool(cancel_at) and checked_run_id == run_id

    outcome, attempt = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("slow_steps"),
                                               cancel_probe=probe))
    run = service.runs[run_id]
    assert outcome.status == "cancelled"
    assert run.cancelled and run.result is None and not run.failures
    after_cancel = [step for step, started in _steps_started(run) if started > cancel_at[0]]
    # The key is polled every 50 ms and the child checks before each 100 ms step: at most one more step.
    assert len(after_cancel) <= 1, after_cancel
    assert not attempt.child.is_alive()


def test_heartbeat_cancel_requested_stops_the_child(make_config, service):
    run_id = service.add_run({"steps": 1000, "stepMs": STEP_MS})

    async def cancel_after_heartbeats(attempt) -> None:
        await wait_until(lambda: service.runs[run_id].heartbeats >= 1, what="a heartbeat")
        service.runs[run_id].cancel_requested = True

    outcome, _ = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("slow_steps"),
                                         during=cancel_after_heartbeats))
    assert outcome.status == "cancelled"
    assert service.runs[run_id].cancelled


def test_child_ignoring_cancel_is_killed_after_grace(make_config, service):
    run_id = service.add_run({"steps": 1})
    requested: list[float] = []

    async def probe(_: str) -> bool:
        if ("alive", 1, "null") in service.runs[run_id].metrics and not requested:
            requested.append(time.monotonic())
        return bool(requested)

    config = make_config(cancel_grace_s=0.5)
    outcome, attempt = asyncio.run(run_attempt(config, run_id, "sample", handler=sample("ignores_cancel"),
                                               cancel_probe=probe))
    elapsed = time.monotonic() - requested[0]
    assert outcome.status == "cancelled"
    assert not attempt.child.is_alive() and attempt.child.exitcode is not None and attempt.child.exitcode < 0
    assert 0.5 <= elapsed < 10.0
    assert "grace" in service.runs[run_id].cancelled[0]["message"]


def test_stale_fencing_token_stops_the_attempt_without_reporting(make_config, service):
    run_id = service.add_run({"steps": 1000, "stepMs": STEP_MS})

    async def newer_attempt_takes_over(attempt) -> None:
        await wait_until(lambda: len(_steps_started(service.runs[run_id])) >= 3, what="three steps")
        with service.lock:
            service.runs[run_id].fencing_token += 1  # as if another worker started an attempt

    outcome, attempt = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("slow_steps"),
                                               during=newer_attempt_takes_over))
    run = service.runs[run_id]
    assert outcome.status == "stale"
    assert run.stale_calls >= 1 and not run.failures and not run.cancelled and run.result is None
    assert not attempt.child.is_alive()
