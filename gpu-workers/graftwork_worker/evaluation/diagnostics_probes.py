"""Device facts and micro-benchmarks reported by a diagnostics run."""
from __future__ import annotations

import os
import platform
import time
from typing import Any, Callable

import numpy
import torch

_MIN_TIMED_S = 0.2  # repeat a timed operation until this long has passed, to average out noise
_MIN_REPEATS = 3


def device_facts(device: torch.device) -> tuple[dict[str, Any], dict[str, Any]]:
    """(device, memory) sections of the result."""
    if device.type == "cuda":
        properties = torch.cuda.get_device_properties(device)
        free, total = torch.cuda.mem_get_info(device)
        return ({"type": "cuda", "name": properties.name, "index": device.index or 0,
                 "capability": f"{properties.major}.{properties.minor}"},
                {"totalBytes": int(total), "freeBytes": int(free)})
    page = os.sysconf("SC_PAGE_SIZE")
    return ({"type": "cpu", "name": platform.processor() or platform.machine()},
            {"totalBytes": int(os.sysconf("SC_PHYS_PAGES") * page),
             "freeBytes": int(os.sysconf("SC_AVPHYS_PAGES") * page)})


def library_versions() -> dict[str, Any]:
    cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    return {"python": platform.python_version(), "torch": torch.__version__, "numpy": numpy.__version__,
            "cuda": torch.version.cuda, "cudnn": str(cudnn) if cudnn is not None else None}


def _timed(operation: Callable[[], None], synchronize: Callable[[], None]) -> float:
    """Mean seconds per call of `operation`, after one warm-up call."""
    operation()
    synchronize()
    repeats, started = 0, time.perf_counter()
    while repeats < _MIN_REPEATS or time.perf_counter() - started < _MIN_TIMED_S:
        operation()
        repeats += 1
    synchronize()
    return (time.perf_counter() - started) / repeats


def _synchronizer(device: torch.device) -> Callable[[], None]:
    return (lambda: torch.cuda.synchronize(device)) if device.type == "cuda" else (lambda: None)


def matmul_tflops(device: torch.device, size: int) -> dict[str, Any]:
    dtype = torch.bfloat16 if device.type == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    generator = torch.Generator(device="cpu").manual_seed(0)
    a = torch.randn(size, size, generator=generator).to(device=device, dtype=dtype)
    b = torch.randn(size, size, generator=generator).to(device=device, dtype=dtype)
    seconds = _timed(lambda: torch.mm(a, b), _synchronizer(device))
    return {"size": size, "dtype": str(dtype).removeprefix("torch."), "tflops": 2 * size ** 3 / seconds / 1e12}


def copy_bandwidth(device: torch.device, megabytes: float) -> dict[str, Any]:
    count = max(1, int(megabytes * 1e6))
    if device.type == "cuda":
        source = torch.empty(count, dtype=torch.uint8, pin_memory=True)
        target = torch.empty(count, dtype=torch.uint8, device=device)
        kind = "host_to_device"
    else:
        source = torch.empty(count, dtype=torch.uint8)
        target = torch.empty(count, dtype=torch.uint8)
        kind = "memcpy"
    source.fill_(1)
    seconds = _timed(lambda: target.copy_(source, non_blocking=True), _synchronizer(device))
    return {"kind": kind, "megabytes": count / 1e6, "gbPerSecond": count / seconds / 1e9}
