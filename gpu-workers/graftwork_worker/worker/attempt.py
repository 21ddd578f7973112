"""One attempt of a run: register it, train in a child process, report the outcome.

The parent side of the attempt owns everything that talks to the outside: the service
(heartbeats, metrics, artifacts, the final report), Redis (the cancel key) and the child's
life (cancel within one step, kill after the grace period, kill on a stale fencing token).
"""
from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping

from .child_calls import ChildCalls
from .child_process import ChildProcess
from .config import WorkerConfig
from .contracts_catalog import schema_errors, with_defaults
from .handlers import HANDLER_PATHS
from .run_reporter import RunReporter, metric_point_json
from .service_client import RunTerminal, ServiceClient, ServiceUnreachable, StaleAttempt
from .spool import Spool

log = logging.getLogger(__name__)

_PROGRESS_POST_INTERVAL_S = 1.0
_FINAL_REPLAY_INTERVAL_S = 0.5
_SHUTDOWN_MESSAGE = "the worker was shut down during training"

CancelProbe = Callable[[str], Awaitable[bool]]  # run id -> is the Redis cancel key set?


@dataclass(frozen=True)
class AttemptOutcome:
    status: str  # succeeded | failed | cancelled | stale | dropped
    message: str = ""
    retry: bool = False  # for failed: should BullMQ try the job again


