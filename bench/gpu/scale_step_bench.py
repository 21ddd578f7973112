"""Training-step cost of every SCALE method and baseline on one model: time, tokens/s, MFU, memory.

    python bench/gpu/scale_step_bench.py                 # LLaMA-3.2-1B shape, bf16 autocast, seq 2048
    python bench/gpu/scale_step_bench.py --tiny          # CPU smoke run (a few hundred thousand params)
    python bench/gpu/scale_step_bench.py --compile --batch 2 --methods fft,scale_route

Random weights (the cost of a step does not depend on their values). FFT is the baseline: the
table gives each method's step time and peak memory as a ratio to FFT's. FLOP conventions:
scale_flops.py. Peak memory is CUDA's peak allocated memory of the step (weights, optimiser
state, activations); on the CPU it is not measured.
"""
from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_flops import peak_flops, step_flops  # noqa: E402

from graftwork_worker.models.llama import LlamaConfig, LlamaForCausalLM  # noqa: E402
from graftwork_worker.scale.methods import MethodSpec, build_method_model  # noqa: E402

DEFAULT_METHODS = ("fft", "lora", "llama_pro", "scale_preserve", "scale_adapt", "scale_route")
# The random init of new blocks is timed elsewhere; "random" keeps set-up off the GPU budget.
METHOD_OPTIONS: dict[str, dict[str, Any]] = {
    "lora": {"rank": 16, "alpha": 32},
    "scale_preserve": {"init": "random"},
    "scale_adapt": {"init": "random"},
    "scale_route": {"init": "random"},
}


def llama_32_1b_shape() -> LlamaConfig:
    return LlamaConfig(vocab_size=128256, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
                       num_attention_heads=32, num_key_value_heads=8, rope_theta=500000.0,
                       max_position_embeddings=131072, tie_word_embeddings=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tiny", action="store_true", help="tiny model, seq 32, 2 steps (CPU smoke run)")
    p.add_argument("--methods", default=",".join(DEFAULT_METHODS))
    p.add_argument("--batch", type=int, default=None, help="sequences per step (default 4; tiny 2)")
    p.add_argument("--seq", type=int, default=None, help="tokens per sequence (default 2048; tiny 32)")
    p.add_argument("--steps", type=int, default=None, help="timed steps (default 10; tiny 2)")
    p.add_argument("--warmup", type=int, default=None, help="untimed steps first (default 3; tiny 1)")
    p.add_argument("--layers", type=int, default=None,
                   help="override the number of decoder layers (a cheaper run of the full-width model)")
    p.add_argument("--compile", action="store_true", help="torch.compile the training loss")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--peak-tflops", type=float, default=None, help="accelerator bf16 peak, if not detected")
    p.add_argument("--threads", type=int, default=None,
                   help="CPU threads (default 1 with --tiny: a shared CPU oversubscribed by default threads "
                        "gives step times dominated by contention)")
    p.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = p.parse_args(argv)
    tiny = args.tiny
    args.batch = args.batch or (2 if tiny else 4)
    args.seq = args.seq or (32 if tiny else 2048)
    args.steps = args.steps or (2 if tiny else 10)
    args.warmup = args.warmup if args.warmup is not None else (1 if tiny else 3)
    args.threads = args.threads or (1 if tiny else None)
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    if "fft" not in args.methods:
        args.methods.insert(0, "fft")  # the baseline of every ratio
    return args


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def measure(method: str, config: LlamaConfig, args: argparse.Namespace) -> dict[str, Any]:
    device = torch.device(args.device)
    torch.manual_seed(0)
    with device:
        base = LlamaForCausalLM(config)
    model = build_method_model(base, MethodSpec.from_dict({"method": method, "options": METHOD_OPTIONS.get(method)}))
    model.train()
    optimiser = torch.optim.AdamW(model.param_groups(lr=1e-5, new_lr=1e-4, weight_decay=0.1),
                                  fused=device.type == "cuda")
    loss_fn = torch.compile(model.training_loss) if args.compile else model.training_loss
    ids = torch.randint(0, config.vocab_size, (args.batch, args.seq), device=device)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    times: list[float] = []
    for step in range(args.warmup + args.steps):
        _sync(device)
        start = time.perf_counter()
        with autocast:
            loss = loss_fn(ids, ids)
        loss.backward()
        optimiser.step()
        optimiser.zero_grad(set_to_none=True)
        _sync(device)
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
    step_s = statistics.median(times)
    tokens = args.batch * args.seq
    report = model.parameter_report()
    standard, aware = step_flops(method, report, tokens)
    peak = peak_flops(torch.cuda.get_device_name(device) if device.type == "cuda" else "", args.peak_tflops)
    row = {"method": method, "total_params": report["total"], "trainable_params": report["trainable"],
           "step_ms": step_s * 1e3, "tokens_per_s": tokens / step_s, "loss": loss.item(),
           "mfu_6nt": standard / step_s / peak if peak else None,
           "mfu_aware": aware / step_s / peak if peak else None,
           "peak_mem_gib": torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None}
    del model, base, optimiser, loss
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return row


def _fmt(value: float | None, pattern: str) -> str:
    return "n/a" if value is None else format(value, pattern)


def table(rows: list[dict[str, Any]]) -> str:
    baseline = next(r for r in rows if r["method"] == "fft" and "error" not in r)
    header = ("method", "trainable M", "total M", "step ms", "tokens/s", "MFU 6NT", "MFU aware",
              "peak GiB", "time / fft", "mem / fft")
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    for r in rows:
        if "error" in r:
            lines.append(" | ".join([r["method"], r["error"]] + ["-"] * (len(header) - 2)))
            continue
        mem_ratio = (r["peak_mem_gib"] / baseline["peak_mem_gib"]) if r["peak_mem_gib"] is not None else None
        lines.append(" | ".join([
            r["method"], f"{r['trainable_params'] / 1e6:.3f}", f"{r['total_params'] / 1e6:.3f}",
            f"{r['step_ms']:.1f}", f"{r['tokens_per_s']:.0f}", _fmt(r["mfu_6nt"], ".1%"),
            _fmt(r["mfu_aware"], ".1%"), _fmt(r["peak_mem_gib"], ".2f"),
            f"{r['step_ms'] / baseline['step_ms']:.2f}", _fmt(mem_ratio, ".2f")]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_args(argv)
    config = LlamaConfig.tiny(256) if args.tiny else llama_32_1b_shape()
    if args.layers:
        config = replace(config, num_hidden_layers=args.layers)
    device = torch.device(args.device)
    if device.type == "cpu" and args.threads:
        torch.set_num_threads(args.threads)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    print(f"# scale step bench {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {name}, torch {torch.__version__}; "
          f"{config.num_hidden_layers} layers x hidden {config.hidden_size}, batch {args.batch} x seq {args.seq}, "
          f"{args.steps} timed steps after {args.warmup}, "
          f"{'bf16 autocast' if device.type == 'cuda' else f'float32, {torch.get_num_threads()} thread(s)'}, "
          f"compile={args.compile}")
    rows = []
    for method in args.methods:
        try:
            rows.append(measure(method, config, args))
        except torch.OutOfMemoryError:
            gc.collect()
            torch.cuda.empty_cache()
            rows.append({"method": method, "error": "out of memory"})
        print(f"done {method}", file=sys.stderr, flush=True)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
