"""Results of a run: spikes and sampled traces per population, plus provenance.

Every back end and memory module returns a :class:`Results`, so plotting, analysis
and storage are shared. Times are in ms; each trace carries its unit.

Storage: ``results.save("run.h5")`` writes the versioned HDF5 schema described in
:mod:`neuromem.hdf5` atomically; ``Results.load("run.h5")`` reads it back.

Example
-------
>>> import numpy as np
>>> from neuromem.results import Results, PopulationData
>>> pop = PopulationData("exc", 2, "IF_cond_exp", np.array([1.0, 3.5]), np.array([0, 1]))
>>> res = Results({"exc": pop}, dt=0.1, duration=10.0, seed=1, backend="engine")
>>> res["exc"].spike_counts().tolist()
[1, 1]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import numpy as np


@dataclass
class Trace:
    """A sampled state variable.

    ``times`` (ms, shape T), ``ids`` (cell indices within the population, shape K),
    ``values`` (shape T × K) in ``unit``.
    """

    times: np.ndarray
    ids: np.ndarray
    values: np.ndarray
    unit: str

    def of(self, cell: int) -> np.ndarray:
        """The trace of one cell (by index within its population)."""
        where = np.nonzero(self.ids == cell)[0]
        if where.size == 0:
            raise KeyError(f"cell {cell} was not recorded; recorded cells are {self.ids.tolist()}")
        return self.values[:, where[0]]


@dataclass
class PopulationData:
    """Recorded data of one population.

    ``spike_times`` (ms) and ``spike_ids`` (cell index within the population) are
    parallel arrays sorted by time, then id. ``recorded_ids`` lists the cells whose
    spikes were recorded (all cells unless a view was recorded).
    """

    label: str
    size: int
    cell_type: str
    spike_times: np.ndarray
    spike_ids: np.ndarray
    traces: dict[str, Trace] = field(default_factory=dict)
    recorded_ids: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.spike_times = np.asarray(self.spike_times, dtype=np.float64)
        self.spike_ids = np.asarray(self.spike_ids, dtype=np.int64)
        if self.recorded_ids is None:
            self.recorded_ids = np.arange(self.size, dtype=np.int64)

    @property
    def n_spikes(self) -> int:
        """Total number of recorded spikes."""
        return int(self.spike_times.size)

    def spike_counts(self) -> np.ndarray:
        """Spikes per cell (length ``size``)."""
        return np.bincount(self.spike_ids, minlength=self.size)

    def spiketrains(self) -> list[np.ndarray]:
        """One sorted array of spike times (ms) per cell."""
        order = np.argsort(self.spike_ids, kind="stable")
        ids, times = self.spike_ids[order], self.spike_times[order]
        bounds = np.searchsorted(ids, np.arange(self.size + 1))
        return [times[bounds[i]:bounds[i + 1]] for i in range(self.size)]

    def mean_rate(self, duration: float) -> float:
        """Mean firing rate (Hz) over the recorded cells and ``duration`` (ms)."""
        n = max(len(self.recorded_ids), 1)
        return self.n_spikes / n / (duration / 1000.0)

    def isi_cv(self, min_spikes: int = 3) -> np.ndarray:
        """Coefficient of variation of the inter-spike intervals of each cell with at
        least ``min_spikes`` spikes (empty if none)."""
        cvs = []
        for train in self.spiketrains():
            if train.size >= min_spikes:
                isi = np.diff(train)
                if isi.mean() > 0:
                    cvs.append(isi.std() / isi.mean())
        return np.asarray(cvs)


@dataclass
class WeightData:
    """Final synaptic weights of a projection: parallel arrays of pre index, post index
    (within their populations), weight (nA, µS or mV) and delay (ms)."""

    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    delay: np.ndarray
    unit: str

    def matrix(self, n_pre: int, n_post: int) -> np.ndarray:
        """Dense (n_pre × n_post) weight matrix; NaN where no synapse exists (sums multapses)."""
        summed = np.zeros((n_pre, n_post))
        np.add.at(summed, (self.pre, self.post), self.weight)
        has = np.zeros((n_pre, n_post), dtype=bool)
        has[self.pre, self.post] = True
        return np.where(has, summed, np.nan)


@dataclass
class Results:
    """Everything a run produced.

    ``populations`` maps labels to :class:`PopulationData`; ``weights`` maps projection
    labels to :class:`WeightData` for plastic (or explicitly requested) projections.
    ``dt`` and ``duration`` are in ms. ``model`` is the network description
    (``Network.describe()``); ``provenance`` holds versions, timings and back-end facts.
    """

    populations: dict[str, PopulationData]
    dt: float
    duration: float
    seed: int
    backend: str
    model: dict[str, Any] = field(default_factory=dict)
    weights: dict[str, WeightData] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, label: str) -> PopulationData:
        try:
            return self.populations[label]
        except KeyError:
            raise KeyError(f"no population {label!r} in these results; have "
                           f"{sorted(self.populations)}") from None

    @property
    def total_spikes(self) -> int:
        """Spikes recorded over all populations."""
        return sum(p.n_spikes for p in self.populations.values())

    def save(self, path: str | PathLike[str]) -> None:
        """Write to an HDF5 file atomically (temporary file + rename)."""
        from .hdf5 import write_results

        write_results(self, path)

    @classmethod
    def load(cls, path: str | PathLike[str]) -> "Results":
        """Read a results file; refuses other schema versions with a clear message."""
        from .hdf5 import read_results

        return read_results(path)

    def summary(self) -> str:
        """A few human-readable lines: populations, spikes, mean rates."""
        lines = [f"backend {self.backend}, dt {self.dt} ms, duration {self.duration} ms, seed {self.seed}"]
        for label, pop in self.populations.items():
            lines.append(f"  {label:<20} {pop.size:>7} cells  {pop.n_spikes:>9} spikes  "
                         f"{pop.mean_rate(self.duration):8.2f} Hz")
        return "\n".join(lines)
