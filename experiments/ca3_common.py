"""Shared helpers of the CA3 experiments: output folder, the raster + table figure,
operation-by-operation comparison with the expected outputs, and summaries.

Each ``experiments/ca3_<name>.py`` writes into ``experiments/results/ca3_<name>/``:
a results HDF5 file (neuromem schema, ``Results.save``), a PNG and ``<name>.md`` with
the measured numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from common import results_dir, write_summary  # noqa: E402,F401
from neuromem.ca3.memory import CA3Run, OperationResult  # noqa: E402
from neuromem.ca3.plots import operations_raster, operations_table  # noqa: E402
from neuromem.plotting import save_figure  # noqa: E402


def output_dir(name: str) -> Path:
    """``experiments/results/ca3_<name>/`` (created)."""
    return results_dir("ca3", name)


def run_figure(run: CA3Run, path: Path, title: str, table: bool = True) -> None:
    """The published-style figure: raster of every population with the operations
    marked, and (if ``table``) the table of operations and outputs below it."""
    rows = len(run.outputs) if table else 0
    fig = plt.figure(figsize=(11, 5.5 + 0.17 * rows), layout="constrained")
    if table:
        top, bottom = fig.subplots(2, 1, height_ratios=[5.5, 0.17 * rows + 0.4])
        operations_table(run.outputs, bottom)
    else:
        top = fig.subplots(1, 1)
    operations_raster(run, top, label_operations=len(run.outputs) <= 40)
    top.set_title(title, fontsize=10, pad=28)
    save_figure(fig, path)


def compare(outputs: Sequence[OperationResult], expected: Sequence[tuple]) -> list[dict]:
    """One row per operation: what the output layer showed, what was expected, and
    whether both the cue set and the content set match exactly."""
    rows = []
    for out, (cues, content) in zip(outputs, expected):
        ok = set(out.cues) == set(cues) and set(out.content) == set(content)
        rows.append({"t0": out.op.t0, "operation": out.op.describe(),
                     "cues": sorted(out.cues), "cue_time": out.cue_time,
                     "content": sorted(out.content), "content_time": out.content_time,
                     "expected_cues": sorted(cues), "expected_content": sorted(content), "ok": ok})
    return rows


def markdown_table(rows: list[dict]) -> str:
    """The comparison rows as a markdown table."""
    lines = ["| t0 (ms) | operation | OUT cue (@ms) | OUT content (@ms) | expected cue / content | match |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['t0']} | {r['operation']} | {r['cues']} @{r['cue_time']} | "
                     f"{r['content']} @{r['content_time']} | {r['expected_cues']} / "
                     f"{r['expected_content']} | {'yes' if r['ok'] else '**no**'} |")
    return "\n".join(lines)

