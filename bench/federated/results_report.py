"""Tables and plots from docs/results/results-study.json (written by results_study.py).

Prints markdown tables (mean ± std over seeds), writes them to
docs/benchmarks/federated-results.md and saves PNG plots under docs/results/.

    gpu-workers/.venv/bin/python bench/federated/results_report.py
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "results"
SOURCE = RESULTS / "results-study.json"
TABLES = ROOT / "docs" / "benchmarks" / "federated-results.md"
Curve = np.ndarray  # [rounds, 4]: round, sim_time_s, accuracy, bytes_total
# PLURAL models are scored per group on the group's own label mix: not comparable with
# one global model's accuracy, so the label says so.
DISPLAY = {"ifca": "ifca (personalised)"}


def _label(name: str) -> str:
    return DISPLAY.get(name, name)


def _curves(runs: list[dict[str, Any]], name: str) -> list[Curve]:
    return [np.asarray(seed[name]["curve"], dtype=np.float64) for seed in runs]


def _ms(values: list[float], fmt: str = "{:.3f}") -> str:
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=np.float64)
    if v.size == 0:
        return "not reached"
    text = f"{fmt.format(v.mean())} ± {fmt.replace('+', '').format(v.std())}"
    return text if v.size == len(values) else f"{text} ({v.size}/{len(values)} seeds)"


def final_accuracy(curve: Curve, last: int = 3) -> float:
    """Mean of the last `last` evaluations: one round's accuracy is noisy under label skew."""
    return float(np.nanmean(curve[-last:, 2]))


def accuracy_at_time(curve: Curve, t: float) -> float:
    before = curve[curve[:, 1] <= t + 1e-12]
    return float(before[-1, 2]) if len(before) else float("nan")


def time_to_accuracy(curve: Curve, target: float) -> float:
    hit = np.flatnonzero(curve[:, 2] >= target)
    return float(curve[hit[0], 1]) if hit.size else float("nan")


def rounds_to_accuracy(curve: Curve, target: float) -> float:
    hit = np.flatnonzero(curve[:, 2] >= target)
    return float(curve[hit[0], 0]) if hit.size else float("nan")


def ic_table(runs: list[dict[str, Any]]) -> list[str]:
    names = list(runs[0])
    fedavg = _curves(runs, "fedavg")
    # Equal simulated time: the shortest run's end, so every curve covers it.
    budget = [min(seed[n]["curve"][-1][1] for n in names) for seed in runs]
    target = [final_accuracy(c) for c in fedavg]
    rows = ["| algorithm | accuracy at equal simulated time | simulated time to FedAvg's final accuracy (s) "
            "| time vs FedAvg | IID cost Δ / random | comm. cost C / random |", "|---|---|---|---|---|---|"]
    fedavg_time = [time_to_accuracy(c, t) for c, t in zip(fedavg, target)]
    for n in names:
        curves = _curves(runs, n)
        acc = [accuracy_at_time(c, b) for c, b in zip(curves, budget)]
        times = [time_to_accuracy(c, t) for c, t in zip(curves, target)]
        ratio = [a / b for a, b in zip(times, fedavg_time)]
        grouping = [seed[n]["extras"].get("fedavgIc") for seed in runs]
        iid = [g["iidCost"] / g["meanRandomIidCost"] for g in grouping if g]
        comm = [g["commCost"] / g["meanRandomCommCost"] for g in grouping if g]
        rows.append(f"| {n} | {_ms(acc)} | {_ms(times, '{:.3f}')} | {_ms(ratio, '{:.2f}')} "
                    f"| {_ms(iid, '{:.2f}') if iid else '–'} | {_ms(comm, '{:.2f}') if comm else '–'} |")
    return rows


