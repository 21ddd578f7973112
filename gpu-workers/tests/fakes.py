"""Test doubles of the worker runtime.

- FakeJobContext: an in-memory JobContext for engines' unit tests (scale, federated,
  diagnostics). Checkpoints go through torch.save/torch.load(weights_only=True) like the
  real runtime, so a state that would not survive a real resume fails here too.
- FakeIngestionService: a tiny in-process HTTP server that speaks the ingestion API of
  contracts/README.md (attempts, fencing, metrics, artifacts, result, failure, cancel), for
  the worker runtime's own tests.
"""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import socket
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import parse_qs, unquote, urlparse

from graftwork_worker.worker.job_context import ArtifactRef, JobCancelled, MetricPoint


class FakeJobContext:
    """JobContext in memory. `cancel_after_checks=n` makes the n-th check_cancelled raise."""

    def __init__(self, spec: Mapping[str, Any], workdir: Path, *, run_id: str = "run-test", attempt: int = 1,
                 device: str = "cpu", cancel_after_checks: int | None = None) -> None:
        self.run_id = run_id
        self.attempt = attempt
        self.spec = dict(spec)
        self.device = device
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cancel_after_checks = cancel_after_checks
        self.checks = 0
        self.metrics: list[MetricPoint] = []
        self.progress_updates: list[tuple[float, str, dict[str, Any]]] = []
        self.checkpoints: list[tuple[int, bytes]] = []  # (step, torch.save bytes), oldest first
        self.artifacts: dict[str, tuple[ArtifactRef, Path]] = {}
        self.model_versions: dict[str, Path] = {}
        self.dataset_versions: dict[str, Path] = {}
        self.registered: list[dict[str, Any]] = []

    def check_cancelled(self) -> None:
        self.checks += 1
        if self.cancel_after_checks is not None and self.checks >= self.cancel_after_checks:
            raise JobCancelled(f"cancel requested (check {self.checks})")

    def progress(self, fraction: float, message: str = "", **extra: Any) -> None:
        if not 0.0 <= float(fraction) <= 1.0:
            raise ValueError(f"progress fraction must be in [0, 1], got {fraction}")
        self.progress_updates.append((float(fraction), message, extra))

    def log_metrics(self, points: Sequence[MetricPoint]) -> None:
        self.metrics.extend(points)

    def metric_values(self, key: str) -> list[tuple[int, float]]:
        return [(p.step, float(p.value)) for p in self.metrics if p.key == key]

    def save_checkpoint(self, state: Mapping[str, Any], step: int, *, force: bool = False) -> bool:
        import torch

        buffer = io.BytesIO()
        torch.save(dict(state), buffer)
        self.checkpoints.append((step, buffer.getvalue()))
        return True

    def load_checkpoint(self) -> tuple[Mapping[str, Any], int] | None:
        import torch

        if not self.checkpoints:
            return None
        step, blob = self.checkpoints[-1]
        return torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True), step

    def upload_artifact(self, name: str, path: Path, kind: str = "file",
                        metadata: Mapping[str, Any] | None = None) -> ArtifactRef:
        stored = self.workdir / "_artifacts" / name
        stored.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, stored)
        data = stored.read_bytes()
        ref = ArtifactRef(id=f"artifact-{len(self.artifacts) + 1}", name=name,
                          sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), extra=dict(metadata or {}))
        self.artifacts[name] = (ref, stored)
        return ref

    def fetch_model_version(self, model_version_id: str) -> Path:
        if model_version_id not in self.model_versions:
            raise KeyError(f"unknown model version {model_version_id!r} (add it to model_versions)")
        return self.model_versions[model_version_id]

    def fetch_dataset_version(self, dataset_version_id: str) -> Path:
        if dataset_version_id not in self.dataset_versions:
            raise KeyError(f"unknown dataset version {dataset_version_id!r} (add it to dataset_versions)")
        return self.dataset_versions[dataset_version_id]

    def register_model_version(self, name: str, artifact: ArtifactRef, *, parent_version_id: str | None,
                               derivation: Mapping[str, Any], architecture: Mapping[str, Any]) -> str:
        version_id = f"model-version-{len(self.registered) + 1}"
        self.registered.append({"id": version_id, "name": name, "artifact": artifact,
                                "parentVersionId": parent_version_id, "derivation": dict(derivation),
                                "architecture": dict(architecture)})
        return version_id


@dataclass
class FakeRun:
    spec: dict[str, Any]
    terminal: bool = False
    fencing_token: int = 0
    attempts: int = 0
    cancel_requested: bool = False
    checkpoint: dict[str, Any] | None = None
    metrics: dict[tuple[str, int, str], Any] = field(default_factory=dict)
    metric_order: list[tuple[str, int]] = field(default_factory=list)  # arrival order, duplicates excluded
    duplicates: int = 0
    metric_posts: list[tuple[int, str, int]] = field(default_factory=list)  # (fencing token, key, step)
    progress: list[dict[str, Any]] = field(default_factory=list)
    heartbeats: int = 0
    result: dict[str, Any] | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    artifacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> record
    stale_calls: int = 0
    seen_tokens: list[int] = field(default_factory=list)
    model_versions: list[dict[str, Any]] = field(default_factory=list)

    def loss_steps(self, key: str = "loss") -> list[int]:
        return [step for (k, step) in self.metric_order if k == key]


