"""Shared helpers of the astrocyte experiments: output folder, figure saving, summaries.

Each ``experiments/astro_<name>.py`` writes into ``experiments/results/astro_<name>/``:
a results HDF5 file (neuromem schema), a PNG and ``<name>.md`` with the measured numbers.
"""
from __future__ import annotations

import platform
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuromem.astro.results_io import write_text  # noqa: E402
from neuromem.hdf5 import atomic_output  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def output_dir(name: str) -> Path:
    """``experiments/results/astro_<name>/`` (created)."""
    folder = RESULTS / f"astro_{name}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_figure(fig: plt.Figure, path: Path) -> None:
    """Save a PNG atomically and close the figure."""
    with atomic_output(path) as tmp:
        fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)


def write_summary(path: Path, title: str, command: str, body: str) -> None:
    """Markdown summary with the command that produced it and the machine."""
    text = (f"# {title}\n\nProduced by `{command}` on {platform.machine()} / Python "
            f"{platform.python_version()}.\n\n{body.strip()}\n")
    write_text(str(path), text)


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
