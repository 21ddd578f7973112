"""Every golden payload in contracts/examples/ must match its JSON Schema and load into the
generated pydantic model; the TypeScript suite (src/contracts/contract-examples.spec.ts)
checks the same files with ajv.

Example names: `<kind>.<name>.json` is a run spec for jobs/<kind>;
`<folder>.<schema>.<name>.json` is checked against <folder>/<schema> (results, events,
ingestion, queue).
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, TypeAdapter

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
FOLDERS = {"results", "events", "ingestion", "queue"}
EXAMPLES = sorted((CONTRACTS / "examples").glob("*.json"))


def schema_ref(example: Path) -> tuple[str, str]:
    parts = example.name.removesuffix(".json").split(".")
    if len(parts) >= 3 and parts[0] in FOLDERS:
        return parts[0], parts[1]
    if len(parts) >= 2:
        return "jobs", parts[0]
    raise ValueError(f"{example.name}: name must be <kind>.<name>.json or <folder>.<schema>.<name>.json")


def generated_type(folder: str, name: str) -> Any:
    """The root type of a generated module: the class or alias named after the schema's title."""
    schema = json.loads((CONTRACTS / folder / f"{name}.schema.json").read_text())
    module = importlib.import_module(f"graftwork_worker.contracts.generated.{folder}.{name.replace('-', '_')}")
    title = "".join(p[:1].upper() + p[1:] for p in schema.get("title", name).replace("-", " ").split())
    return getattr(module, title)


def test_there_are_examples() -> None:
    assert EXAMPLES, "contracts/examples/ has no golden payloads"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_matches_its_schema(example: Path) -> None:
    folder, name = schema_ref(example)
    schema = json.loads((CONTRACTS / folder / f"{name}.schema.json").read_text())
    payload = json.loads(example.read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(payload)]
    assert errors == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_loads_into_the_generated_model(example: Path) -> None:
    folder, name = schema_ref(example)
    model = generated_type(folder, name)
    payload = json.loads(example.read_text())
    loaded = TypeAdapter(model).validate_python(payload)
    if isinstance(loaded, BaseModel):
        # The generated models keep the wire names, so a payload round-trips unchanged.
        assert loaded.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload


def test_generated_model_rejects_a_bad_value() -> None:
    model = generated_type("ingestion", "metrics-request")
    with pytest.raises(ValueError, match="value"):
        model.model_validate({"points": [{"key": "loss", "step": 1, "value": "nan"}]})


def test_example_names_map_to_schemas() -> None:
    assert schema_ref(Path("diagnostics.smoke.json")) == ("jobs", "diagnostics")
    assert schema_ref(Path("ingestion.metrics-request.x.json")) == ("ingestion", "metrics-request")
    with pytest.raises(ValueError, match="name must be"):
        schema_ref(Path("lonely.json"))
