from __future__ import annotations

import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/fakes.py

from fakes import FakeJobContext  # noqa: E402


def adopt_registered_versions(ctx: FakeJobContext) -> None:
    """Unpack every registered model version's tar into ctx.model_versions, as the runtime's
    fetch_model_version would, so a later stage's context can fetch it."""
    for record in ctx.registered:
        if record["id"] in ctx.model_versions:
            continue
        _, stored = ctx.artifacts[record["artifact"].name]
        folder = ctx.workdir / "_versions" / record["id"]
        folder.mkdir(parents=True)
        with tarfile.open(stored) as archive:
            archive.extractall(folder, filter="data")
        ctx.model_versions[record["id"]] = folder
