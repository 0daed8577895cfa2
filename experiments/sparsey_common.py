"""Shared bits of the Sparsey experiment scripts: output folders, atomic JSON writing,
and the hierarchy used for digit classification."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from common import results_dir, write_text
from neuromem.sparsey import SPARSEY_ALT_SIGMOID, Hierarchy, LevelSpec, MacParams

ROOT = Path(__file__).resolve().parents[1]


def out_dir(name: str) -> Path:
    """``experiments/results/sparsey_<name>/``, created if missing."""
    return results_dir("sparsey", name)


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON atomically (numpy scalars become floats)."""
    write_text(path, json.dumps(data, indent=2, default=lambda x: x.item() if hasattr(x, "item") else str(x)))


#: Mac parameters of the digit model, chosen on MNIST validation items drawn from the
#: training set (``sparsey_digits.select_on_validation``; sweeps in ``docs/sparsey.md``):
#: Q=8 CMs of K=256 cells, λ_U=10 with the Sparsey_Alt sigmoid, π⁻=2 active pixels,
#: a bundle freezes once 3 % of its weights are set; binary weights.
DIGIT_MAC = MacParams(Q=8, K=256, pi_min=2, freeze_fraction=0.03, lambda_U=10.0, **SPARSEY_ALT_SIGMOID)

#: Class-node reading of the digit model (chosen on the same validation items): log
#: frequencies with pseudo-count α = 10⁻⁴, so an active cell never seen with a class
#: counts (almost) as a veto against it.
DIGIT_READOUT = {"score": "log", "prior": 1e-4}


def digit_hierarchy(shape: tuple[int, int], seed: int, params: MacParams = DIGIT_MAC) -> Hierarchy:
    """One internal level of (rows − 2) × (cols − 2) macs (``params``, default
    :data:`DIGIT_MAC`) on 3×3-pixel fields at stride 1 pixel."""
    rows, cols = shape
    return Hierarchy(shape, [LevelSpec(params, grid=(rows - 2, cols - 2), rf=(3, 3))], seed=seed)


def per_class_indices(labels: np.ndarray, n: int, n_classes: int = 10) -> np.ndarray:
    """The first ``n`` indices of every class, classes interleaved in a seeded order."""
    picked = np.concatenate([np.nonzero(labels == c)[0][:n] for c in range(n_classes)])
    return np.random.default_rng(0).permutation(picked)
