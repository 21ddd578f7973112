"""Entry of the training child process (multiprocessing, spawn start method).

The child imports torch and the handler, runs it and ends with one `done` message. The
parent keeps its asyncio loop free for BullMQ lock renewal, heartbeats and HTTP.
"""
from __future__ import annotations

import ctypes
import logging
import signal
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .child_channel import ChildChannel, RemoteCallError
from .child_context import CheckpointPolicy, ChildJobContext
from .encoding import to_json_safe
from .failures import classify
from .handlers import resolve


def child_main(connection: Connection, cancel_event: Any, payload: dict[str, Any]) -> None:
    logging.basicConfig(level=logging.INFO, format=f"[child {payload['runId'][:8]}] %(levelname)s %(message)s")
    _die_with_parent()
    channel = ChildChannel(connection)
    try:
        _select_device(payload["device"])
        context = ChildJobContext(
            channel, cancel_event, run_id=payload["runId"], attempt=payload["attempt"], spec=payload["spec"],
            device=payload["device"], workdir=Path(payload["workdir"]), checkpoint=payload.get("checkpoint"),
            policy=CheckpointPolicy(payload["checkpointMinIntervalS"], payload["checkpointMinSteps"]))
        handler = resolve(payload["handler"])
        result = handler(context)
        message = {"type": "done", "outcome": "succeeded", "result": to_json_safe(dict(result))}
    except RemoteCallError as error:
        if error.kind == "stale_attempt":
            message = {"type": "done", "outcome": "stale", "message": str(error)}
        else:
            message = _failed(error)
    except BaseException as error:  # noqa: BLE001 - every failure must reach the parent
        message = _failed(error)
    try:
        channel.send(message)
    finally:
        connection.close()


def _failed(error: BaseException) -> dict[str, Any]:
    failure = classify(error)
    if failure.reason == "internal_error":
        traceback.print_exception(error)
    outcome = "cancelled" if failure.reason == "user_cancelled" else "failed"
    return {"type": "done", "outcome": outcome, "reason": failure.reason, "message": failure.message,
            "retryable": failure.retryable}


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this process when the worker dies, even by SIGKILL.

    Otherwise an orphaned child would train on (holding a GPU) until its next message fails.
    """
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _select_device(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.set_device(torch.device(device))
