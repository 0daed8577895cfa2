"""Plots of results: spike rasters, population rates, traces, weight matrices and histograms.

Each function draws on the Axes given as ``ax`` and returns it; with ``ax=None`` it
creates a new figure (through pyplot, so it shows in notebooks) and draws there.
Nothing else touches pyplot's global state, and no function calls ``show``, so
everything works with the non-interactive Agg back end. Axis labels carry units
(time ms, rates Hz, traces in the unit stored with them).

Example
-------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> from neuromem.results import Results, PopulationData
>>> res = Results({"exc": PopulationData("exc", 2, "IF_cond_exp", [1.0, 3.5], [0, 1])},
...               dt=0.1, duration=10.0, seed=1, backend="engine")
>>> ax = raster(res)
>>> ax.get_xlabel()
'time (ms)'
"""
from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .hdf5 import atomic_output
from .results import PopulationData, Results, WeightData

PREFERRED_TRACE_VARIABLES = ("v", "gsyn_exc", "isyn_exc", "gsyn_inh", "isyn_inh")


def raster(results: Results, populations: Sequence[str] | None = None, *,
           ax: Axes | None = None, marker_size: float | None = None) -> Axes:
    """Spike raster: one row per cell, populations stacked bottom-up in the given order.

    ``populations`` (labels) defaults to all. x: time (ms); y: cell index, offset so
    that populations do not overlap; each population has its own colour and a tick
    label at its centre. ``marker_size`` (points²) defaults to a size that shrinks as
    the number of rows grows.
    """
    ax = _axes(ax)
    labels = _labels(results, populations)
    if marker_size is None:
        rows = sum(results[label].size for label in labels)
        marker_size = float(np.clip(1000.0 / max(rows, 1), 1.0, 9.0))
    offset = 0
    ticks, names = [], []
    for i, label in enumerate(labels):
        pop = results[label]
        ax.scatter(pop.spike_times, pop.spike_ids + offset, s=marker_size, marker=".",
                   linewidths=0, color=f"C{i}", rasterized=True)
        ticks.append(offset + pop.size / 2)
        names.append(label)
        offset += pop.size
    ax.set_yticks(ticks, names)
    ax.set_xlim(0.0, results.duration)
    ax.set_ylim(-0.5, max(offset, 1) - 0.5)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("cell (by population)")
    return ax


def population_rate(results: Results, populations: Sequence[str] | None = None, *,
                    bin_ms: float = 5.0, ax: Axes | None = None) -> Axes:
    """Population firing rate (Hz): spikes per recorded cell per second in bins of ``bin_ms``."""
    if not bin_ms > 0:
        raise ValueError(f"bin_ms must be > 0 ms, got {bin_ms!r}")
    ax = _axes(ax)
    edges = np.arange(0.0, results.duration + bin_ms, bin_ms)
    for i, label in enumerate(_labels(results, populations)):
        pop = results[label]
        ax.stairs(_binned_rate(pop, edges), edges, label=label, color=f"C{i}")
    ax.set_xlim(0.0, results.duration)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"rate (Hz, {bin_ms:g} ms bins)")
    ax.legend(loc="upper right", frameon=False)
    return ax


def _binned_rate(pop: PopulationData, edges: np.ndarray) -> np.ndarray:
    counts, _ = np.histogram(pop.spike_times, bins=edges)
    n_cells = max(len(pop.recorded_ids), 1)
    return counts / n_cells / (np.diff(edges) / 1000.0)


