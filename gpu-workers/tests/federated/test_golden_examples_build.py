"""Every golden federated payload in contracts/examples/ parses and names a known strategy with valid options.

The schema check (tests/test_contract_examples.py) cannot see strategy options, which the
schema leaves open; this catches an example whose options a strategy no longer accepts.
"""
import json
from pathlib import Path

import pytest

from graftwork_worker.federated.registry import make_strategy
from graftwork_worker.federated.spec import parse_spec

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "contracts" / "examples").glob("federated.*.json"))


def test_there_are_examples_for_every_paper_algorithm():
    algorithms = {json.loads(p.read_text()).get("algorithm", "fedavg") for p in EXAMPLES}
    assert {"fedavg", "fedprox", "hierfavg", "fedavg_ic", "tornado", "fedcm"} <= algorithms


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_builds_its_strategy(path: Path):
    raw = json.loads(path.read_text())
    parse_spec(raw)
    strategy = make_strategy(raw.get("algorithm", "fedavg"), raw.get("options", {}))
    assert strategy.name
