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

Two diagnostics on MNIST explain the gap to the published 91 %:

* ``exact_patch_reference`` — not Sparsey: every distinct non-empty 3×3 pattern at each
  location is its own feature, read out by the same class nodes. It is what the internal
  level would give if each mac stored one private code per distinct pattern and
  reinstated it exactly.
* ``retrieval_diagnostic`` — a fresh copy of the model learns the training set step by
  step while recording, per mac, the code given to each distinct pattern; it reports
  how many patterns new to a mac were learned at G ≈ 1 (absorbed: every active input
  already reaches the winners of an earlier, larger pattern, since V = u / n_active),
  and, on test items, how often a CM's max V is tied and how many CMs of a familiar
  pattern reinstate its training code.

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
from neuromem.sparsey.hierarchy import receptive_fields  # noqa: E402
from neuromem.sparsey.readout import ClassReadout  # noqa: E402
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


def _patterns(images: np.ndarray, fields: list[np.ndarray]) -> np.ndarray:
    """Per image and field, the field's binary pattern packed into an integer (N × fields)."""
    flat = images.reshape(len(images), -1).astype(np.int64)
    return np.stack([flat[:, f] @ (1 << np.arange(f.size)) for f in fields], axis=1)


def exact_patch_reference(train_x, train_y, test_x, test_y, rf=(3, 3)) -> float:
    """Accuracy of class nodes reading one private feature per distinct non-empty pattern
    per field (not Sparsey; the ceiling of exact per-pattern codes). Test patterns never
    seen at their field are left out (every class has the same number of items, so they
    would add the same score to each)."""
    rows, cols = train_x.shape[1:]
    fields = receptive_fields((rows, cols), (rows - rf[0] + 1, cols - rf[1] + 1), rf)
    train_p, test_p = _patterns(train_x, fields), _patterns(test_x, fields)
    index = [{v: k for k, v in enumerate(np.unique(col[col > 0]))} for col in train_p.T]
    offsets = np.cumsum([0] + [len(d) for d in index])
    readout = ClassReadout(int(offsets[-1]), 10, score="log")

    def features(patterns):
        code = np.zeros(offsets[-1], dtype=np.uint8)
        for m, v in enumerate(patterns):
            if v in index[m]:
                code[offsets[m] + index[m][v]] = 1
        return code

    for patterns, label in zip(train_p, train_y):
        readout.learn(features(patterns), int(label))
    return float(np.mean([readout.predict(features(p)) == y for p, y in zip(test_p, test_y)]))


def retrieval_diagnostic(train_x, test_x, seed=0, n_test=1000) -> dict:
    """Learn ``train_x`` on a fresh digit hierarchy and measure code absorption and
    max-V ties (see the module doc)."""
    h = digit_hierarchy(train_x.shape[1:], seed)
    fields = receptive_fields(train_x.shape[1:], h.specs[0].grid, h.specs[0].rf)
    codes = [dict() for _ in fields]
    new = absorbed = 0
    for image, patterns in zip(train_x, _patterns(train_x, fields)):
        step = h.present(image, learn=True)[0]
        for m in np.nonzero(step.winners[:, 0] >= 0)[0]:
            if patterns[m] not in codes[m]:
                new += 1
                absorbed += step.G[m] > 0.99
                codes[m][patterns[m]] = step.winners[m].copy()
    tied = cms = familiar = reinstated = 0
    for image, patterns in zip(test_x[:n_test], _patterns(test_x[:n_test], fields)):
        step = h.present(image, learn=False)[0]
        for m in np.nonzero(step.winners[:, 0] >= 0)[0]:
            V = step.V[m]
            tied += int(((V == V.max(axis=1, keepdims=True)).sum(axis=1) > 1).sum())
            cms += V.shape[0]
            if patterns[m] in codes[m]:
                familiar += V.shape[0]
                reinstated += int((codes[m][patterns[m]] == step.winners[m]).sum())
    return {"patterns_new_to_a_mac": new, "absorbed_fraction": absorbed / new,
            "test_cms_with_tied_max_V": tied / cms, "test_cms_of_familiar_patterns": familiar / cms,
            "familiar_cms_reinstating_training_code": reinstated / familiar}


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
    rows[-1]["exact_patch_reference_accuracy"] = exact_patch_reference(
        x_train, mnist.train_labels[train], x_test, mnist.test_labels[test])
    rows[-1]["retrieval_diagnostic"] = retrieval_diagnostic(x_train, x_test)
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
    mn = rows[-1]
    diag = mn["retrieval_diagnostic"]
    lines += ["", "MNIST diagnostics (same split): class nodes on exact per-pattern 3×3 codes (not Sparsey) "
              f"{100 * mn['exact_patch_reference_accuracy']:.1f} %; "
              f"{100 * diag['absorbed_fraction']:.0f} % of the patterns new to a mac were learned at G ≈ 1 "
              "(absorbed into the code of a stored superset); on test items "
              f"{100 * diag['test_cms_with_tied_max_V']:.0f} % of CMs have a tied max V and only "
              f"{100 * diag['familiar_cms_reinstating_training_code']:.0f} % of the CMs of a pattern seen in "
              "training reinstate its training code."]
    lines += ["", "Published anchor (sparsey.com): 91 % on 16×24 MNIST, 200/class single-trial, 220 s learning on "
              "one thread; acceptance ≥ 85 %."]
    write_text(out / "digits.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
