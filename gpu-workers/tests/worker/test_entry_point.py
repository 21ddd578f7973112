"""The `graftwork-worker` command: refuses bad configuration, starts, stops cleanly on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from .test_redis_end_to_end import REDIS_URL, _redis_available

COMMAND = [sys.executable, "-m", "graftwork_worker.worker.main"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAFTWORK_")}
    env.update(extra)
    return env


def test_missing_worker_key_stops_start_up_naming_the_variable():
    done = subprocess.run(COMMAND, env=_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "GRAFTWORK_WORKER_KEY" in done.stderr


@pytest.mark.skipif(not _redis_available(), reason=f"no Redis at {REDIS_URL}")
def test_starts_reports_device_and_queues_and_stops_on_sigterm(tmp_path, service):
    prefix = f"gwtest-{uuid.uuid4().hex[:12]}"
    env = _env(GRAFTWORK_WORKER_KEY=service.worker_key, GRAFTWORK_API_URL=service.url, REDIS_URL=REDIS_URL,
               QUEUE_PREFIX=prefix, GRAFTWORK_QUEUES="diagnostics", GRAFTWORK_SPOOL_DIR=str(tmp_path / "spool"),
               GRAFTWORK_WORK_DIR=str(tmp_path / "work"), CUDA_VISIBLE_DEVICES="")
    process = subprocess.Popen(COMMAND, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = process.stdout.readline()
        assert "device CPU" in banner and f"{prefix}:diagnostics" in banner, banner
        time.sleep(1.0)  # let the BullMQ worker connect
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
