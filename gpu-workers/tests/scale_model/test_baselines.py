"""FFT, Freeze, LoRA and LLaMA Pro in the MethodModel interface."""
from __future__ import annotations

import torch

from graftwork_worker.scale.baselines.llama_pro import insertion_points
from graftwork_worker.scale.method_model import next_token_loss

from .helpers import adamw_steps, base_and_method, token_batch


def _logits(model: torch.nn.Module, ids: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        out = model(ids)
    return out if isinstance(out, torch.Tensor) else out.eval_logits


def test_fft_trains_everything() -> None:
    base, model = base_and_method("fft")
    report = model.parameter_report()
    assert report["trainable"] == report["total"] == sum(p.numel() for p in base.parameters())
    adamw_steps(model, steps=1)
    assert not torch.equal(model.model.model.layers[0].self_attn.q_proj.weight,
                           base.model.layers[0].self_attn.q_proj.weight)


def test_freeze_keeps_embeddings_and_bottom_layers() -> None:
    base, model = base_and_method("freeze", {"freeze_layers": 3})
    adamw_steps(model, steps=2)
    inner = model.model.model
    assert torch.equal(inner.embed_tokens.weight, base.model.embed_tokens.weight)
    for i in range(3):
        for (name, p), q in zip(inner.layers[i].named_parameters(), base.model.layers[i].parameters()):
            assert not p.requires_grad and torch.equal(p, q), f"layer {i} {name}"
    assert not torch.equal(inner.layers[3].mlp.up_proj.weight, base.model.layers[3].mlp.up_proj.weight)
    assert model.model.lm_head.weight.requires_grad  # untied: the output layer still trains


def test_lora_starts_as_the_base_and_trains_only_its_factors() -> None:
    base, model = base_and_method("lora", {"rank": 4, "alpha": 8, "targets": ["q_proj", "v_proj", "down_proj"]})
    ids = token_batch()
    assert torch.equal(_logits(model, ids), _logits(base, ids))
    report = model.parameter_report()
    per_layer = 4 * (64 + 64) + 4 * (64 + 32) + 4 * (160 + 64)  # A: r x in, B: out x r
    assert report["new"] == report["trainable"] == 4 * per_layer
    adamw_steps(model, steps=2)
    assert not torch.allclose(_logits(model, ids), _logits(base, ids))
    layer = model.model.model.layers[0]
    assert torch.equal(layer.self_attn.q_proj.weight, base.model.layers[0].self_attn.q_proj.weight)
    assert not hasattr(layer.self_attn.k_proj, "lora_a"), "k_proj was not a target"
    merged = layer.self_attn.q_proj.merged_weight()
    x = torch.randn(3, 64)
    torch.testing.assert_close(layer.self_attn.q_proj(x), x @ merged.T)


def test_llama_pro_is_the_identity_at_start_and_only_new_blocks_train() -> None:
    base, model = base_and_method("llama_pro", {"interval": 2})
    ids = token_batch()
    assert model.new_block_indices == [2, 5]
    assert torch.equal(_logits(model, ids), _logits(base, ids))
    adamw_steps(model, steps=2)
    assert not torch.allclose(_logits(model, ids), _logits(base, ids))
    layers = model.model.model.layers
    for new, old in ((0, 0), (1, 1), (3, 2), (4, 3)):
        for p, q in zip(layers[new].parameters(), base.model.layers[old].parameters()):
            assert not p.requires_grad and torch.equal(p, q)
    assert all(p.requires_grad for p in layers[2].parameters())
    assert model.parameter_report()["new"] == 2 * sum(p.numel() for p in base.model.layers[0].parameters())


def test_llama_pro_insertion_points() -> None:
    assert insertion_points(16, new_blocks=4, interval=None) == [3, 7, 11, 15]
    assert insertion_points(6, new_blocks=4, interval=None) == [1, 2, 4, 5]
    assert insertion_points(6, new_blocks=None, interval=3) == [2, 5]


def test_loss_shifts_labels_and_ignores_minus_100() -> None:
    logits = torch.randn(2, 5, 7)
    labels = torch.randint(0, 7, (2, 5))
    labels[0, 3] = -100
    keep = labels[:, 1:] != -100
    expected = torch.nn.functional.cross_entropy(logits[:, :-1][keep], labels[:, 1:][keep])
    torch.testing.assert_close(next_token_loss(logits, labels), expected)
