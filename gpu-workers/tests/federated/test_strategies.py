"""FedAvg, FedProx and HierFAVG learn, and the hierarchical code reduces to FedAvg when it should."""
from __future__ import annotations

import pytest
import torch

from graftwork_worker.federated.loop import run_federation
from graftwork_worker.federated.registry import make_strategy
from graftwork_worker.federated.strategies.hierfavg import HierFAVG
from graftwork_worker.federated.strategy import GLOBAL, RoundPlan

from .tiny import tiny_sim


@pytest.mark.parametrize("algorithm,options", [("fedavg", {}), ("fedprox", {"mu": 0.01}),
                                               ("hierfavg", {"tau1": 1, "tau2": 2})])
def test_a_few_rounds_improve_accuracy(algorithm: str, options: dict) -> None:
    sim = tiny_sim(rounds=5)
    result = run_federation(sim, make_strategy(algorithm, options), 5)
    accuracy = [h["accuracy"] for h in result.progress.history]
    assert accuracy[-1] > accuracy[0] + 0.05
    assert accuracy[-1] > 0.5  # ten classes: chance is 0.1
    times = [h["sim_time_s"] for h in result.progress.history]
    assert all(b > a for a, b in zip(times, times[1:]))


def test_same_seed_same_run() -> None:
    runs = [run_federation(tiny_sim(clients_per_round=5), make_strategy("fedavg"), 3) for _ in range(2)]
    a, b = (r.state.models[GLOBAL] for r in runs)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert [r.records[-1].trained_clients for r in runs][0] == runs[1].records[-1].trained_clients


def test_hierfavg_with_one_group_and_one_group_round_is_fedavg() -> None:
    sim_a, sim_b = tiny_sim(), tiny_sim()
    fedavg = make_strategy("fedavg")
    hier = HierFAVG(tau1=1, tau2=1)
    hier.setup(sim_b)
    hier.groups = [list(range(sim_b.num_clients))]
    state_a, state_b = fedavg.initial_state(sim_a), hier.initial_state(sim_b)
    clients = list(range(sim_a.num_clients))
    out_a = fedavg.run_round(sim_a, 0, RoundPlan(clients=clients), state_a)
    out_b = hier.run_round(sim_b, 0, RoundPlan(clients=clients, groups=hier.groups), state_b)
    ga, gb = out_a.state.models[GLOBAL], out_b.state.models[GLOBAL]
    assert max(float((ga[k] - gb[k]).abs().max()) for k in ga) < 1e-5


def test_hierfavg_groups_are_locations_and_cost_more_transfers_per_round() -> None:
    sim = tiny_sim()
    hier = make_strategy("hierfavg", {"tau1": 1, "tau2": 3})
    result = run_federation(sim, hier, 2)
    assert hier.artifacts(sim, result.state)["grouping"]["groups"] == sim.network.locations()
    flat = run_federation(tiny_sim(), make_strategy("fedavg"), 2)
    assert result.progress.bytes_total > flat.progress.bytes_total


def test_fedprox_mu_zero_is_fedavg_and_unknown_options_fail() -> None:
    a = run_federation(tiny_sim(), make_strategy("fedprox", {"mu": 0.0}), 2).state.models[GLOBAL]
    b = run_federation(tiny_sim(), make_strategy("fedavg"), 2).state.models[GLOBAL]
    assert all(torch.allclose(a[k], b[k]) for k in a)
    with pytest.raises(ValueError, match="options.tau"):
        make_strategy("fedavg", {"tau": 1})
    with pytest.raises(ValueError, match="algorithm"):
        make_strategy("fedsgd")


def test_cancel_stops_before_a_round() -> None:
    calls = []

    def cancel() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt("stop")

    with pytest.raises(KeyboardInterrupt):
        run_federation(tiny_sim(), make_strategy("fedavg"), 10, cancel=cancel)
    assert len(calls) == 3
