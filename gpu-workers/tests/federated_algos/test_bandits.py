import numpy as np
import pytest

from graftwork_worker.federated.bandits import CombinatorialUcb, UcbConfig

N, K = 30, 5


def test_first_round_follows_the_prior() -> None:
    priors = np.arange(N, dtype=float)  # e.g. data sizes
    ucb = CombinatorialUcb(priors)
    assert ucb.select(K, np.random.default_rng(0)).tolist() == list(range(N - K, N))


def test_bandit_learns_to_prefer_informative_clients() -> None:
    rng = np.random.default_rng(1)
    informative = rng.choice(N, size=K, replace=False)
    reward_mean = np.zeros(N)
    reward_mean[informative] = 1.0
    ucb = CombinatorialUcb(np.ones(N), UcbConfig(exploration=0.3, epsilon=0.2))
    late_hits = []
    for t in range(120):
        chosen = ucb.select(K, rng)
        ucb.update(chosen, reward_mean[chosen] + rng.normal(0, 0.2, size=K))
        if t >= 80:
            late_hits.append(np.isin(chosen, informative).mean())
    # Random sampling would hit an informative client with probability K/N ≈ 0.17.
    assert np.mean(late_hits) > 0.7
    assert ucb.pulls[informative].min() > ucb.pulls[np.setdiff1d(np.arange(N), informative)].max()


def test_untried_clients_get_explored_before_repeating_the_poor_ones() -> None:
    ucb = CombinatorialUcb(np.ones(N), UcbConfig(exploration=1.0))
    rng = np.random.default_rng(2)
    seen: set[int] = set()
    for _ in range(N // K):
        chosen = ucb.select(K, rng)
        ucb.update(chosen, np.zeros(K))
        seen.update(chosen.tolist())
    assert len(seen) == N


def test_epsilon_share_decays() -> None:
    ucb = CombinatorialUcb(np.arange(N, dtype=float), UcbConfig(exploration=0.0, epsilon=1.0, epsilon_decay=0.5))
    rng = np.random.default_rng(3)
    top = set(range(N - K, N))
    first = set(ucb.select(K, rng).tolist())
    for _ in range(30):
        last = set(ucb.select(K, rng).tolist())
    assert first != top and last == top


def test_state_round_trips() -> None:
    a = CombinatorialUcb(np.ones(N))
    a.update(np.array([1, 2]), np.array([0.5, -0.5]))
    b = CombinatorialUcb(np.ones(N))
    b.load_state_dict(a.state_dict())
    assert np.allclose(a.scores(), b.scores())


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ValueError, match="priors"):
        CombinatorialUcb(np.array([]))
    with pytest.raises(ValueError, match="clients per round"):
        CombinatorialUcb(np.ones(3)).select(4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="epsilon_decay"):
        UcbConfig(epsilon_decay=0.0)
