"""The diagnostics engine with FakeJobContext: training, checkpoints, resume, result contract."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from safetensors.torch import load_file

from fakes import FakeJobContext
from graftwork_worker.evaluation.diagnostics_job import run_diagnostics
from graftwork_worker.evaluation.diagnostics_spec import DiagnosticsSpec
from graftwork_worker.worker.encoding import to_json_safe
from graftwork_worker.worker.job_context import JobCancelled, JobConfigError

from .conftest import REPO_CONTRACTS

SMALL = {"steps": 30, "batchSize": 16, "hiddenSize": 16, "matmulSize": 32, "copyMB": 0.5,
         "learningRate": 0.1, "checkpointEverySteps": 10, "seed": 3}


def test_trains_reports_loss_and_a_result_matching_the_contract(tmp_path: Path):
    ctx = FakeJobContext(SMALL, tmp_path)
    result = run_diagnostics(ctx)
    schema = json.loads((REPO_CONTRACTS / "results" / "diagnostics.schema.json").read_text())
    jsonschema.validate(to_json_safe(dict(result)), schema)
    losses = ctx.metric_values("loss")
    assert [step for step, _ in losses] == list(range(1, 31))
    assert losses[-1][1] < losses[0][1]  # synthetic regression is learnable
    assert result["training"] == {"steps": 30, "finalLoss": losses[-1][1], "resumedFromStep": 0}
    assert [step for step, _ in ctx.checkpoints] == [10, 20, 30]
    assert result["copy"]["kind"] == "memcpy" and result["copy"]["gbPerSecond"] > 0
    assert result["matmul"]["tflops"] > 0 and result["device"]["type"] == "cpu"
    ref, stored = ctx.artifacts["model.safetensors"]
    assert result["artifactId"] == ref.id
    assert set(load_file(str(stored))) == {"hidden.weight", "hidden.bias", "out.weight", "out.bias"}


def test_resume_continues_from_the_checkpoint_without_redoing_steps(tmp_path: Path):
    first = FakeJobContext(SMALL, tmp_path / "a", cancel_after_checks=16)  # stops during step 16
    with pytest.raises(JobCancelled):
        run_diagnostics(first)
    second = FakeJobContext(SMALL, tmp_path / "b")
    second.checkpoints = list(first.checkpoints)
    resumed = run_diagnostics(second)
    assert resumed["training"]["resumedFromStep"] == 10
    assert [step for step, _ in second.metric_values("loss")] == list(range(11, 31))

    uninterrupted = run_diagnostics(FakeJobContext(SMALL, tmp_path / "c"))
    # Same data per step and restored optimizer state: the resumed run ends where a straight one does.
    assert resumed["training"]["finalLoss"] == pytest.approx(uninterrupted["training"]["finalLoss"], rel=1e-5)


def test_spec_errors_name_the_field():
    with pytest.raises(JobConfigError, match=r"spec\.steps: expected an integer"):
        DiagnosticsSpec.from_mapping({"steps": 2.5})
    with pytest.raises(JobConfigError, match=r"spec\.learningRate: expected a number above 0"):
        DiagnosticsSpec.from_mapping({"learningRate": 0})
    with pytest.raises(JobConfigError, match=r"spec\.bogus: unknown field"):
        DiagnosticsSpec.from_mapping({"bogus": 1})
    assert DiagnosticsSpec.from_mapping({}).steps == 200
