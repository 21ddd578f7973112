"""Configuration, non-finite encoding and the handler registry."""
from __future__ import annotations

import math
from pathlib import Path

import numpy
import pytest
import torch

from graftwork_worker.worker.config import ConfigError, load_config
from graftwork_worker.worker.encoding import decode_number, encode_number, to_json_safe
from graftwork_worker.worker.handlers import HANDLER_PATHS, MissingHandler, check_complete, installed_kinds, resolve

from .conftest import REPO_CONTRACTS


def test_worker_key_is_required_and_named():
    with pytest.raises(ConfigError, match="GRAFTWORK_WORKER_KEY"):
        load_config({})


@pytest.mark.parametrize("variable, value, expected", [
    ("GRAFTWORK_API_URL", "ftp://x", "a URL with scheme http or https"),
    ("REDIS_URL", "localhost:6379", "a URL with scheme redis"),
    ("GRAFTWORK_CANCEL_GRACE_S", "soon", "a number between"),
    ("GRAFTWORK_HEARTBEAT_INTERVAL_S", "0", "a number between"),
    ("GRAFTWORK_QUEUES", "diagnostics,nope", "a comma list of job kinds"),
    ("QUEUE_PREFIX", "a:b", "without ':'"),
    ("GRAFTWORK_METRICS_BATCH_SIZE", "1.5", "an integer between"),
])
def test_bad_variables_are_named(variable, value, expected):
    with pytest.raises(ConfigError) as raised:
        load_config({"GRAFTWORK_WORKER_KEY": "k", variable: value})
    assert raised.value.variable == variable
    assert variable in str(raised.value) and expected in str(raised.value) and repr(value) in str(raised.value)


def test_defaults_consume_every_contract_kind():
    config = load_config({"GRAFTWORK_WORKER_KEY": "k"})
    assert config.api_url == "http://127.0.0.1:3000" and config.queue_prefix == "graftwork"
    assert config.contracts_dir == REPO_CONTRACTS
    assert set(config.queues) == {p.name.removesuffix(".schema.json") for p in (REPO_CONTRACTS / "jobs").iterdir()}
    assert load_config({"GRAFTWORK_WORKER_KEY": "k", "GRAFTWORK_QUEUES": " diagnostics ,"}).queues == ("diagnostics",)


def test_contracts_dir_must_hold_jobs(tmp_path: Path):
    with pytest.raises(ConfigError, match="GRAFTWORK_CONTRACTS_DIR"):
        load_config({"GRAFTWORK_WORKER_KEY": "k", "GRAFTWORK_CONTRACTS_DIR": str(tmp_path)})


def test_non_finite_values_are_encoded_and_decoded():
    assert [encode_number(v) for v in (math.nan, math.inf, -math.inf, 1.5)] == ["NaN", "Infinity", "-Infinity", 1.5]
    assert math.isnan(decode_number("NaN")) and decode_number("-Infinity") == -math.inf
    with pytest.raises(ValueError, match="'nan'"):
        decode_number("nan")
    nested = {"loss": torch.tensor(float("nan")), "n": numpy.float32(2.0), "xs": (1, float("inf")), "ok": True}
    assert to_json_safe(nested) == {"loss": "NaN", "n": 2.0, "xs": [1, "Infinity"], "ok": True}
    with pytest.raises(TypeError, match="set"):
        to_json_safe({"bad": {1, 2}})


def test_start_up_fails_when_a_contract_kind_has_no_handler(contracts_dir: Path):
    with pytest.raises(MissingHandler, match="sample"):
        check_complete(contracts_dir)
    check_complete(contracts_dir, {**HANDLER_PATHS, "sample": "x:y"})


def test_missing_engine_module_only_removes_its_kind():
    registry = {"diagnostics": HANDLER_PATHS["diagnostics"], "ghost": "graftwork_worker.ghost.job:run"}
    assert installed_kinds(["diagnostics", "ghost"], registry) == ["diagnostics"]
    with pytest.raises(MissingHandler, match="graftwork_worker.ghost.job is not installed"):
        resolve(registry["ghost"])
