"""HDF5 storage of learner runs: one group per (condition, regulator, seed), written atomically.

Layout: ``/<condition>/<regulator>/seed_<n>/`` with datasets ``train_accuracy``,
``val_accuracy`` (fraction, per epoch), ``eta`` (learning rate after each batch,
epochs × batches, dimensionless) and ``swaps`` (rows epoch, batch, label a, label b),
and attributes ``decisions`` and ``changes``. File attributes hold the provenance the
caller gives. Every save writes a temporary file and renames it, so an interrupted
sweep leaves the last complete file, and :func:`load_runs` lets it resume.

Example
-------
>>> import numpy as np, tempfile, os
>>> from neuromem.homeostasis.learner import LearningHistory
>>> h = LearningHistory("constant", np.ones(2), np.ones(2), np.full((2, 3), 1e-3),
...                     np.zeros((0, 4), dtype=np.int64), 0, 0)
>>> path = os.path.join(tempfile.mkdtemp(), "runs.h5")
>>> save_runs(path, {("swaps_0", "constant", 0): h}, {"dataset": "digits"})
>>> list(load_runs(path))
[('swaps_0', 'constant', 0)]
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path

import h5py
import numpy as np

from ..errors import ResultsFormatError
from ..hdf5 import atomic_output
from .learner import LearningHistory

RunKey = tuple[str, str, int]
SCHEMA = "neuromem.homeostasis.runs/1"


@contextmanager
def atomic_h5(path: str | PathLike[str]) -> Iterator[h5py.File]:
    """An HDF5 file open for writing that replaces ``path`` only when the block finishes without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp, h5py.File(tmp, "w") as f:
        yield f


def save_runs(path: str | PathLike[str], runs: dict[RunKey, LearningHistory],
              attrs: dict[str, str | int | float]) -> None:
    """Write ``runs`` and file attributes ``attrs`` to ``path`` atomically (temporary file + rename)."""
    with atomic_h5(path) as f:
        f.attrs["schema"] = SCHEMA
        for key, value in attrs.items():
            f.attrs[key] = value
        for (condition, regulator, seed), h in runs.items():
            g = f.create_group(f"{condition}/{regulator}/seed_{seed}")
            g["train_accuracy"] = h.train_accuracy
            g["val_accuracy"] = h.val_accuracy
            g.create_dataset("eta", data=h.eta, compression="gzip", shuffle=True)
            g["swaps"] = h.swaps
            g.attrs["decisions"] = h.decisions
            g.attrs["changes"] = h.changes


def load_runs(path: str | PathLike[str]) -> dict[RunKey, LearningHistory]:
    """Read every run of a file written by :func:`save_runs`."""
    runs: dict[RunKey, LearningHistory] = {}
    with h5py.File(path, "r") as f:
        if f.attrs.get("schema") != SCHEMA:
            raise ResultsFormatError(f"{str(path)!r} is not a homeostasis runs file (schema "
                                     f"{f.attrs.get('schema')!r}, expected {SCHEMA!r})")
        for condition, by_regulator in f.items():
            for regulator, by_seed in by_regulator.items():
                for name, g in by_seed.items():
                    runs[(condition, regulator, int(name.removeprefix("seed_")))] = LearningHistory(
                        regulator, g["train_accuracy"][()], g["val_accuracy"][()], g["eta"][()],
                        g["swaps"][()], int(g.attrs["decisions"]), int(g.attrs["changes"]))
    return runs


def file_attrs(path: str | PathLike[str]) -> dict[str, object]:
    """The file attributes (provenance) of a runs file."""
    with h5py.File(path, "r") as f:
        return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in f.attrs.items()}
