"""Which method to train and its options, validated once with errors that name the option.

Options (snake_case; camelCase spellings such as `routerTau` are accepted too):

| option | methods | default | meaning |
| --- | --- | --- | --- |
| hidden | scale_* | hidden_size // 4 | d', width of the new residual stream u |
| heads | scale_* | heads // 4 (>= 1) | new query heads (head_dim unchanged) |
| kv_heads | scale_* | heads / base GQA group (>= 1) | new KV heads; new query heads read only these |
| ffn | scale_* | intermediate_size // 4 | new SwiGLU units |
| init | scale_* | "svd" | W21/W22 start: "svd", "random" or "zero" |
| init_scale | scale_* | 1.0 | c in W21 = c * Sigma_k^1/2 V_k^T (svd init) |
| init_std | scale_* | 0.02 | std of random blocks (W22, new embeddings; W21 for "random") |
| norm | scale_* | "split" | "split": [RMSNorm_g(x); RMSNorm_g'(u)]; "x_stats": both by the RMS of x |
| l_fp | scale_adapt | layers // 2 | W12 stays absent in layers 0 .. l_fp-1 |
| adapt_modules | scale_adapt | ["o_proj"] | linears whose W12 trains above l_fp |
| router_tau | scale_route | 0.5 | route to the preservation head where cos(z_P, z_A) >= tau |
| router_training | scale_route | "all_tokens" | "all_tokens": CE on z_A; "soft": detached sigmoid gate |
| router_temperature | scale_route | 0.1 | width of the soft gate |
| router_floor | scale_route | 0.5 | least weight of z_A in the soft gate (keeps W_lm12 learning) |
| rank, alpha, targets | lora | 8, 16, all seven linears | LoRA on the chosen linears |
| freeze_layers | freeze | 3 | bottom layers frozen (embeddings always) |
| new_blocks, interval | llama_pro | layers // 4 blocks | how many copies to insert, or one after every `interval` layers |
| seed | all | 0 | seeds the initialisation of new parameters |
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

METHODS = ("fft", "lora", "freeze", "llama_pro", "scale_preserve", "scale_adapt", "scale_route")
SCALE_METHODS = ("scale_preserve", "scale_adapt", "scale_route")
LINEAR_NAMES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def _int(minimum: int) -> Callable[[str, Any], int]:
    def check(name: str, value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise ValueError(f"options.{name}: expected an integer >= {minimum}, got {value!r}")
        return value
    return check


def _float(low: float, high: float, low_open: bool = False) -> Callable[[str, Any], float]:
    def check(name: str, value: Any) -> float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not (low < value if low_open else low <= value) or value > high:
            bound = f"({low}, {high}]" if low_open else f"[{low}, {high}]"
            raise ValueError(f"options.{name}: expected a number in {bound}, got {value!r}")
        return float(value)
    return check


def _choice(*choices: str) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if value not in choices:
            raise ValueError(f"options.{name}: expected one of {list(choices)}, got {value!r}")
        return value
    return check


def _linears(name: str, value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)) or not value or any(v not in LINEAR_NAMES for v in value):
        raise ValueError(f"options.{name}: expected a non-empty list drawn from {list(LINEAR_NAMES)}, got {value!r}")
    return list(dict.fromkeys(value))


_INF = float("inf")
_EXPANSION = {"hidden": (_int(1), None), "heads": (_int(0), None), "kv_heads": (_int(0), None),
              "ffn": (_int(0), None), "init": (_choice("svd", "random", "zero"), "svd"),
              "init_scale": (_float(0.0, _INF), 1.0), "init_std": (_float(0.0, _INF), 0.02),
              "norm": (_choice("split", "x_stats"), "split")}
_SEED = {"seed": (_int(0), 0)}
# option name -> (validator, default); None defaults depend on the base model (resolved at build).
_OPTIONS: dict[str, dict[str, tuple[Callable[[str, Any], Any], Any]]] = {
    "fft": {**_SEED},
    "lora": {**_SEED, "rank": (_int(1), 8), "alpha": (_float(0.0, _INF, low_open=True), 16.0),
             "targets": (_linears, list(LINEAR_NAMES))},
    "freeze": {**_SEED, "freeze_layers": (_int(0), 3)},
    "llama_pro": {**_SEED, "new_blocks": (_int(1), None), "interval": (_int(1), None)},
    "scale_preserve": {**_SEED, **_EXPANSION},
    "scale_adapt": {**_SEED, **_EXPANSION, "l_fp": (_int(0), None), "adapt_modules": (_linears, ["o_proj"])},
    "scale_route": {**_SEED, **_EXPANSION, "router_tau": (_float(-1.0, 1.0), 0.5),
                    "router_training": (_choice("all_tokens", "soft"), "all_tokens"),
                    "router_temperature": (_float(0.0, _INF, low_open=True), 0.1),
                    "router_floor": (_float(0.0, 1.0), 0.5)},
}


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


@dataclass
class MethodSpec:
    method: str
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "MethodSpec":
        """{"method": name, "options": {...}} -> spec with defaults filled in; clear errors otherwise."""
        if not isinstance(d, dict):
            raise ValueError(f"method spec: expected an object with 'method' and 'options', got {type(d).__name__}")
        method = d.get("method")
        if method not in METHODS:
            raise ValueError(f"method: expected one of {list(METHODS)}, got {method!r}")
        raw = d.get("options")
        raw = {} if raw is None else raw
        if not isinstance(raw, dict):
            raise ValueError(f"options: expected an object, got {type(raw).__name__}")
        allowed = _OPTIONS[method]
        options: dict[str, Any] = {}
        for key, value in raw.items():
            name = _snake(key)
            if name not in allowed:
                raise ValueError(f"options.{key}: not an option of method {method!r}; "
                                 f"expected one of {sorted(allowed)}")
            validate, default = allowed[name]
            # None means "resolve from the base model" for the options whose default is None
            options[name] = None if value is None and default is None else validate(name, value)
        for name, (_, default) in allowed.items():
            options.setdefault(name, list(default) if isinstance(default, list) else default)
        if method == "llama_pro" and options["new_blocks"] is not None and options["interval"] is not None:
            raise ValueError("options.interval: give either new_blocks or interval for llama_pro, not both")
        if method in SCALE_METHODS and options["heads"] == 0 and (options["kv_heads"] or 0) > 0:
            raise ValueError(f"options.kv_heads: expected 0 when heads is 0, got {options['kv_heads']}")
        return cls(method=method, options=options)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "options": dict(self.options)}
