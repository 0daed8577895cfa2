"""Measurements on astrocyte traces: oscillation period/amplitude, relative RMS error.

Example
-------
>>> import numpy as np
>>> from neuromem.astro.analysis import oscillation
>>> t = np.arange(0.0, 100_000.0, 10.0)                 # ms
>>> osc = oscillation(t, np.sin(2 * np.pi * t / 11_490.0))
>>> round(osc.period, 2), round(osc.peak_to_peak, 3)     # ms, unit of the trace
(11490.0, 2.0)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelError


@dataclass
class Oscillation:
    """Period (ms; NaN without at least two cycles), peak-to-peak amplitude and mean
    (unit of the trace), and the number of full cycles the period was averaged over."""

    period: float
    peak_to_peak: float
    mean: float
    cycles: int


def oscillation(times: np.ndarray, values: np.ndarray) -> Oscillation:
    """Period from linearly interpolated upward crossings of the midpoint (min+max)/2.

    ``times`` in ms; pass only the part of the trace after the transient.
    """
    times = np.asarray(times, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if times.shape != values.shape or times.size < 3:
        raise ModelError("oscillation: times and values must be equal-length 1-D arrays (>= 3 samples)")
    lo, hi = float(values.min()), float(values.max())
    mid = 0.5 * (lo + hi)
    below = values[:-1] < mid
    up = np.nonzero(below & (values[1:] >= mid))[0]
    if up.size < 2 or hi - lo <= 0:
        return Oscillation(float("nan"), hi - lo, float(values.mean()), 0)
    frac = (mid - values[up]) / (values[up + 1] - values[up])
    crossings = times[up] + frac * (times[up + 1] - times[up])
    cycles = crossings.size - 1
    return Oscillation(float((crossings[-1] - crossings[0]) / cycles), hi - lo, float(values.mean()), cycles)


def relative_rms(ours: np.ndarray, reference: np.ndarray) -> float:
    """RMS of the difference divided by the RMS of the reference (dimensionless)."""
    ours = np.asarray(ours, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    if ours.shape != reference.shape:
        raise ModelError(f"relative_rms: shapes differ, {ours.shape} vs {reference.shape}")
    return float(np.sqrt(np.mean((ours - reference) ** 2)) / np.sqrt(np.mean(reference ** 2)))
