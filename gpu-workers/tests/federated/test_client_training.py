"""The vectorised trainer against the per-client reference loop, and its determinism."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from graftwork_worker.federated.batch_plan import make_batch_plan
from graftwork_worker.federated.client_data import build_client_data
from graftwork_worker.federated.client_training import ClientTrainer, stack, unstack, weighted_average
from graftwork_worker.federated.models import make_model
from graftwork_worker.federated.params import stack_list


def uneven_clients(features: int = 16, classes: int = 4):
    # Sizes chosen so clients have different step counts and short last batches.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, features)).astype(np.float32)
    y = rng.integers(0, classes, 300)
    bounds = [7, 30, 31, 80, 150, 300]
    parts = np.split(rng.permutation(300), bounds[:-1])
    return build_client_data(x, y, parts, classes, "cpu")


def max_diff(a: dict, b: dict) -> float:
    return max(float((a[k] - b[k]).abs().max()) for k in a)


@pytest.mark.parametrize("name", ["softmax", "mlp", "cnn"])
def test_vectorised_round_equals_sequential_loop(name: str) -> None:
    data = uneven_clients()
    model = make_model(name, 16, 4, hidden=32, cnn_channels=4)
    trainer = ClientTrainer(model, data, batch_size=8, seed=5, chunk_size=4)
    ids = [0, 1, 2, 3, 4, 5, 2]  # a client twice, and chunks of unequal step counts
    starts = stack_list([model.init(torch.Generator().manual_seed(i)) for i in range(len(ids))])
    fast = trainer.train(starts, ids, epochs=2, lr=0.2, stream=3)
    slow = trainer.train_sequential(starts, ids, epochs=2, lr=0.2, stream=3)
    assert max_diff(fast, slow) < 1e-5
    assert max_diff(fast, starts) > 1e-3  # it did train


def test_proximal_term_matches_and_pulls_towards_the_anchor() -> None:
    data = uneven_clients()
    model = make_model("softmax", 16, 4)
    trainer = ClientTrainer(model, data, batch_size=8, seed=1)
    ids = [0, 3, 4]
    start = stack(model.init(torch.Generator().manual_seed(0)), 3)
    plain = trainer.train(start, ids, epochs=3, lr=0.5, stream=0)
    prox = trainer.train(start, ids, epochs=3, lr=0.5, prox_mu=1.0, prox_anchor=start, stream=0)
    prox_ref = trainer.train_sequential(start, ids, epochs=3, lr=0.5, prox_mu=1.0, prox_anchor=start, stream=0)
    assert max_diff(prox, prox_ref) < 1e-5
    drift = lambda p: sum(float((p[k] - start[k]).norm()) for k in p)  # noqa: E731
    assert drift(prox) < drift(plain)


def test_same_seed_same_result_and_chunking_does_not_matter() -> None:
    data = uneven_clients()
    model = make_model("mlp", 16, 4, hidden=16)
    start = stack(model.init(torch.Generator().manual_seed(0)), 6)
    ids = list(range(6))
    a = ClientTrainer(model, data, batch_size=8, seed=9, chunk_size=256).train(start, ids, epochs=1, lr=0.1)
    b = ClientTrainer(model, data, batch_size=8, seed=9, chunk_size=2).train(start, ids, epochs=1, lr=0.1)
    c = ClientTrainer(model, data, batch_size=8, seed=10, chunk_size=256).train(start, ids, epochs=1, lr=0.1)
    assert max_diff(a, b) < 1e-6
    assert max_diff(a, c) > 1e-4  # another seed visits the data in another order


def test_default_stream_advances_per_call() -> None:
    data = uneven_clients()
    model = make_model("softmax", 16, 4)
    trainer = ClientTrainer(model, data, batch_size=8, seed=0)
    start = stack(model.init(torch.Generator().manual_seed(0)), 1)
    first = trainer.train(start, [4], epochs=1, lr=0.1)
    second = trainer.train(start, [4], epochs=1, lr=0.1)
    assert trainer.calls == 2
    assert max_diff(first, second) > 1e-6


def test_batch_plan_visits_every_sample_once_per_epoch() -> None:
    data = uneven_clients()
    ids = torch.tensor([0, 4])
    plan = make_batch_plan(data.index, data.counts, ids, epochs=3, batch_size=8, seed=0, stream=0)
    for row, client in enumerate(ids.tolist()):
        n = int(data.counts[client])
        steps_per_epoch = -(-n // 8)
        assert int(plan.steps[row]) == 3 * steps_per_epoch
        for epoch in range(3):
            block = slice(epoch * steps_per_epoch, (epoch + 1) * steps_per_epoch)
            seen = plan.rows[row, block][plan.mask[row, block]]
            assert sorted(seen.tolist()) == sorted(data.index[client, :n].tolist())
        assert not plan.mask[row, int(plan.steps[row]):].any()


def test_weighted_average_and_unstack() -> None:
    rows = stack_list([{"w": torch.full((2,), 1.0)}, {"w": torch.full((2,), 4.0)}])
    avg = weighted_average(rows, torch.tensor([3.0, 1.0]))
    assert torch.allclose(avg["w"], torch.full((2,), 1.75))
    assert [float(p["w"][0]) for p in unstack(rows)] == [1.0, 4.0]
    with pytest.raises(ValueError, match="weights must sum"):
        weighted_average(rows, torch.zeros(2))


def test_bad_calls_name_the_problem() -> None:
    data = uneven_clients()
    model = make_model("softmax", 16, 4)
    trainer = ClientTrainer(model, data, batch_size=8, seed=0)
    start = stack(model.init(torch.Generator().manual_seed(0)), 2)
    with pytest.raises(ValueError, match="2 rows but 3 client ids"):
        trainer.train(start, [0, 1, 2], epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="mu"):
        trainer.train(start, [0, 1], epochs=1, lr=0.1, prox_mu=-1.0)
    with pytest.raises(ValueError, match="batchSize"):
        ClientTrainer(model, data, batch_size=0, seed=0)


@pytest.mark.parametrize("name", ["softmax", "mlp"])
def test_batched_ops_forward_equals_vmap_of_the_module(name: str) -> None:
    from torch.func import vmap

    model = make_model(name, 16, 4, hidden=8)
    assert model.apply_stacked is not None
    params = stack_list([model.init(torch.Generator().manual_seed(i)) for i in range(3)])
    x = torch.randn(3, 5, 16)
    assert torch.allclose(model.apply_stacked(params, x), vmap(model.apply)(params, x), atol=1e-6)
    assert make_model("cnn", 16, 4, cnn_channels=4).apply_stacked is None  # the CNN goes through vmap
