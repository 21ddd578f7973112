"""The whole `benchmark` stage at a tiny size through run_scale_job and the fake context."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from fakes import FakeJobContext
from graftwork_worker.scale.job import run_scale_job

RESULT_SCHEMA = Path(__file__).resolve().parents[3] / "contracts" / "results" / "scale.schema.json"

TINY = {
    "modelSize": {"hiddenSize": 32, "intermediateSize": 64, "layers": 2, "heads": 4, "kvHeads": 2},
    "biographies": {"oldPeople": 40, "newPeople": 12, "biosPerPerson": 2, "seqLen": 64, "evalPeople": 12},
    "pretrainTraining": {"steps": 12, "batchSize": 8, "learningRate": 0.01, "warmupSteps": 2, "evalEvery": 0},
    "qaTraining": {"steps": 12, "batchSize": 8, "learningRate": 0.01, "warmupSteps": 2, "evalEvery": 0},
    "training": {"steps": 6, "batchSize": 8, "learningRate": 0.01, "warmupSteps": 1, "evalEvery": 3,
                 "checkpointEvery": 0},
}


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, FakeJobContext]:
    spec = {"stage": "benchmark", **TINY,
            "methods": [{"method": "fft"}, {"method": "scale_preserve"},
                        {"method": "scale_route", "options": {"hidden": 16, "heads": 2, "ffn": 16}}]}
    ctx = FakeJobContext(spec, tmp_path_factory.mktemp("bench"))
    return dict(run_scale_job(ctx)), ctx


def test_result_table_has_one_row_per_method_and_matches_the_contract(benchmark):
    result, _ = benchmark
    jsonschema.Draft202012Validator(json.loads(RESULT_SCHEMA.read_text())).validate(result)
    assert [row["method"] for row in result["table"]] == ["fft", "scale_preserve", "scale_route"]
    assert result["baseline"] == "fft"
    for row in result["table"]:
        for key in ("retentionBefore", "retentionAfter", "acquisition", "acquisitionExact"):
            assert 0.0 <= row[key] <= 1.0
        assert row["parameters"]["trainable"] > 0
    fft = result["table"][0]
    assert fft["retentionRatio"] == pytest.approx(1.0) or fft["retentionAfter"] == 0
    assert [p["phase"] for p in result["phases"]] == ["pretrain", "qa_finetune"] + ["continual"] * 3


def test_scale_preserve_keeps_task0_exactly_while_fft_changes_it(benchmark):
    result, _ = benchmark
    rows = {row["method"]: row for row in result["table"]}
    preserve = rows["scale_preserve"]
    # The preservation head is the base model's computation: equal, not approximately equal.
    assert preserve["preservationHead"]["retention"] == preserve["retentionBefore"]
    assert preserve["preservationHead"]["answerNll"] == preserve["retentionNllBefore"]
    # Before any step the expanded model is the Task-0 model (W_lm12 = 0).
    first_point = result["phases"][3]["curve"][0]
    assert first_point["task0_first_token_acc"] == preserve["retentionBefore"]
    fft = rows["fft"]
    assert fft["preservationHead"] is None
    assert fft["retentionNllAfter"] != fft["retentionNllBefore"]


def test_scale_route_row_carries_a_threshold_sweep(benchmark):
    result, _ = benchmark
    route = next(row for row in result["table"] if row["method"] == "scale_route")
    sweep = route["routerSweep"]
    assert [p["tau"] for p in sweep][0] == 0.5
    at_trained_tau = next(p for p in sweep if p["tau"] == 0.5)
    assert at_trained_tau["retention"] == route["retentionAfter"]
    assert at_trained_tau["acquisition"] == route["acquisition"]


def test_curves_are_logged_per_method_with_context(benchmark):
    result, ctx = benchmark
    curve = result["phases"][2]["curve"]
    assert [point["step"] for point in curve] == [0, 3, 6]
    logged = [p for p in ctx.metrics if p.key == "eval/task0_first_token_acc"
              and (p.context or {}).get("method") == "scale_route"]
    assert [p.step for p in logged] == [0, 3, 6]
    assert ctx.progress_updates[-1][0] == pytest.approx(1.0)


def test_benchmark_into_a_new_language_runs_on_korean_task1(tmp_path):
    two_steps = {"steps": 2, "batchSize": 4, "evalEvery": 0, "checkpointEvery": 0}
    spec = {"stage": "benchmark", "modelSize": TINY["modelSize"],
            "biographies": {**TINY["biographies"], "oldPeople": 12, "newPeople": 6, "task1Language": "ko"},
            "pretrainTraining": two_steps, "qaTraining": two_steps, "training": two_steps,
            "methods": [{"method": "scale_route", "options": {"hidden": 8, "heads": 2, "ffn": 8}}]}
    result = dict(run_scale_job(FakeJobContext(spec, tmp_path)))
    route = result["table"][0]
    assert route["preservationHead"]["retention"] == route["retentionBefore"]
    assert result["baseline"] is None and route["retentionRatio"] is None
