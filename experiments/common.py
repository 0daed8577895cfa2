"""Helpers shared by the experiment scripts: the output folder and the markdown summary.

Each ``experiments/<module>_<name>.py`` writes into ``experiments/results/<module>_<name>/``:
results (HDF5), figures (PNG, via :func:`neuromem.plotting.save_figure`) and a
``<name>.md`` summary with the measured numbers and the command that produced them.
"""
from __future__ import annotations

import platform
from pathlib import Path

from neuromem.hdf5 import write_text_atomically as write_text

RESULTS = Path(__file__).resolve().parent / "results"


def results_dir(module: str, name: str) -> Path:
    """``experiments/results/<module>_<name>/`` (created)."""
    folder = RESULTS / f"{module}_{name}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_summary(path: Path, title: str, command: str, body: str) -> None:
    """Markdown summary (written atomically) with the command that produced it and the machine."""
    text = (f"# {title}\n\nProduced by `{command}` on {platform.machine()} / Python "
            f"{platform.python_version()}.\n\n{body.strip()}\n")
    write_text(path, text)
