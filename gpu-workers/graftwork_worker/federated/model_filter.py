"""Combinatorial model averaging for FedCM [reconstruction: the paper has no public code].

A filter chooses which of the K returned client models enter the average: the subset
whose weighted average has the lowest loss on a server-held proxy set. Filters see the
models only through `ProxyLosses`, a callable that scores a batch of candidate averages
(rows of mixing weights over the K models) at once, so a strategy can evaluate all
candidates of one elimination step in a single vectorised pass.

Utility of a kept model = how much the proxy loss rises when it alone is left out of the
final subset; of a dropped model = minus how much the loss rises when it alone is added
back. Rewards for the bandit are derived from these (see `RewardFn`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

# weights [M, K] (each row: non-negative mixing weights over the K models, summing to 1)
# -> proxy loss of each of the M averaged models, [M].
ProxyLosses = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class FilterResult:
    kept: np.ndarray  # [K] bool
    utilities: np.ndarray  # [K] float, positive = the model helps the aggregate
    loss_all: float  # proxy loss of averaging every model
    loss_kept: float  # proxy loss of averaging the kept ones
    evaluations: int  # candidate averages scored


class ModelFilter(Protocol):
    def __call__(self, base_weights: np.ndarray, proxy_losses: ProxyLosses) -> FilterResult: ...


class RewardFn(Protocol):
    def __call__(self, result: FilterResult) -> np.ndarray: ...


def mixing_weights(base_weights: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Rows of `base_weights` restricted to each mask [M, K] and renormalised."""
    w = masks * base_weights[None, :]
    return w / w.sum(axis=1, keepdims=True)


def _loss_of(base_weights: np.ndarray, kept: np.ndarray, proxy_losses: ProxyLosses) -> float:
    return float(proxy_losses(mixing_weights(base_weights, kept[None].astype(np.float64)))[0])


def _utilities(base_weights: np.ndarray, kept: np.ndarray, loss_kept: float,
               proxy_losses: ProxyLosses) -> tuple[np.ndarray, int]:
    k = kept.size
    toggles = np.repeat(kept[None, :], k, axis=0)
    toggles[np.arange(k), np.arange(k)] = ~kept
    valid = toggles.any(axis=1)  # the last kept model cannot be left out: its utility stays 0
    losses = np.full(k, loss_kept)
    if valid.any():
        losses[valid] = proxy_losses(mixing_weights(base_weights, toggles[valid].astype(np.float64)))
    # Kept: loss without it − loss with it.  Dropped: loss with it − loss without it, negated.
    utilities = np.where(kept, losses - loss_kept, loss_kept - losses)
    return utilities, int(valid.sum())


def _check(base_weights: np.ndarray) -> np.ndarray:
    base_weights = np.asarray(base_weights, dtype=np.float64)
    if base_weights.ndim != 1 or base_weights.size == 0 or np.any(base_weights <= 0):
        raise ValueError("base_weights must be a non-empty 1-d array of positive aggregation weights")
    return base_weights


@dataclass(frozen=True)
class KeepAll:
    """No filtering (plain FedAvg averaging); still measures utilities for rewards."""

    def __call__(self, base_weights: np.ndarray, proxy_losses: ProxyLosses) -> FilterResult:
        base_weights = _check(base_weights)
        kept = np.ones(base_weights.size, dtype=bool)
        loss = _loss_of(base_weights, kept, proxy_losses)
        utilities, evals = _utilities(base_weights, kept, loss, proxy_losses)
        return FilterResult(kept, utilities, loss, loss, evals + 1)


@dataclass(frozen=True)
class GreedyBackwardElimination:
    """Repeatedly drop the model whose removal lowers the proxy loss most; stop when no
    removal lowers it by more than `tolerance` (relative) or `min_keep` models remain."""

    min_keep: int = 1
    tolerance: float = 0.0

    def __call__(self, base_weights: np.ndarray, proxy_losses: ProxyLosses) -> FilterResult:
        base_weights = _check(base_weights)
        k = base_weights.size
        kept = np.ones(k, dtype=bool)
        current = _loss_of(base_weights, kept, proxy_losses)
        loss_all, evals = current, 1
        while kept.sum() > max(self.min_keep, 1):
            candidates = np.flatnonzero(kept)
            masks = np.repeat(kept[None, :], candidates.size, axis=0)
            masks[np.arange(candidates.size), candidates] = False
            losses = proxy_losses(mixing_weights(base_weights, masks.astype(np.float64)))
            evals += candidates.size
            best = int(np.argmin(losses))
            if not losses[best] < current * (1.0 - self.tolerance):
                break
            kept[candidates[best]] = False
            current = float(losses[best])
        utilities, more = _utilities(base_weights, kept, current, proxy_losses)
        return FilterResult(kept, utilities, loss_all, current, evals + more)


@dataclass(frozen=True)
class LeaveOneOut:
    """One pass: drop every model whose removal alone lowers the proxy loss (cheaper, K+1
    evaluations; can over-drop when two bad models mask each other)."""

    min_keep: int = 1

    def __call__(self, base_weights: np.ndarray, proxy_losses: ProxyLosses) -> FilterResult:
        base_weights = _check(base_weights)
        k = base_weights.size
        all_kept = np.ones(k, dtype=bool)
        loss_all = _loss_of(base_weights, all_kept, proxy_losses)
        utilities, evals = _utilities(base_weights, all_kept, loss_all, proxy_losses)
        kept = utilities >= 0
        if kept.sum() < self.min_keep:  # keep the most useful ones
            kept = np.zeros(k, dtype=bool)
            kept[np.argsort(-utilities)[: self.min_keep]] = True
        loss_kept = _loss_of(base_weights, kept, proxy_losses)
        return FilterResult(kept, utilities, loss_all, loss_kept, evals + 2)


def utility_reward(result: FilterResult) -> np.ndarray:
    """Reward = utility (proxy-loss points contributed), negative for harmful models."""
    return result.utilities.copy()


def kept_reward(result: FilterResult) -> np.ndarray:
    """Reward 1 for a model that entered the average, 0 otherwise."""
    return result.kept.astype(np.float64)


FILTERS: dict[str, Callable[[], ModelFilter]] = {
    "none": KeepAll,
    "greedy": GreedyBackwardElimination,
    "leave_one_out": LeaveOneOut,
}
REWARDS: dict[str, RewardFn] = {"utility": utility_reward, "kept": kept_reward}
