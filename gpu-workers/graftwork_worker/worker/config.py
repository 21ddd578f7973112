"""Worker configuration, read from the environment once at start.

Every bad value stops the worker with a ConfigError that names the variable and what was
expected, so a broken deployment fails at boot instead of on its first job.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlparse

from .contracts_catalog import job_kinds, locate_contracts_dir


class ConfigError(Exception):
    def __init__(self, variable: str, expected: str, got: str | None) -> None:
        shown = "nothing" if got is None else repr(got)
        super().__init__(f"invalid configuration: {variable} must be {expected} (got {shown})")
        self.variable = variable


@dataclass(frozen=True)
class WorkerConfig:
    api_url: str
    worker_key: str
    redis_url: str
    queue_prefix: str
    queues: tuple[str, ...]
    contracts_dir: Path
    spool_dir: Path
    work_dir: Path
    worker_id: str
    cancel_grace_s: float
    heartbeat_interval_s: float
    cancel_poll_interval_s: float
    checkpoint_min_interval_s: float
    checkpoint_min_steps: int
    metrics_batch_size: int
    metrics_flush_s: float
    lock_duration_ms: int
    stalled_interval_ms: int
    http_timeout_s: float
    attempt_start_timeout_s: float
    deliver_retry_s: float
    upload_retry_s: float
    final_delivery_s: float


def _raw(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def _url(env: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    raw = _raw(env, name) or default
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(name, f"a URL with scheme {' or '.join(schemes)}", raw)
    return raw.rstrip("/")


def _number(env: Mapping[str, str], name: str, default: float, minimum: float, maximum: float) -> float:
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, f"a number between {minimum} and {maximum}", raw) from None
    if not minimum <= value <= maximum:
        raise ConfigError(name, f"a number between {minimum} and {maximum}", raw)
    return value


def _integer(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = _raw(env, name)
    if raw is None:
        return default
    if not raw.lstrip("-").isdigit() or not minimum <= int(raw) <= maximum:
        raise ConfigError(name, f"an integer between {minimum} and {maximum}", raw)
    return int(raw)


def _queues(env: Mapping[str, str], known: tuple[str, ...]) -> tuple[str, ...]:
    raw = _raw(env, "GRAFTWORK_QUEUES")
    if raw is None:
        return known
    names = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    unknown = [name for name in names if name not in known]
    if not names or unknown:
        raise ConfigError("GRAFTWORK_QUEUES", f"a comma list of job kinds among {', '.join(known)}", raw)
    return names


def _prefix(env: Mapping[str, str]) -> str:
    raw = _raw(env, "QUEUE_PREFIX") or "graftwork"
    if ":" in raw or any(ch.isspace() for ch in raw):
        raise ConfigError("QUEUE_PREFIX", "a name without ':' or spaces", raw)
    return raw


def load_config(env: Mapping[str, str] | None = None) -> WorkerConfig:
    env = os.environ if env is None else env
    worker_key = _raw(env, "GRAFTWORK_WORKER_KEY")
    if worker_key is None:
        raise ConfigError("GRAFTWORK_WORKER_KEY", "the worker-role API key (required)", None)
    contracts_raw = _raw(env, "GRAFTWORK_CONTRACTS_DIR")
    contracts_dir = locate_contracts_dir(Path(contracts_raw) if contracts_raw else None)
    if contracts_dir is None:
        raise ConfigError("GRAFTWORK_CONTRACTS_DIR", "a folder holding jobs/<kind>.schema.json", contracts_raw)
    state_home = Path.home() / ".graftwork"
    return WorkerConfig(
        api_url=_url(env, "GRAFTWORK_API_URL", "http://127.0.0.1:3000", ("http", "https")),
        worker_key=worker_key,
        redis_url=_url(env, "REDIS_URL", "redis://127.0.0.1:6379", ("redis", "rediss", "unix")),
        queue_prefix=_prefix(env),
        queues=_queues(env, job_kinds(contracts_dir)),
        contracts_dir=contracts_dir,
        spool_dir=Path(_raw(env, "GRAFTWORK_SPOOL_DIR") or state_home / "spool"),
        work_dir=Path(_raw(env, "GRAFTWORK_WORK_DIR") or state_home / "work"),
        worker_id=_raw(env, "GRAFTWORK_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}",
        cancel_grace_s=_number(env, "GRAFTWORK_CANCEL_GRACE_S", 30.0, 0.0, 3600.0),
        heartbeat_interval_s=_number(env, "GRAFTWORK_HEARTBEAT_INTERVAL_S", 5.0, 0.05, 600.0),
        cancel_poll_interval_s=_number(env, "GRAFTWORK_CANCEL_POLL_INTERVAL_S", 0.5, 0.01, 60.0),
        checkpoint_min_interval_s=_number(env, "GRAFTWORK_CHECKPOINT_MIN_INTERVAL_S", 30.0, 0.0, 86400.0),
        checkpoint_min_steps=_integer(env, "GRAFTWORK_CHECKPOINT_MIN_STEPS", 1, 1, 10**9),
        metrics_batch_size=_integer(env, "GRAFTWORK_METRICS_BATCH_SIZE", 500, 1, 100_000),
        metrics_flush_s=_number(env, "GRAFTWORK_METRICS_FLUSH_S", 1.0, 0.01, 600.0),
        lock_duration_ms=_integer(env, "GRAFTWORK_LOCK_DURATION_MS", 30_000, 1_000, 3_600_000),
        stalled_interval_ms=_integer(env, "GRAFTWORK_STALLED_INTERVAL_MS", 30_000, 500, 3_600_000),
        http_timeout_s=_number(env, "GRAFTWORK_HTTP_TIMEOUT_S", 30.0, 0.1, 3600.0),
        attempt_start_timeout_s=_number(env, "GRAFTWORK_ATTEMPT_START_TIMEOUT_S", 300.0, 0.0, 86400.0),
        deliver_retry_s=_number(env, "GRAFTWORK_DELIVER_RETRY_S", 5.0, 0.0, 3600.0),
        upload_retry_s=_number(env, "GRAFTWORK_UPLOAD_RETRY_S", 120.0, 0.0, 86400.0),
        final_delivery_s=_number(env, "GRAFTWORK_FINAL_DELIVERY_S", 600.0, 0.0, 86400.0),
    )
