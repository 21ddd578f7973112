import numpy as np
import pytest

from graftwork_worker.federated.model_filter import (
    GreedyBackwardElimination,
    KeepAll,
    LeaveOneOut,
    kept_reward,
    utility_reward,
)

K, DIM = 8, 6


def _setup(poisoned: list[int], seed: int = 0):
    """Least-squares client models near w*; poisoned ones are scaled by −4 (a model-poisoning attack)."""
    rng = np.random.default_rng(seed)
    w_star = rng.normal(size=DIM)
    models = w_star + rng.normal(0, 0.3, size=(K, DIM))
    models[poisoned] *= -4.0
    x = rng.normal(size=(200, DIM))
    y = x @ w_star + rng.normal(0, 0.1, size=200)

    def proxy_losses(weights: np.ndarray) -> np.ndarray:
        averaged = weights @ models  # [M, DIM]
        return ((x @ averaged.T - y[:, None]) ** 2).mean(axis=0)

    return proxy_losses, rng.integers(10, 50, size=K).astype(float)


@pytest.mark.parametrize("make_filter", [GreedyBackwardElimination, LeaveOneOut])
def test_filter_drops_the_planted_poisoned_client(make_filter) -> None:
    proxy_losses, sizes = _setup(poisoned=[3])
    result = make_filter()(sizes, proxy_losses)
    assert not result.kept[3]
    assert result.kept.sum() >= K - 3
    assert result.loss_kept < 0.8 * result.loss_all
    assert result.utilities[3] < 0 < np.median(result.utilities[result.kept]) + 1e-12


def test_greedy_drops_two_poisoned_clients() -> None:
    proxy_losses, sizes = _setup(poisoned=[1, 6], seed=1)
    result = GreedyBackwardElimination()(sizes, proxy_losses)
    assert not result.kept[1] and not result.kept[6]


def test_keep_all_keeps_everything_and_rewards_follow_utility() -> None:
    proxy_losses, sizes = _setup(poisoned=[0])
    result = KeepAll()(sizes, proxy_losses)
    assert result.kept.all() and result.loss_kept == result.loss_all
    assert np.argmin(utility_reward(result)) == 0
    assert kept_reward(result).tolist() == [1.0] * K


def test_clean_population_loses_little() -> None:
    proxy_losses, sizes = _setup(poisoned=[])
    result = GreedyBackwardElimination(tolerance=0.01)(sizes, proxy_losses)
    assert result.kept.sum() >= K // 2
    assert result.loss_kept <= result.loss_all


def test_bad_weights_are_named() -> None:
    proxy_losses, _ = _setup(poisoned=[])
    with pytest.raises(ValueError, match="base_weights"):
        GreedyBackwardElimination()(np.zeros(K), proxy_losses)
