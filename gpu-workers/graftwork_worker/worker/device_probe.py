"""Describes this host's compute devices. Run as a subprocess so the worker never imports torch.

`python -m graftwork_worker.worker.device_probe` prints one JSON object.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HostDevices:
    cuda: list[dict[str, Any]]  # [{index, name, totalMemoryBytes}]
    cpu_name: str
    torch_version: str | None

    def slot_devices(self) -> list[str]:
        """One training slot per GPU, or a single CPU slot."""
        return [f"cuda:{gpu['index']}" for gpu in self.cuda] or ["cpu"]

    def describe(self, device: str) -> dict[str, Any]:
        if device.startswith("cuda:"):
            index = int(device.split(":", 1)[1])
            gpu = next(g for g in self.cuda if g["index"] == index)
            return {"type": "cuda", "index": index, "name": gpu["name"], "totalMemoryBytes": gpu["totalMemoryBytes"]}
        return {"type": "cpu", "name": self.cpu_name}


def _probe() -> dict[str, Any]:
    import torch

    cuda = []
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            properties = torch.cuda.get_device_properties(index)
            cuda.append({"index": index, "name": properties.name, "totalMemoryBytes": properties.total_memory})
    return {"cuda": cuda, "cpuName": platform.processor() or platform.machine(), "torch": torch.__version__}


def probe_devices(timeout_s: float = 120.0) -> HostDevices:
    completed = subprocess.run([sys.executable, "-m", __name__], capture_output=True, text=True,
                               timeout=timeout_s, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if completed.returncode != 0:
        raise RuntimeError(f"device probe failed: {completed.stderr.strip()[-2000:]}")
    found = json.loads(completed.stdout.strip().splitlines()[-1])
    return HostDevices(cuda=found["cuda"], cpu_name=found["cpuName"], torch_version=found["torch"])


if __name__ == "__main__":
    print(json.dumps(_probe()))
