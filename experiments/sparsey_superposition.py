"""Superposition: episodic recall and semantic (class) generalisation from the same
weights (Rinkus & Leveille 2017).

The digits model of ``sparsey_digits.py`` learns 120 binarised scikit-learn digits per
class once. From the same weights it then (a) re-presents every training item and
compares the max-V code with the code stored for it (episodic recall: fraction of CMs
reinstated, G), and (b) classifies the 597 unseen digits (semantic generalisation) and
reports their G. Side by side in one figure.

Usage: ``python experiments/sparsey_superposition.py`` → ``experiments/results/sparsey_superposition/``.
"""
from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuromem.datasets import load_digits  # noqa: E402
from neuromem.plotting import save_figure  # noqa: E402
from neuromem.sparsey.classifier import SparseyClassifier  # noqa: E402
from neuromem.sparsey.data import binarise  # noqa: E402
from sparsey_common import (DIGIT_READOUT, digit_hierarchy, out_dir, per_class_indices,  # noqa: E402
                            write_json, write_text)


def main() -> None:
    out = out_dir("superposition")
    digits = load_digits(seed=0)
    x = binarise(np.concatenate([digits.train_images, digits.test_images]), digits.max_value)
    y = np.concatenate([digits.train_labels, digits.test_labels])
    train = per_class_indices(y, 120)
    test = np.setdiff1d(np.arange(len(y)), train)
    clf = SparseyClassifier(digit_hierarchy((8, 8), seed=0), n_classes=10, **DIGIT_READOUT)
    stored = []
    for item, label in zip(x[train], y[train]):
        code, _ = clf.code(item, learn=True)
        clf.readout.learn(code, int(label))
        stored.append(code)
    recalled = [clf.code(item, learn=False) for item in x[train]]
    n_active = np.array([c.sum() for c in stored])
    reinstated = np.array([np.sum((c == 1) & (r == 1)) for c, (r, _) in zip(stored, recalled)]) / np.maximum(n_active, 1)
    G_train = np.array([g for _, g in recalled])
    train_acc = float(np.mean([clf.readout.predict(r) == lab for (r, _), lab in zip(recalled, y[train])]))
    pred, G_test = clf.predict(x[test])
    report = {"episodic": {"mean_fraction_of_code_reinstated": float(reinstated.mean()),
                           "fraction_exact": float(np.mean(reinstated == 1.0)), "mean_G": float(G_train.mean()),
                           "class_accuracy_on_training_items": train_acc},
              "semantic": {"test_accuracy": float(np.mean(pred == y[test])), "mean_G": float(G_test.mean())}}
    write_json(out / "superposition.json", report)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    axes[0].hist(reinstated, bins=20, range=(0, 1))
    axes[0].set_xlabel("fraction of stored code reinstated (training items)")
    axes[0].set_ylabel("items")
    axes[0].set_title("episodic recall")
    axes[1].hist([G_train, G_test], bins=20, range=(0, 1), label=["training items", "unseen items"])
    axes[1].set_xlabel("familiarity G")
    axes[1].set_title(f"semantic: {100 * report['semantic']['test_accuracy']:.1f} % on unseen digits")
    axes[1].legend()
    save_figure(fig, out / "superposition.png")
    e, s = report["episodic"], report["semantic"]
    lines = ["# Sparsey superposition: episodic and semantic memory in the same weights", "",
             "Command: `python experiments/sparsey_superposition.py` (digits, 120 per class learned once).", "",
             "| memory | measure | value |", "|---|---|---|",
             f"| episodic | mean fraction of a training item's code reinstated | {e['mean_fraction_of_code_reinstated']:.3f} |",
             f"| episodic | items reinstated exactly | {100 * e['fraction_exact']:.1f} % |",
             f"| episodic | mean G of training items | {e['mean_G']:.3f} |",
             f"| episodic | class accuracy on training items | {100 * e['class_accuracy_on_training_items']:.1f} % |",
             f"| semantic | class accuracy on unseen items | {100 * s['test_accuracy']:.1f} % |",
             f"| semantic | mean G of unseen items | {s['mean_G']:.3f} |"]
    write_text(out / "superposition.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
