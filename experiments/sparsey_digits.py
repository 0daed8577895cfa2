"""Single-trial digit classification with Sparsey (reference §4.5.5).

Data: scikit-learn's 8×8 digits (binarised at half the grey scale) and MNIST read
from its IDX files, derived into the published 16×24 binarised, skeletonised form
(:func:`neuromem.sparsey.data.mnist_16x24`). Training: 200 per class on MNIST (2000
items), 120 per class on digits (it has only 174–183 per class, so 200 would leave no
test set),
each presented once in a seeded shuffled order; the class nodes learn from the code
chosen during that single presentation. Test: the remaining 597 digits; 700 per class of
the MNIST test set (the published protocol). Model: one internal level of macs
(Q=8, K=16) on 3×3-pixel fields at stride ≈ 1 px (``sparsey_common.digit_hierarchy``),
read out by class nodes (``score="log"``; ``"count"`` reported too).

Usage: ``python experiments/sparsey_digits.py [--mnist ../shared/data/mnist]``
→ ``experiments/results/sparsey_digits/``.
"""
from __future__ import annotations

import argparse
import platform
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuromem.datasets import load_digits, load_idx_folder  # noqa: E402
from neuromem.plotting import save_figure  # noqa: E402
from neuromem.sparsey.classifier import SparseyClassifier  # noqa: E402
from neuromem.sparsey.data import binarise, mnist_16x24  # noqa: E402
from sparsey_common import ROOT, digit_hierarchy, out_dir, per_class_indices, write_json, write_text  # noqa: E402


DIGITS_PER_CLASS = 120  # scikit-learn's digits have only 174–183 images per class


def evaluate(name, train_x, train_y, test_x, test_y, seed=0) -> dict:
    row = {"dataset": name, "n_train": len(train_y), "n_test": len(test_y), "image_shape": list(train_x.shape[1:])}
    for score in ("log", "count"):
        clf = SparseyClassifier(digit_hierarchy(train_x.shape[1:], seed), n_classes=10, score=score)
        clf.fit(train_x[:1], train_y[:1])  # compile the kernels outside the timed run
        clf = SparseyClassifier(digit_hierarchy(train_x.shape[1:], seed), n_classes=10, score=score)
        clf.fit(train_x, train_y)
        start = time.perf_counter()
        predicted, G = clf.predict(test_x)
        row[score] = {"accuracy": float(np.mean(predicted == test_y)), "learn_seconds": clf.learn_seconds,
                      "test_seconds": time.perf_counter() - start, "mean_G_test": float(G.mean()),
                      "per_class_accuracy": [float(np.mean(predicted[test_y == c] == c)) for c in range(10)],
                      "saturation_mean": float(clf.hierarchy.grids[0].saturation("U").mean()),
                      "frozen_fraction": float(clf.hierarchy.grids[0].bundles["U"].frozen.mean())}
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--test-per-class", type=int, default=700)
    args = parser.parse_args()
    out = out_dir("digits")
    rows = []
    digits = load_digits(seed=0)
    images = np.concatenate([digits.train_images, digits.test_images])
    labels = np.concatenate([digits.train_labels, digits.test_labels])
    train = per_class_indices(labels, DIGITS_PER_CLASS)
    rest = np.setdiff1d(np.arange(len(labels)), train)
    x = binarise(images, digits.max_value)
    rows.append(evaluate("sklearn digits 8×8 binarised", x[train], labels[train], x[rest], labels[rest]))
    print(rows[-1], flush=True)
    mnist = load_idx_folder(args.mnist)
    train = per_class_indices(mnist.train_labels, 200)
    test = per_class_indices(mnist.test_labels, args.test_per_class)
    start = time.perf_counter()
    x_train, x_test = mnist_16x24(mnist.train_images[train]), mnist_16x24(mnist.test_images[test])
    prep = time.perf_counter() - start
    rows.append(evaluate("MNIST 16×24 binarised skeletonised", x_train, mnist.train_labels[train], x_test,
                         mnist.test_labels[test]))
    rows[-1]["preprocessing_seconds"] = prep
    print(rows[-1], flush=True)
    write_json(out / "digits.json", {"rows": rows, "machine": platform.processor() or platform.machine()})
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, row in zip(axes, rows):
        ax.bar(np.arange(10), row["log"]["per_class_accuracy"])
        ax.set_title(f"{row['dataset']}: {100 * row['log']['accuracy']:.1f} %")
        ax.set_xlabel("class")
        ax.set_ylabel("test accuracy")
        ax.set_ylim(0, 1)
    save_figure(fig, out / "digits.png")
    lines = ["# Sparsey single-trial digit classification", "",
             f"Command: `python experiments/sparsey_digits.py` (MNIST test: {args.test_per_class} per class; "
             "one thread, shared 2-core machine).", "",
             "| data | train | test | accuracy (log readout) | accuracy (count readout) | learning time (s) | "
             "recognition time (s) | mean G on test |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['dataset']} | {r['n_train']} | {r['n_test']} | {100 * r['log']['accuracy']:.1f} % | "
                     f"{100 * r['count']['accuracy']:.1f} % | {r['log']['learn_seconds']:.2f} | "
                     f"{r['log']['test_seconds']:.2f} | {r['log']['mean_G_test']:.3f} |")
    lines += ["", "Published anchor (sparsey.com): 91 % on 16×24 MNIST, 200/class single-trial, 220 s learning on "
              "one thread; acceptance ≥ 85 %."]
    write_text(out / "digits.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
