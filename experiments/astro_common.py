"""Shared helpers of the astrocyte experiments: output folder, figure saving, summaries.

Each ``experiments/astro_<name>.py`` writes into ``experiments/results/astro_<name>/``:
a results HDF5 file (neuromem schema), a PNG and ``<name>.md`` with the measured numbers.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from common import results_dir, write_summary  # noqa: E402,F401
from neuromem.hdf5 import atomic_output  # noqa: E402
from neuromem.plotting import save_figure  # noqa: E402,F401


def output_dir(name: str) -> Path:
    """``experiments/results/astro_<name>/`` (created)."""
    return results_dir("astro", name)


def save_tables(path: Path, tables: dict[str, dict[str, object]], attributes: dict[str, object]) -> None:
    """Write measured tables to HDF5 atomically: one group per table, one dataset per column;
    ``attributes`` (plain numbers/strings, e.g. seeds, sizes, units) go on the root."""
    import h5py
    import numpy as np

    with atomic_output(path) as tmp:
        with h5py.File(tmp, "w") as h5:
            for key, value in attributes.items():
                h5.attrs[key] = value
            for name, columns in tables.items():
                group = h5.create_group(name)
                for column, values in columns.items():
                    data = np.asarray(values)
                    group.create_dataset(column, data=data.astype("S") if data.dtype.kind == "U" else data)
