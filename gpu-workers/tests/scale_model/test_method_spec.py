"""MethodSpec.from_dict: defaults, camelCase keys, and errors that name the option."""
from __future__ import annotations

import pytest

from graftwork_worker.scale.methods import METHODS, MethodSpec


def test_defaults_are_filled_per_method() -> None:
    assert MethodSpec.from_dict({"method": "freeze"}).options == {"seed": 0, "freeze_layers": 3}
    adapt = MethodSpec.from_dict({"method": "scale_adapt"}).options
    assert adapt["adapt_modules"] == ["o_proj"] and adapt["init"] == "svd" and adapt["l_fp"] is None
    route = MethodSpec.from_dict({"method": "scale_route", "options": {"routerTau": 0.25}}).options
    assert route["router_tau"] == 0.25 and route["router_training"] == "all_tokens"
    camel = MethodSpec.from_dict({"method": "scale_adapt", "options": {"lFp": 3, "kvHeads": 2, "adaptModules": ["o_proj"]}})
    assert (camel.options["l_fp"], camel.options["kv_heads"]) == (3, 2)
    assert set(METHODS) == {"fft", "lora", "freeze", "llama_pro", "scale_preserve", "scale_adapt", "scale_route"}


@pytest.mark.parametrize("spec, message", [
    ({"method": "scale"}, "method: expected one of"),
    ({"method": "lora", "options": {"rank": 0}}, "options.rank: expected an integer >= 1"),
    ({"method": "lora", "options": {"targets": ["q_proj", "attn"]}}, "options.targets"),
    ({"method": "scale_preserve", "options": {"l_fp": 2}}, "options.l_fp: not an option of method 'scale_preserve'"),
    ({"method": "scale_route", "options": {"router_training": "hard"}}, "options.router_training"),
    ({"method": "scale_route", "options": {"router_tau": 2}}, "options.router_tau"),
    ({"method": "scale_adapt", "options": {"init": "orthogonal"}}, "options.init"),
    ({"method": "scale_adapt", "options": {"hidden": True}}, "options.hidden"),
    ({"method": "llama_pro", "options": {"new_blocks": 2, "interval": 4}}, "options.interval"),
    ({"method": "scale_preserve", "options": {"heads": 0, "kv_heads": 1}}, "options.kv_heads"),
    ({"method": "fft", "options": []}, "options: expected an object"),
])
def test_bad_specs_name_the_option(spec: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        MethodSpec.from_dict(spec)
