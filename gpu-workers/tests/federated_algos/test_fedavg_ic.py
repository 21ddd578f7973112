import numpy as np
import pytest

from graftwork_worker.federated.grouping.assignment import balanced_random_labels
from graftwork_worker.federated.grouping.client_gradients import full_batch_gradients
from graftwork_worker.federated.grouping.ic_cost import IcGroupingCosts
from graftwork_worker.federated.grouping.ic_kmedoids import ic_objective
from graftwork_worker.federated.loop import run_federation
from graftwork_worker.federated.strategies.fedavg_ic import COST_WEIGHTS, FedAvgIC, fedavg_ic
from graftwork_worker.federated.strategy import GLOBAL

from .sim_fixtures import small_sim


def _labels(groups: list[list[int]], n: int) -> np.ndarray:
    labels = np.empty(n, dtype=np.int64)
    for k, members in enumerate(groups):
        labels[members] = k
    return labels


def test_warm_up_then_one_regrouping_that_beats_random_groupings() -> None:
    sim = small_sim(num_clients=16, pods=4)
    strategy = FedAvgIC(tau1=1, tau2=2)
    pods = [list(g) for g in sim.network.locations()]
    captured = {}

    def on_round(record, state, progress) -> None:
        if record.round == 1:  # the model the regrouping will measure gradients at
            captured["model"] = {k: v.clone() for k, v in state.models[GLOBAL].items()}

    result = run_federation(sim, strategy, rounds=3, on_round=on_round)
    assert strategy.regrouped and strategy.search is not None
    assert "regroup_objective" in result.records[1].metrics and "regroup_objective" not in result.records[2].metrics
    assert strategy.groups != pods
    assert result.progress.history[-1]["accuracy"] > 0.3
    # J of the chosen grouping is below that of random groupings of the same population.
    grads = full_batch_gradients(sim.model, captured["model"], sim.clients).numpy()
    costs = IcGroupingCosts(grads, sim.clients.counts.numpy(), sim.network.client_hops())
    s = strategy.search
    chosen = ic_objective(costs, _labels(strategy.groups, 16), COST_WEIGHTS["both"], s.mean_random_iid,
                          s.mean_random_comm)
    assert chosen == pytest.approx(s.objective, rel=1e-4)
    rng = np.random.default_rng(0)
    random = [ic_objective(costs, balanced_random_labels(16, len(pods), rng), COST_WEIGHTS["both"],
                           s.mean_random_iid, s.mean_random_comm) for _ in range(30)]
    assert chosen < np.mean(random)


def test_ablations_move_their_own_cost() -> None:
    found = {}
    for costs in ("iid", "comm"):
        sim = small_sim(num_clients=16, pods=4)
        strategy = fedavg_ic({"costs": costs, "tau2": 1})
        run_federation(sim, strategy, rounds=2)
        assert strategy.search is not None
        found[costs] = strategy.search
    assert found["iid"].iid_cost < found["comm"].iid_cost
    assert found["comm"].comm_cost < found["iid"].comm_cost


def test_bad_options_are_named() -> None:
    with pytest.raises(ValueError, match="options.costs"):
        fedavg_ic({"costs": "latency"})
    with pytest.raises(ValueError, match="options.groups"):
        fedavg_ic({"groups": 3})
