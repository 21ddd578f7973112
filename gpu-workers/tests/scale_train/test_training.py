import pytest
import torch

from graftwork_worker.data.packing import BatchPool
from fakes import FakeJobContext
from graftwork_worker.scale.training import TrainConfig, Trainer
from graftwork_worker.worker.job_context import JobCancelled, NonFiniteLoss

from .tiny_lm import TinyLM


def _pool() -> BatchPool:
    ids = torch.randint(0, 16, (24, 6), generator=torch.Generator().manual_seed(0))
    return BatchPool(ids, ids.clone())


CFG = TrainConfig(steps=8, batch_size=4, lr=0.05, new_lr=0.1, warmup_steps=2, grad_accum=2,
                  max_grad_norm=1.0, seed=3, eval_every=2, checkpoint_every=4, metrics_every=3)


def _eval(model: TinyLM):
    pool = _pool()
    return lambda step: {"mean_logit": float(model(pool.ids).eval_logits.mean())}


def test_training_lowers_the_loss_and_logs_metrics(tmp_path):
    model, ctx = TinyLM(), FakeJobContext({}, tmp_path)
    trainer = Trainer(model, _pool(), TrainConfig(steps=30, batch_size=8, lr=0.05), ctx, phase="p")
    with torch.no_grad():
        first = float(model.training_loss(_pool().ids, _pool().labels))
    result = trainer.run()
    assert result.final_loss < first
    losses = [p for p in ctx.metrics if p.key == "train/loss"]
    assert [p.step for p in losses] == list(range(1, 31))
    assert all(p.context == {"phase": "p"} for p in losses)
    assert ctx.progress_updates[-1][0] == pytest.approx(1.0)


def test_new_parameters_get_their_own_learning_rate(tmp_path):
    model, ctx = TinyLM(), FakeJobContext({}, tmp_path)
    trainer = Trainer(model, _pool(), CFG, ctx, phase="p")
    assert [g["lr"] for g in trainer.optimizer.param_groups] == pytest.approx([0.025, 0.05])


def test_resumed_run_continues_identically(tmp_path):
    straight = TinyLM()
    straight_ctx = FakeJobContext({}, tmp_path)
    straight_result = Trainer(straight, _pool(), CFG, straight_ctx, phase="p", eval_fn=_eval(straight)).run()

    # First attempt: cancelled during step 6, after the step-4 checkpoint.
    first = TinyLM()
    first_ctx = FakeJobContext({}, tmp_path, cancel_after_checks=6)
    with pytest.raises(JobCancelled):
        Trainer(first, _pool(), CFG, first_ctx, phase="p", eval_fn=_eval(first)).run()
    checkpoint = first_ctx.load_checkpoint()
    assert checkpoint is not None and checkpoint[1] == 4

    # Second attempt: a fresh model (as a new process would build) resumes from it.
    resumed = TinyLM()
    torch.manual_seed(12345)  # the new process's RNG differs; the checkpoint must restore it
    resumed_ctx = FakeJobContext({}, tmp_path)
    resumed_ctx.checkpoints = list(first_ctx.checkpoints)
    result = Trainer(resumed, _pool(), CFG, resumed_ctx, phase="p", eval_fn=_eval(resumed)).run()

    assert result.resumed_from == 4
    for (name, a), b in zip(straight.named_parameters(), resumed.parameters()):
        assert torch.equal(a, b), name
    assert result.curve == straight_result.curve
    assert result.final_loss == straight_result.final_loss


def test_checkpoint_of_another_phase_is_not_resumed(tmp_path):
    ctx = FakeJobContext({}, tmp_path)
    Trainer(TinyLM(), _pool(), CFG, ctx, phase="pretrain").run()
    assert ctx.load_checkpoint() is not None
    result = Trainer(TinyLM(), _pool(), CFG, ctx, phase="continual").run()
    assert result.resumed_from is None


def test_cancellation_raises_within_one_step(tmp_path):
    model = TinyLM()
    before = [p.detach().clone() for p in model.parameters()]
    ctx = FakeJobContext({}, tmp_path, cancel_after_checks=1)
    with pytest.raises(JobCancelled):
        Trainer(model, _pool(), CFG, ctx, phase="p").run()
    assert ctx.checks == 1
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))  # no step was taken

    ctx = FakeJobContext({}, tmp_path, cancel_after_checks=4)
    with pytest.raises(JobCancelled):
        Trainer(TinyLM(), _pool(), CFG, ctx, phase="p").run()
    steps = [p.step for p in ctx.metrics if p.key == "train/loss"]
    assert max(steps) == 3  # three steps done, the fourth check stopped it


def test_non_finite_loss_fails_with_its_reason(tmp_path):
    model = TinyLM()
    model.blow_up = True
    ctx = FakeJobContext({}, tmp_path)
    with pytest.raises(NonFiniteLoss, match="step 0") as info:
        Trainer(model, _pool(), CFG, ctx, phase="p").run()
    assert info.value.step == 0
    reported = [p for p in ctx.metrics if p.key == "train/loss"]
    assert len(reported) == 1 and reported[0].value != reported[0].value  # NaN reached the metrics
