"""SCALE's principle: with W12 = 0 the original computation is untouched, before and after training."""
from __future__ import annotations

import pytest
import torch
from torch import Tensor, nn

from graftwork_worker.models.llama import rms_norm
from graftwork_worker.scale.split_norm import SplitRMSNorm

from .helpers import adamw_steps, base_and_method, randomise_new_parameters, token_batch

SIZES = {"hidden": 24, "heads": 2, "kv_heads": 1, "ffn": 40}


def _preservation_logits(model: nn.Module, ids: Tensor) -> Tensor:
    with torch.no_grad():
        return model(ids).extras["preservation_logits"]


@pytest.mark.parametrize("method", ["scale_preserve", "scale_route"])
@pytest.mark.parametrize("init", ["svd", "random"])
def test_preservation_logits_bit_identical_before_and_after_training(method: str, init: str) -> None:
    base, model = base_and_method(method, {**SIZES, "init": init})
    randomise_new_parameters(model)
    ids = token_batch()
    with torch.no_grad():
        reference = base(ids)
    assert torch.equal(_preservation_logits(model, ids), reference)
    new_before = model.expanded.new_embed_tokens.detach().clone()
    adamw_steps(model, steps=4)
    assert not torch.equal(model.expanded.new_embed_tokens, new_before), "training did not move new weights"
    assert torch.equal(_preservation_logits(model, ids), reference)
    # the adaptation head did change: the comparison above is not vacuous
    assert not torch.allclose(model(ids).extras["adaptation_logits"], reference)


def test_preservation_is_exact_under_bf16_autocast_too() -> None:
    base, model = base_and_method("scale_preserve", SIZES)
    randomise_new_parameters(model)
    ids = token_batch()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        adamw_steps(model, steps=2)
        with torch.no_grad():
            reference = base(ids)
        got = _preservation_logits(model, ids)
    assert got.dtype == torch.bfloat16 and torch.equal(got, reference)


@pytest.mark.parametrize("modules", [["o_proj", "down_proj"], ["q_proj", "gate_proj", "v_proj"]])
def test_adapt_keeps_layers_below_l_fp_exact_and_changes_the_ones_above(modules: list[str]) -> None:
    base, model = base_and_method("scale_adapt", {**SIZES, "l_fp": 2, "adapt_modules": modules})
    randomise_new_parameters(model)
    adamw_steps(model, steps=3)
    ids = token_batch()
    with torch.no_grad():
        reference = base.hidden_states(ids)
        expanded = [x for x, _ in model.hidden_states(ids)]
    assert len(reference) == len(expanded) == 4
    for layer in (0, 1):
        assert torch.equal(expanded[layer], reference[layer]), f"layer {layer} below l_fp drifted"
    for layer in (2, 3):
        assert not torch.allclose(expanded[layer], reference[layer]), f"layer {layer} W12 had no effect"
    w12_layers = model.export_details()["w12_by_layer"]
    assert w12_layers == [[], [], sorted(modules), sorted(modules)]


class JointRMSNorm(nn.Module):
    """The trap: one RMSNorm over [x; u]; x is divided by a statistic that depends on u."""

    def __init__(self, split: SplitRMSNorm):
        super().__init__()
        self.weight = torch.cat((split.weight, split.new_weight)).detach()
        self.eps, self.old = split.eps, split.weight.shape[0]

    def forward(self, x: Tensor, u: Tensor) -> tuple[Tensor, Tensor]:
        joint = rms_norm(torch.cat((x, u), dim=-1), self.weight, self.eps)
        return joint[..., :self.old], joint[..., self.old:]


def _swap_norms(module: nn.Module) -> None:
    for name, child in module.named_children():
        if isinstance(child, SplitRMSNorm):
            setattr(module, name, JointRMSNorm(child))
        else:
            _swap_norms(child)


def test_a_single_rmsnorm_over_x_and_u_breaks_preservation() -> None:
    base, model = base_and_method("scale_preserve", SIZES)
    randomise_new_parameters(model)
    ids = token_batch()
    with torch.no_grad():
        reference = base(ids)
    assert torch.equal(_preservation_logits(model, ids), reference)
    _swap_norms(model)
    error = (_preservation_logits(model, ids) - reference).abs().max().item()
    assert error > 1e-2, f"a joint norm should break preservation, max error {error}"


def test_x_stats_norm_also_preserves() -> None:
    base, model = base_and_method("scale_preserve", {**SIZES, "norm": "x_stats"})
    randomise_new_parameters(model)
    adamw_steps(model, steps=2)
    ids = token_batch()
    with torch.no_grad():
        assert torch.equal(_preservation_logits(model, ids), base(ids))


@pytest.mark.parametrize("tied", [False, True])
def test_frozen_tensors_get_no_grad_and_no_optimiser_state(tied: bool) -> None:
    _, model = base_and_method("scale_adapt", {**SIZES, "l_fp": 1}, tie_word_embeddings=tied)
    randomise_new_parameters(model)
    optimiser = adamw_steps(model, steps=2)
    trainable = {id(p) for group in optimiser.param_groups for p in group["params"]}
    for name, param in model.named_parameters():
        if model.is_new_parameter(name):
            assert param.requires_grad and param.grad is not None and id(param) in trainable, name
            assert param in optimiser.state, name
        else:
            assert not param.requires_grad and param.grad is None, name
            assert id(param) not in trainable and param not in optimiser.state, name


def test_preserve_builds_no_backward_through_the_frozen_stream() -> None:
    _, model = base_and_method("scale_preserve", SIZES)
    ids = token_batch()
    z_p, delta = model.expanded(ids)
    assert not z_p.requires_grad, "the x-stream must not depend on any trainable parameter"
    assert delta.requires_grad


def test_at_init_only_the_new_lm_head_block_gets_gradient() -> None:
    _, model = base_and_method("scale_preserve", SIZES)
    ids = token_batch()
    model.training_loss(ids, ids).backward()
    for name, param in model.named_parameters():
        if param.requires_grad:
            nonzero = param.grad is not None and bool(param.grad.abs().sum() > 0)
            assert nonzero == (name == "expanded.new_lm_head"), name
