"""Serves the training child's blocking calls (uploads, downloads, registrations)."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any, Awaitable, Callable

from .run_reporter import RunReporter
from .service_client import ServiceClient, ServiceRejected, ServiceUnreachable, StaleAttempt

log = logging.getLogger(__name__)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class ChildCalls:
    def __init__(self, client: ServiceClient, reporter: RunReporter, *, retry_for_s: float) -> None:
        self.client = client
        self.reporter = reporter
        self.retry_for_s = retry_for_s

    @property
    def token(self) -> int:
        return self.reporter.fencing_token

    async def serve(self, message: dict[str, Any]) -> dict[str, Any]:
        """Run one call; the answer always goes back, so the child never waits forever."""
        operations: dict[str, Callable[..., Awaitable[Any]]] = {
            "upload_artifact": self.upload_artifact,
            "fetch_artifact": self.fetch_artifact,
            "fetch_model_version": self.fetch_model_version,
            "fetch_dataset_version": self.fetch_dataset_version,
            "register_model_version": self.register_model_version,
        }
        answer: dict[str, Any] = {"type": "answer", "id": message["id"]}
        try:
            operation = operations[message["op"]]
            answer.update(ok=True, value=await operation(**message["args"]))
        except StaleAttempt as error:
            answer.update(ok=False, errorKind="stale_attempt", error=str(error))
        except ServiceUnreachable as error:
            answer.update(ok=False, errorKind="unreachable", error=str(error))
        except ServiceRejected as error:
            answer.update(ok=False, errorKind="rejected", error=str(error))
        except Exception as error:  # noqa: BLE001 - reported to the child, which fails the run
            log.exception("call %s failed", message.get("op"))
            answer.update(ok=False, errorKind="error", error=f"{type(error).__name__}: {error}")
        return answer

    async def upload_artifact(self, name: str, path: str, kind: str, step: int | None,
                              metadata: dict[str, Any] | None) -> dict[str, Any]:
        file = Path(path)
        if kind == "checkpoint":
            # Metrics up to this step must be stored before the checkpoint that skips them on resume.
            await self.reporter.flush()
        digest = await asyncio.to_thread(sha256_of, file)
        params: dict[str, Any] = {"kind": kind, "sha256": digest}
        if step is not None:
            params["step"] = step
        return await self.client.upload_file(f"{self.reporter.base}/artifacts/{name}", file, params=params,
                                             fencing_token=self.token, retry_for_s=self.retry_for_s)

    async def fetch_artifact(self, artifact_id: str, destination: str) -> str:
        await self.client.download(f"/api/v1/artifacts/{artifact_id}/content", Path(destination),
                                   fencing_token=self.token, retry_for_s=self.retry_for_s)
        return destination

    async def fetch_model_version(self, model_version_id: str, destination: str) -> str:
        folder = Path(destination)
        download = folder.with_name(folder.name + ".download")
        headers = await self.client.download(f"/api/v1/model-versions/{model_version_id}/content", download,
                                             fencing_token=self.token, retry_for_s=self.retry_for_s)
        await asyncio.to_thread(unpack_into_folder, download, folder, _filename(headers, "model.safetensors"))
        return str(folder)

    async def fetch_dataset_version(self, dataset_version_id: str, destination: str) -> str:
        folder = Path(destination)
        download = folder.with_name(folder.name + ".download")
        headers = await self.client.download(f"/api/v1/dataset-versions/{dataset_version_id}/content", download,
                                             fencing_token=self.token, retry_for_s=self.retry_for_s)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / _filename(headers, "data")
        download.replace(target)
        return str(target)

    async def register_model_version(self, model_name: str, artifact_id: str, parent_version_id: str | None,
                                     derivation: dict[str, Any], architecture: dict[str, Any]) -> str:
        body = {"modelName": model_name, "artifactId": artifact_id, "derivation": derivation,
                "architecture": architecture}
        if parent_version_id is not None:
            body["parentVersionId"] = parent_version_id
        answer = await self.client.request("POST", f"{self.reporter.base}/model-versions", json=body,
                                           fencing_token=self.token, retry_for_s=self.retry_for_s)
        return str(answer["id"])


def _filename(headers: Any, fallback: str) -> str:
    disposition = headers.get("content-disposition", "") if headers is not None else ""
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename" and value.strip('"'):
            return Path(value.strip('"')).name  # never a path from the network
    return fallback


def unpack_into_folder(download: Path, folder: Path, single_file_name: str) -> None:
    """A model version arrives as a tar or zip of its folder, or as a single file."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if tarfile.is_tarfile(download):
        with tarfile.open(download) as archive:
            archive.extractall(folder, filter="data")
    elif zipfile.is_zipfile(download):
        with zipfile.ZipFile(download) as archive:
            for member in archive.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ValueError(f"unsafe path {member!r} in model archive")
            archive.extractall(folder)
    else:
        download.replace(folder / single_file_name)
        return
    download.unlink()
