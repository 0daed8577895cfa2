"""Standard cell types with PyNN's names, defaults and units.

Units follow PyNN's fixed convention: time ms, voltage mV, current nA, conductance µS,
capacitance nF, rate Hz. Each class lists its parameters with defaults and units, the
variables it can record, and the initial values of its state.

Every parameter may be a scalar (same value for all cells of a population) or a
1-D array with one value per cell; arrays are checked against the population size
when the population is created.

Example
-------
>>> from neuromem.cells import IF_cond_exp
>>> cell = IF_cond_exp(tau_m=20.0, v_thresh=-50.0)
>>> cell.parameters["tau_m"]
20.0
"""
from __future__ import annotations

from typing import Any, ClassVar, Mapping

import numpy as np

from .errors import ModelError


class CellType:
    """Base class: a cell model's parameter table.

    Subclasses set ``default_parameters``, ``units``, ``recordable`` and
    ``default_initial_values``. An instance holds the user's parameter values.
    """

    default_parameters: ClassVar[dict[str, float]] = {}
    units: ClassVar[dict[str, str]] = {}
    recordable: ClassVar[tuple[str, ...]] = ("spikes",)
    default_initial_values: ClassVar[dict[str, float]] = {}
    receptor_types: ClassVar[tuple[str, ...]] = ("excitatory", "inhibitory")
    conductance_based: ClassVar[bool] = False
    is_source: ClassVar[bool] = False

    def __init__(self, **parameters: Any) -> None:
        unknown = sorted(set(parameters) - set(self.default_parameters))
        if unknown:
            raise ModelError(
                f"{type(self).__name__}: unknown parameter(s) {unknown}; "
                f"valid parameters are {sorted(self.default_parameters)}"
            )
        self.parameters: dict[str, Any] = dict(self.default_parameters)
        for name, value in parameters.items():
            self.parameters[name] = _as_value(type(self).__name__, name, value)

    @property
    def name(self) -> str:
        """The PyNN name of the model, e.g. ``"IF_cond_exp"``."""
        return type(self).__name__

    def parameter_array(self, name: str, size: int) -> np.ndarray:
        """Return parameter ``name`` as a float64 array of length ``size``."""
        value = self.parameters[name]
        if np.ndim(value) == 0:
            return np.full(size, float(value))
        arr = np.asarray(value, dtype=float)
        if arr.shape != (size,):
            raise ModelError(
                f"{self.name}.{name}: array of shape {arr.shape} given for a population of "
                f"{size} cells; give a scalar or an array of length {size}"
            )
        return arr

    def check_size(self, size: int) -> None:
        """Raise :class:`ModelError` if an array parameter does not match ``size``."""
        for name in self.default_parameters:
            if np.ndim(self.parameters[name]) != 0:
                self.parameter_array(name, size)

    def describe(self) -> dict[str, Any]:
        """A plain-data description (for provenance and YAML round trips)."""
        return {
            "type": self.name,
            "parameters": {k: _plain(v) for k, v in self.parameters.items()},
        }

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.parameters.items()
                   if np.ndim(v) or v != self.default_parameters.get(k)}
        args = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"{self.name}({args})"


def _as_value(model: str, name: str, value: Any) -> Any:
    if isinstance(value, (bool, str)) or value is None:
        raise ModelError(f"{model}.{name}: expected a number or an array of numbers, got {value!r}")
    if np.ndim(value) == 0:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ModelError(f"{model}.{name}: expected a number, got {value!r}") from None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ModelError(f"{model}.{name}: expected numbers, got {value!r}") from None


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


class IF_curr_exp(CellType):
    """Leaky integrate-and-fire neuron with exponentially decaying current synapses.

    Equations (V in mV, I in nA, C in nF, t in ms)::

        C dV/dt = C (v_rest - V)/tau_m + I_e + I_i + i_offset
        dI_e/dt = -I_e / tau_syn_E        (a spike adds its weight, nA, to I_e)
        dI_i/dt = -I_i / tau_syn_I        (inhibitory weights are negative)

    The engine integrates this linear system exactly per step (NEST's ``iaf_psc_exp``
    propagator scheme). NEST equivalent: ``iaf_psc_exp``.
    """

    default_parameters = {
        "cm": 1.0, "tau_m": 20.0, "tau_refrac": 0.1, "tau_syn_E": 5.0, "tau_syn_I": 5.0,
        "i_offset": 0.0, "v_reset": -65.0, "v_rest": -65.0, "v_thresh": -50.0,
    }
    units = {
        "cm": "nF", "tau_m": "ms", "tau_refrac": "ms", "tau_syn_E": "ms", "tau_syn_I": "ms",
        "i_offset": "nA", "v_reset": "mV", "v_rest": "mV", "v_thresh": "mV",
        "v": "mV", "isyn_exc": "nA", "isyn_inh": "nA",
    }
    recordable = ("spikes", "v", "isyn_exc", "isyn_inh")
    default_initial_values = {"v": -65.0, "isyn_exc": 0.0, "isyn_inh": 0.0}


