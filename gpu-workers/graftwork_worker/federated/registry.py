"""Algorithm name -> factory(options) -> Strategy. One line per strategy."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from .strategies.fedavg import fedavg, fedprox
from .strategies.fedavg_ic import fedavg_ic
from .strategies.fedcm import fedcm
from .strategies.hierfavg import hierfavg
from .strategies.tornado import tornado_aggregate
from .strategy import Strategy

StrategyFactory = Callable[[Mapping[str, Any]], Strategy]

STRATEGIES: dict[str, StrategyFactory] = {
    "fedavg": fedavg,
    "fedprox": fedprox,
    "hierfavg": hierfavg,
    "fedavg_ic": fedavg_ic,
    "tornado": tornado_aggregate,
    "fedcm": fedcm,
}


def make_strategy(algorithm: str, options: Mapping[str, Any] | None = None) -> Strategy:
    if algorithm not in STRATEGIES:
        raise ValueError(f"algorithm: expected one of {sorted(STRATEGIES)}, got {algorithm!r}")
    return STRATEGIES[algorithm](dict(options or {}))
