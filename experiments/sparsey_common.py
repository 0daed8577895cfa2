"""Shared bits of the Sparsey experiment scripts: output folders, atomic text/JSON
writing, and the hierarchy used for digit classification."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from neuromem.hdf5 import atomic_output
from neuromem.sparsey import SPARSEY_ALT_SIGMOID, Hierarchy, LevelSpec, MacParams

ROOT = Path(__file__).resolve().parents[1]


def out_dir(name: str) -> Path:
    """``experiments/results/sparsey_<name>/``, created if missing."""
    folder = ROOT / "experiments" / "results" / f"sparsey_{name}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_text(path: Path, text: str) -> None:
    """Write ``text`` atomically."""
    with atomic_output(path) as tmp:
        Path(tmp).write_text(text)


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON atomically (numpy scalars become floats)."""
    write_text(path, json.dumps(data, indent=2, default=lambda x: x.item() if hasattr(x, "item") else str(x)))


def digit_hierarchy(shape: tuple[int, int], seed: int) -> Hierarchy:
    """One internal level of 8×16 macs on 3×3-pixel fields with stride ≈ 1 pixel (the
    configuration chosen by the MNIST sweep in ``sparsey_digits.md``)."""
    params = MacParams(Q=8, K=16, pi_min=2, freeze_fraction=0.3, lambda_U=10.0, **SPARSEY_ALT_SIGMOID)
    rows, cols = shape
    return Hierarchy(shape, [LevelSpec(params, grid=(rows - 2, cols - 2), rf=(3, 3))], seed=seed)


def per_class_indices(labels: np.ndarray, n: int, n_classes: int = 10) -> np.ndarray:
    """The first ``n`` indices of every class, classes interleaved in a seeded order."""
    picked = np.concatenate([np.nonzero(labels == c)[0][:n] for c in range(n_classes)])
    return np.random.default_rng(0).permutation(picked)
