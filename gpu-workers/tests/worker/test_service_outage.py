"""Training goes on through a service outage; nothing it reported is lost."""
from __future__ import annotations

import asyncio
import json

from .attempt_helpers import run_attempt, wait_until
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
