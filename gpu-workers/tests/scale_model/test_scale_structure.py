"""Shapes, head bookkeeping, initialisation and parameter accounting of the SCALE expansion."""
from __future__ import annotations

import pytest
import torch
from torch import Tensor

from graftwork_worker.scale.block_linear import BlockLinear
from graftwork_worker.scale.expand_attention import ExpandedAttention

from .helpers import VOCAB, base_and_method, randomise_new_parameters


def _expected_new_parameters(d: int, heads: int, kv: int, ffn: int, hd: int, layers: int,
                             new: dict[str, int]) -> int:
    d2, q2, kv2, f2 = new["hidden"], new["heads"] * hd, new["kv_heads"] * hd, new["ffn"]
    per_layer = ((q2 + 2 * kv2) * (d + d2)  # q, k, v: W21 and W22 rows of the new heads
                 + d2 * (heads * hd + q2)  # o: new output rows read old and new heads
                 + 2 * f2 * (d + d2)  # gate, up
                 + d2 * (ffn + f2)  # down
                 + 2 * d2)  # two norm weights g'
    return layers * per_layer + 2 * VOCAB * d2 + d2  # + E', W_lm12, final norm g'


@pytest.mark.parametrize("tied", [False, True])
def test_parameter_report_counts_every_group(tied: bool) -> None:
    sizes = {"hidden": 24, "heads": 2, "kv_heads": 1, "ffn": 40}
    base, model = base_and_method("scale_adapt", {**sizes, "l_fp": 3}, tie_word_embeddings=tied)
    report = model.parameter_report()
    base_total = sum(p.numel() for p in base.parameters())
    new = _expected_new_parameters(64, 4, 2, 160, 16, 4, sizes) + 64 * 2 * 16  # + W_o12 in the top layer
    assert report == {"total": base_total + new, "trainable": new, "frozen": base_total, "new": new,
                      "new_trainable": new}


def _o_proj_inputs(attention: ExpandedAttention, n_x: Tensor, n_u: Tensor) -> tuple[Tensor, Tensor]:
    seen: list[tuple[Tensor, Tensor]] = []
    handle = attention.o_proj.register_forward_pre_hook(lambda _, args: seen.append(args))
    t = n_x.shape[1]
    cos, sin = torch.ones(t, attention.head_dim), torch.zeros(t, attention.head_dim)
    with torch.no_grad():
        attention(n_x, n_u, cos, sin)
    handle.remove()
    return seen[0]


def test_new_query_heads_read_only_their_own_new_kv_heads() -> None:
    _, model = base_and_method("scale_preserve", {"hidden": 24, "heads": 4, "kv_heads": 2, "ffn": 8})
    randomise_new_parameters(model)
    attention = model.expanded.layers[0].self_attn
    n_x, n_u = torch.randn(1, 6, 64), torch.randn(1, 6, 24)
    old_before, new_before = _o_proj_inputs(attention, n_x, n_u)
    assert old_before.shape == (1, 6, 4 * 16) and new_before.shape == (1, 6, 4 * 16)
    with torch.no_grad():  # change the values of new KV head 1 only
        attention.v_proj.w21[16:32] += 1.0
    old_after, new_after = _o_proj_inputs(attention, n_x, n_u)
    assert torch.equal(old_after, old_before), "old heads must not read new KV heads"
    per_head_change = (new_after - new_before).abs().view(1, 6, 4, 16).amax(dim=(0, 1, 3))
    # group size 2: new query heads 2 and 3 read new KV head 1, heads 0 and 1 read new KV head 0
    assert per_head_change[:2].max() == 0 and bool((per_head_change[2:] > 0).all())


def test_old_heads_keep_the_base_gqa_mapping() -> None:
    base, model = base_and_method("scale_preserve", {"hidden": 8, "heads": 2, "kv_heads": 2, "ffn": 8})
    attention = model.expanded.layers[0].self_attn
    assert (attention.heads, attention.kv_heads, attention.head_dim) == (4, 2, 16)
    torch.testing.assert_close(attention.k_proj.weight, base.model.layers[0].self_attn.k_proj.weight, rtol=0, atol=0)
    assert attention.q_proj.w21.shape == (2 * 16, 64) and attention.k_proj.w22.shape == (2 * 16, 8)
    assert attention.o_proj.w21.shape == (8, 4 * 16) and attention.o_proj.w22.shape == (8, 2 * 16)


def test_svd_init_puts_new_units_on_principal_directions() -> None:
    _, model = base_and_method("scale_preserve", {"hidden": 8, "heads": 1, "kv_heads": 1, "ffn": 8,
                                                  "init": "svd", "init_scale": 0.5})
    block: BlockLinear = model.expanded.layers[1].mlp.up_proj
    _, singular, vh = torch.linalg.svd(block.weight.detach(), full_matrices=False)
    torch.testing.assert_close(block.w21, 0.5 * singular[:8].sqrt().unsqueeze(1) * vh[:8])
    assert 0 < block.w22.abs().max() < 0.2
    q = model.expanded.layers[0].self_attn.q_proj  # 16 new rows over a rank-64 W: all principal
    _, s_q, vh_q = torch.linalg.svd(q.weight.detach(), full_matrices=False)
    torch.testing.assert_close(q.w21, 0.5 * s_q[:16].sqrt().unsqueeze(1) * vh_q[:16])


def test_zero_init_and_seeded_random_init() -> None:
    _, zero = base_and_method("scale_preserve", {"init": "zero"})
    for module in zero.modules():
        if isinstance(module, BlockLinear):
            assert module.w21 is None or not module.w21.any()
            assert module.w22 is None or not module.w22.any()
    assert zero.expanded.new_embed_tokens.any(), "E' stays random so u is not dead"
    _, first = base_and_method("scale_preserve", {"init": "random", "seed": 3})
    _, second = base_and_method("scale_preserve", {"init": "random", "seed": 3})
    _, other = base_and_method("scale_preserve", {"init": "random", "seed": 4})
    w_first = first.expanded.layers[0].mlp.gate_proj.w21
    assert torch.equal(w_first, second.expanded.layers[0].mlp.gate_proj.w21)
    assert not torch.equal(w_first, other.expanded.layers[0].mlp.gate_proj.w21)


def test_defaults_resolve_from_the_base_and_preserve_has_no_w12() -> None:
    _, model = base_and_method("scale_preserve")
    assert {k: model.spec.options[k] for k in ("hidden", "heads", "kv_heads", "ffn")} == \
        {"hidden": 16, "heads": 1, "kv_heads": 1, "ffn": 40}
    assert not any(name.endswith("w12") for name, _ in model.named_parameters())


def test_expansion_sizes_are_checked() -> None:
    with pytest.raises(ValueError, match="options.kv_heads"):
        base_and_method("scale_preserve", {"heads": 3, "kv_heads": 2})
    with pytest.raises(ValueError, match="options.l_fp"):
        base_and_method("scale_adapt", {"l_fp": 9})
