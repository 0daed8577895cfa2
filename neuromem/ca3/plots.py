"""Figures of a CA3 memory run: spike raster with the operations, and the operations table.

Both functions draw on the matplotlib ``Axes`` given and return it, in the style of
the published figures (Casanueva-Morato et al., 2024): every population of the
network stacked in one raster (input layer at the bottom, output layer at the top)
on a 1 ms grid in paper time (ms, first tick 0), each operation's start marked and
labelled; and a table with one row per operation — start time, operation, and the
cue set and content the output layer showed, with the time (ms) each was read.

Example
-------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from neuromem.ca3 import CA3Memory, Schedule
>>> s = Schedule(3, 4).learn(0, [1, 2]).recall_cue(0)
>>> run = CA3Memory(3, 4).run(s)                                    # doctest: +SKIP
>>> fig, (top, bottom) = plt.subplots(2, 1)                         # doctest: +SKIP
>>> _ = operations_raster(run, top); _ = operations_table(run.outputs, bottom)  # doctest: +SKIP
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.axes import Axes

from ..plotting import raster
from ..results import PopulationData, Results
from .memory import CA3Run, OperationResult
from .parameters import INPUT_LABEL, OUTPUT_LABEL, POPULATIONS

RASTER_ORDER = (INPUT_LABEL, *(spec.label for spec in POPULATIONS), OUTPUT_LABEL)
SHORT_NAMES = {"learn": "L", "recall_cue": "RC", "recall_content": "RF"}


def operations_raster(run: CA3Run, ax: Axes, populations: Sequence[str] = RASTER_ORDER,
                      label_operations: bool = True) -> Axes:
    """Spike raster of ``populations`` (default: IL, the eight memory populations, OL)
    in paper time (ms), with a dashed line at each operation's start and, if
    ``label_operations``, a short label above it (``L3`` learn at cue 3, ``RC3``
    recall by cue 3, ``RF`` recall by content). Output-layer spikes read as an
    operation's answer are circled."""
    shifted = paper_time(run.results, run.shift)
    raster(shifted, list(populations), ax=ax, marker_size=12.0)
    ax.set_xlim(-0.5, shifted.duration + 0.5)
    ax.set_xlabel("time (ms, paper time)")
    sizes = [shifted[label].size for label in populations]
    for edge in np.cumsum(sizes)[:-1]:
        ax.axhline(edge - 0.5, color="0.85", lw=0.5, zorder=0)
    order = list(populations)
    offset = sum(sizes[:order.index(OUTPUT_LABEL)]) if OUTPUT_LABEL in order else None
    cues = _cues(run)
    for out in run.outputs:
        ax.axvline(out.op.t0, color="0.6", lw=0.6, ls="--", zorder=0)
        if label_operations:
            ax.annotate(operation_label(out), (out.op.t0, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(1, 2), textcoords="offset points", fontsize=7, rotation=45,
                        va="bottom", ha="left")
        if offset is not None:
            points = [(out.cue_time, offset + i) for i in sorted(out.cues)]
            points += [(out.content_time, offset + cues + i) for i in sorted(out.content)]
            if points:
                x, y = np.array(points, dtype=float).T
                ax.scatter(x, y, s=30, facecolors="none", edgecolors="k", linewidths=0.6)
    return ax


def operations_table(outputs: Sequence[OperationResult], ax: Axes, font_size: float = 7.0) -> Axes:
    """A table of operations and outputs: start (ms), operation, the output layer's cue
    set (with the ms it was read) and content (with its ms). Axis lines are hidden."""
    rows = [[f"{o.op.t0}", o.op.describe(),
             f"{sorted(o.cues)} @{o.cue_time}", f"{sorted(o.content)} @{o.content_time}"]
            for o in outputs]
    ax.axis("off")
    table = ax.table(cellText=rows or [["", "", "", ""]],
                     colLabels=["t0 (ms)", "operation", "OUT cue (ms)", "OUT content (ms)"],
                     loc="upper center", cellLoc="left", colLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(font_size)
    table.auto_set_column_width(list(range(4)))
    return ax


def operation_label(out: OperationResult) -> str:
    """Short label of an operation: ``L<cue>``, ``RC<cue>`` or ``RF{bits}``."""
    op = out.op
    if op.kind == "recall_content":
        return "RF" + "{" + ",".join(str(b) for b in op.bits) + "}"
    return f"{SHORT_NAMES[op.kind]}{op.cue}"


def paper_time(results: Results, shift: float) -> Results:
    """A copy of ``results`` (spikes only) with every spike time moved by −``shift`` ms."""
    pops = {label: PopulationData(label, pop.size, pop.cell_type, pop.spike_times - shift,
                                  pop.spike_ids, recorded_ids=pop.recorded_ids)
            for label, pop in results.populations.items()}
    return Results(pops, dt=results.dt, duration=results.duration - shift, seed=results.seed,
                   backend=results.backend, model=results.model, provenance=results.provenance)


def _cues(run: CA3Run) -> int:
    return run.results[OUTPUT_LABEL].size - run.results["contCue"].size
