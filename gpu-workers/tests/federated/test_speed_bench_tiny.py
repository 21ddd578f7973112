"""The speed benchmark's --tiny mode runs (so the GPU mode is known to work before a GPU)."""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "gpu" / "federated_speed_bench.py"


def test_tiny_mode_measures_the_engine_and_the_sequential_loop(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("federated_speed_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.gpu_argv(["--model", "cnn"])[:2] == ["--device", "cuda"]
    module.main(["--tiny"])
    out = capsys.readouterr().out
    assert "graftwork (vectorised)" in out and "sequential PyTorch loop" in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("graftwork", "sequential"))]
    rates = [float(r[2]) if r[0] == "graftwork" else float(r[3]) for r in rows]
    assert all(rate > 0 and math.isfinite(rate) for rate in rates)
