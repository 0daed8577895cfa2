"""Current sources injected into cells (PyNN names; amplitudes in nA, times in ms).

A source is attached with ``source.inject_into(population_or_view)``. The current
adds to the cell's ``i_offset`` and is piecewise constant: a change at time t takes
effect from the step that starts at t.

Example
-------
>>> from neuromem import Population, IF_curr_exp, DCSource
>>> pop = Population(2, IF_curr_exp())
>>> DCSource(amplitude=0.5, start=10.0, stop=50.0).inject_into(pop)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .errors import ModelError


class CurrentSource:
    """Base class: a piecewise-constant current defined by change times and amplitudes."""

    def inject_into(self, cells: Any) -> None:
        """Inject this current into every cell of a Population or PopulationView."""
        cells.inject(self)

    def steps(self) -> tuple[np.ndarray, np.ndarray]:
        """(times in ms, amplitudes in nA): the amplitude holds from each time on."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        raise NotImplementedError


class DCSource(CurrentSource):
    """Constant current ``amplitude`` (nA) from ``start`` to ``stop`` (ms)."""

    def __init__(self, amplitude: float = 1.0, start: float = 0.0, stop: float | None = None) -> None:
        self.amplitude = float(amplitude)
        self.start = float(start)
        self.stop = None if stop is None else float(stop)
        if self.start < 0 or (self.stop is not None and self.stop < self.start):
            raise ModelError(f"DCSource: need 0 <= start <= stop, got start={start}, stop={stop}")

    def steps(self):
        if self.stop is None:
            return np.array([self.start]), np.array([self.amplitude])
        return np.array([self.start, self.stop]), np.array([self.amplitude, 0.0])

    def describe(self):
        return {"type": "DCSource", "amplitude": self.amplitude, "start": self.start, "stop": self.stop}


class StepCurrentSource(CurrentSource):
    """Current that jumps to ``amplitudes[k]`` (nA) at ``times[k]`` (ms)."""

    def __init__(self, times: Sequence[float], amplitudes: Sequence[float]) -> None:
        t = np.asarray(times, dtype=float)
        a = np.asarray(amplitudes, dtype=float)
        if t.ndim != 1 or t.shape != a.shape:
            raise ModelError("StepCurrentSource: times and amplitudes must be 1-D and of equal length")
        if t.size and (np.any(np.diff(t) <= 0) or t[0] < 0):
            raise ModelError("StepCurrentSource.times: must be >= 0 and strictly increasing")
        self.times, self.amplitudes = t, a

    def steps(self):
        return self.times.copy(), self.amplitudes.copy()

    def describe(self):
        return {"type": "StepCurrentSource", "times": self.times.tolist(),
                "amplitudes": self.amplitudes.tolist()}


CURRENT_SOURCES = {"DCSource": DCSource, "StepCurrentSource": StepCurrentSource}
