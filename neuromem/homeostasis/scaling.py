"""Multiplicative synaptic scaling in PI form (van Rossum, Bi & Turrigiano 2000, eq. 3).

Each cell senses its activity ``a`` (Hz): ``τ_a da/dt = −a + Σ δ(t − t_k)``, i.e. ``a`` decays
with τ_a and jumps by ``1/τ_a`` per spike. All its excitatory afferent weights share one
scale ``s``::

    dw/dt = β·w·(a_goal − a) + γ·w·∫(a_goal − a) dt   ⇔   w(t) = w(0)·s(t),
    ds/dt = s·(β·(a_goal − a) + γ·I),   dI/dt = a_goal − a,

so ratios among a cell's afferents are preserved. The paper's constants are τ_a = 100 s,
β = 4e-8 s⁻¹Hz⁻¹, γ = 1e-10 s⁻²Hz⁻¹; the NEURON model caps the scale at 4. Units: time
in ms at the interface (converted to s inside), rates in Hz, ``s`` dimensionless.

:func:`scaling_step` advances the state over one update interval (a simulation step, or the
coarser clock of an engine hook, :class:`~neuromem.homeostasis.engine_hooks.SynapticScalingHook`)
given each cell's spike count in it; spikes are taken as spread evenly over the interval.
The scale then multiplies each excitatory input arriving at cell ``i`` (or, equivalently,
its afferent weights).

Example
-------
>>> import numpy as np
>>> rule = SynapticScaling(a_goal=10.0, tau_a=1000.0, beta=1e-3, gamma=0.0)
>>> a, integral, scale = rule.initial(1, rate=5.0)
>>> scaling_step(a, integral, scale, np.zeros(1, np.int8), *rule.step_constants(dt=1.0))
>>> bool(scale[0] > 1.0)  # below its goal the cell scales its inputs up
True
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ModelError


@dataclass(frozen=True)
class SynapticScaling:
    """Parameters: ``a_goal`` (Hz), ``tau_a`` (ms), ``beta`` (s⁻¹Hz⁻¹), ``gamma`` (s⁻²Hz⁻¹), ``s_max``."""

    a_goal: float
    tau_a: float = 100_000.0
    beta: float = 4e-8
    gamma: float = 1e-10
    s_max: float = 4.0

    def __post_init__(self) -> None:
        if not (self.a_goal > 0.0 and self.tau_a > 0.0 and self.s_max > 0.0):
            raise ModelError(f"SynapticScaling: a_goal={self.a_goal} Hz, tau_a={self.tau_a} ms and "
                             f"s_max={self.s_max} must be positive")
        if self.beta < 0.0 or self.gamma < 0.0:
            raise ModelError(f"SynapticScaling: beta={self.beta} and gamma={self.gamma} must be >= 0")

    def initial(self, n: int, rate: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sensor ``a`` (Hz, started at ``rate`` or the goal), integral (Hz·s) and scale of ``n`` cells."""
        return np.full(n, self.a_goal if rate is None else rate), np.zeros(n), np.ones(n)

    def step_constants(self, dt: float) -> tuple[float, float, float, float, float, float, float]:
        """Arguments of :func:`scaling_step` after the state arrays, for an update interval ``dt`` (ms).

        The sensor jump per spike, 1/τ_a (Hz), is weighted by (τ_a/dt)(1 − e^{−dt/τ_a}), the mean decay
        of a spike placed uniformly in the interval."""
        decay = math.exp(-dt / self.tau_a)
        return (decay, 1000.0 / self.tau_a * (self.tau_a / dt) * (1.0 - decay), self.a_goal, self.beta,
                self.gamma, dt / 1000.0, self.s_max)


@njit(cache=True)
def scaling_step(a, integral, scale, counts, decay, jump, a_goal, beta, gamma, dt_s, s_max):
    """Advance sensor, integral and scale of every cell by one interval; ``counts[i]``: spikes of cell i in it."""
    for i in range(a.size):
        a[i] = a[i] * decay + jump * counts[i]
        error = a_goal - a[i]
        integral[i] += error * dt_s
        s = scale[i] * (1.0 + dt_s * (beta * error + gamma * integral[i]))
        scale[i] = min(max(s, 0.0), s_max)
