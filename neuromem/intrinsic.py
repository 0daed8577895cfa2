"""Intrinsic plasticity: properties of a cell that adapt to its own activity.

:class:`AdaptiveThreshold` is Diehl & Cook's (2015) homeostatic threshold: each cell
carries an offset θ (mV) added to its firing threshold; every spike raises θ by
``theta_plus`` and θ decays back to 0 with ``tau_theta``::

    spike when V >= v_thresh + θ;   on a spike θ += theta_plus;   dθ/dt = −θ / tau_theta

Diehl & Cook used theta_plus = 0.05 mV and tau_theta = 1e7 ms (θ frozen while testing:
set ``tau_theta=inf`` and ``theta_plus=0``). Available for IF_curr_exp, IF_cond_exp and
IF_curr_delta; record it as ``"theta"``.

Example
-------
>>> import neuromem as nm
>>> pop = nm.Population(100, nm.IF_cond_exp(), label="exc",
...                     adaptive_threshold=nm.AdaptiveThreshold(theta_plus=0.05, tau_theta=1e7))
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ModelError


class AdaptiveThreshold:
    """Spike-triggered threshold offset: ``theta_plus`` in mV, ``tau_theta`` in ms."""

    def __init__(self, theta_plus: float = 0.05, tau_theta: float = 1e7) -> None:
        if float(theta_plus) < 0:
            raise ModelError(f"AdaptiveThreshold.theta_plus: must be >= 0 mV, got {theta_plus!r}")
        if not float(tau_theta) > 0:
            raise ModelError(f"AdaptiveThreshold.tau_theta: must be > 0 ms, got {tau_theta!r}")
        self.theta_plus, self.tau_theta = float(theta_plus), float(tau_theta)

    def decay(self, dt: float) -> float:
        """Factor by which θ decays in one step of ``dt`` ms."""
        return float(np.exp(-dt / self.tau_theta))

    def describe(self) -> dict[str, Any]:
        return {"type": "AdaptiveThreshold", "theta_plus": self.theta_plus, "tau_theta": self.tau_theta}
