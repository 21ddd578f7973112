"""The `federated` job spec (contracts/jobs/federated.schema.json) -> FederatedConfig.

The service validates the spec against the schema first; this re-checks what the engine
relies on so a bad value fails with the field's path and what was expected, never deep in
training.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Mapping

from .config import DataSettings, FederatedConfig, ModelSettings, PartitionSettings
from .datasets import BUILTINS
from .network import NetworkSettings

Check = Callable[[Any], bool]
# json name -> (attribute, kind, check, expectation); kind: int | float | bool | str | range
Field = tuple[str, str, Check, str]


def _at_least(low: float) -> Check:
    return lambda v: v >= low


def _above(low: float) -> Check:
    return lambda v: v > low


_pos, _nonneg, _any = _above(0), _at_least(0), (lambda v: True)
_frac: Check = lambda v: 0 <= v < 1  # noqa: E731


TOP: dict[str, Field] = {
    "numClients": ("num_clients", "int", _pos, ">= 1"),
    "clientsPerRound": ("clients_per_round", "int", _pos, ">= 1"),
    "rounds": ("rounds", "int", _pos, ">= 1"),
    "localEpochs": ("local_epochs", "int", _pos, ">= 1"),
    "batchSize": ("batch_size", "int", _pos, ">= 1"),
    "lr": ("lr", "float", _pos, "> 0"),
    "lrDecay": ("lr_decay", "float", lambda v: 0 < v <= 1, "in (0, 1]"),
    "seed": ("seed", "int", _nonneg, ">= 0"),
    "dataSeed": ("data_seed", "int", _nonneg, ">= 0"),
    "evalEvery": ("eval_every", "int", _pos, ">= 1"),
    "checkpointEvery": ("checkpoint_every", "int", _nonneg, ">= 0"),
    "chunkSize": ("chunk_size", "int", _pos, ">= 1"),
    "clientMetrics": ("client_metrics", "bool", _any, "true or false"),
}
DATASET: dict[str, Field] = {
    "labelColumn": ("label_column", "str", lambda v: len(v) > 0, "a non-empty column name"),
    "testFraction": ("test_fraction", "float", lambda v: 0 < v < 1, "in (0, 1)"),
    "proxyFraction": ("proxy_fraction", "float", _frac, "in [0, 1)"),
    "maxSamples": ("max_samples", "int", _pos, ">= 1"),
    "syntheticAlpha": ("synthetic_alpha", "float", _nonneg, ">= 0"),
    "syntheticBeta": ("synthetic_beta", "float", _nonneg, ">= 0"),
    "syntheticFeatures": ("synthetic_features", "int", _pos, ">= 1"),
    "syntheticClasses": ("synthetic_classes", "int", _at_least(2), ">= 2"),
    "syntheticSamples": ("synthetic_samples", "int", _pos, ">= 1"),
}
PARTITION: dict[str, Field] = {
    "kind": ("kind", "str", lambda v: v in ("iid", "dirichlet", "shards", "power_law", "location_skew", "given"),
             "one of iid, dirichlet, shards, power_law, location_skew, given"),
    "alpha": ("alpha", "float", _pos, "> 0"),
    "classesPerClient": ("classes_per_client", "int", _pos, ">= 1"),
    "powerLawExponent": ("power_law_exponent", "float", _pos, "> 0"),
    "meanClassesPerNode": ("mean_classes_per_node", "float", _at_least(1), ">= 1"),
    "meanClassesPerLocation": ("mean_classes_per_location", "float", _at_least(1), ">= 1"),
    "minSamples": ("min_samples", "int", _pos, ">= 1"),
}
MODEL: dict[str, Field] = {
    "name": ("name", "str", lambda v: v in ("softmax", "mlp", "cnn"), "one of softmax, mlp, cnn"),
    "hidden": ("hidden", "int", _pos, ">= 1"),
    "cnnChannels": ("cnn_channels", "int", lambda v: v >= 4 and v % 4 == 0, "a multiple of 4 >= 4"),
    "groupNorm": ("group_norm", "bool", _any, "true or false"),
}
NETWORK: dict[str, Field] = {
    "topology": ("topology", "str", lambda v: v in ("fat_tree", "random", "star"), "one of fat_tree, random, star"),
    "pods": ("pods", "int", _pos, ">= 1"),
    "switches": ("switches", "int", _at_least(2), ">= 2"),
    "degree": ("degree", "int", _pos, ">= 1"),
    "placement": ("placement", "str", lambda v: v in ("block", "random"), "block or random"),
    "bandwidthMBps": ("bandwidth_mbps", "range", lambda v: 0 < v[0] <= v[1], "[low, high] with 0 < low <= high"),
    "delayMs": ("delay_ms", "float", _nonneg, ">= 0"),
    "clientGflops": ("client_gflops", "range", lambda v: 0 < v[0] <= v[1], "[low, high] with 0 < low <= high"),
    "inNetworkCombining": ("in_network_combining", "bool", _any, "true or false"),
}


class SpecError(ValueError):
    """A spec value the engine cannot use; the message starts with the field's path."""


