"""JSON encoding of values that come out of training.

JSON has no NaN or infinity, and the Python `bullmq` package refuses them in progress and
return values, so a diverged loss would crash reporting. Non-finite floats are sent as the
strings the contracts allow: "NaN", "Infinity", "-Infinity".
"""
from __future__ import annotations

import math
from typing import Any

NON_FINITE_STRINGS = ("NaN", "Infinity", "-Infinity")


def encode_number(value: float) -> float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def decode_number(value: float | int | str) -> float:
    if isinstance(value, str):
        if value not in NON_FINITE_STRINGS:
            raise ValueError(f"expected a number or one of {NON_FINITE_STRINGS}, got {value!r}")
        return float(value.replace("Infinity", "inf"))
    return float(value)


def to_json_safe(value: Any) -> Any:
    """A deep copy of `value` with non-finite floats encoded and numpy/torch scalars unwrapped.

    Anything else that JSON cannot carry raises TypeError naming its type, at the point of
    reporting rather than deep inside httpx or bullmq.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return encode_number(value)
    if isinstance(value, dict):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_safe(v) for v in value]
    item = getattr(value, "item", None)  # numpy and torch scalars, 0-d tensors
    if callable(item):
        return to_json_safe(item())
    raise TypeError(f"cannot encode a {type(value).__name__} as JSON")
