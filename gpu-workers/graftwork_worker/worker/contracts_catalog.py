"""Finds contracts/ and validates payloads against its JSON Schemas.

The set of files in contracts/jobs/ is the set of job kinds (contracts/README.md).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jsonschema


def locate_contracts_dir(explicit: Path | None) -> Path | None:
    """The explicit folder if it holds jobs/, else the repository's contracts/ above this file."""
    if explicit is not None:
        return explicit if (explicit / "jobs").is_dir() else None
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "contracts"
        if (candidate / "jobs").is_dir() and (candidate / "README.md").is_file():
            return candidate
    return None


def job_kinds(contracts_dir: Path) -> tuple[str, ...]:
    suffix = ".schema.json"
    return tuple(sorted(p.name[: -len(suffix)] for p in (contracts_dir / "jobs").glob(f"*{suffix}")))


@lru_cache(maxsize=64)
def _validator(path: str) -> jsonschema.protocols.Validator:
    schema = json.loads(Path(path).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_errors(contracts_dir: Path, folder: str, kind: str, payload: Any, root: str) -> list[str]:
    """Messages naming the JSON path of each invalid field (e.g. `spec.steps: ...`), [] when valid."""
    validator = _validator(str(contracts_dir / folder / f"{kind}.schema.json"))
    messages = []
    for error in sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path)):
        path = ".".join([root, *(str(part) for part in error.absolute_path)])
        messages.append(f"{path}: {error.message}")
    return messages


def with_defaults(contracts_dir: Path, kind: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with the top-level `default`s of its schema filled in."""
    schema = json.loads((contracts_dir / "jobs" / f"{kind}.schema.json").read_text())
    filled = dict(spec)
    for name, prop in schema.get("properties", {}).items():
        if name not in filled and isinstance(prop, dict) and "default" in prop:
            filled[name] = prop["default"]
    return filled
