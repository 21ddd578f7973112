"""On CUDA with bf16 autocast (the production setting): preservation stays exact while training."""
from __future__ import annotations

import copy

import pytest
import torch

from graftwork_worker.scale.methods import MethodSpec, build_method_model

from .helpers import randomise_new_parameters, tiny_base, token_batch

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")]


@pytest.mark.parametrize("method", ["scale_preserve", "scale_route"])
def test_preservation_logits_bit_identical_on_cuda_bf16(method: str) -> None:
    base = tiny_base().cuda().eval()
    spec = MethodSpec.from_dict({"method": method, "options": {"hidden": 32, "heads": 2, "kv_heads": 1}})
    model = build_method_model(copy.deepcopy(base), spec)
    randomise_new_parameters(model)
    optimiser = torch.optim.AdamW(model.param_groups(lr=1e-2, new_lr=1e-2, weight_decay=0.0), fused=True)
    ids = token_batch(batch=4, seq=64).cuda()
    for _ in range(3):
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = model.training_loss(ids, ids)
        loss.backward()
        optimiser.step()
        optimiser.zero_grad(set_to_none=True)
    with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
        reference = base(ids)
        preserved = model(ids).extras["preservation_logits"]
    assert torch.equal(preserved, reference)