def parse_spec(raw: Mapping[str, Any]) -> FederatedConfig:
    if not isinstance(raw, Mapping):
        raise SpecError(f"spec: expected an object, got {type(raw).__name__}")
    sections = {"dataset": DATASET, "partition": PARTITION, "model": MODEL, "network": NETWORK}
    known = set(TOP) | set(sections) | {"algorithm", "options", "builtin", "datasetVersionId"}
    _no_unknown("spec", raw, known)
    top = _values("spec", raw, TOP)
    data_seed = top.pop("data_seed", None)
    config = replace(FederatedConfig(), **top, data_seed=data_seed)
    config.algorithm = _string("spec.algorithm", raw.get("algorithm", "fedavg"))
    options = raw.get("options", {})
    if not isinstance(options, Mapping):
        raise SpecError("spec.options: expected an object of the algorithm's options")
    config.options = dict(options)
    config.data = replace(DataSettings(), **_section(raw, "dataset", DATASET), **_data_source(raw))
    config.partition = replace(PartitionSettings(), **_section(raw, "partition", PARTITION))
    config.model = replace(ModelSettings(), **_section(raw, "model", MODEL))
    config.network = replace(NetworkSettings(), **_section(raw, "network", NETWORK))
    if config.clients_per_round > config.num_clients:
        raise SpecError(f"spec.clientsPerRound: expected at most numClients ({config.num_clients}), "
                        f"got {config.clients_per_round}")
    if config.data.test_fraction + config.data.proxy_fraction >= 1:
        raise SpecError("spec.dataset.proxyFraction: testFraction + proxyFraction must be below 1")
    return config


def _data_source(raw: Mapping[str, Any]) -> dict[str, Any]:
    version, builtin = raw.get("datasetVersionId"), raw.get("builtin")
    if version is not None and builtin is not None:
        raise SpecError("spec.datasetVersionId: give either datasetVersionId or builtin, not both")
    if version is not None:
        return {"dataset_version_id": _string("spec.datasetVersionId", version), "builtin": None}
    builtin = builtin if builtin is not None else "digits"
    if builtin not in BUILTINS:
        raise SpecError(f"spec.builtin: expected one of {', '.join(BUILTINS)}, got {builtin!r}")
    return {"builtin": builtin, "dataset_version_id": None}


def _section(raw: Mapping[str, Any], name: str, table: dict[str, Field]) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, Mapping):
        raise SpecError(f"spec.{name}: expected an object")
    _no_unknown(f"spec.{name}", value, set(table))
    return _values(f"spec.{name}", value, table)


def _values(path: str, raw: Mapping[str, Any], table: dict[str, Field]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (attr, kind, check, expected) in table.items():
        if key not in raw or raw[key] is None:
            continue
        value = _typed(f"{path}.{key}", raw[key], kind, expected)
        if not check(value):
            raise SpecError(f"{path}.{key}: expected {expected}, got {raw[key]!r}")
        out[attr] = value
    return out


def _typed(path: str, value: Any, kind: str, expected: str) -> Any:
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int" and is_number and float(value).is_integer():
        return int(value)
    if kind == "float" and is_number:
        return float(value)
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "range":
        if is_number:
            return (float(value), float(value))
        if isinstance(value, (list, tuple)) and len(value) == 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return (float(value[0]), float(value[1]))
    wanted = {"int": "an integer", "float": "a number", "bool": "a boolean", "str": "a string",
              "range": "a number or [low, high]"}[kind]
    raise SpecError(f"{path}: expected {wanted} ({expected}), got {value!r}")


def _string(path: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise SpecError(f"{path}: expected a non-empty string, got {value!r}")
    return value


def _no_unknown(path: str, raw: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SpecError(f"{path}.{unknown[0]}: unknown field (expected one of {', '.join(sorted(known))})")
