"""Combinatorial UCB client sampling for FedCM [reconstruction: the paper has no public code].

Each client i keeps how often it was selected (n_i) and its mean reward (μ_i); a client not
yet tried is scored by a prior p_i (e.g. its normalised data size), which is what lets the
first rounds pick informative clients instead of random ones. Every round the K clients
with the highest  (n_i = 0 ? p_i : μ̂_i) + c·√(ln t / max(n_i, 1))  are taken, where μ̂ is the
percentile rank of the client's mean reward among tried clients, in [0, 1], so that it
shares the (min-max normalised) prior's scale whatever the reward's units. Optionally an
ε share of the K slots (ε decaying per round) goes to clients drawn uniformly from the
rest, as in Oort's exploration.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class UcbConfig:
    exploration: float = 1.0  # c: the bonus weight; 0.3 locked onto the first clients in our runs
    epsilon: float = 0.0  # initial share of K drawn uniformly at random
    epsilon_decay: float = 0.95  # ε_t = ε·decay^(t−1)
    min_epsilon: float = 0.0

    def __post_init__(self) -> None:
        if self.exploration < 0:
            raise ValueError(f"exploration must be >= 0, got {self.exploration}")
        if not 0.0 <= self.min_epsilon <= 1.0 or not 0.0 <= self.epsilon <= 1.0:
            raise ValueError(f"epsilon and min_epsilon must be in [0, 1], got {self.epsilon}, {self.min_epsilon}")
        if not 0.0 < self.epsilon_decay <= 1.0:
            raise ValueError(f"epsilon_decay must be in (0, 1], got {self.epsilon_decay}")


class CombinatorialUcb:
    def __init__(self, priors: np.ndarray, config: UcbConfig = UcbConfig()) -> None:
        priors = np.asarray(priors, dtype=np.float64)
        if priors.ndim != 1 or priors.size == 0 or not np.all(np.isfinite(priors)):
            raise ValueError("priors must be a non-empty 1-d array of finite numbers, one per client")
        span = priors.max() - priors.min()
        self.priors = (priors - priors.min()) / span if span > 0 else np.ones_like(priors)
        self.config = config
        self.pulls = np.zeros(priors.size, dtype=np.int64)
        self.reward_sums = np.zeros(priors.size)
        self.round = 0

    @property
    def num_clients(self) -> int:
        return self.priors.size

    def scores(self) -> np.ndarray:
        t = max(self.round, 1)
        tried = self.pulls > 0
        means = np.divide(self.reward_sums, self.pulls, out=np.zeros_like(self.reward_sums), where=tried)
        base = self.priors.copy()
        if tried.sum() > 1:
            # Percentile ranks, not min-max: one outlier (a poisoned client's large negative
            # reward) must not squeeze every other tried client to the top of the scale.
            values = means[tried]
            ordered = np.sort(values)
            # tied means share their average rank
            ranks = (np.searchsorted(ordered, values, "left") + np.searchsorted(ordered, values, "right") - 1) / 2
            base[tried] = ranks / (values.size - 1)
        elif tried.any():
            base[tried] = 0.5
        return base + self.config.exploration * np.sqrt(np.log(t + 1) / np.maximum(self.pulls, 1))

    def select(self, k: int, rng: np.random.Generator) -> np.ndarray:
        if not 1 <= k <= self.num_clients:
            raise ValueError(f"clients per round must be in [1, {self.num_clients}], got {k}")
        self.round += 1
        eps = max(self.config.min_epsilon, self.config.epsilon * self.config.epsilon_decay ** (self.round - 1))
        n_random = min(k, int(rng.binomial(k, eps))) if eps > 0 else 0
        jitter = rng.uniform(0, 1e-9, size=self.num_clients)  # random tie-breaking among equal scores
        ranked = np.argsort(-(self.scores() + jitter), kind="stable")
        chosen = ranked[: k - n_random]
        if n_random:
            rest = ranked[k - n_random:]
            chosen = np.concatenate([chosen, rng.choice(rest, size=n_random, replace=False)])
        return np.sort(chosen)

    def update(self, clients: np.ndarray, rewards: np.ndarray) -> None:
        clients = np.asarray(clients, dtype=np.int64)
        rewards = np.asarray(rewards, dtype=np.float64)
        if clients.shape != rewards.shape:
            raise ValueError(f"rewards must match clients in shape, got {rewards.shape} for {clients.shape}")
        np.add.at(self.pulls, clients, 1)
        np.add.at(self.reward_sums, clients, rewards)

    def state_dict(self) -> dict[str, Any]:
        return {"pulls": self.pulls.tolist(), "reward_sums": self.reward_sums.tolist(), "round": self.round}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.pulls = np.asarray(state["pulls"], dtype=np.int64)
        self.reward_sums = np.asarray(state["reward_sums"], dtype=np.float64)
        self.round = int(state["round"])
