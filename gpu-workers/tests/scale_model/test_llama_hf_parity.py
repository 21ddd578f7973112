"""Our Llama against Hugging Face transformers' implementation, loaded from its own checkpoints."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import transformers

from graftwork_worker.models.hf_checkpoint import load_hf_checkpoint, save_hf_checkpoint
from graftwork_worker.models.llama import LlamaConfig, LlamaForCausalLM

VOCAB = 101
LLAMA3_ROPE = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
               "original_max_position_embeddings": 16}
CONFIGS = {
    "gqa_untied": dict(num_attention_heads=4, num_key_value_heads=2),
    "mha_tied": dict(num_attention_heads=4, num_key_value_heads=4, tie_word_embeddings=True),
    "mqa_head_dim_override": dict(num_attention_heads=4, num_key_value_heads=1, head_dim=24),
    "gqa_tied_llama3_rope": dict(num_attention_heads=8, num_key_value_heads=2, tie_word_embeddings=True,
                                 rope_scaling=LLAMA3_ROPE, rope_theta=500000.0),
}


def _hf_model(overrides: dict) -> transformers.LlamaForCausalLM:
    config = transformers.LlamaConfig(vocab_size=VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                      max_position_embeddings=128, rms_norm_eps=1e-5, **overrides)
    torch.manual_seed(sum(map(ord, json.dumps(overrides, sort_keys=True))))
    model = transformers.LlamaForCausalLM(config).eval()
    with torch.no_grad():  # HF zero-inits nothing we rely on, but make the norms non-trivial too
        for name, param in model.named_parameters():
            if name.endswith("norm.weight"):
                param.uniform_(0.5, 1.5)
    return model


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_logits_match_transformers(name: str, tmp_path: Path) -> None:
    hf = _hf_model(CONFIGS[name])
    hf.save_pretrained(tmp_path)
    ours = load_hf_checkpoint(tmp_path).eval()
    ids = torch.randint(0, VOCAB, (2, 40), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected, got = hf(ids).logits, ours(ids)
    assert got.shape == (2, 40, VOCAB)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)
    assert (ours.lm_head is None) == bool(CONFIGS[name].get("tie_word_embeddings", False))


def test_sharded_checkpoint_loads(tmp_path: Path) -> None:
    hf = _hf_model(CONFIGS["gqa_untied"])
    hf.save_pretrained(tmp_path, max_shard_size="40KB")
    assert (tmp_path / "model.safetensors.index.json").exists()
    ours = load_hf_checkpoint(tmp_path)
    ids = torch.randint(0, VOCAB, (1, 17))
    with torch.no_grad():
        torch.testing.assert_close(ours(ids), hf(ids).logits, atol=1e-5, rtol=0)


@pytest.mark.parametrize("tied", [False, True])
def test_save_then_load_round_trips_and_transformers_reads_it(tied: bool, tmp_path: Path) -> None:
    model = LlamaForCausalLM(LlamaConfig.tiny(VOCAB, tie_word_embeddings=tied, head_dim=20)).eval()
    save_hf_checkpoint(model, tmp_path)
    again = load_hf_checkpoint(tmp_path)
    for (name, a), (name_b, b) in zip(model.state_dict().items(), again.state_dict().items()):
        assert name == name_b and torch.equal(a, b), name
    hf = transformers.LlamaForCausalLM.from_pretrained(tmp_path).eval()
    ids = torch.randint(0, VOCAB, (2, 9))
    with torch.no_grad():
        torch.testing.assert_close(hf(ids).logits, model(ids), atol=1e-5, rtol=0)


def test_config_errors_name_the_field() -> None:
    with pytest.raises(ValueError, match="num_key_value_heads"):
        LlamaConfig.tiny(VOCAB, num_attention_heads=4, num_key_value_heads=3)
    with pytest.raises(ValueError, match="model_type"):
        LlamaConfig.from_hf_dict({"model_type": "gpt2"})
    with pytest.raises(ValueError, match="attention_bias"):
        LlamaConfig.from_hf_dict({**LlamaConfig.tiny(VOCAB).to_hf_dict(), "attention_bias": True})
    with pytest.raises(ValueError, match="rope_type"):
        LlamaConfig.tiny(VOCAB, rope_scaling={"rope_type": "yarn", "factor": 2.0})
    assert LlamaConfig.from_hf_dict(LlamaConfig.tiny(VOCAB).to_hf_dict()) == LlamaConfig.tiny(VOCAB, head_dim=16)


def test_missing_weights_are_reported(tmp_path: Path) -> None:
    model = LlamaForCausalLM(LlamaConfig.tiny(VOCAB))
    save_hf_checkpoint(model, tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    config["num_hidden_layers"] += 1
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="missing"):
        load_hf_checkpoint(tmp_path)
