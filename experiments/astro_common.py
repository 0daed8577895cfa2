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
