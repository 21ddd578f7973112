"""Reports one attempt's metrics and final events to the service, spooling when it is down.

Metric points are batched by count and by time. A batch or event that cannot be delivered
within a short retry window is appended to the run's spool file; while that file is not
empty, later reports go behind it, so the service always receives them in order.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Iterable

from .encoding import to_json_safe
from .service_client import ServiceClient, ServiceRejected, ServiceUnreachable, StaleAttempt
from .spool import ReplayStopped, Spool, SpooledRequest

log = logging.getLogger(__name__)


def metric_point_json(key: str, step: int, value: float, context: Any = None) -> dict[str, Any]:
    point: dict[str, Any] = {"key": key, "step": step, "value": to_json_safe(float(value))}
    if context:
        point["context"] = to_json_safe(context)
    return point


class RunReporter:
    def __init__(self, client: ServiceClient, spool: Spool, run_id: str, fencing_token: int, *,
                 batch_size: int = 500, flush_s: float = 1.0, deliver_retry_s: float = 5.0) -> None:
        self.client = client
        self.spool = spool
        self.run_id = run_id
        self.fencing_token = fencing_token
        self.batch_size = batch_size
        self.flush_s = flush_s
        self.deliver_retry_s = deliver_retry_s
        self._buffer: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self._flush_lock = asyncio.Lock()

    @property
    def base(self) -> str:
        return f"/api/v1/ingest/runs/{self.run_id}"

    async def add_points(self, points: Iterable[dict[str, Any]]) -> None:
        self._buffer.extend(points)
        if len(self._buffer) >= self.batch_size:
            await self.flush()

    async def flush_if_due(self) -> None:
        if self._buffer and time.monotonic() - self._last_flush >= self.flush_s:
            await self.flush()

    async def flush(self) -> None:
        """Deliver (or spool) every buffered point, in batches of at most `batch_size`."""
        async with self._flush_lock:
            self._last_flush = time.monotonic()
            while self._buffer:
                batch, self._buffer = self._buffer[: self.batch_size], self._buffer[self.batch_size:]
                await self.deliver("POST", "metrics", {"points": batch})

    async def deliver(self, method: str, endpoint: str, body: Any) -> Any:
        """Send a spoolable report; spool it when the service cannot be reached.

        Returns the service's answer, or None when the report was spooled or dropped.
        Raises StaleAttempt (the attempt must stop); a 4xx rejection is logged and dropped,
        because sending the same body again can never succeed.
        """
        request = SpooledRequest(method, f"{self.base}/{endpoint}", to_json_safe(body), self.fencing_token)
        async with self.spool.lock(self.run_id):
            if self.spool.has_pending(self.run_id):
                # Behind earlier spooled reports: the replayer sends them all in order.
                self.spool.append(self.run_id, request)
                return None
            try:
                return await self._send(request, retry_for_s=self.deliver_retry_s)
            except ServiceUnreachable as error:
                log.warning("run %s: service unreachable (%s); spooling %s", self.run_id, error, endpoint)
                self.spool.append(self.run_id, request)
                return None

    async def replay(self) -> int:
        async with self.spool.lock(self.run_id):
            return await replay_run(self.client, self.spool, self.run_id)

    async def _send(self, request: SpooledRequest, retry_for_s: float) -> Any:
        try:
            return await self.client.request(request.method, request.path, json=request.body,
                                             fencing_token=request.fencing_token, retry_for_s=retry_for_s)
        except ServiceRejected as error:
            log.error("run %s: %s %s rejected, dropped: %s", self.run_id, request.method, request.path, error)
            return None


async def replay_run(client: ServiceClient, spool: Spool, run_id: str) -> int:
    """Replay one run's spool in order (caller holds its lock); returns how many are left."""
    async def send(request: SpooledRequest) -> None:
        try:
            await client.request(request.method, request.path, json=request.body,
                                 fencing_token=request.fencing_token, retry_for_s=0.0)
        except ServiceUnreachable as error:
            raise ReplayStopped() from error
        except (ServiceRejected, StaleAttempt) as error:
            # A stale attempt's late reports or a body the service refuses: dropping them is
            # the protocol's answer; keeping them would block the run's spool forever.
            log.error("run %s: spooled %s %s dropped: %s", run_id, request.method, request.path, error)
    return await spool.replay(run_id, send)


async def replay_all(client: ServiceClient, spool: Spool) -> int:
    """Replay every run's spool; returns the number of requests still waiting."""
    left = 0
    for run_id in spool.run_ids():
        async with spool.lock(run_id):
            left += await replay_run(client, spool, run_id)
    return left
