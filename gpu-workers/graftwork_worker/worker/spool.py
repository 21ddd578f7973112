"""A disk spool for reports that could not reach the service.

One JSON-lines file per run; each line is a request (method, path, body, fencing token).
Lines are fsync'd before `append` returns, so a report survives a worker crash, and they
are replayed strictly in order, so the service sees a run's metrics and its final result
in the order the worker produced them.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

_SAFE_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass(frozen=True)
class SpooledRequest:
    method: str
    path: str
    body: Any
    fencing_token: int | None


class ReplayStopped(Exception):
    """Raised by a replay sender when the service is unreachable: keep the rest for later."""


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, asyncio.Lock] = {}

    def _file(self, run_id: str) -> Path:
        if not _SAFE_RUN_ID.match(run_id):
            raise ValueError(f"run id {run_id!r} is not a safe file name")
        return self.directory / f"{run_id}.jsonl"

    def lock(self, run_id: str) -> asyncio.Lock:
        return self._locks.setdefault(run_id, asyncio.Lock())

    def has_pending(self, run_id: str) -> bool:
        path = self._file(run_id)
        return path.exists() and path.stat().st_size > 0

    def run_ids(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.jsonl"))

    def append(self, run_id: str, request: SpooledRequest) -> None:
        """Caller holds `lock(run_id)`."""
        line = json.dumps(asdict(request), allow_nan=False) + "\n"
        with open(self._file(run_id), "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def read(self, run_id: str) -> list[SpooledRequest]:
        path = self._file(run_id)
        if not path.exists():
            return []
        requests = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                requests.append(SpooledRequest(**json.loads(line)))
            except (ValueError, TypeError):
                # A line torn by a crash mid-write is the only way to get here; skip it.
                continue
        return requests

    async def replay(self, run_id: str, send: Callable[[SpooledRequest], Awaitable[None]]) -> int:
        """Send spooled requests in order; caller holds `lock(run_id)`. Returns how many are left."""
        pending = self.read(run_id)
        sent = 0
        try:
            for request in pending:
                await send(request)
                sent += 1
        except ReplayStopped:
            pass
        remaining = pending[sent:]
        self._rewrite(run_id, remaining)
        return len(remaining)

    def _rewrite(self, run_id: str, remaining: list[SpooledRequest]) -> None:
        path = self._file(run_id)
        if not remaining:
            path.unlink(missing_ok=True)
            return
        temporary = path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            for request in remaining:
                handle.write(json.dumps(asdict(request), allow_nan=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