class IF_cond_exp(CellType):
    """Leaky integrate-and-fire neuron with exponentially decaying conductances.

    Equations (V in mV, g in µS, C in nF, t in ms)::

        C dV/dt = C (v_rest - V)/tau_m + g_e (e_rev_E - V) + g_i (e_rev_I - V) + i_offset
        dg_e/dt = -g_e / tau_syn_E       (a spike adds its weight, µS, to g_e)
        dg_i/dt = -g_i / tau_syn_I

    Engine scheme: the conductances decay exactly; over each step the membrane
    equation is solved exactly with each conductance replaced by its exact mean over
    the step (an exponential integrator, second order in dt). With constant
    conductances (e.g. a DC step) the solution is exact. NEST equivalent:
    ``iaf_cond_exp`` (which uses adaptive RKF45).
    """

    default_parameters = {
        "cm": 1.0, "tau_m": 20.0, "tau_refrac": 0.1, "tau_syn_E": 5.0, "tau_syn_I": 5.0,
        "e_rev_E": 0.0, "e_rev_I": -70.0, "i_offset": 0.0,
        "v_reset": -65.0, "v_rest": -65.0, "v_thresh": -50.0,
    }
    units = {
        "cm": "nF", "tau_m": "ms", "tau_refrac": "ms", "tau_syn_E": "ms", "tau_syn_I": "ms",
        "e_rev_E": "mV", "e_rev_I": "mV", "i_offset": "nA", "v_reset": "mV", "v_rest": "mV",
        "v_thresh": "mV", "v": "mV", "gsyn_exc": "uS", "gsyn_inh": "uS",
    }
    recordable = ("spikes", "v", "gsyn_exc", "gsyn_inh")
    default_initial_values = {"v": -65.0, "gsyn_exc": 0.0, "gsyn_inh": 0.0}
    conductance_based = True


class IF_curr_delta(CellType):
    """Leaky integrate-and-fire neuron with delta (voltage-jump) synapses.

    Equations (V in mV, t in ms)::

        C dV/dt = C (v_rest - V)/tau_m + i_offset
        on a spike arriving with weight w (mV):  V += w

    Integrated exactly per step. NEST equivalent: ``iaf_psc_delta``.
    """

    default_parameters = {
        "cm": 1.0, "tau_m": 20.0, "tau_refrac": 0.1, "i_offset": 0.0,
        "v_reset": -65.0, "v_rest": -65.0, "v_thresh": -50.0,
    }
    units = {
        "cm": "nF", "tau_m": "ms", "tau_refrac": "ms", "i_offset": "nA",
        "v_reset": "mV", "v_rest": "mV", "v_thresh": "mV", "v": "mV",
    }
    recordable = ("spikes", "v")
    default_initial_values = {"v": -65.0}


class Izhikevich(CellType):
    """Izhikevich (2003) quadratic model with delta synapses.

    Equations (v in mV, u in mV/ms, t in ms; I = 1000·i_offset, as NEST's ``I_e`` in pA)::

        dv/dt = 0.04 v² + 5 v + 140 - u + I
        du/dt = a (b v - u)
        if v >= 30 mV:  v = c,  u = u + d
        on a spike arriving with weight w (mV):  v += w

    Engine scheme: forward Euler with the step dt, as NEST's ``izhikevich``
    (``consistent_integration``). NEST equivalent: ``izhikevich``.
    """

    default_parameters = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 2.0, "i_offset": 0.0}
    units = {"a": "1/ms", "b": "1/ms", "c": "mV", "d": "mV/ms", "i_offset": "nA",
             "v": "mV", "u": "mV/ms"}
    recordable = ("spikes", "v", "u")
    default_initial_values = {"v": -70.0, "u": -14.0}


