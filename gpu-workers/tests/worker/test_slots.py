"""Training slots are shared across queues: one job per GPU, each job told its GPU."""
from __future__ import annotations

import asyncio

import pytest

from graftwork_worker.worker.device_probe import HostDevices
from graftwork_worker.worker.slots import SlotPool


def test_one_slot_per_gpu_or_a_single_cpu_slot():
    gpus = HostDevices(cuda=[{"index": 0, "name": "A", "totalMemoryBytes": 1},
                             {"index": 1, "name": "B", "totalMemoryBytes": 1}], cpu_name="x", torch_version=None)
    assert gpus.slot_devices() == ["cuda:0", "cuda:1"]
    assert gpus.describe("cuda:1") == {"type": "cuda", "index": 1, "name": "B", "totalMemoryBytes": 1}
    assert HostDevices(cuda=[], cpu_name="x", torch_version=None).slot_devices() == ["cpu"]


def test_pool_hands_out_distinct_devices_and_signals_full():
    async def scenario() -> None:
        signals: list[bool] = []
        pool = SlotPool(["cuda:0", "cuda:1"], signals.append)
        first, second = await pool.acquire(), await pool.acquire()
        assert {first, second} == {"cuda:0", "cuda:1"} and signals == [True]
        third = asyncio.create_task(pool.acquire())
        await asyncio.sleep(0.05)
        assert not third.done()  # a third job waits: the limit is shared, not per queue
        await pool.release(first)
        assert await asyncio.wait_for(third, 1) == first
        assert signals == [True, False, True]

    asyncio.run(scenario())


def test_pool_needs_a_device():
    with pytest.raises(ValueError, match="at least one device"):
        SlotPool([])
