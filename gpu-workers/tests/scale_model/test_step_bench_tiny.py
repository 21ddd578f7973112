"""bench/gpu/scale_step_bench.py --tiny runs end to end on the CPU (so it works before it meets a GPU)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "gpu" / "scale_step_bench.py"
METHODS = ["fft", "lora", "llama_pro", "scale_preserve", "scale_adapt", "scale_route"]


def test_tiny_mode_prints_a_table_against_fft(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--tiny", "--json", str(out)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["method"]: r for r in json.loads(out.read_text())}
    assert list(rows) == METHODS
    for method, row in rows.items():
        assert row["step_ms"] > 0 and row["tokens_per_s"] > 0, method
        assert 0 < row["trainable_params"] <= row["total_params"] < 1_000_000, method
        assert row["loss"] > 0, method
    assert rows["fft"]["trainable_params"] == rows["fft"]["total_params"]
    assert rows["scale_preserve"]["trainable_params"] < rows["fft"]["total_params"]
    lines = done.stdout.splitlines()
    assert "time / fft" in lines[1] and "mem / fft" in lines[1]
    fft_line = next(line for line in lines if line.startswith("fft |"))
    assert fft_line.split(" | ")[8] == "1.00"


def test_flop_conventions() -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from scale_flops import peak_flops, step_flops
    finally:
        sys.path.remove(str(SCRIPT.parent))
    report = {"total": 100, "trainable": 100, "new": 0}
    assert step_flops("fft", report, tokens=10) == (6000.0, 6000.0)  # FFT: both conventions agree
    frozen = {"total": 100, "trainable": 20, "new": 20}
    assert step_flops("scale_preserve", frozen, tokens=10) == (6000.0, 2 * (100 + 20 + 20) * 10)
    assert step_flops("scale_adapt", frozen, tokens=10) == (6000.0, 2 * (100 + 100 + 20) * 10)
    assert peak_flops("NVIDIA H100 80GB HBM3", None) == 989e12 and peak_flops("cpu", None) is None
    assert peak_flops("cpu", 2.0) == 2e12