def traces(results: Results, population: str, variable: str, cells: Iterable[int] | None = None,
           *, ax: Axes | None = None) -> Axes:
    """Sampled ``variable`` of ``population`` over time, one line per cell.

    ``cells`` (indices within the population) defaults to the first five recorded.
    y label: the variable and its unit, e.g. ``v (mV)``.
    """
    pop = results[population]
    if variable not in pop.traces:
        raise ValueError(f"population {population!r} has no recorded {variable!r}; recorded traces "
                         f"are {sorted(pop.traces)}")
    trace = pop.traces[variable]
    chosen = trace.ids[:5] if cells is None else np.asarray(list(cells))
    ax = _axes(ax)
    for cell in chosen:
        ax.plot(trace.times, trace.of(int(cell)), linewidth=0.8, label=f"cell {int(cell)}")
    ax.set_xlim(0.0, results.duration)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"{variable} ({trace.unit})")
    if len(chosen) <= 10:
        ax.legend(loc="upper right", frameon=False, fontsize="small")
    return ax


def weight_matrix(weights: WeightData, n_pre: int, n_post: int, *, ax: Axes | None = None) -> Axes:
    """Weights as an image: pre cells on y, post cells on x; blank where no synapse.

    Multapses are summed. A colour bar gives the weight in its unit.
    """
    ax = _axes(ax)
    matrix = np.ma.masked_invalid(weights.matrix(n_pre, n_post))
    image = ax.imshow(matrix, aspect="auto", origin="lower", interpolation="nearest",
                      cmap="viridis")
    ax.figure.colorbar(image, ax=ax, label=f"weight ({weights.unit})")
    ax.set_xlabel("post cell (index)")
    ax.set_ylabel("pre cell (index)")
    return ax


def weight_histogram(weights: WeightData, bins: int = 50, *, ax: Axes | None = None) -> Axes:
    """Histogram of synaptic weights (count of synapses per weight bin)."""
    ax = _axes(ax)
    ax.hist(weights.weight, bins=bins, color="C0")
    ax.set_xlabel(f"weight ({weights.unit})")
    ax.set_ylabel("synapses")
    return ax


def overview(results: Results, populations: Sequence[str] | None = None,
             bin_ms: float = 5.0) -> Figure:
    """One figure: raster, population rate and, if any trace was recorded, a trace panel.

    The trace panel shows the first recorded variable (``v`` preferred) of the first
    population that has one.
    """
    labels = _labels(results, populations)
    trace = _first_trace(results, labels)
    import matplotlib.pyplot as plt

    rows = 3 if trace else 2
    fig, axes = plt.subplots(rows, 1, sharex=True, figsize=(8, 2.4 * rows + 1),
                             height_ratios=[2, 1, 1][:rows], layout="constrained")
    raster(results, labels, ax=axes[0])
    population_rate(results, labels, bin_ms=bin_ms, ax=axes[1])
    if trace:
        traces(results, trace[0], trace[1], ax=axes[2])
    for ax in axes[:-1]:
        ax.set_xlabel("")
    fig.suptitle(f"{results.model.get('label', '')} ({results.backend}, seed {results.seed}, "
                 f"{results.duration:g} ms)".strip())
    return fig


def save_figure(fig: Figure, path: str | PathLike[str], dpi: int = 120) -> None:
    """Save ``fig`` atomically (format from the extension, e.g. ``.png``) and close it.

    A failed save leaves no file behind (see :func:`neuromem.hdf5.atomic_output`).
    """
    import matplotlib.pyplot as plt

    try:
        with atomic_output(path) as tmp_name:
            fig.savefig(tmp_name, format=Path(path).suffix.lstrip(".").lower() or None, dpi=dpi)
    finally:
        plt.close(fig)


def _first_trace(results: Results, labels: list[str]) -> tuple[str, str] | None:
    for label in labels:
        recorded = results[label].traces
        for variable in (*PREFERRED_TRACE_VARIABLES, *recorded):
            if variable in recorded:
                return label, variable
    return None


def _labels(results: Results, populations: Sequence[str] | None) -> list[str]:
    labels = list(results.populations) if populations is None else list(populations)
    missing = [label for label in labels if label not in results.populations]
    if missing:
        raise KeyError(f"no population {missing[0]!r} in these results; have "
                       f"{list(results.populations)}")
    return labels


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure().add_subplot()
