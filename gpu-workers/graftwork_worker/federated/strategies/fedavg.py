"""FedAvg (McMahan et al.) and FedProx (Li et al.): the base strategy's hooks as they are,
and the same with a proximal term μ/2·‖w − w_global‖² in every local step."""
from __future__ import annotations

from typing import Any, Mapping

from ..strategy import Strategy


class FedAvg(Strategy):
    name = "fedavg"


class FedProx(Strategy):
    name = "fedprox"

    def __init__(self, mu: float = 0.01) -> None:
        if mu < 0:
            raise ValueError(f"options.mu: expected a number >= 0, got {mu}")
        self.prox_mu = float(mu)


def fedavg(options: Mapping[str, Any]) -> Strategy:
    _no_options("fedavg", options, set())
    return FedAvg()


def fedprox(options: Mapping[str, Any]) -> Strategy:
    _no_options("fedprox", options, {"mu"})
    return FedProx(mu=float(options.get("mu", 0.01)))


def _no_options(algorithm: str, options: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(f"options.{unknown[0]}: not an option of {algorithm!r} (allowed: {sorted(allowed) or 'none'})")
