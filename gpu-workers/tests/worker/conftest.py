from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/fakes.py

from fakes import FakeIngestionService  # noqa: E402
from graftwork_worker.worker.config import WorkerConfig, load_config  # noqa: E402


@pytest.fixture
def service() -> Iterator[FakeIngestionService]:
    fake = FakeIngestionService().start()
    yield fake
    fake.stop()


REPO_CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"


@pytest.fixture
def contracts_dir(tmp_path: Path) -> Path:
    """The real diagnostics contracts plus a permissive `sample` kind for runtime tests."""
    folder = tmp_path / "contracts"
    for sub in ("jobs", "results"):
        (folder / sub).mkdir(parents=True)
        shutil.copy(REPO_CONTRACTS / sub / "diagnostics.schema.json", folder / sub)
    (folder / "README.md").write_text("test contracts")
    (folder / "jobs" / "sample.schema.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": {"steps": {"type": "integer", "minimum": 1}, "stepMs": {"type": "integer", "default": 50}},
    }))
    return folder


@pytest.fixture
def make_config(tmp_path: Path, service: FakeIngestionService, contracts_dir: Path) -> Callable[..., WorkerConfig]:
    def make(**overrides: Any) -> WorkerConfig:
        base = load_config({
            "GRAFTWORK_CONTRACTS_DIR": str(contracts_dir),
            "GRAFTWORK_WORKER_KEY": service.worker_key, "GRAFTWORK_API_URL": service.url,
            "GRAFTWORK_SPOOL_DIR": str(tmp_path / "spool"), "GRAFTWORK_WORK_DIR": str(tmp_path / "work"),
            "GRAFTWORK_HEARTBEAT_INTERVAL_S": "0.2", "GRAFTWORK_CANCEL_POLL_INTERVAL_S": "0.05",
            "GRAFTWORK_CHECKPOINT_MIN_INTERVAL_S": "0", "GRAFTWORK_METRICS_FLUSH_S": "0.1",
            "GRAFTWORK_DELIVER_RETRY_S": "0.3", "GRAFTWORK_CANCEL_GRACE_S": "1",
            "GRAFTWORK_WORKER_ID": "test-worker",
        })
        return dataclasses.replace(base, **overrides)
    return make
