"""export() -> safetensors + config -> load_method_model() gives back the same model, every method."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from graftwork_worker.export.method_checkpoint import load_method_checkpoint, save_method_checkpoint
from graftwork_worker.scale.methods import METHODS, load_method_model

from .helpers import adamw_steps, base_and_method, token_batch

OPTIONS = {"scale_adapt": {"hidden": 16, "l_fp": 2}, "scale_route": {"hidden": 16, "router_training": "soft"},
           "llama_pro": {"new_blocks": 2}, "lora": {"rank": 2}}


@pytest.mark.parametrize("method", METHODS)
def test_saved_model_reloads_identically(method: str, tmp_path: Path) -> None:
    _, model = base_and_method(method, OPTIONS.get(method), tie_word_embeddings=method in ("fft", "scale_route"))
    adamw_steps(model, steps=1)
    save_method_checkpoint(model, tmp_path)
    again = load_method_checkpoint(tmp_path)
    assert {t.device.type for t in [*again.parameters(), *again.buffers()]} == {"cpu"}
    ids = token_batch()
    with torch.no_grad():
        expected, got = model(ids), again(ids)
    assert torch.equal(got.logits, expected.logits) and torch.equal(got.eval_logits, expected.eval_logits)
    assert again.parameter_report() == model.parameter_report()
    assert again.spec == model.spec
    flags = {n: p.requires_grad for n, p in model.named_parameters()}
    assert {n: p.requires_grad for n, p in again.named_parameters()} == flags


def test_export_config_records_the_expansion() -> None:
    _, model = base_and_method("scale_adapt", {"hidden": 16, "heads": 2, "kv_heads": 1, "ffn": 8, "l_fp": 3})
    state, config = model.export()
    assert config["method"] == "scale_adapt" and config["options"]["l_fp"] == 3
    assert config["details"]["expansion"] == {"hidden": 16, "heads": 2, "kv_heads": 1, "ffn": 8}
    assert config["details"]["expanded_hidden_size"] == 64 + 16
    assert config["base_config"]["num_hidden_layers"] == 4
    assert state["expanded.new_lm_head"].shape == (61, 16)
    assert not state["expanded.new_lm_head"].any()


def test_load_rejects_a_foreign_config() -> None:
    _, model = base_and_method("fft")
    state, config = model.export()
    with pytest.raises(ValueError, match="format"):
        load_method_model(state, {**config, "format": "something-else"})
    with pytest.raises(ValueError, match="missing"):
        load_method_model({k: v for k, v in state.items() if "layers.0." not in k}, config)
