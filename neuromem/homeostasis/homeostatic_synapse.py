"""The pre/post-increment homeostatic synapse of Brian2's ``spike_based_homeostasis`` example.

A presynaptic spike first transmits the current weight, then raises it by ``dw_plus``; a
postsynaptic spike lowers it by ``dw_minus``; the weight stays in [``w_min``, ``w_max``].
At equilibrium the up and down moves balance: ``r_post = r_pre · dw_plus / dw_minus``,
independent of the neuron's other inputs while the weight is not clipped (50 Hz for a
50 Hz source and dw_plus = dw_minus = 0.05, w ∈ [0, 2]). Weights carry the unit of the
target's input (mV jump for delta synapses, nA, µS); rates in Hz.

These kernels serve :mod:`.bench`. On the embedded engine the rule is
``STDPMechanism(PrePostIncrementRule(dw_plus, -dw_minus), AdditiveWeightDependence(w_min, w_max))``,
which transmits the weight *after* the pre increment (Brian2 and this module: before).

Example
-------
>>> import numpy as np
>>> rule = HomeostaticSynapse()
>>> w = np.array([1.98])
>>> on_pre(w, 0, rule.dw_plus, rule.w_min, rule.w_max); float(w[0])
2.0
>>> rule.equilibrium_rate(50.0)
50.0
"""
from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from ..errors import ModelError


@dataclass(frozen=True)
class HomeostaticSynapse:
    """Parameters of the rule (weights in the target's input unit)."""

    dw_plus: float = 0.05
    dw_minus: float = 0.05
    w_min: float = 0.0
    w_max: float = 2.0

    def __post_init__(self) -> None:
        if not (self.dw_plus > 0.0 and self.dw_minus > 0.0):
            raise ModelError(f"HomeostaticSynapse: dw_plus={self.dw_plus} and dw_minus={self.dw_minus} "
                             "must both be positive")
        if not self.w_min < self.w_max:
            raise ModelError(f"HomeostaticSynapse: w_min={self.w_min} must be below w_max={self.w_max}")

    def equilibrium_rate(self, pre_rate: float) -> float:
        """Postsynaptic rate (Hz) at which the weight is stationary, for a source at ``pre_rate`` Hz."""
        return pre_rate * self.dw_plus / self.dw_minus


@njit(cache=True)
def on_pre(w, k, dw_plus, w_min, w_max):
    """After synapse ``k`` transmitted a presynaptic spike: w += dw_plus, clipped."""
    w[k] = min(max(w[k] + dw_plus, w_min), w_max)


@njit(cache=True)
def on_post(w, k, dw_minus, w_min, w_max):
    """Its postsynaptic cell spiked: w −= dw_minus, clipped."""
    w[k] = min(max(w[k] - dw_minus, w_min), w_max)
