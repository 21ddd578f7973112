"""Starts and stops the training child, and turns its pipe into an asyncio queue."""
from __future__ import annotations

import asyncio
import multiprocessing
import threading
from typing import Any

from .child import child_main

_SPAWN = multiprocessing.get_context("spawn")  # never fork a process that holds an event loop
EOF_MESSAGE = {"type": "eof"}


class ChildProcess:
    def __init__(self, payload: dict[str, Any]) -> None:
        self._parent_end, child_end = _SPAWN.Pipe(duplex=True)
        self.cancel_event = _SPAWN.Event()
        self._process = _SPAWN.Process(target=child_main, args=(child_end, self.cancel_event, payload),
                                       name=f"graftwork-train-{payload['runId'][:8]}", daemon=True)
        self._child_end = child_end
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def exitcode(self) -> int | None:
        return self._process.exitcode

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._process.start()
        self._child_end.close()  # so the parent sees EOF when the child dies
        threading.Thread(target=self._read, args=(loop,), daemon=True,
                         name=f"{self._process.name}-pipe").start()

    def _read(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            try:
                message = self._parent_end.recv()
            except (EOFError, OSError):
                message = EOF_MESSAGE
            try:
                loop.call_soon_threadsafe(self.messages.put_nowait, message)
            except RuntimeError:  # the loop is closed: the worker is shutting down
                return
            if message is EOF_MESSAGE:
                return

    def answer(self, message: dict[str, Any]) -> None:
        try:
            self._parent_end.send(message)
        except (BrokenPipeError, OSError):
            pass  # the child is gone; its EOF is already on its way

    async def wait_exit(self, timeout_s: float) -> bool:
        """Wait for the process to end; True when it did within the timeout."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while self._process.is_alive():
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.05)
        self._process.join(0)
        return True

    async def kill(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        await self.wait_exit(10.0)
        self._parent_end.close()