def final_accuracy_table(runs: list[dict[str, Any]], baseline: str) -> list[str]:
    rows = [f"| algorithm | final accuracy (last 3 rounds) | vs {baseline} (points) | best accuracy | bytes per round (MB) "
            "| simulated time per round (s) |", "|---|---|---|---|---|---|"]
    base = [final_accuracy(c) for c in _curves(runs, baseline)]
    for n in runs[0]:
        curves = _curves(runs, n)
        final = [final_accuracy(c) for c in curves]
        diff = [100 * (a - b) for a, b in zip(final, base)]
        best = [np.nanmax(c[:, 2]) for c in curves]
        mb = [c[-1, 3] / c[-1, 0] / 1e6 for c in curves]
        per_round = [c[-1, 1] / c[-1, 0] for c in curves]
        rows.append(f"| {_label(n)} | {_ms(final)} | {_ms(diff, '{:+.1f}')} | {_ms(best)} | {_ms(mb, '{:.3f}')} "
                    f"| {_ms(per_round, '{:.3f}')} |")
    return rows


def fedcm_table(runs: list[dict[str, Any]]) -> list[str]:
    random = _curves(runs, "random")
    # Target: 95% of uniform sampling's final accuracy, averaged over seeds.
    target = 0.95 * float(np.mean([final_accuracy(c) for c in random]))
    rows = [f"Target accuracy: {target:.3f} (95% of random sampling's mean final accuracy).", "",
            "| variant | rounds to target | speed-up vs random | final accuracy (last 3 rounds) | vs random (points) |",
            "|---|---|---|---|---|"]
    base_rounds = [rounds_to_accuracy(c, target) for c in random]
    base_final = [final_accuracy(c) for c in random]
    for n in runs[0]:
        curves = _curves(runs, n)
        rounds = [rounds_to_accuracy(c, target) for c in curves]
        speed = [b / r for b, r in zip(base_rounds, rounds)]
        final = [final_accuracy(c) for c in curves]
        diff = [100 * (a - b) for a, b in zip(final, base_final)]
        rows.append(f"| {n} | {_ms(rounds, '{:.1f}')} | {_ms(speed, '{:.2f}')} | {_ms(final)} "
                    f"| {_ms(diff, '{:+.1f}')} |")
    return rows


def plot(runs: list[dict[str, Any]], x_column: int, title: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for n in runs[0]:
        curves = _curves(runs, n)
        length = min(len(c) for c in curves)
        xs = np.mean([c[:length, x_column] for c in curves], axis=0)
        ys = np.asarray([c[:length, 2] for c in curves])
        ax.plot(xs, ys.mean(0), label=_label(n))
        ax.fill_between(xs, ys.mean(0) - ys.std(0), ys.mean(0) + ys.std(0), alpha=0.15)
    ax.set_xlabel("simulated time (s)" if x_column == 1 else "round")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--tables", type=Path, default=TABLES)
    parser.add_argument("--image-prefix", default="", help="prefix of the PNG names (e.g. 'full-')")
    args = parser.parse_args()
    data = json.loads(args.source.read_text())
    meta = data.get("meta", {})
    out = ["# Federated results study: tables", "",
           f"Generated by `bench/federated/results_report.py` from `{_shown(args.source)}` "
           f"(size: {meta.get('size')}, seeds: {meta.get('seeds')}). Mean ± std over seeds.", ""]
    sections = (("ic", "FedAvg-IC vs FedAvg and HierFAVG", ic_table, 1),
                ("ic_no_combining", "FedAvg-IC vs FedAvg and HierFAVG, no in-network combining", ic_table, 1),
                ("tornado", "TornadoAggregate grid", lambda r: final_accuracy_table(r, "fedavg"), 0),
                ("fedcm", "FedCM vs random sampling", fedcm_table, 0))
    for part, title, table, x_column in sections:
        for dataset, runs in data.get(part, {}).items():
            out += [f"## {title} — {dataset}", "", *table(runs), ""]
            image = RESULTS / f"{args.image_prefix}{part}-{dataset}.png"
            plot(runs, x_column, f"{title} ({dataset})", image)
            out += [f"![{title} on {dataset}](../results/{image.name})", ""]
            walls = [sum(v["wall_s"] for v in seed.values()) for seed in runs]
            out += [f"Wall time per seed (all algorithms): {_ms(walls, '{:.0f}')} s.", ""]
    text = "\n".join(out)
    args.tables.parent.mkdir(parents=True, exist_ok=True)
    args.tables.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
