"""SCALE-Route: the hard router at evaluation, and training that never starves the adaptation head."""
from __future__ import annotations

import pytest
import torch

from graftwork_worker.scale.method_model import next_token_loss
from graftwork_worker.scale.router import hard_route, soft_route

from .helpers import adamw_steps, base_and_method, randomise_new_parameters, token_batch


def test_hard_route_picks_per_token_by_cosine() -> None:
    z_p = torch.tensor([[[1.0, 0.0], [1.0, 0.0]]])
    delta = torch.tensor([[[0.1, 0.0], [-1.0, 1.0]]])  # token 0: same direction; token 1: orthogonal
    routed, mask = hard_route(z_p, delta, tau=0.5)
    assert mask.tolist() == [[False, True]]
    assert torch.equal(routed[0, 0], z_p[0, 0]) and torch.equal(routed[0, 1], (z_p + delta)[0, 1])


def test_soft_route_keeps_a_floor_on_the_adaptation_head() -> None:
    z_p, delta = torch.randn(1, 3, 5), torch.zeros(1, 3, 5, requires_grad=True)
    soft_route(z_p, delta, tau=0.5, temperature=0.1, floor=0.5).sum().backward()
    assert torch.allclose(delta.grad, torch.full_like(delta, 0.5))  # cos = 1: only the floor remains


def test_route_at_init_sends_every_token_to_the_preservation_head() -> None:
    base, model = base_and_method("scale_route", {"hidden": 16})
    ids = token_batch()
    with torch.no_grad():
        out = model(ids)
        assert not out.extras["route_mask"].any()
        assert torch.equal(out.eval_logits, base(ids))


def test_all_tokens_and_soft_training_both_teach_the_adaptation_head() -> None:
    for training in ("all_tokens", "soft"):
        _, model = base_and_method("scale_route", {"hidden": 16, "router_training": training})
        adamw_steps(model, steps=2)
        assert model.expanded.new_lm_head.abs().max() > 0, training


def test_routed_eval_uses_the_adaptation_head_where_heads_disagree() -> None:
    _, model = base_and_method("scale_route", {"hidden": 16, "router_tau": 1.0})
    with torch.no_grad():
        model.expanded.new_lm_head.normal_(std=1.0)
        out = model(token_batch())
    mask = out.extras["route_mask"]
    assert mask.all()  # tau = 1 and heads differ: every token takes z_A
    assert torch.equal(out.eval_logits, out.extras["adaptation_logits"])


@pytest.mark.parametrize("method, options", [
    ("scale_preserve", {}), ("scale_adapt", {"l_fp": 1}), ("scale_route", {}),
    ("scale_route", {"router_training": "soft"})])
def test_training_loss_is_the_loss_of_the_training_logits(method: str, options: dict) -> None:
    _, model = base_and_method(method, {"hidden": 16, **options})
    randomise_new_parameters(model)
    ids = token_batch()
    loss = model.training_loss(ids, ids)
    loss.backward()
    grad = model.expanded.new_lm_head.grad.clone()
    model.zero_grad()
    reference = next_token_loss(model(ids).logits, ids)
    reference.backward()
    torch.testing.assert_close(loss, reference, rtol=0, atol=0)
    torch.testing.assert_close(grad, model.expanded.new_lm_head.grad, rtol=0, atol=0)
