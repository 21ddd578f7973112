"""The vectorised trainer on a GPU (skipped without CUDA): the same numbers as on the CPU."""
from __future__ import annotations

import pytest
import torch

from graftwork_worker.federated.client_training import stack
from graftwork_worker.federated.loop import run_federation
from graftwork_worker.federated.registry import make_strategy

from .tiny import digits, tiny_config

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")]


def test_cuda_round_matches_the_cpu_round() -> None:
    from graftwork_worker.federated.builder import build_simulation

    config = tiny_config()
    cpu, gpu = build_simulation(config, digits(), "cpu"), build_simulation(config, digits(), "cuda")
    init = cpu.model.init(torch.Generator().manual_seed(0))
    ids = list(range(cpu.num_clients))
    a = cpu.trainer.train(stack(init, len(ids)), ids, epochs=2, lr=0.1, stream=0)
    b = gpu.trainer.train(stack({k: v.cuda() for k, v in init.items()}, len(ids)), ids, epochs=2, lr=0.1, stream=0)
    assert max(float((a[k] - b[k].cpu()).abs().max()) for k in a) < 1e-4


def test_cuda_federation_learns() -> None:
    from graftwork_worker.federated.builder import build_simulation

    sim = build_simulation(tiny_config(), digits(), "cuda")
    history = run_federation(sim, make_strategy("hierfavg", {"tau1": 1, "tau2": 2}), 4).progress.history
    assert history[-1]["accuracy"] > history[0]["accuracy"]
