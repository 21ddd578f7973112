"""HTTP client of the service's ingestion API (contracts/README.md).

Retries transient failures (connection errors, timeouts, 429 and 5xx) with exponential
backoff and full jitter until a deadline, then raises ServiceUnreachable so the caller can
spool. Answers that retrying cannot fix are raised at once: StaleAttempt and RunTerminal
(409s the protocol defines) and ServiceRejected (any other 4xx).
"""
from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping, TypeVar

import httpx

FENCING_HEADER = "X-Graftwork-Fencing-Token"
T = TypeVar("T")


class ServiceUnreachable(Exception):
    """The service did not answer usefully before the retry deadline."""


class StaleAttempt(Exception):
    """409 stale_attempt: a newer attempt owns the run; this one must stop."""


class RunTerminal(Exception):
    """409 run_terminal: the run is already finished or cancelled; drop the job."""


class ServiceRejected(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"service answered {status}: {body[:500]}")
        self.status = status


def backoff_delay(attempt: int, base_s: float, cap_s: float) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^attempt)]."""
    return random.uniform(0.0, min(cap_s, base_s * (2 ** attempt)))


class ServiceClient:
    def __init__(self, api_url: str, worker_key: str, *, timeout_s: float = 30.0,
                 backoff_base_s: float = 0.2, backoff_cap_s: float = 10.0) -> None:
        self._http = httpx.AsyncClient(
            base_url=api_url,
            headers={"Authorization": f"Bearer {worker_key}"},
            timeout=httpx.Timeout(timeout_s),
        )
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _with_retries(self, describe: str, retry_for_s: float,
                            once: Callable[[], Awaitable[T]]) -> T:
        """Call `once` until it returns; it raises _Transient for what a retry may fix."""
        deadline = time.monotonic() + retry_for_s
        attempt = 0
        while True:
            try:
                return await once()
            except _Transient as problem:
                delay = backoff_delay(attempt, self.backoff_base_s, self.backoff_cap_s)
                if time.monotonic() + delay > deadline:
                    raise ServiceUnreachable(f"{describe}: {problem}") from None
            attempt += 1
            await asyncio.sleep(delay)

    async def request(self, method: str, path: str, *, json: Any = None, content: Callable[[], Any] | None = None,
                      params: Mapping[str, Any] | None = None, fencing_token: int | None = None,
                      retry_for_s: float = 10.0, headers: Mapping[str, str] | None = None) -> Any:
        """One call with retries; returns the decoded JSON answer (None when empty).

        `content` is a factory, so a streamed body is recreated for each try.
        """
        all_headers = dict(headers or {})
        if fencing_token is not None:
            all_headers[FENCING_HEADER] = str(fencing_token)

        async def once() -> Any:
            try:
                response = await self._http.request(method, path, json=json, params=params, headers=all_headers,
                                                    content=content() if content is not None else None)
            except httpx.TransportError as error:
                raise _Transient(f"{type(error).__name__}: {error}") from error
            if response.status_code >= 400:
                _raise_final(response)
                raise _Transient(f"HTTP {response.status_code}")
            return response.json() if response.content else None

        return await self._with_retries(f"{method} {path}", retry_for_s, once)

    async def upload_file(self, path: str, file: Path, *, params: Mapping[str, Any],
                          fencing_token: int, retry_for_s: float) -> Any:
        """PUT a file as a stream of 1 MiB blocks (never whole in memory)."""
        async def blocks() -> AsyncIterator[bytes]:
            with open(file, "rb") as handle:
                while block := handle.read(1 << 20):
                    yield block
        return await self.request("PUT", path, content=blocks, params=params, fencing_token=fencing_token,
                                  retry_for_s=retry_for_s, headers={"Content-Type": "application/octet-stream"})

    async def download(self, path: str, destination: Path, *, fencing_token: int | None,
                       retry_for_s: float) -> httpx.Headers:
        """Stream a GET into `destination`; returns the answer's headers."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        headers = {FENCING_HEADER: str(fencing_token)} if fencing_token is not None else {}

        async def once() -> httpx.Headers:
            try:
                async with self._http.stream("GET", path, headers=headers) as response:
                    if response.status_code >= 400:
                        await response.aread()
                        _raise_final(response)
                        raise _Transient(f"HTTP {response.status_code}")
                    with open(destination, "wb") as handle:
                        async for block in response.aiter_bytes(1 << 20):
                            handle.write(block)
                    return response.headers
            except httpx.TransportError as error:
                raise _Transient(f"{type(error).__name__}: {error}") from error

        return await self._with_retries(f"GET {path}", retry_for_s, once)


class _Transient(Exception):
    pass


def _raise_final(response: httpx.Response) -> None:
    """Raise for answers that retrying cannot fix; return for retryable ones (429, 5xx)."""
    status = response.status_code
    if status == 429 or status >= 500:
        return
    error = ""
    try:
        body = response.json()
        error = body.get("error", "") if isinstance(body, dict) else ""
    except ValueError:
        pass
    if status == 409 and error == "stale_attempt":
        raise StaleAttempt(response.text)
    if status == 409 and error == "run_terminal":
        raise RunTerminal(response.text)
    raise ServiceRejected(status, response.text)
