"""Adaptive threshold (intrinsic plasticity) of Diehl & Cook (2015).

Each cell carries θ (mV). It spikes when ``v > v_thresh + θ − offset``; every spike adds
``theta_plus`` to θ, and θ decays as ``dθ/dt = −θ/τ_θ`` between spikes. Constants of the
Diehl & Cook MNIST network: θ₀ = 20 mV, θ⁺ = 0.05 mV, τ_θ = 10⁷ ms, offset 20 mV (so a
fresh cell's threshold is ``v_thresh``); θ is frozen (no decay, no increments) in test mode.

These kernels serve :mod:`.bench` and :mod:`.diehl_cook`. The embedded engine has its own
adaptive threshold (``Population(..., adaptive_threshold=nm.AdaptiveThreshold(...))``), whose
θ is this θ minus the offset (it starts at 0 and decays towards 0).

Example
-------
>>> import numpy as np
>>> rule = DiehlCookThreshold()
>>> theta = rule.initial(3)
>>> theta_on_spike(theta, 1, rule.theta_plus)
>>> decay_theta(theta, 0, 3, rule.decay_factor(dt=0.5))
>>> float(np.round(theta[1] - theta[0], 6))
0.05
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ModelError


@dataclass(frozen=True)
class DiehlCookThreshold:
    """Diehl & Cook adaptive threshold parameters (mV, ms)."""

    theta_plus: float = 0.05
    tau_theta: float = 1e7
    theta_init: float = 20.0
    offset: float = 20.0
    frozen: bool = False

    def __post_init__(self) -> None:
        if self.theta_plus < 0.0:
            raise ModelError(f"DiehlCookThreshold: theta_plus={self.theta_plus} mV must be >= 0")
        if not self.tau_theta > 0.0:
            raise ModelError(f"DiehlCookThreshold: tau_theta={self.tau_theta} ms must be > 0")

    def initial(self, n: int) -> np.ndarray:
        """θ of ``n`` fresh cells (mV)."""
        return np.full(n, self.theta_init)

    def decay_factor(self, dt: float) -> float:
        """Per-step decay exp(−dt/τ_θ) for step ``dt`` (ms); 1 when frozen."""
        return 1.0 if self.frozen else math.exp(-dt / self.tau_theta)

    def increment(self) -> float:
        """θ added per spike (mV); 0 when frozen."""
        return 0.0 if self.frozen else self.theta_plus


@njit(cache=True)
def decay_theta(theta, a, b, factor):
    """θ of cells ``a … b−1`` decays by one step (``factor`` = exp(−dt/τ_θ))."""
    for i in range(a, b):
        theta[i] *= factor


@njit(cache=True)
def crosses_threshold(v, v_thresh, theta, offset):
    """True when ``v > v_thresh + θ − offset`` (mV)."""
    return v > v_thresh + theta - offset


@njit(cache=True)
def theta_on_spike(theta, i, theta_plus):
    """Cell ``i`` spiked: θ += θ⁺ (mV)."""
    theta[i] += theta_plus
