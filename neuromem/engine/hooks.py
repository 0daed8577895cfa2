"""Engine hooks: components advanced on their own, coarser clock beside the network.

A hook is anything the numba time loop should not carry step by step: astrocytes
integrating on a 10–50 ms clock, synaptic scaling every second, a learning-rate
regulator. The engine runs the network in chunks of ``interval`` ms (a whole multiple
of dt) and, after each chunk, calls ``hook.exchange(view)``; the hook reads what the
network did (spike counts, state, released transmitter) and writes back what it
changes (injected currents, weights, release probabilities, learning rates). The
exchange is therefore delayed by at most one interval — state this in any model
built on a hook.

Subclass :class:`EngineHook`::

    class RateLogger(EngineHook):
        interval = 100.0                      # ms

        def start(self, view):
            self.last = view.spike_counts("exc").copy()

        def exchange(self, view):
            now = view.spike_counts("exc")
            rate = (now - self.last).mean() / (self.interval / 1000.0)   # Hz
            self.last = now.copy()

    net.add_hook(RateLogger())

The :class:`EngineView` gives numpy views (writes go straight into the engine's
state) and copies where the engine's layout differs from the user's (weights).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError
from .kernel import RATE as RATE_COLUMN
from .neurons import KIND_POISSON

if TYPE_CHECKING:
    from ..results import PopulationData
    from .build import EngineModel


class EngineHook:
    """Base class of engine hooks. ``interval`` is the exchange period in ms."""

    interval: float = 1.0

    def start(self, view: "EngineView") -> None:
        """Called once before the first step (t = 0)."""

    def exchange(self, view: "EngineView") -> None:
        """Called after every ``interval`` ms of simulated time (``view.t`` is the time)."""

    def results(self) -> dict[str, "PopulationData"]:
        """Extra recorded populations (e.g. astrocytes) to merge into the run's Results."""
        return {}

    def describe(self) -> dict[str, Any]:
        """Plain-data description stored in the results provenance."""
        return {"type": type(self).__name__, "interval": self.interval}


class EngineView:
    """Access to a running engine's state, by population and projection label.

    Units: v and theta mV; syn nA (current cells), µS (conductance cells) or pending
    jumps in mV (voltage-jump cells); currents nA; weights as the projection's.
    """

    def __init__(self, model: "EngineModel", state: Any) -> None:
        self._model = model
        self._state = state
        self.step = 0

    @property
    def t(self) -> float:
        """Current simulated time (ms)."""
        return self.step * self._model.dt

    @property
    def dt(self) -> float:
        """The engine's time step (ms)."""
        return self._model.dt

    def cells(self, label: str) -> slice:
        """Global cell range of a population."""
        k = self._population_index(label)
        return slice(int(self._model.pop_start[k]), int(self._model.pop_end[k]))

    def v(self, label: str) -> np.ndarray:
        """Membrane potentials (mV), writable view."""
        return self._model.v[self.cells(label)]

    def syn(self, label: str) -> np.ndarray:
        """Synaptic state, shape (2, n): excitatory and inhibitory; writable view."""
        return self._model.syn[:, self.cells(label)]

    def theta(self, label: str) -> np.ndarray:
        """Adaptive-threshold offsets (mV), writable view."""
        return self._model.theta[self.cells(label)]

    def spike_counts(self, label: str) -> np.ndarray:
        """Spikes emitted by each cell since the start of the run (all cells, recorded or not)."""
        return self._state.spike_counts[self.cells(label)]

    def add_current(self, label: str, delta: float | np.ndarray) -> None:
        """Change the injected current of the population's cells by ``delta`` (nA)."""
        self._state.i_ext[self.cells(label)] += delta

    def set_rates(self, label: str, rates: float | np.ndarray) -> None:
        """Change the rate (Hz) of a SpikeSourcePoisson population's cells from now on."""
        k = self._population_index(label)
        if self._model.pop_kind[k] != KIND_POISSON:
            raise ModelError(f"set_rates({label!r}): not a SpikeSourcePoisson population")
        rates = np.asarray(rates, dtype=float)
        if np.any(rates < 0):
            raise ModelError(f"set_rates({label!r}): rates must be >= 0 Hz")
        self._model.params[0, self.cells(label)] = rates * self._model.dt / 1000.0

    def connections(self, projection: str) -> tuple[np.ndarray, np.ndarray]:
        """(pre, post) indices within their populations, in the order of :meth:`weights`."""
        index = self._projection(projection)
        return index.pre, index.post

    def weights(self, projection: str) -> np.ndarray:
        """Current weight magnitudes of a projection (a copy)."""
        index = self._projection(projection)
        return self._table(index.table)[index.positions].copy()

    def set_weights(self, projection: str, values: float | np.ndarray) -> None:
        """Overwrite a projection's weight magnitudes (same order as :meth:`weights`)."""
        index = self._projection(projection)
        values = np.asarray(values, dtype=float)
        if values.ndim and values.shape != index.positions.shape:
            raise ModelError(f"set_weights({projection!r}): {values.size} values for "
                             f"{index.positions.size} synapses")
        if np.any(values < 0):
            raise ModelError(f"set_weights({projection!r}): weight magnitudes must be >= 0")
        self._table(index.table)[index.positions] = values

    def set_learning_rate(self, projection: str, scale: float) -> None:
        """Scale every weight change of a plastic projection by ``scale`` (1 = as configured)."""
        index = self._projection(projection)
        if index.table != "plastic":
            raise ModelError(f"set_learning_rate({projection!r}): not a plastic projection")
        self._model.rules[index.rule, RATE_COLUMN] = float(scale)

    def released(self, projection: str) -> np.ndarray:
        """Transmitter fraction (u·x summed over spikes) released by each synapse of a
        Tsodyks–Markram projection since the last call; the accumulator is then reset."""
        index = self._tm(projection)
        out = self._state.t_release[index.positions].copy()
        self._state.t_release[index.positions] = 0.0
        return out

    def utilisation(self, projection: str) -> np.ndarray:
        """The U parameter of each Tsodyks–Markram synapse (a copy)."""
        index = self._tm(projection)
        return self._model.t_U[index.positions].copy()

    def set_utilisation(self, projection: str, values: float | np.ndarray) -> None:
        """Change U of each Tsodyks–Markram synapse (e.g. gliotransmitter modulation)."""
        index = self._tm(projection)
        values = np.asarray(values, dtype=float)
        if np.any((values <= 0) | (values > 1)):
            raise ModelError(f"set_utilisation({projection!r}): U must lie in (0, 1]")
        self._model.t_U[index.positions] = values

    def _population_index(self, label: str) -> int:
        try:
            return self._model.pop_labels.index(label)
        except ValueError:
            raise ModelError(f"engine hook: no population {label!r}; have "
                             f"{self._model.pop_labels}") from None

    def _projection(self, label: str):
        try:
            return self._model.projection_index[label]
        except KeyError:
            raise ModelError(f"engine hook: no projection {label!r}; have "
                             f"{sorted(self._model.projection_index)}") from None

    def _tm(self, label: str):
        index = self._projection(label)
        if index.table != "tm":
            raise ModelError(f"engine hook: projection {label!r} is not a TsodyksMarkramSynapse")
        return index

    def _table(self, table: str) -> np.ndarray:
        return {"static": self._model.s_weight, "plastic": self._model.p_weight,
                "tm": self._model.t_weight}[table]

