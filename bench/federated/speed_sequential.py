"""Baseline (a): FedAvg as most PyTorch code writes it — one client after another, an
nn.Module with its optimizer, shuffled mini-batches, state dicts averaged by sample count."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from graftwork_worker.federated.client_data import ClientData


def fedavg_sequential(module: nn.Module, init: dict[str, torch.Tensor], clients: ClientData, rounds: int, *,
                      epochs: int, lr: float, batch_size: int, seed: int,
                      on_round: "callable | None" = None) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    global_state = {k: v.clone() for k, v in init.items()}
    data = [clients.client_tensors(c) for c in range(clients.num_clients)]
    for rnd in range(rounds):
        total = {k: torch.zeros_like(v) for k, v in global_state.items()}
        samples = 0
        for x, y in data:
            module.load_state_dict(global_state)
            opt = torch.optim.SGD(module.parameters(), lr=lr)
            for _ in range(epochs):
                order = torch.randperm(x.shape[0], generator=gen).to(x.device)
                for i in range(0, x.shape[0], batch_size):
                    rows = order[i:i + batch_size]
                    opt.zero_grad(set_to_none=True)
                    F.cross_entropy(module(x[rows]), y[rows]).backward()
                    opt.step()
            with torch.no_grad():
                for k, v in module.state_dict().items():
                    total[k] += v * x.shape[0]
            samples += x.shape[0]
        global_state = {k: v / samples for k, v in total.items()}
        if on_round is not None:
            on_round(rnd)
    return global_state
