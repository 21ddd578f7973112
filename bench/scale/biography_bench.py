"""The SCALE biography benchmark: retention (Task 0) vs acquisition (Task 1) per method.

Runs the `benchmark` stage of the scale job in-process (pretrain on the old population's
biographies, QA fine-tune Task 0, then expand the Task-0 model with each method and train on
the new population) and prints the table with FFT as the baseline.

    gpu-workers/.venv/bin/python bench/scale/biography_bench.py --size small   # CPU, a few minutes
    gpu-workers/.venv/bin/python bench/scale/biography_bench.py --size gpu     # one GPU

Targets (GPU size): SCALE-Route retention >= 2x FFT's and LLaMA Pro's, acquisition within 10
points of FFT's. The script says whether they are met; it never asserts.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "gpu-workers"))

import torch  # noqa: E402

from graftwork_worker.scale.job import run_scale_job  # noqa: E402
from graftwork_worker.worker.job_context import ArtifactRef, MetricPoint  # noqa: E402

SCALE_OPTIONS_SMALL = {"hidden": 32, "heads": 2, "ffn": 64}
SCALE_OPTIONS_GPU = {"hidden": 256, "heads": 4, "ffn": 512}


def _methods(scale_options: dict[str, Any], layers: int, scale_new_lr: float) -> list[dict[str, Any]]:
    """All seven methods. SCALE's new parameters get a higher peak lr than the shared one, as in
    the paper (1e-3 for SCALE's new weights against 5e-5 for full fine-tuning)."""
    scale = {"newLearningRate": scale_new_lr}
    return [
        {"method": "fft"},
        {"method": "lora", "options": {"rank": 8}},
        {"method": "freeze", "options": {"freezeLayers": max(1, layers // 4)}},
        {"method": "llama_pro", "options": {"newBlocks": max(1, layers // 4)}},
        {"method": "scale_preserve", "options": scale_options, **scale},
        {"method": "scale_adapt", "options": {**scale_options, "lFp": layers // 2}, **scale},
        {"method": "scale_route", "options": {**scale_options, "routerTau": 0.5}, **scale},
    ]


def _phase(steps: int, batch: int, lr: float, new_lr: float | None = None, eval_every: int = 0) -> dict[str, Any]:
    return {"steps": steps, "batchSize": batch, "learningRate": lr, "newLearningRate": new_lr,
            "warmupSteps": max(1, steps // 20), "evalEvery": eval_every, "checkpointEvery": 0}


SIZES: dict[str, dict[str, Any]] = {
    "small": {
        "modelSize": {"hiddenSize": 64, "intermediateSize": 128, "layers": 2, "heads": 4, "kvHeads": 2},
        "biographies": {"oldPeople": 200, "newPeople": 60, "biosPerPerson": 4, "seqLen": 64, "evalPeople": 60},
        "pretrainTraining": _phase(200, 16, 3e-3),
        "qaTraining": _phase(160, 16, 3e-3),
        "training": _phase(100, 16, 1e-3, 3e-3, eval_every=50),
        "methods": _methods(SCALE_OPTIONS_SMALL, 2, scale_new_lr=1e-2),
    },
    "gpu": {
        "modelSize": {"hiddenSize": 512, "intermediateSize": 1376, "layers": 8, "heads": 8, "kvHeads": 4},
        "biographies": {"oldPeople": 20000, "newPeople": 4000, "biosPerPerson": 5, "seqLen": 256, "evalPeople": 500},
        "pretrainTraining": _phase(6000, 64, 1e-3),
        "qaTraining": _phase(2000, 64, 5e-4),
        "training": _phase(2000, 64, 5e-5, 1e-3, eval_every=200),
        "methods": _methods(SCALE_OPTIONS_GPU, 8, scale_new_lr=1e-3),
    },
}


class LocalContext:
    """The JobContext of an in-process run: metrics kept in memory, nothing uploaded."""

    def __init__(self, spec: Mapping[str, Any], workdir: Path, device: str):
        self.run_id, self.attempt, self.spec, self.device, self.workdir = "bench", 1, spec, device, workdir
        self.metrics: list[MetricPoint] = []
        self.last_message = ""

    def check_cancelled(self) -> None:
        return None

    def progress(self, fraction: float, message: str = "", **extra: Any) -> None:
        if message.split(":")[0] != self.last_message:
            self.last_message = message.split(":")[0]
            print(f"  [{time.strftime('%H:%M:%S')}] {fraction:4.0%} {message}", file=sys.stderr, flush=True)

    def log_metrics(self, points: Sequence[MetricPoint]) -> None:
        self.metrics.extend(points)

    def save_checkpoint(self, state: Mapping[str, Any], step: int) -> None:
        return None

    def load_checkpoint(self) -> None:
        return None

    def upload_artifact(self, name: str, path: Path, kind: str = "file",
                        metadata: Mapping[str, Any] | None = None) -> ArtifactRef:
        raise RuntimeError("the benchmark stage uploads nothing")

    def fetch_model_version(self, model_version_id: str) -> Path:
        raise RuntimeError("the benchmark stage fetches nothing")

    def fetch_dataset_version(self, dataset_version_id: str) -> Path:
        raise RuntimeError("the benchmark stage fetches nothing")

    def register_model_version(self, *args: Any, **kwargs: Any) -> str:
        raise RuntimeError("the benchmark stage registers nothing")


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def _ratio(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def print_table(result: Mapping[str, Any]) -> None:
    rows = result["table"]
    fft = next((r for r in rows if r["method"] == "fft"), None)
    print(f"\n{'method':<15} {'Task-0 acc before -> after':>27} {'ratio':>6} {'P-head':>7} "
          f"{'Task-1 acc':>10} {'ratio':>6} {'T1 exact':>9} {'trainable':>10}")
    for r in rows:
        head = r["preservationHead"]["retention"] if r["preservationHead"] else None
        print(f"{r['method']:<15} {_pct(r['retentionBefore']):>12} -> {_pct(r['retentionAfter']):<11} "
              f"{_ratio(r['retentionRatio']):>6} {_pct(head):>7} {_pct(r['acquisition']):>10} "
              f"{_ratio(r['acquisitionRatio']):>6} {_pct(r['acquisitionExact']):>9} "
              f"{r['parameters']['trainable']:>10}")
    if fft is not None:
        print("\nbaseline: fft (ratio = method / fft; P-head = Task-0 accuracy read from SCALE's frozen head)")
    for r in rows:
        if r.get("routerSweep"):
            print(f"\n{r['method']} threshold sweep (the same trained model, routed at evaluation):")
            print("  tau    Task-0 acc  Task-1 acc")
            for point in r["routerSweep"]:
                print(f"  {point['tau']:<5}  {_pct(point['retention']):>10}  {_pct(point['acquisition']):>10}")


def target_verdict(rows: list[Mapping[str, Any]]) -> list[str]:
    by = {r["method"]: r for r in rows}
    if not {"fft", "llama_pro", "scale_route"} <= set(by):
        return ["targets: need fft, llama_pro and scale_route in the run"]
    route, fft, pro = by["scale_route"], by["fft"], by["llama_pro"]
    lines = []
    for name, other in (("FFT", fft), ("LLaMA Pro", pro)):
        met = route["retentionAfter"] >= 2 * other["retentionAfter"] and route["retentionAfter"] > 0
        lines.append(f"target retention >= 2x {name}: {'MET' if met else 'NOT MET'} "
                     f"({_pct(route['retentionAfter'])} vs {_pct(other['retentionAfter'])})")
    gap = 100 * (fft["acquisition"] - route["acquisition"])
    lines.append(f"target acquisition within 10 points of FFT: {'MET' if gap <= 10 else 'NOT MET'} "
                 f"({_pct(route['acquisition'])} vs {_pct(fft['acquisition'])}, gap {gap:.1f} points)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--device", default="cuda:0" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--task1-steps", type=int, help="override the Task-1 (continual) steps of the size")
    parser.add_argument("--json", type=Path, help="also write the full result (curves included) here")
    args = parser.parse_args()
    spec = {"stage": "benchmark", "seed": args.seed, **SIZES[args.size]}
    if args.task1_steps:
        spec["training"] = {**spec["training"], "steps": args.task1_steps,
                            "warmupSteps": max(1, args.task1_steps // 20), "evalEvery": max(1, args.task1_steps // 4)}
    device_name = torch.cuda.get_device_name(0) if args.device.startswith("cuda") else platform.processor() or "cpu"
    print(f"size={args.size} device={args.device} ({device_name}) torch={torch.__version__} "
          f"threads={torch.get_num_threads()}", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        result = run_scale_job(LocalContext(spec, Path(workdir), args.device))
    print_table(result)
    print(f"vocabulary {result['vocabSize']} words; wall time {time.perf_counter() - started:.0f} s")
    for line in target_verdict(result["table"]):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
