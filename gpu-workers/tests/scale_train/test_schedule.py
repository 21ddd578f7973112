import pytest
import torch

from graftwork_worker.scale.schedule import lr_factor, warmup_cosine


def test_warmup_rises_to_peak_then_cosine_falls_to_floor():
    factors = [lr_factor(s, warmup_steps=4, total_steps=20, min_ratio=0.1) for s in range(20)]
    assert factors[:4] == [0.25, 0.5, 0.75, 1.0]
    assert factors[4] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(factors[4:], factors[5:]))
    assert factors[-1] == pytest.approx(0.1)
    assert factors[12] == pytest.approx(0.1 + 0.9 * 0.5 * (1 + torch.cos(torch.tensor(torch.pi * 8 / 15)).item()))


def test_scheduler_scales_each_group_by_its_own_peak():
    params = [torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))]
    opt = torch.optim.AdamW([{"params": [params[0]], "lr": 1e-3}, {"params": [params[1]], "lr": 1e-2}])
    sched = warmup_cosine(opt, warmup_steps=2, total_steps=10)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([5e-4, 5e-3])
    opt.step()
    sched.step()
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([1e-3, 1e-2])


def test_bad_schedule_arguments_name_the_field():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match="warmup_steps"):
        warmup_cosine(opt, warmup_steps=11, total_steps=10)
