"""Time grid conventions of the astrocyte kernels.

A step k covers (k·dt, (k+1)·dt] ms; an event at time t (ms) belongs to the step that
contains it, the step that *ends* at t when t lies on the grid. This is NEST's
convention, and the one neuromem uses for reported spike times. (Brian2 stamps a
spike with the *start* of its step, so a Brian2 spike at t is at t + dt here.)

Example
-------
>>> from neuromem.astro.clock import event_steps
>>> event_steps([0.1, 1.0, 1.05], dt=1.0).tolist()
[0, 0, 1]
"""
from __future__ import annotations

import numpy as np

from ..errors import ModelError


def event_steps(times: np.ndarray | list[float], dt: float) -> np.ndarray:
    """Index of the step (k·dt, (k+1)·dt] containing each time (ms); times <= 0 go to step 0."""
    times = np.asarray(times, dtype=np.float64)
    return np.maximum(np.ceil(np.round(times / dt, 9)).astype(np.int64) - 1, 0)


def clock_ratio(slow_dt: float, fast_dt: float, what: str) -> int:
    """How many fast steps make one slow step; the slow clock must be a whole multiple."""
    ratio = slow_dt / fast_dt
    if slow_dt <= 0 or fast_dt <= 0 or abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
        raise ModelError(f"{what}: the astrocyte step ({slow_dt} ms) must be a positive whole multiple "
                         f"of the synapse/neuron step ({fast_dt} ms)")
    return int(round(ratio))
