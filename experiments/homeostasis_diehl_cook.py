"""Diehl & Cook style unsupervised STDP network, with and without threshold adaptation.

Trains :class:`neuromem.homeostasis.diehl_cook.DiehlCookNetwork` (constants of Diehl & Cook
2015, adaptive threshold θ⁺ = 0.05 mV, τ_θ = 1e7 ms) on the training images, labels its
excitatory cells from one frozen pass over the training images and classifies the test
images; the ablation freezes θ at its start value of 20 mV (no increments, no decay). Reports test
accuracy (mean ± SD over seeds), cells that ever answered, θ range, and wall time.

Usage::

    python experiments/homeostasis_diehl_cook.py --dataset digits --n-exc 100 --epochs 2 --seeds 3
    python experiments/homeostasis_diehl_cook.py --dataset mnist --n-exc 100 --n-train 1000 --n-test 500 --seeds 1

Output: ``experiments/results/homeostasis_diehl_cook/`` (``<dataset>.h5``, ``<dataset>_fields.png``,
``diehl_cook.md`` with a section per data set run).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuromem.datasets import load_digits, load_idx_folder  # noqa: E402
from neuromem.homeostasis.diehl_cook import DiehlCookNetwork  # noqa: E402
from neuromem.homeostasis.store import atomic_h5  # noqa: E402
from neuromem.homeostasis.threshold import DiehlCookThreshold  # noqa: E402
from neuromem.plotting import save_figure  # noqa: E402
from common import write_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "experiments" / "results" / "homeostasis_diehl_cook"
CONDITIONS = {"adaptive threshold": DiehlCookThreshold(), "fixed threshold": DiehlCookThreshold(frozen=True)}


def run(data, n_exc: int, epochs: int, seed: int, threshold: DiehlCookThreshold) -> dict:
    """Train, label, test one network; return its numbers and final state."""
    start = time.perf_counter()
    x, y = data.flat("train"), data.train_labels
    net = DiehlCookNetwork(data.n_pixels, n_exc, seed, threshold)
    order_rng = np.random.default_rng(seed)
    for _ in range(epochs):
        net.present_all(x[order_rng.permutation(len(y))], learn=True)
    net.assign_labels(net.present_all(x, learn=False), y)
    test_counts = net.present_all(data.flat("test"), learn=False)
    accuracy = float(np.mean(net.classify(test_counts) == data.test_labels))
    return {"accuracy": accuracy, "labelled_cells": int(np.sum(net.labels >= 0)), "theta": net.theta.copy(),
            "weights": net.weights.copy(), "labels": net.labels.copy(), "wall_s": time.perf_counter() - start}


def fields_figure(dataset: str, result: dict, shape: tuple[int, int]) -> None:
    """Receptive fields (input weights) of up to 100 cells of one adaptive-threshold network."""
    w = result["weights"]
    n = min(w.shape[1], 100)
    side = int(np.ceil(np.sqrt(n)))
    fig, axes = plt.subplots(side, side, figsize=(side * 0.8, side * 0.8))
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < n:
            ax.imshow(w[:, k].reshape(shape), cmap="hot_r")
            ax.set_title(str(result["labels"][k]), fontsize=6)
    fig.suptitle(f"{dataset}: input weights per excitatory cell (title: assigned label)", fontsize=8)
    fig.tight_layout()
    save_figure(fig, OUT / f"{dataset}_fields.png", dpi=100)


def section(path: Path) -> str:
    """Markdown section of one data set's file."""
    with h5py.File(path, "r") as f:
        a = dict(f.attrs)
        lines = [f"## {a['dataset']}", "",
                 f"{a['n_train']} training images × {a['epochs']} epoch(s), labelling pass over the same "
                 f"{a['n_train']}, {a['n_test']} test images; {a['n_exc']} excitatory + {a['n_exc']} inhibitory "
                 f"cells, {a['n_inputs']} inputs; dt 0.5 ms, 350 ms + 150 ms per image.", "",
                 "| condition | seed | test accuracy | cells labelled | θ min–max (mV) | wall s |",
                 "|---|---:|---:|---:|---:|---:|"]
        summary = []
        for cond in CONDITIONS:
            key = cond.replace(" ", "_")
            accs = []
            for name in sorted(f[key]):
                g = f[key][name]
                accs.append(g.attrs["accuracy"])
                lines.append(f"| {cond} | {name.removeprefix('seed_')} | {g.attrs['accuracy']:.4f} | "
                             f"{g.attrs['labelled_cells']} | {g['theta'][()].min():.2f}–{g['theta'][()].max():.2f} | "
                             f"{g.attrs['wall_s']:.0f} |")
            accs = np.array(accs)
            summary.append(f"- {cond}: test accuracy {accs.mean():.4f} ± "
                           f"{accs.std(ddof=1) if accs.size > 1 else 0.0:.4f} (n = {accs.size})")
    return "\n".join(lines + [""] + summary + ["", f"![fields]({a['dataset']}_fields.png)", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("digits", "mnist"), default="digits")
    parser.add_argument("--data-folder", type=Path, default=ROOT.parent / "shared" / "data" / "mnist")
    parser.add_argument("--n-exc", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-train", type=int, default=0, help="first N training images (0: all)")
    parser.add_argument("--n-test", type=int, default=0, help="first N test images (0: all)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    data = load_digits(seed=0) if args.dataset == "digits" else load_idx_folder(args.data_folder)
    if args.n_train or args.n_test:
        data = data.subset(args.n_train or len(data.train_labels), args.n_test or len(data.test_labels))
    with atomic_h5(OUT / f"{args.dataset}.h5") as f:
        f.attrs.update({"dataset": args.dataset, "n_exc": args.n_exc, "epochs": args.epochs,
                        "n_train": len(data.train_labels), "n_test": len(data.test_labels),
                        "n_inputs": data.n_pixels})
        for cond, threshold in CONDITIONS.items():
            for seed in range(args.seeds):
                result = run(data, args.n_exc, args.epochs, seed, threshold)
                print(f"{cond} seed {seed}: accuracy {result['accuracy']:.4f} ({result['wall_s']:.0f} s)",
                      flush=True)
                g = f.create_group(f"{cond.replace(' ', '_')}/seed_{seed}")
                for key in ("theta", "weights", "labels"):
                    g[key] = result[key]
                for key in ("accuracy", "labelled_cells", "wall_s"):
                    g.attrs[key] = result[key]
                if cond == "adaptive threshold" and seed == 0:
                    fields_figure(args.dataset, result, data.train_images.shape[1:])
    parts = ["# Diehl & Cook style STDP network: adaptive vs fixed threshold", "",
             "Generated by `experiments/homeostasis_diehl_cook.py`; measured numbers. Simulated by the compiled "
             "network of `neuromem.homeostasis.diehl_cook`: the embedded engine has adaptive thresholds but not "
             "the Diehl & Cook STDP rule (post2-before factor), per-image weight normalisation or the "
             "intensity-raising loop. Synaptic delays of the original are not modelled.", ""]
    parts += [section(OUT / f"{d}.h5") for d in ("digits", "mnist") if (OUT / f"{d}.h5").exists()]
    text = "\n".join(parts)
    write_text(OUT / "diehl_cook.md", text)
    print(text)


if __name__ == "__main__":
    main()
