"""Training slots shared by all queues: one per GPU (or one on a CPU host).

Each BullMQ Worker could take `concurrency` jobs on its own; the pool makes the limit
shared, and tells the consumer when it is full so the workers pause fetching instead of
holding jobs that other hosts could run.
"""
from __future__ import annotations

import asyncio
from typing import Callable


class SlotPool:
    def __init__(self, devices: list[str], on_full_changed: Callable[[bool], None] = lambda full: None) -> None:
        if not devices:
            raise ValueError("SlotPool needs at least one device")
        self.devices = list(devices)
        self._free = list(devices)
        self._available = asyncio.Condition()
        self._on_full_changed = on_full_changed

    @property
    def size(self) -> int:
        return len(self.devices)

    @property
    def free(self) -> int:
        return len(self._free)

    async def acquire(self) -> str:
        async with self._available:
            await self._available.wait_for(lambda: bool(self._free))
            device = self._free.pop(0)
            if not self._free:
                self._on_full_changed(True)
            return device

    async def release(self, device: str) -> None:
        async with self._available:
            was_full = not self._free
            self._free.append(device)
            self._free.sort(key=self.devices.index)
            self._available.notify()
            if was_full:
                self._on_full_changed(False)