class FakeIngestionService:
    """The ingestion API in a thread. `stop()`/`start()` on the same port simulate an outage."""

    def __init__(self, worker_key: str = "test-worker-key", max_retries: int = 3) -> None:
        self.worker_key = worker_key
        self.max_retries = max_retries
        self.runs: dict[str, FakeRun] = {}
        self.blobs: dict[str, bytes] = {}  # artifact id -> content
        self.model_version_blobs: dict[str, bytes] = {}  # model version id -> tar/zip of its folder, or one file
        self.dataset_version_blobs: dict[str, tuple[bytes, str]] = {}  # id -> (content, file name)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.port = 0
        self.down = False
        self.connections: set[socket.socket] = set()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_run(self, spec: dict[str, Any], run_id: str | None = None) -> str:
        run_id = run_id or str(uuid.uuid4())
        self.runs[run_id] = FakeRun(spec=spec)
        return run_id

    def start(self) -> "FakeIngestionService":
        service = self

        class Handler(_IngestionHandler):
            fake = service

        ThreadingHTTPServer.allow_reuse_address = True
        self.down = False
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut open keep-alive ones, like a service that went away."""
        self.down = True
        with self.lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.connections.clear()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _IngestionHandler(BaseHTTPRequestHandler):
    fake: FakeIngestionService
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def setup(self) -> None:
        super().setup()
        with self.fake.lock:
            self.fake.connections.add(self.connection)

    def finish(self) -> None:
        with self.fake.lock:
            self.fake.connections.discard(self.connection)
        super().finish()

    def _reply(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _serve_content(self, collection: str, item_id: str) -> None:
        fake = self.fake
        filename = None
        if collection == "artifacts":
            blob = fake.blobs.get(item_id)
        elif collection == "model-versions":
            blob = fake.model_version_blobs.get(item_id)
        elif collection == "dataset-versions":
            blob, filename = fake.dataset_version_blobs.get(item_id, (None, None))
        else:
            blob = None
        if blob is None:
            return self._reply(404, {"error": "not_found"})
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if filename:
            self.send_header("Content-Disposition", f'attachment; filename="{filename}"')
        self.send_header("Content-Length", str(len(blob)))
        self.end_headers()
        self.wfile.write(blob)
        return None

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        fake = self.fake
        if fake.down:
            self.close_connection = True
            return None
        body = self._body()
        url = urlparse(self.path)
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        with fake.lock:
            fake.requests.append((method, url.path))
        if self.headers.get("Authorization") != f"Bearer {fake.worker_key}":
            return self._reply(401, {"error": "unauthorized"})
        if method == "GET" and len(parts) == 5 and parts[:2] == ["api", "v1"] and parts[4] == "content":
            return self._serve_content(parts[2], parts[3])
        if parts[:4] != ["api", "v1", "ingest", "runs"] or len(parts) < 6:
            return self._reply(404, {"error": "not_found"})
        with fake.lock:
            run = fake.runs.get(parts[4])
            if run is None:
                return self._reply(404, {"error": "run_not_found"})
            status, answer = _route(fake, run, method, parts[5:], parse_qs(url.query), body, self.headers)
        return self._reply(status, answer)


def _route(fake: FakeIngestionService, run: FakeRun, method: str, rest: list[str], query: dict[str, list[str]],
           raw: bytes, headers: Any) -> tuple[int, Any]:
    action = rest[0]
    if action == "attempts":
        if run.terminal:
            return 409, {"error": "run_terminal"}
        run.attempts += 1
        run.fencing_token += 1
        return 201, {"attemptId": f"attempt-{run.attempts}", "attemptNumber": run.attempts,
                     "fencingToken": run.fencing_token, "spec": run.spec, "checkpoint": run.checkpoint}
    token = int(headers.get("X-Graftwork-Fencing-Token", "-1"))
    run.seen_tokens.append(token)
    if token != run.fencing_token:
        run.stale_calls += 1
        return 409, {"error": "stale_attempt"}
    body = json.loads(raw) if raw and method == "POST" else None
    if action == "heartbeat":
        run.heartbeats += 1
        return 200, {"cancelRequested": run.cancel_requested}
    if action == "progress":
        run.progress.append(body)
        return 202, None
    if action == "metrics":
        accepted = 0
        for point in body["points"]:
            run.metric_posts.append((token, point["key"], point["step"]))
            identity = (point["key"], point["step"], json.dumps(point.get("context"), sort_keys=True))
            if identity in run.metrics:
                run.duplicates += 1
                continue
            run.metrics[identity] = point["value"]
            run.metric_order.append((point["key"], point["step"]))
            accepted += 1
        return 200, {"accepted": accepted, "duplicates": len(body["points"]) - accepted}
    if action == "artifacts" and method == "PUT":
        name = rest[1]
        digest = hashlib.sha256(raw).hexdigest()
        if query.get("sha256", [digest])[0] != digest:
            return 400, {"error": "sha256_mismatch"}
        artifact_id = f"artifact-{len(fake.blobs) + 1}"
        fake.blobs[artifact_id] = raw
        record = {"id": artifact_id, "name": name, "sha256": digest, "bytes": len(raw),
                  "kind": query.get("kind", ["file"])[0]}
        if record["kind"] == "checkpoint":
            record["step"] = int(query["step"][0])
            run.checkpoint = {"artifactId": artifact_id, "step": record["step"]}
        run.artifacts[name] = record
        return 201, {k: record[k] for k in ("id", "name", "sha256", "bytes")}
    if action == "result":
        run.result = body["result"]
        run.terminal = True
        return 200, None
    if action == "failure":
        run.failures.append(body)
        will_retry = bool(body["retryable"]) and run.attempts < fake.max_retries
        run.terminal = not will_retry
        return 200, {"willRetry": will_retry}
    if action == "cancelled":
        run.cancelled.append(body or {})
        run.terminal = True
        return 200, None
    if action == "model-versions":
        run.model_versions.append(body)
        return 201, {"id": f"model-version-{len(run.model_versions)}"}
    return 404, {"error": "not_found"}
