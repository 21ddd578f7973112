"""A MethodModel on disk: `model.safetensors` (its export state) + `method.json` (its export config)."""
from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import load_file, save_file

from ..scale.methods import MethodModel, load_method_model

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "method.json"


def save_method_checkpoint(model: MethodModel, folder: Path) -> list[Path]:
    """Write the two files; returns their paths (for upload as artifacts)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state, config = model.export()
    weights, config_path = folder / WEIGHTS_FILE, folder / CONFIG_FILE
    save_file({k: v.cpu() for k, v in state.items()}, str(weights), metadata={"format": config["format"]})
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True))
    return [weights, config_path]


def load_method_checkpoint(folder: Path) -> MethodModel:
    folder = Path(folder)
    for name in (WEIGHTS_FILE, CONFIG_FILE):
        if not (folder / name).exists():
            raise FileNotFoundError(f"{folder}: expected {name} (written by save_method_checkpoint)")
    config = json.loads((folder / CONFIG_FILE).read_text())
    return load_method_model(load_file(str(folder / WEIGHTS_FILE)), config)
