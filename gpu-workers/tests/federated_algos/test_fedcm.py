import numpy as np
import pytest
import torch

from graftwork_worker.federated.loop import run_federation
from graftwork_worker.federated.params import stack
from graftwork_worker.federated.registry import make_strategy
from graftwork_worker.federated.strategies.fedcm import FedCM, fedcm, proxy_loss_fn
from graftwork_worker.federated.strategy import GLOBAL

from .sim_fixtures import small_sim


class AttackedFedCM(FedCM):
    """FedCM where some clients send a boosted, sign-flipped update (model poisoning)."""

    def __init__(self, attackers: list[int], **kwargs) -> None:
        super().__init__(**kwargs)
        self.attackers = set(attackers)

    def local_train(self, sim, start, client_ids, *, epochs, lr):
        trained = super().local_train(sim, start, client_ids, epochs=epochs, lr=lr)
        bad = torch.tensor([c in self.attackers for c in client_ids])
        scale = torch.where(bad, -4.0, 1.0)
        return {k: start[k] + (v - start[k]) * scale.reshape(-1, *([1] * (v.dim() - 1)))
                for k, v in trained.items()}


def _biggest(sim, k: int) -> list[int]:
    return torch.argsort(sim.clients.counts, descending=True)[:k].tolist()


def test_proxy_losses_match_direct_evaluation() -> None:
    sim = small_sim()
    base = sim.model.init(sim.rng)
    trained = sim.trainer.train(stack(base, 3), [0, 1, 2], epochs=1, lr=0.1)
    losses = proxy_loss_fn(sim, trained)(np.array([[1.0, 0, 0], [0.5, 0.5, 0]]))
    x, y = sim.proxy
    first = {k: v[0] for k, v in trained.items()}
    mixed = {k: 0.5 * v[0] + 0.5 * v[1] for k, v in trained.items()}
    for got, params in zip(losses, (first, mixed)):
        expected = torch.nn.functional.cross_entropy(sim.model.apply(params, x), y)
        assert got == pytest.approx(float(expected), rel=1e-4)


def test_filter_drops_poisoned_clients_and_bandit_turns_away_from_them() -> None:
    sim = small_sim(num_clients=16, clients_per_round=6, lr=0.3, local_epochs=2)
    poisoned = _biggest(sim, 2)  # the data-size prior picks them first
    strategy = AttackedFedCM(poisoned, model_filter="greedy")
    result = run_federation(sim, strategy, rounds=8)
    first = result.records[0]
    assert set(poisoned) <= set(first.trained_clients)
    assert first.metrics["proxy_loss_kept"] < first.metrics["proxy_loss_all"]
    assert first.metrics["kept_models"] <= 6 - 2
    assert strategy.bandit is not None
    late = [c for r in result.records[4:] for c in r.trained_clients]
    assert sum(c in poisoned for c in late) <= 1  # random sampling would pick them ~3 times


def test_random_sampling_without_filter_is_fedavg() -> None:
    sim_a, sim_b = small_sim(clients_per_round=5), small_sim(clients_per_round=5)
    a = run_federation(sim_a, FedCM(sampler="random", model_filter="none"), rounds=2)
    b = run_federation(sim_b, make_strategy("fedavg"), rounds=2)
    for k, v in a.state.models[GLOBAL].items():
        torch.testing.assert_close(v, b.state.models[GLOBAL][k])


def test_bad_options_are_named() -> None:
    with pytest.raises(ValueError, match="options.sampler"):
        fedcm({"sampler": "thompson"})
    with pytest.raises(ValueError, match="options.filter"):
        fedcm({"filter": "median"})
    with pytest.raises(ValueError, match="options.alpha"):
        fedcm({"alpha": 1})
