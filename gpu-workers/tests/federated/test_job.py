"""The `federated` job end to end with the FakeJobContext."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from safetensors.torch import load_file

from graftwork_worker.federated.job import run_federated_job
from graftwork_worker.worker.job_context import JobCancelled, JobConfigError

from fakes import FakeJobContext  # tests/ is on sys.path (rootdir of this test package)

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"
SPEC = {"algorithm": "fedavg", "builtin": "digits", "numClients": 10, "clientsPerRound": 5, "rounds": 4,
        "batchSize": 16, "lr": 0.1, "partition": {"kind": "dirichlet", "alpha": 1.0}, "network": {"pods": 4},
        "checkpointEvery": 2, "clientMetrics": True}


def result_schema() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((CONTRACTS / "results/federated.schema.json").read_text()))


def test_job_reports_rounds_saves_artifacts_and_returns_a_valid_result(tmp_path: Path) -> None:
    ctx = FakeJobContext(SPEC, tmp_path)
    result = run_federated_job(ctx)
    result_schema().validate(result)
    assert result["rounds"] == 4 and len(result["history"]) == 4
    for key in ("accuracy", "loss", "sim_time_s", "bytes"):
        assert [s for s, _ in ctx.metric_values(key)] == [1, 2, 3, 4]
    clients = {p.context["client"] for p in ctx.metrics if p.key == "client_accuracy"}
    assert clients == set(range(10))
    assert result["final"]["accuracy"] == pytest.approx(ctx.metric_values("accuracy")[-1][1])
    weights = load_file(str(ctx.artifacts["model-global.safetensors"][1]))
    assert set(weights) == {"linear.weight", "linear.bias"}
    layout = json.loads(ctx.artifacts["federation.json"][1].read_text())
    assert len(layout["placement"]["clientLocation"]) == 10
    assert [c[0] for c in ctx.checkpoints] == [2]  # not after the last round
    assert ctx.progress_updates[-1][0] == 1.0


def test_a_resumed_run_ends_where_an_uninterrupted_one_does(tmp_path: Path) -> None:
    whole = run_federated_job(FakeJobContext(SPEC, tmp_path / "whole"))
    first = FakeJobContext(SPEC, tmp_path / "first", cancel_after_checks=4)  # cancelled before round 4
    with pytest.raises(JobCancelled):
        run_federated_job(first)
    second = FakeJobContext(SPEC, tmp_path / "second", attempt=2)
    second.checkpoints = list(first.checkpoints)
    resumed = run_federated_job(second)
    assert resumed["resumedFromRound"] == 2
    assert [m for m, _ in second.metric_values("accuracy")] == [3, 4]
    assert resumed["history"] == whole["history"]
    a = load_file(str(second.artifacts["model-global.safetensors"][1]))
    b = load_file(str(FakeJobContext(SPEC, tmp_path / "whole").workdir / "model-global.safetensors"))
    assert all(bool((a[k] == b[k]).all()) for k in a)


@pytest.mark.parametrize("patch,field", [
    ({"rounds": 0}, "spec.rounds"),
    ({"partition": {"kind": "zipf"}}, "spec.partition.kind"),
    ({"clientsPerRound": 50}, "spec.clientsPerRound"),
    ({"network": {"bandwidthMBps": "fast"}}, "spec.network.bandwidthMBps"),
    ({"algorithm": "nope"}, "algorithm"),
    ({"options": {"mu": 1}}, "options.mu"),
    ({"builtin": "mnist", "datasetVersionId": "x"}, "spec.datasetVersionId"),
    ({"network": {"pods": 3}}, "network.pods"),
])
def test_bad_specs_fail_as_config_errors_naming_the_field(tmp_path: Path, patch: dict, field: str) -> None:
    with pytest.raises(JobConfigError, match=field.replace(".", r"\.")):
        run_federated_job(FakeJobContext({**SPEC, **patch}, tmp_path))


def test_uploaded_npz_with_client_ids(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 5)) * 3
    y = rng.integers(0, 3, 400)
    x = (centres[y] + rng.normal(size=(400, 5))).astype(np.float32)
    path = tmp_path / "upload.npz"
    np.savez(path, x=x, y=y, client_id=np.arange(400) % 8)
    spec = {**SPEC, "builtin": None, "datasetVersionId": "dv-1", "numClients": 8, "partition": {"kind": "given"},
            "clientMetrics": False}
    del spec["builtin"]
    ctx = FakeJobContext(spec, tmp_path / "run")
    ctx.dataset_versions["dv-1"] = path
    result = run_federated_job(ctx)
    assert result["clients"]["count"] == 8
    assert result["final"]["accuracy"] > 0.8  # well-separated blobs


def test_uploaded_csv_with_string_labels(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    values = rng.choice([-1.0, 1.0], 300) * (1.0 + np.abs(rng.normal(size=300)))  # separable with a margin
    rows = ["a,b,species"] + [f"{v:.3f},{-v:.3f},{'cat' if v > 0 else 'dog'}" for v in values]
    path = tmp_path / "upload.csv"
    path.write_text("\n".join(rows))
    spec = {k: v for k, v in SPEC.items() if k != "builtin"}
    spec.update(datasetVersionId="dv-2", dataset={"labelColumn": "species"}, partition={"kind": "iid"})
    ctx = FakeJobContext(spec, tmp_path / "run")
    ctx.dataset_versions["dv-2"] = path
    assert run_federated_job(ctx)["final"]["accuracy"] > 0.9
    bad = FakeJobContext({**spec, "dataset": {"labelColumn": "kind"}}, tmp_path / "bad")
    bad.dataset_versions["dv-2"] = path
    with pytest.raises(JobConfigError, match="labelColumn"):
        run_federated_job(bad)


def test_hierfavg_job_reports_per_group_metrics(tmp_path: Path) -> None:
    spec = {**SPEC, "algorithm": "hierfavg", "options": {"tau1": 1, "tau2": 2}, "clientsPerRound": 10, "rounds": 2}
    ctx = FakeJobContext(spec, tmp_path)
    result = run_federated_job(ctx)
    groups = {p.context["group"] for p in ctx.metrics if p.key == "group_accuracy" and p.step == 2}
    assert groups == {0, 1, 2, 3}  # 4 pods, all clients taking part
    samples = [p.value for p in ctx.metrics if p.key == "group_samples" and p.step == 1]
    assert len(samples) == 4 and all(v > 0 for v in samples)
    assert sum(samples) == pytest.approx(result["clients"]["samplesMean"] * 10)  # every client in one group
