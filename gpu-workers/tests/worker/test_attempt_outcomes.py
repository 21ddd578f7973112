"""An attempt's outcome reaches the service with the right reason; diverged values never crash reporting."""
from __future__ import annotations

import asyncio

from .attempt_helpers import run_attempt, sample


def test_config_error_is_terminal_and_not_retried(make_config, service):
    run_id = service.add_run({"steps": 1})
    outcome, _ = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("bad_config")))
    run = service.runs[run_id]
    assert outcome.status == "failed" and outcome.retry is False
    assert run.failures == [{"reason": "config_error", "retryable": False,
                             "message": "JobConfigError: spec.heads: 3 does not divide hiddenSize 64"}]


def test_non_finite_loss_is_reported_encoded_then_fails_the_run(make_config, service):
    run_id = service.add_run({"steps": 3})
    outcome, _ = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("diverges")))
    run = service.runs[run_id]
    assert [f["reason"] for f in run.failures] == ["non_finite_loss"]
    assert outcome.retry is False
    assert run.metrics[("loss", 3, "null")] == "NaN"
    assert run.metrics[("grad_norm", 1, "null")] == "Infinity"
    assert run.metrics[("loss", 2, "null")] == 0.5
    assert run.metrics[("client_loss", 1, '{"client": 3}')] == 0.25


def test_engine_crash_is_a_retryable_internal_error(make_config, service):
    run_id = service.add_run({"steps": 1})
    outcome, _ = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("crashes")))
    failure = service.runs[run_id].failures[0]
    assert failure["reason"] == "internal_error" and failure["retryable"] is True
    assert "boom in the engine" in failure["message"]
    assert outcome.status == "failed" and outcome.retry is True


def test_invalid_spec_fails_with_the_field_named_without_starting_training(make_config, service):
    run_id = service.add_run({"steps": 0})
    outcome, attempt = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("slow_steps")))
    failure = service.runs[run_id].failures[0]
    assert failure["reason"] == "config_error" and failure["message"].startswith("spec.steps:")
    assert attempt.child is None and outcome.retry is False


def test_missing_engine_module_fails_only_that_run(make_config, service):
    run_id = service.add_run({"steps": 1})
    outcome, _ = asyncio.run(run_attempt(make_config(), run_id, "sample",
                                         handler="graftwork_worker.not_an_engine.job:run"))
    failure = service.runs[run_id].failures[0]
    assert failure["reason"] == "internal_error"
    assert "graftwork_worker.not_an_engine.job is not installed" in failure["message"]


def test_terminal_run_is_dropped_without_training(make_config, service):
    run_id = service.add_run({"steps": 1})
    service.runs[run_id].terminal = True
    outcome, attempt = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("slow_steps")))
    assert outcome.status == "dropped" and attempt.child is None
