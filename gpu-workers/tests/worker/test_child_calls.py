"""The child's blocking calls go through the worker to the service: downloads, uploads, registration."""
from __future__ import annotations

import asyncio
import io
import tarfile

from .attempt_helpers import run_attempt, sample


def _tar_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_model_and_dataset_downloads_upload_and_registration(make_config, service):
    service.model_version_blobs["mv-base"] = _tar_of({"config.json": b'{"hidden": 8}', "model.safetensors": b"w"})
    service.dataset_version_blobs["dv-train"] = (b"a,b\n1,2\n", "train.csv")
    run_id = service.add_run({"steps": 1})
    outcome, _ = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("uses_the_store")))
    run = service.runs[run_id]
    assert outcome.status == "succeeded", run.failures
    assert run.result["modelFiles"] == ["config.json", "model.safetensors"]
    assert run.result["config"] == '{"hidden": 8}'
    assert run.result["dataset"] == "train.csv" and run.result["datasetText"] == "a,b\n1,2\n"
    assert service.blobs[run.result["artifactId"]] == b"new weights"
    assert run.model_versions == [{"modelName": "grown", "artifactId": run.result["artifactId"],
                                   "parentVersionId": "mv-base", "derivation": {"method": "test"},
                                   "architecture": {"layers": 1}}]
    assert run.result["versionId"] == "model-version-1"


def test_missing_download_fails_the_run_with_the_service_answer(make_config, service):
    run_id = service.add_run({"steps": 1})
    outcome, _ = asyncio.run(run_attempt(make_config(), run_id, "sample", handler=sample("uses_the_store")))
    failure = service.runs[run_id].failures[0]
    assert outcome.status == "failed" and failure["reason"] == "internal_error"
    assert "404" in failure["message"] and "RemoteCallError" in failure["message"]
