"""The training child's end of the pipe to the worker process.

Messages are plain dicts (picklable, no torch objects). One-way: `metrics`, `progress`,
`done`. Calls (`call`) block the child until the parent answers: artifact uploads,
downloads and registrations, which need the service's answer to continue.
"""
from __future__ import annotations

from multiprocessing.connection import Connection
from typing import Any


class RemoteCallError(Exception):
    """The worker process could not complete a call for the child."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # "stale_attempt", "unreachable", "rejected" or "error"


class ChildChannel:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        self._connection.send(message)

    def call(self, op: str, **args: Any) -> Any:
        self._next_id += 1
        self._connection.send({"type": "call", "id": self._next_id, "op": op, "args": args})
        answer = self._connection.recv()
        if answer.get("id") != self._next_id:
            raise RuntimeError(f"answer {answer.get('id')} does not match call {self._next_id}")
        if not answer["ok"]:
            raise RemoteCallError(answer["errorKind"], answer["error"])
        return answer["value"]