class EIF_cond_exp_isfa_ista(CellType):
    """Adaptive exponential integrate-and-fire (AdEx, Brette & Gerstner 2005).

    Equations (V in mV, w in nA, g in µS, C in nF, t in ms, ``a`` in nS)::

        C dV/dt = g_L (v_rest - V) + g_L delta_T exp((V - v_thresh)/delta_T)
                  + g_e (e_rev_E - V) + g_i (e_rev_I - V) - w + i_offset
        tau_w dw/dt = a·1e-3 (V - v_rest) - w
        if V >= v_spike:  V = v_reset,  w = w + b
        g_L = cm / tau_m

    Engine scheme: the conductances decay exactly; (V, w) advance by classical RK4 on
    sub-steps of at most 0.01 ms with the conductances at their exact step mean, and the
    spike test and reset follow every sub-step (as NEST's ``aeif_cond_exp``).
    NEST equivalent: ``aeif_cond_exp``.
    """

    default_parameters = {
        "cm": 0.281, "tau_refrac": 0.1, "v_spike": -40.0, "v_reset": -70.6, "v_rest": -70.6,
        "tau_m": 9.3667, "i_offset": 0.0, "a": 4.0, "b": 0.0805, "delta_T": 2.0,
        "tau_w": 144.0, "v_thresh": -50.4, "e_rev_E": 0.0, "tau_syn_E": 5.0,
        "e_rev_I": -80.0, "tau_syn_I": 5.0,
    }
    units = {
        "cm": "nF", "tau_refrac": "ms", "v_spike": "mV", "v_reset": "mV", "v_rest": "mV",
        "tau_m": "ms", "i_offset": "nA", "a": "nS", "b": "nA", "delta_T": "mV",
        "tau_w": "ms", "v_thresh": "mV", "e_rev_E": "mV", "tau_syn_E": "ms",
        "e_rev_I": "mV", "tau_syn_I": "ms", "v": "mV", "w": "nA",
        "gsyn_exc": "uS", "gsyn_inh": "uS",
    }
    recordable = ("spikes", "v", "w", "gsyn_exc", "gsyn_inh")
    default_initial_values = {"v": -70.6, "w": 0.0, "gsyn_exc": 0.0, "gsyn_inh": 0.0}
    conductance_based = True


class SpikeSourcePoisson(CellType):
    """Independent Poisson spike trains.

    ``rate`` in Hz, ``start`` and ``duration`` in ms. In a step of length dt a source
    fires with probability ``rate·dt/1000`` (at most one spike per step). Draws come
    from the run's ``poisson`` random stream.
    """

    default_parameters = {"rate": 1.0, "start": 0.0, "duration": 1e10}
    units = {"rate": "Hz", "start": "ms", "duration": "ms"}
    receptor_types = ()
    is_source = True


class SpikeSourceArray(CellType):
    """Spike trains given as explicit times (ms).

    ``spike_times`` is either one sequence of times shared by every cell, or a
    sequence with one sequence of times per cell. A spike at time t is emitted in
    the step that starts at t (times are rounded to the nearest step).
    """

    default_parameters: ClassVar[dict[str, float]] = {}
    units = {"spike_times": "ms"}
    receptor_types = ()
    is_source = True

    def __init__(self, spike_times: Any = ()) -> None:
        super().__init__()
        self.spike_times = _spike_time_lists(spike_times)

    def trains(self, size: int) -> list[np.ndarray]:
        """One sorted float array of spike times (ms) per cell."""
        if self.spike_times is None or len(self.spike_times) == 0:
            return [np.zeros(0) for _ in range(size)]
        if isinstance(self.spike_times, np.ndarray):
            return [self.spike_times for _ in range(size)]
        if len(self.spike_times) != size:
            raise ModelError(
                f"SpikeSourceArray.spike_times: {len(self.spike_times)} trains given for "
                f"{size} cells; give one train per cell or a single shared train"
            )
        return list(self.spike_times)

    def check_size(self, size: int) -> None:
        self.trains(size)

    def describe(self) -> dict[str, Any]:
        if isinstance(self.spike_times, np.ndarray):
            times: Any = self.spike_times.tolist()
        else:
            times = [t.tolist() for t in self.spike_times]
        return {"type": self.name, "parameters": {"spike_times": times}}


def _spike_time_lists(spike_times: Any) -> np.ndarray | list[np.ndarray]:
    """Normalise spike times to a shared array or a list of per-cell arrays."""
    items = list(spike_times) if not isinstance(spike_times, np.ndarray) else spike_times
    if len(items) and all(np.ndim(t) == 1 or isinstance(t, (list, tuple)) for t in items):
        trains = [np.sort(np.asarray(t, dtype=float)) for t in items]
        for t in trains:
            _check_times(t)
        return trains
    shared = np.sort(np.asarray(items, dtype=float).ravel())
    _check_times(shared)
    return shared


def _check_times(times: np.ndarray) -> None:
    if times.size and (not np.all(np.isfinite(times)) or times.min() < 0):
        raise ModelError(
            "SpikeSourceArray.spike_times: times must be finite and >= 0 ms, "
            f"got minimum {times.min()!r}"
        )


STANDARD_CELL_TYPES: Mapping[str, type[CellType]] = {
    cls.__name__: cls
    for cls in (IF_curr_exp, IF_cond_exp, IF_curr_delta, Izhikevich, EIF_cond_exp_isfa_ista,
                SpikeSourcePoisson, SpikeSourceArray)
}
