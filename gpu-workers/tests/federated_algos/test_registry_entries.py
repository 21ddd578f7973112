from graftwork_worker.federated.registry import make_strategy
from graftwork_worker.federated.strategies.fedavg_ic import FedAvgIC
from graftwork_worker.federated.strategies.tornado import TornadoStrategy
from graftwork_worker.federated.strategies.tornado_config import GlobalTopology


def test_algorithms_are_registered_with_their_options() -> None:
    ic = make_strategy("fedavg_ic", {"costs": "iid", "tau2": 3})
    assert isinstance(ic, FedAvgIC) and ic.costs == "iid" and ic.tau2 == 3
    tornadoes = make_strategy("tornado", {"preset": "tornadoes", "chainNum": 4})
    assert isinstance(tornadoes, TornadoStrategy)
    assert tornadoes.config.global_topology is GlobalTopology.STAR and tornadoes.config.chain_num == 4
    assert make_strategy("tornado").config.global_topology is GlobalTopology.RING


def test_fedcm_is_registered_with_its_options() -> None:
    from graftwork_worker.federated.strategies.fedcm import FedCM

    cm = make_strategy("fedcm", {"sampler": "random", "filter": "leave_one_out", "exploration": 0.5})
    assert isinstance(cm, FedCM) and cm.sampler == "random" and cm.ucb_config.exploration == 0.5
