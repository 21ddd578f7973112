"""Everything a strategy may use, built once per run (see builder.py for how)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from .client_data import ClientData
from .client_training import ClientTrainer
from .config import FederatedConfig
from .models import FunctionalModel
from .network import Network


@dataclass
class Simulation:
    clients: ClientData  # every client's samples on the device, counts n_i, label histograms
    test: tuple[Tensor, Tensor]  # the server's test set (x, y) on the device
    proxy: tuple[Tensor, Tensor]  # a server-side validation/proxy set, disjoint from test
    model: FunctionalModel  # init(rng) -> params; apply(params, x) -> logits; flops_per_sample; bytes
    trainer: ClientTrainer
    network: Network  # topology, placement, time model
    rng: torch.Generator  # CPU generator for sampling decisions (client selection, ...)
    np_rng: np.random.Generator  # for numpy-side decisions (grouping searches, ...)
    device: torch.device
    config: FederatedConfig

    @property
    def num_clients(self) -> int:
        return self.clients.num_clients

    def sample_clients(self, k: int) -> list[int]:
        """k distinct clients uniformly at random (all of them, in order, when k >= N)."""
        n = self.num_clients
        if k >= n:
            return list(range(n))
        return sorted(torch.randperm(n, generator=self.rng)[:k].tolist())

    def rng_state(self) -> dict:
        return {"torch": self.rng.get_state(), "numpy": self.np_rng.bit_generator.state,
                "trainer_calls": self.trainer.calls}

    def load_rng_state(self, state: dict) -> None:
        self.rng.set_state(state["torch"])
        self.np_rng.bit_generator.state = state["numpy"]
        self.trainer.calls = int(state["trainer_calls"])
