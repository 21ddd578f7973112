"""While the service is down, reports go to the spool on disk and reach it later, in order."""
from __future__ import annotations

import asyncio
import json

import pytest

from graftwork_worker.worker.run_reporter import RunReporter, metric_point_json, replay_all
from graftwork_worker.worker.service_client import ServiceClient, StaleAttempt
from graftwork_worker.worker.spool import Spool


def _reporter(service, tmp_path, run_id: str, token: int) -> tuple[RunReporter, ServiceClient, Spool]:
    client = ServiceClient(service.url, service.worker_key, timeout_s=2.0, backoff_base_s=0.01, backoff_cap_s=0.05)
    spool = Spool(tmp_path / "spool")
    return RunReporter(client, spool, run_id, token, batch_size=7, deliver_retry_s=0.2), client, spool


def _attempt(service, run_id: str) -> int:
    run = service.runs[run_id]
    run.attempts += 1
    run.fencing_token += 1
    return run.fencing_token


def test_outage_spools_then_replays_every_point_in_order(service, tmp_path):
    run_id = service.add_run({})
    token = _attempt(service, run_id)

    async def scenario() -> None:
        reporter, client, spool = _reporter(service, tmp_path, run_id, token)
        await reporter.add_points(metric_point_json("loss", s, 1.0 / s) for s in range(1, 11))
        await reporter.flush()  # steps 1..10 delivered live
        service.stop()
        await reporter.add_points(metric_point_json("loss", s, 1.0 / s) for s in range(11, 41))
        await reporter.add_points([metric_point_json("loss", 41, float("nan"))])
        await reporter.flush()
        await reporter.deliver("POST", "result", {"result": {"finalLoss": float("nan")}})
        lines = [json.loads(line) for line in (tmp_path / "spool" / f"{run_id}.jsonl").read_text().splitlines()]
        assert [line["path"].rsplit("/", 1)[1] for line in lines][-1] == "result"
        assert all(line["fencing_token"] == token for line in lines)
        assert await replay_all(client, spool) == len(lines)  # still down: nothing lost, nothing sent
        service.start()  # same port
        assert await replay_all(client, spool) == 0
        assert not spool.has_pending(run_id)
        await client.aclose()

    asyncio.run(scenario())
    run = service.runs[run_id]
    assert run.loss_steps() == list(range(1, 42))
    assert run.metrics[("loss", 41, "null")] == "NaN"
    assert run.result == {"finalLoss": "NaN"}
    assert run.duplicates == 0


def test_spooled_reports_survive_a_worker_restart(service, tmp_path):
    run_id = service.add_run({})
    token = _attempt(service, run_id)

    async def before_crash() -> None:
        reporter, client, _ = _reporter(service, tmp_path, run_id, token)
        service.stop()
        await reporter.add_points(metric_point_json("acc", s, 0.5) for s in range(1, 8))
        await client.aclose()

    async def after_restart() -> int:
        client = ServiceClient(service.url, service.worker_key, timeout_s=2.0)
        left = await replay_all(client, Spool(tmp_path / "spool"))
        await client.aclose()
        return left

    asyncio.run(before_crash())
    service.start()
    assert asyncio.run(after_restart()) == 0
    assert service.runs[run_id].loss_steps("acc") == list(range(1, 8))


def test_stale_token_is_raised_not_spooled(service, tmp_path):
    run_id = service.add_run({})
    token = _attempt(service, run_id)
    _attempt(service, run_id)  # a newer attempt now owns the run

    async def scenario() -> None:
        reporter, client, spool = _reporter(service, tmp_path, run_id, token)
        with pytest.raises(StaleAttempt):
            await reporter.deliver("POST", "metrics", {"points": [metric_point_json("loss", 1, 1.0)]})
        assert not spool.has_pending(run_id)
        await client.aclose()

    asyncio.run(scenario())
    assert service.runs[run_id].metrics == {}