class Attempt:
    def __init__(self, config: WorkerConfig, client: ServiceClient, spool: Spool, cancel_probe: CancelProbe,
                 *, device: str, device_description: Mapping[str, Any],
                 handler_paths: Mapping[str, str] = HANDLER_PATHS) -> None:
        self.config = config
        self.client = client
        self.spool = spool
        self.cancel_probe = cancel_probe
        self.device = device
        self.device_description = dict(device_description)
        self.handler_paths = handler_paths
        self.kind = ""
        self.child: ChildProcess | None = None
        self.reporter: RunReporter | None = None
        self.cancel_requested_at: float | None = None
        self.stale = False
        self.interrupted = False
        self.last_progress: dict[str, Any] | None = None
        self._progress_task: asyncio.Task[None] | None = None
        self._last_progress_post = 0.0

    async def run(self, envelope: Mapping[str, Any]) -> AttemptOutcome:
        run_id, kind = str(envelope["runId"]), str(envelope["kind"])
        self.kind = kind
        started = await self._start(run_id)
        if started is None:
            return AttemptOutcome("dropped", f"run {run_id} is already finished or cancelled")
        self.reporter = RunReporter(self.client, self.spool, run_id, int(started["fencingToken"]),
                                    batch_size=self.config.metrics_batch_size, flush_s=self.config.metrics_flush_s,
                                    deliver_retry_s=self.config.deliver_retry_s)
        spec = started.get("spec", envelope.get("spec"))
        errors = schema_errors(self.config.contracts_dir, "jobs", kind, spec, "spec")
        if errors:
            return await self._report_failure("config_error", "; ".join(errors), retryable=False)
        workdir = self.config.work_dir / run_id / f"attempt-{started['attemptNumber']}"
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            outcome = await self._train(run_id, kind, with_defaults(self.config.contracts_dir, kind, spec),
                                        int(started["attemptNumber"]), started.get("checkpoint"), workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return outcome

    async def _start(self, run_id: str) -> dict[str, Any] | None:
        body = {"workerId": self.config.worker_id, "hostname": socket.gethostname(),
                "device": self.device_description}
        try:
            return await self.client.request("POST", f"/api/v1/ingest/runs/{run_id}/attempts", json=body,
                                             retry_for_s=self.config.attempt_start_timeout_s)
        except RunTerminal:
            return None

    async def _train(self, run_id: str, kind: str, spec: dict[str, Any], attempt_number: int,
                     checkpoint: Mapping[str, Any] | None, workdir: Path) -> AttemptOutcome:
        assert self.reporter is not None
        if self.interrupted:  # shutdown began while the attempt was being registered
            return await self._report_failure("worker_lost", _SHUTDOWN_MESSAGE, retryable=True)
        payload = {
            "runId": run_id, "attempt": attempt_number, "kind": kind, "spec": spec, "device": self.device,
            "workdir": str(workdir), "checkpoint": dict(checkpoint) if checkpoint else None,
            "handler": self.handler_paths.get(kind, f"missing.handler.for.{kind}:run"),
            "checkpointMinIntervalS": self.config.checkpoint_min_interval_s,
            "checkpointMinSteps": self.config.checkpoint_min_steps,
        }
        self.child = ChildProcess(payload)
        self.child.start()
        log.info("run %s attempt %d: training child pid %s on %s", run_id, attempt_number, self.child.pid,
                 self.device)
        calls = ChildCalls(self.client, self.reporter, retry_for_s=self.config.upload_retry_s)
        watchers = [asyncio.create_task(loop()) for loop in (self._heartbeats, self._watch_cancel_key,
                                                             self._flush_metrics, self._enforce_grace)]
        done: dict[str, Any] = {"type": "eof"}
        try:
            done = await self._pump(calls)
        finally:
            background = [*watchers, *([self._progress_task] if self._progress_task else [])]
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            await self.child.wait_exit(5.0 if done.get("type") == "done" and not self.stale else 0.0)
            await self.child.kill()
        outcome = await self._finish(done)
        await self._drain_final_reports()
        return outcome

    async def _pump(self, calls: ChildCalls) -> dict[str, Any]:
        """Relay the child's messages until its `done` message, its death, or a stale token."""
        assert self.child is not None and self.reporter is not None
        while True:
            message = await self.child.messages.get()
            kind = message["type"]
            try:
                if kind == "metrics":
                    await self.reporter.add_points(metric_point_json(*point) for point in message["points"])
                elif kind == "progress":
                    self._on_progress(message)
                elif kind == "call":
                    answer = await calls.serve(message)
                    self.child.answer(answer)
                    if answer.get("errorKind") == "stale_attempt":
                        raise StaleAttempt(answer["error"])
                elif kind in ("done", "eof"):
                    return message
            except StaleAttempt as error:
                log.warning("run %s: a newer attempt owns the run (%s); stopping", self.reporter.run_id, error)
                self.stale = True
                return {"type": "done", "outcome": "stale", "message": str(error)}

    def _on_progress(self, message: dict[str, Any]) -> None:
        self.last_progress = {"fraction": message["fraction"], "message": message["message"]}
        body = dict(self.last_progress)
        if message.get("extra"):
            body["extra"] = message["extra"]
        now = time.monotonic()
        busy = self._progress_task is not None and not self._progress_task.done()
        if not busy and (now - self._last_progress_post >= _PROGRESS_POST_INTERVAL_S or message["fraction"] >= 1):
            self._last_progress_post = now
            self._progress_task = asyncio.create_task(self._post_progress(body))

    async def _post_progress(self, body: dict[str, Any]) -> None:
        # Progress is a snapshot, not a record: when the service is away it is dropped, not spooled.
        assert self.reporter is not None
        try:
            await self.client.request("POST", f"{self.reporter.base}/progress", json=body,
                                      fencing_token=self.reporter.fencing_token, retry_for_s=1.0)
        except StaleAttempt:
            self._mark_stale()
        except Exception as error:  # noqa: BLE001 - a lost progress update is harmless
            log.debug("progress not delivered: %s", error)

    def request_cancel(self, source: str) -> None:
        if self.cancel_requested_at is None and self.child is not None:
            log.info("run %s: cancel requested (%s)", self.reporter.run_id if self.reporter else "?", source)
            self.cancel_requested_at = time.monotonic()
            self.child.cancel_event.set()

    def interrupt(self) -> None:
        """The worker is shutting down: stop the child now; the run gets a retryable worker_lost."""
        self.interrupted = True
        if self.child is not None:
            self.child.cancel_event.set()
            self.child.messages.put_nowait({"type": "done", "outcome": "interrupted"})

    def _mark_stale(self) -> None:
        self.stale = True
        if self.child is not None:
            self.child.cancel_event.set()
            self.child.messages.put_nowait({"type": "done", "outcome": "stale", "message": "stale_attempt"})

    async def _heartbeats(self) -> None:
        assert self.reporter is not None
        while True:
            await asyncio.sleep(self.config.heartbeat_interval_s)
            body = {"progress": self.last_progress} if self.last_progress else {}
            try:
                answer = await self.client.request(
                    "POST", f"{self.reporter.base}/heartbeat", json=body, fencing_token=self.reporter.fencing_token,
                    retry_for_s=self.config.heartbeat_interval_s)
            except StaleAttempt:
                self._mark_stale()
                return
            except Exception as error:  # noqa: BLE001 - training goes on while the service is away
                log.warning("heartbeat not delivered: %s", error)
                continue
            if isinstance(answer, dict) and answer.get("cancelRequested"):
                self.request_cancel("heartbeat")

    async def _watch_cancel_key(self) -> None:
        assert self.reporter is not None
        while self.cancel_requested_at is None:
            try:
                if await self.cancel_probe(self.reporter.run_id):
                    self.request_cancel("redis key")
                    return
            except Exception as error:  # noqa: BLE001 - Redis away: the heartbeat still carries cancels
                log.warning("cancel key not readable: %s", error)
            await asyncio.sleep(self.config.cancel_poll_interval_s)

    async def _flush_metrics(self) -> None:
        assert self.reporter is not None
        tick = min(self.config.metrics_flush_s, 0.25)
        last_replay = 0.0
        while True:
            await asyncio.sleep(tick)
            try:
                await self.reporter.flush_if_due()
                if time.monotonic() - last_replay > 2.0 and self.spool.has_pending(self.reporter.run_id):
                    last_replay = time.monotonic()
                    await self.reporter.replay()
            except StaleAttempt:
                self._mark_stale()
                return

    async def _enforce_grace(self) -> None:
        """Kill a child that ignores a cancel for longer than the grace period."""
        assert self.child is not None
        while True:
            await asyncio.sleep(0.05)
            if self.cancel_requested_at is None:
                continue
            if time.monotonic() - self.cancel_requested_at >= self.config.cancel_grace_s:
                if self.child.is_alive():
                    log.warning("training child %s did not stop within %.1fs of the cancel; killing it",
                                self.child.pid, self.config.cancel_grace_s)
                    await self.child.kill()
                return

    async def _finish(self, done: dict[str, Any]) -> AttemptOutcome:
        assert self.reporter is not None and self.child is not None
        outcome = done.get("outcome")
        if outcome == "stale" or self.stale:
            return AttemptOutcome("stale", done.get("message", "a newer attempt owns the run"))
        try:
            await self.reporter.flush()
            if outcome == "succeeded":
                return await self._report_result(done["result"])
            if outcome == "cancelled" or (done["type"] == "eof" and self.cancel_requested_at is not None):
                message = done.get("message") or "training process killed after the cancel grace period"
                await self.reporter.deliver("POST", "cancelled", {"message": message})
                return AttemptOutcome("cancelled", message)
            if outcome == "failed":
                return await self._report_failure(done["reason"], done["message"], done["retryable"])
            if outcome == "interrupted":
                return await self._report_failure("worker_lost", _SHUTDOWN_MESSAGE, retryable=True)
            return await self._report_failure(
                "internal_error", f"training process exited with code {self.child.exitcode} before finishing",
                retryable=True)
        except StaleAttempt as error:
            return AttemptOutcome("stale", str(error))

    async def _drain_final_reports(self) -> None:
        """Hold the attempt open until the service has its spooled reports (bounded).

        A result or failure that met a service outage waits in the spool. Ending the attempt
        then would complete the BullMQ job while the service still sees the run `running`
        with silent heartbeats, so its reconciler would run the whole job again. Instead the
        attempt keeps heartbeating and replaying until the spool is empty, the run moved on
        (stale), the worker is stopping, or GRAFTWORK_FINAL_DELIVERY_S has passed.
        """
        if self.reporter is None or self.stale or self.interrupted:
            return
        run_id = self.reporter.run_id
        if not self.spool.has_pending(run_id):
            return
        log.warning("run %s: final reports wait in the spool; holding the attempt until the service has them", run_id)
        deadline = time.monotonic() + self.config.final_delivery_s
        heartbeats = asyncio.create_task(self._heartbeats())
        try:
            while self.spool.has_pending(run_id) and not (self.stale or self.interrupted) and time.monotonic() < deadline:
                try:
                    await self.reporter.replay()
                except StaleAttempt:
                    return
                if self.spool.has_pending(run_id):
                    await asyncio.sleep(_FINAL_REPLAY_INTERVAL_S)
        finally:
            heartbeats.cancel()
            await asyncio.gather(heartbeats, return_exceptions=True)

    async def _report_result(self, result: Mapping[str, Any]) -> AttemptOutcome:
        assert self.reporter is not None
        if (self.config.contracts_dir / "results" / f"{self.kind}.schema.json").exists():
            errors = schema_errors(self.config.contracts_dir, "results", self.kind, result, "result")
            if errors:
                return await self._report_failure("internal_error", "handler result breaks its contract: "
                                                  + "; ".join(errors), retryable=False)
        await self.reporter.deliver("POST", "result", {"result": result})
        return AttemptOutcome("succeeded")

    async def _report_failure(self, reason: str, message: str, retryable: bool) -> AttemptOutcome:
        assert self.reporter is not None
        answer = await self.reporter.deliver("POST", "failure",
                                             {"reason": reason, "message": message, "retryable": retryable})
        will_retry = answer.get("willRetry", retryable) if isinstance(answer, dict) else retryable
        return AttemptOutcome("failed", f"{reason}: {message}", retry=bool(will_retry))
