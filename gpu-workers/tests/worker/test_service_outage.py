"""Training goes on through a service outage; nothing it reported is lost."""
from __future__ import annotations

import asyncio
import json

from .attempt_helpers import run_attempt, sample, wait_until
from .conftest import REPO_CONTRACTS


def test_diagnostics_run_survives_an_outage_mid_training(make_config, service):
    spec = json.loads((REPO_CONTRACTS / "examples" / "diagnostics.smoke.json").read_text())
    # 40 steps of at least 100 ms: the 1.5 s outage always ends while training still runs, so
    # the final result is delivered, not left in the spool for a later replay.
    spec.update(steps=40, stepDelayMs=100, checkpointEverySteps=5)
    run_id = service.add_run(spec)
    outage: dict[str, int] = {}

    async def outage_mid_run(attempt) -> None:
        await wait_until(lambda: len(service.runs[run_id].loss_steps()) >= 5, 120, "five steps")
        service.stop()
        outage["from_step"] = len(service.runs[run_id].loss_steps())
        await asyncio.sleep(1.5)  # several flushes and at least one checkpoint fail meanwhile
        service.start()

    outcome, _ = asyncio.run(run_attempt(make_config(upload_retry_s=0.2), run_id, "diagnostics",
                                         during=outage_mid_run))
    run = service.runs[run_id]
    assert outcome.status == "succeeded"
    assert run.result["training"]["steps"] == 40
    assert run.loss_steps() == list(range(1, 41))  # every point, in order, none twice
    assert run.duplicates == 0 and outage["from_step"] < 40
    stored = {name for name in run.artifacts if name.startswith("checkpoint-step-")}
    assert stored and stored != {f"checkpoint-step-{s}.pt" for s in range(5, 41, 5)}  # some fell in the outage



def test_a_result_that_meets_an_outage_holds_the_attempt_until_it_is_delivered(make_config, service):
    """Training ends while the service is down: the attempt must not end with its result only in the spool
    (the job would complete while the service still saw the run running, and its reconciler would rerun it)."""
    run_id = service.add_run({"steps": 4, "stepMs": 300})

    async def outage_over_the_end(attempt) -> None:
        await wait_until(lambda: attempt.reporter is not None, 120, "the attempt to start")
        service.stop()
        await wait_until(lambda: attempt.spool.has_pending(run_id), 120, "the result to reach the spool")
        await asyncio.sleep(1.0)  # the attempt stays open meanwhile, heartbeating into the outage
        service.start()

    outcome, attempt = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("slow_steps"),
                                               during=outage_over_the_end))
    assert outcome.status == "succeeded"
    assert service.runs[run_id].result == {"steps": 4}  # delivered before the attempt ended
    assert not attempt.spool.has_pending(run_id)
