"""Synapse types: static and pair-based STDP (PyNN names and semantics).

Weights are in nA for current-based targets (``IF_curr_exp``), µS for
conductance-based targets (``IF_cond_exp``, AdEx) and mV for voltage-jump targets
(``IF_curr_delta``, ``Izhikevich``). Delays are in ms and must be whole multiples
of the run's dt (at least one step); ``None`` means one step.

STDP (``STDPMechanism`` with ``SpikePairRule``) follows PyNN's all-to-all pair rule.
With Δt = t_post − t_pre, where t_pre is the time the presynaptic spike *arrives*
at the synapse (emission + delay), each pair changes the weight by

* additive:       Δw = +A_plus·w_max·exp(−Δt/tau_plus)    for Δt ≥ 0
                  Δw = −A_minus·w_max·exp(Δt/tau_minus)    for Δt < 0
* multiplicative: Δw = +A_plus·(w_max − w)·exp(−Δt/tau_plus)
                  Δw = −A_minus·(w − w_min)·exp(Δt/tau_minus)

and the weight is clipped to [w_min, w_max]. Pair contributions are summed through
exponential traces; the changes caused by one spike are summed and clipped once
(SpiNNaker's order). A post spike and a pre arrival in the same step count as Δt = 0
potentiation.

Example
-------
>>> from neuromem.synapses import STDPMechanism, SpikePairRule, AdditiveWeightDependence
>>> stdp = STDPMechanism(SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.012),
...                      AdditiveWeightDependence(w_min=0.0, w_max=0.01), weight=0.005, delay=1.0)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ModelError
from .random import RandomDistribution

WeightSpec = float | np.ndarray | RandomDistribution


def _spec(value: Any, what: str, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, RandomDistribution):
        return value
    if isinstance(value, (bool, str)) or value is None:
        raise ModelError(f"{what}: expected a number, an array or a RandomDistribution, got {value!r}")
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


def _describe_value(value: Any) -> Any:
    if isinstance(value, RandomDistribution):
        return value.describe()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


class StaticSynapse:
    """A synapse of fixed weight (nA, µS or mV by target) and delay (ms)."""

    def __init__(self, weight: WeightSpec = 0.0, delay: WeightSpec | None = None) -> None:
        self.weight = _spec(weight, "StaticSynapse.weight")
        self.delay = _spec(delay, "StaticSynapse.delay", allow_none=True)

    def describe(self) -> dict[str, Any]:
        """Plain-data description."""
        return {"type": type(self).__name__, "weight": _describe_value(self.weight),
                "delay": _describe_value(self.delay)}


class SpikePairRule:
    """Timing dependence: all-to-all spike pairs with exponential windows.

    ``tau_plus``, ``tau_minus`` in ms; ``A_plus``, ``A_minus`` dimensionless
    (fractions of ``w_max`` for the additive rule).
    """

    def __init__(self, tau_plus: float = 20.0, tau_minus: float = 20.0,
                 A_plus: float = 0.01, A_minus: float = 0.01) -> None:
        for name, value in (("tau_plus", tau_plus), ("tau_minus", tau_minus)):
            if not float(value) > 0:
                raise ModelError(f"SpikePairRule.{name}: must be > 0 ms, got {value!r}")
        for name, value in (("A_plus", A_plus), ("A_minus", A_minus)):
            if float(value) < 0:
                raise ModelError(f"SpikePairRule.{name}: must be >= 0, got {value!r}")
        self.tau_plus, self.tau_minus = float(tau_plus), float(tau_minus)
        self.A_plus, self.A_minus = float(A_plus), float(A_minus)

    def describe(self) -> dict[str, Any]:
        return {"type": "SpikePairRule", **vars(self)}


class PrePostIncrementRule:
    """Timing-free homeostatic rule: every presynaptic spike arriving at the synapse adds
    ``increment_pre`` and every postsynaptic spike adds ``increment_post`` to the weight
    (units of the weight; give a negative value to decrease), clipped to
    [w_min, w_max] of an :class:`AdditiveWeightDependence`.

    With ``increment_pre = +c`` and ``increment_post = −c`` the weight is stationary when
    the post rate equals the pre rate (Brian2's ``spike_based_homeostasis`` example).
    """

    def __init__(self, increment_pre: float = 0.0, increment_post: float = 0.0) -> None:
        self.increment_pre, self.increment_post = float(increment_pre), float(increment_post)

    def describe(self) -> dict[str, Any]:
        return {"type": "PrePostIncrementRule", **vars(self)}


class _WeightDependence:
    multiplicative = False

    def __init__(self, w_min: float = 0.0, w_max: float = 1.0) -> None:
        if float(w_max) < float(w_min):
            raise ModelError(f"{type(self).__name__}: w_max ({w_max}) is below w_min ({w_min})")
        self.w_min, self.w_max = float(w_min), float(w_max)

    def describe(self) -> dict[str, Any]:
        return {"type": type(self).__name__, "w_min": self.w_min, "w_max": self.w_max}


class AdditiveWeightDependence(_WeightDependence):
    """Weight change independent of the weight; result clipped to [w_min, w_max]."""


class MultiplicativeWeightDependence(_WeightDependence):
    """Potentiation ∝ (w_max − w), depression ∝ (w − w_min)."""

    multiplicative = True


class STDPMechanism(StaticSynapse):
    """A plastic synapse: pair-based STDP on top of a static weight and delay.

    ``dendritic_delay_fraction`` (PyNN's name) says where the delay d lies. 0 (default,
    as pyNN.brian2): the delay is axonal — the pre spike reaches the synapse d after it
    is emitted and pairs with post spikes there, Δt = t_post − (t_pre + d). 1 (as NEST
    and SpiNNaker): the delay is dendritic — the post spike reaches the synapse d after
    it is emitted, Δt = (t_post + d) − t_pre, and a pair with Δt = 0 depresses
    (SpiNNaker's order).
    """

    def __init__(self, timing_dependence: SpikePairRule | PrePostIncrementRule | None = None,
                 weight_dependence: _WeightDependence | None = None,
                 weight: WeightSpec = 0.0, delay: WeightSpec | None = None,
                 dendritic_delay_fraction: float = 0.0) -> None:
        super().__init__(weight, delay)
        if float(dendritic_delay_fraction) not in (0.0, 1.0):
            raise ModelError(f"STDPMechanism.dendritic_delay_fraction: {dendritic_delay_fraction!r} "
                             "is not supported; use 0 (axonal delay) or 1 (dendritic delay)")
        self.dendritic_delay_fraction = float(dendritic_delay_fraction)
        if timing_dependence is None or weight_dependence is None:
            raise ModelError("STDPMechanism: give both timing_dependence and weight_dependence")
        if not isinstance(timing_dependence, TIMING_DEPENDENCES):
            raise ModelError(f"STDPMechanism.timing_dependence: expected SpikePairRule or "
                             f"PrePostIncrementRule, got {type(timing_dependence).__name__}")
        if isinstance(timing_dependence, PrePostIncrementRule) and weight_dependence.multiplicative:
            raise ModelError("STDPMechanism: PrePostIncrementRule adds fixed increments; use "
                             "AdditiveWeightDependence (for the bounds) with it")
        if not isinstance(weight_dependence, _WeightDependence):
            raise ModelError("STDPMechanism.weight_dependence: expected AdditiveWeightDependence "
                             f"or MultiplicativeWeightDependence, got {type(weight_dependence).__name__}")
        self.timing_dependence = timing_dependence
        self.weight_dependence = weight_dependence

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["timing_dependence"] = self.timing_dependence.describe()
        out["weight_dependence"] = self.weight_dependence.describe()
        out["dendritic_delay_fraction"] = self.dendritic_delay_fraction
        return out


class TsodyksMarkramSynapse(StaticSynapse):
    """Short-term depression and facilitation (Tsodyks & Markram; NEST ``tsodyks2_synapse``).

    ``U`` (utilisation increment, dimensionless), ``tau_rec`` and ``tau_facil`` (ms).
    At a presynaptic spike after an interval Δ (ms) since the previous one::

        x ← 1 + (x − u·x − 1)·exp(−Δ/tau_rec)        (available resources; x = 1 at first)
        u ← U + u·(1 − U)·exp(−Δ/tau_facil)          (u = U when tau_facil = 0; u = 0 at first)
        transmitted weight = weight · u · x

    The engine keeps u, x per synapse, accumulates the released fraction u·x (readable
    by engine hooks, e.g. astrocytes sensing spill-over) and lets hooks change U.
    """

    def __init__(self, U: float = 0.5, tau_rec: float = 100.0, tau_facil: float = 0.0,
                 weight: WeightSpec = 0.0, delay: WeightSpec | None = None) -> None:
        super().__init__(weight, delay)
        if not 0.0 < float(U) <= 1.0:
            raise ModelError(f"TsodyksMarkramSynapse.U: must be in (0, 1], got {U!r}")
        for name, value in (("tau_rec", tau_rec), ("tau_facil", tau_facil)):
            if float(value) < 0:
                raise ModelError(f"TsodyksMarkramSynapse.{name}: must be >= 0 ms, got {value!r}")
        self.U, self.tau_rec, self.tau_facil = float(U), float(tau_rec), float(tau_facil)

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out.update(U=self.U, tau_rec=self.tau_rec, tau_facil=self.tau_facil)
        return out


TIMING_DEPENDENCES = (SpikePairRule, PrePostIncrementRule)
WEIGHT_DEPENDENCES = {c.__name__: c for c in (AdditiveWeightDependence, MultiplicativeWeightDependence)}
