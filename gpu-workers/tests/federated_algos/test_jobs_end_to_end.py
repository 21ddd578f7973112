"""The three algorithms through the `federated` job (FakeJobContext): valid results, and a
resumed run that ends where an uninterrupted one does (strategy state checkpointed)."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from graftwork_worker.federated.job import run_federated_job
from graftwork_worker.worker.job_context import JobCancelled

from fakes import FakeJobContext  # tests/ is on sys.path

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"
BASE = {"builtin": "digits", "numClients": 12, "clientsPerRound": 6, "rounds": 4, "batchSize": 16, "lr": 0.1,
        "partition": {"kind": "dirichlet", "alpha": 0.5}, "network": {"pods": 4}, "checkpointEvery": 2}
CASES = {
    "fedavg_ic": {"algorithm": "fedavg_ic", "options": {"tau2": 2}},
    "tornado_ring": {"algorithm": "tornado", "options": {"preset": "tornado"}},
    "tornado_plural_rings": {"algorithm": "tornado", "options": {"preset": "semi_cyclic_sgd", "groupNum": 3}},
    "fedcm": {"algorithm": "fedcm", "options": {"epsilon": 0.2}},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_job_runs_and_resumes_identically(case: str, tmp_path: Path) -> None:
    spec = {**BASE, **CASES[case]}
    whole = run_federated_job(FakeJobContext(spec, tmp_path / "whole"))
    schema = json.loads((CONTRACTS / "results/federated.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(whole)
    assert whole["rounds"] == 4
    first = FakeJobContext(spec, tmp_path / "first", cancel_after_checks=4)
    with pytest.raises(JobCancelled):
        run_federated_job(first)
    second = FakeJobContext(spec, tmp_path / "second", attempt=2)
    second.checkpoints = list(first.checkpoints)
    resumed = run_federated_job(second)
    assert resumed["resumedFromRound"] == 2
    assert resumed["history"] == whole["history"]
