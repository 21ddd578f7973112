"""TornadoAggregate's grid (arXiv:2012.03214) and its named points.

One algorithm, three axes: how groups' results are combined (global topology), how a
group trains (group topology), and how groups are formed (grouping). The paper's two
proposals and the baselines it compares with are points of this grid.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Mapping

from ..grouping.label_grouping import GroupingMethod


class GlobalTopology(str, Enum):
    STAR = "star"  # every group starts from the global model; outputs averaged by data size
    RING = "ring"  # C chain models travel from group to group; output = the chains' average
    PLURAL = "plural"  # one model per group, never averaged (personalised)


class GroupTopology(str, Enum):
    STARS = "stars"  # members train from the group model, weighted average, per group round
    RINGS = "rings"  # C chains pass a model member to member; output = the chains' average


@dataclass(frozen=True)
class TornadoConfig:
    global_topology: GlobalTopology = GlobalTopology.RING
    group_topology: GroupTopology = GroupTopology.STARS
    grouping: GroupingMethod = GroupingMethod.IID
    group_num: int = 2
    chain_num: int = 2
    group_rounds: int = 1  # group rounds (star averages or ring steps) per global round

    def __post_init__(self) -> None:
        if self.group_num < 1:
            raise ValueError(f"options.groupNum: expected an integer >= 1, got {self.group_num}")
        if self.chain_num < 1:
            raise ValueError(f"options.chainNum: expected an integer >= 1, got {self.chain_num}")
        if self.group_rounds < 1:
            raise ValueError(f"options.groupRounds: expected an integer >= 1, got {self.group_rounds}")

    @property
    def ring_global(self) -> bool:
        return self.global_topology is GlobalTopology.RING

    @property
    def ring_groups(self) -> bool:
        return self.group_topology is GroupTopology.RINGS


STAR, RING, PLURAL = GlobalTopology.STAR, GlobalTopology.RING, GlobalTopology.PLURAL
STARS, RINGS = GroupTopology.STARS, GroupTopology.RINGS
RANDOM, IID, CLUSTER = GroupingMethod.RANDOM, GroupingMethod.IID, GroupingMethod.CLUSTER

# name -> grid point. group_num/chain_num are the paper's defaults where it gives them.
PRESETS: dict[str, TornadoConfig] = {
    "tornado": TornadoConfig(RING, STARS, IID, group_num=2, chain_num=2),
    "tornadoes": TornadoConfig(STAR, RINGS, CLUSTER, group_num=10, chain_num=10),
    "fedavg": TornadoConfig(STAR, STARS, RANDOM, group_num=1, chain_num=1),
    "hierfavg": TornadoConfig(STAR, STARS, RANDOM, group_num=10, chain_num=1),
    "ifca": TornadoConfig(PLURAL, STARS, CLUSTER, group_num=10, chain_num=1),
    "semi_cyclic_sgd": TornadoConfig(PLURAL, RINGS, RANDOM, group_num=10, chain_num=1),
    "astraea": TornadoConfig(STAR, RINGS, IID, group_num=10, chain_num=1),
    "mm_psgd": TornadoConfig(RING, STARS, CLUSTER, group_num=10, chain_num=1),
    "ring": TornadoConfig(STAR, RINGS, RANDOM, group_num=1, chain_num=1),
}

_OPTION_FIELDS = {"globalTopology": "global_topology", "groupTopology": "group_topology", "grouping": "grouping",
                  "groupNum": "group_num", "chainNum": "chain_num", "groupRounds": "group_rounds"}


def tornado_config(options: Mapping[str, Any], default_preset: str = "tornado") -> TornadoConfig:
    """A preset (options.preset, else `default_preset`) with any grid option overridden."""
    unknown = set(options) - set(_OPTION_FIELDS) - {"preset"}
    if unknown:
        raise ValueError(f"options: unknown TornadoAggregate option(s) {sorted(unknown)}; "
                         f"expected some of {['preset', *_OPTION_FIELDS]}")
    preset = str(options.get("preset", default_preset))
    if preset not in PRESETS:
        raise ValueError(f"options.preset: expected one of {sorted(PRESETS)}, got {preset!r}")
    changes: dict[str, Any] = {}
    enums = {"global_topology": GlobalTopology, "group_topology": GroupTopology, "grouping": GroupingMethod}
    for key, field_name in _OPTION_FIELDS.items():
        if key not in options:
            continue
        value = options[key]
        if field_name in enums:
            try:
                value = enums[field_name](value)
            except ValueError:
                allowed = [e.value for e in enums[field_name]]
                raise ValueError(f"options.{key}: expected one of {allowed}, got {value!r}") from None
        elif not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"options.{key}: expected an integer, got {value!r}")
        changes[field_name] = value
    return replace(PRESETS[preset], **changes)
