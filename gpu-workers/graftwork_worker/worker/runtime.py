"""The worker process: one BullMQ Worker per queue, a shared slot pool, the spool replayer."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Mapping

import redis.asyncio as redis_asyncio
from bullmq import UnrecoverableError, Worker

from .attempt import Attempt, AttemptOutcome
from .config import WorkerConfig
from .device_probe import HostDevices
from .handlers import HANDLER_PATHS
from .run_reporter import replay_all
from .service_client import ServiceClient
from .slots import SlotPool
from .spool import Spool

log = logging.getLogger(__name__)

_SPOOL_REPLAY_INTERVAL_S = 5.0


class EnvelopeError(ValueError):
    pass


def check_envelope(data: Any, queue: str) -> dict[str, Any]:
    """The BullMQ job data (contracts/README.md, job envelope); errors name the field."""
    if not isinstance(data, dict):
        raise EnvelopeError(f"job data must be an object, got {type(data).__name__}")
    run_id = data.get("runId")
    if not isinstance(run_id, str) or not run_id or ":" in run_id:
        raise EnvelopeError(f"job data.runId must be a run id (a UUID string), got {run_id!r}")
    if data.get("kind") != queue:
        raise EnvelopeError(f"job data.kind must be {queue!r} (the queue's kind), got {data.get('kind')!r}")
    if "spec" in data and not isinstance(data["spec"], dict):
        raise EnvelopeError("job data.spec must be an object")
    return data


def bullmq_return_value(outcome: AttemptOutcome) -> dict[str, str]:
    """What BullMQ stores for a finished job: strings only, never a float from training."""
    if outcome.status == "failed":
        error: Exception = Exception(outcome.message) if outcome.retry else UnrecoverableError(outcome.message)
        raise error
    if outcome.status == "stale":
        raise UnrecoverableError(f"stale attempt: {outcome.message}")
    return {"outcome": outcome.status, "message": outcome.message[:500]}


class WorkerRuntime:
    def __init__(self, config: WorkerConfig, devices: HostDevices,
                 handler_paths: Mapping[str, str] = HANDLER_PATHS) -> None:
        self.config = config
        self.devices = devices
        self.handler_paths = handler_paths
        self.client = ServiceClient(config.api_url, config.worker_key, timeout_s=config.http_timeout_s)
        self.spool = Spool(config.spool_dir)
        self.redis = redis_asyncio.from_url(config.redis_url, decode_responses=True)
        self.workers: list[Worker] = []
        self.attempts: set[Attempt] = set()
        self.slots = SlotPool(devices.slot_devices(), self._on_slots_full)
        self._stopping = asyncio.Event()

    async def cancel_key_set(self, run_id: str) -> bool:
        return bool(await self.redis.exists(f"{self.config.queue_prefix}:cancel:{run_id}"))

    def start(self) -> None:
        options = {"connection": self.config.redis_url, "prefix": self.config.queue_prefix,
                   "concurrency": self.slots.size, "lockDuration": self.config.lock_duration_ms,
                   "stalledInterval": self.config.stalled_interval_ms,
                   "name": self.config.worker_id}
        for queue in self.config.queues:
            self.workers.append(Worker(queue, self._processor_for(queue), options))

    def _processor_for(self, queue: str):
        async def process(job: Any, token: str) -> dict[str, str]:
            return await self.process(queue, job.data)
        return process

    async def process(self, queue: str, data: Any) -> dict[str, str]:
        try:
            envelope = check_envelope(data, queue)
        except EnvelopeError as error:
            raise UnrecoverableError(str(error)) from error
        device = await self.slots.acquire()
        attempt = Attempt(self.config, self.client, self.spool, self.cancel_key_set, device=device,
                          device_description=self.devices.describe(device), handler_paths=self.handler_paths)
        self.attempts.add(attempt)
        try:
            if self._stopping.is_set():
                raise Exception("worker shutting down before the attempt started")
            outcome = await attempt.run(envelope)
        finally:
            self.attempts.discard(attempt)
            await self.slots.release(device)
        log.info("run %s: %s %s", envelope["runId"], outcome.status, outcome.message)
        return bullmq_return_value(outcome)

    def _on_slots_full(self, full: bool) -> None:
        for worker in self.workers:
            if full:
                asyncio.ensure_future(worker.pause(do_not_wait_active=True))
            elif not self._stopping.is_set():
                worker.resume()

    async def replay_spool_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                left = await replay_all(self.client, self.spool)
                if left:
                    log.info("spool: %d reports wait for the service", left)
            except Exception as error:  # noqa: BLE001 - the replayer must outlive any one failure
                log.warning("spool replay failed: %s", error)
            try:
                await asyncio.wait_for(self._stopping.wait(), _SPOOL_REPLAY_INTERVAL_S)
            except asyncio.TimeoutError:
                pass

    async def stop(self) -> None:
        """Stop fetching, interrupt running attempts (their runs retry elsewhere), close."""
        self._stopping.set()
        for attempt in list(self.attempts):
            attempt.interrupt()
        await asyncio.gather(*(worker.close() for worker in self.workers), return_exceptions=True)
        await replay_all(self.client, self.spool)
        await self.client.aclose()
        await self.redis.aclose()

    async def run_until(self, stop: asyncio.Event) -> None:
        self.start()
        replayer = asyncio.create_task(self.replay_spool_forever())
        await stop.wait()
        await self.stop()
        await replayer
