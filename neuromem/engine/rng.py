"""A small counter-based generator (SplitMix64) for compiled code.

The engine keeps its own 64-bit state instead of numba's global generator, so the
stream is fixed by the run's seed alone and independent of anything else drawn in
the process. SplitMix64 passes BigCrush; its period (2^64) far exceeds any run.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_SCALE = 1.0 / 9007199254740992.0  # 2^-53


@njit(cache=True, inline="always")
def uniform(state: np.ndarray) -> float:
    """Next uniform double in [0, 1); advances ``state`` (uint64 array of length 1)."""
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _SCALE
