"""Tsodyks–Markram synapse with neurotransmitter spill-over and presynaptic gliotransmitter receptors.

Units: concentrations µM, rates per second (as published); kernels take steps in ms.
State per synapse: u_S, x_S, r_S (1), Y_S (µM), Γ_S (1).

Equations (Tsodyks & Markram 1997; De Pittà et al. 2011; Stimberg et al. 2019)::

    between spikes:  du_S/dt = −Ω_f·u_S,  dx_S/dt = Ω_d·(1 − x_S),  dY_S/dt = −Ω_c·Y_S
                     dΓ_S/dt = O_G·G_A·(1 − Γ_S) − Ω_G·Γ_S          (G_A: summed gliotransmitter, µM)
    on a presynaptic spike:
        U_0 = (1 − Γ_S)·U_0* + α·Γ_S            (α = 0 release-decreasing, α = 1 release-increasing)
        u_S += U_0·(1 − u_S);  r_S = u_S·x_S;  x_S −= r_S;  Y_S += ρ_c·Y_T·r_S
    postsynaptic effect: g += w·r_S

All between-spike updates are exact (G_A held constant over a step).

Example
-------
>>> from neuromem.astro.tsodyks_markram import steady_state_release
>>> round(float(steady_state_release(10.0)), 3)          # regular 10 Hz train
0.175
"""
from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
from numba import njit

from .parameters import ParameterTable, field_index


@dataclasses.dataclass(frozen=True)
class TsodyksMarkramParameters(ParameterTable):
    """TM synapse + spill-over + presynaptic receptor parameters (Stimberg et al. example 6).

    =========  =======  ==========  ==============================================
    name       default  unit        meaning
    =========  =======  ==========  ==============================================
    rho_c      0.005    1           vesicle-to-extracellular volume ratio
    Y_T        500000   µM          vesicular transmitter (500 mM)
    Omega_c    40.0     1/s         transmitter clearance rate
    U_0_star   0.6      1           resting release probability
    Omega_f    3.33     1/s         facilitation rate
    Omega_d    2.0      1/s         depression (recovery) rate
    O_G        1.5      1/(µM·s)    presynaptic receptor activation rate
    Omega_G    0.5/60   1/s         presynaptic receptor deactivation rate
    alpha      0.0      1           effect of gliotransmission (0 decreasing, 1 increasing)
    =========  =======  ==========  ==============================================
    """

    rho_c: float = 0.005
    Y_T: float = 500_000.0
    Omega_c: float = 40.0
    U_0_star: float = 0.6
    Omega_f: float = 3.33
    Omega_d: float = 2.0
    O_G: float = 1.5
    Omega_G: float = 0.5 / 60.0
    alpha: float = 0.0

    units: ClassVar[dict[str, str]] = {
        "rho_c": "1", "Y_T": "µM", "Omega_c": "1/s", "U_0_star": "1", "Omega_f": "1/s",
        "Omega_d": "1/s", "O_G": "1/(µM·s)", "Omega_G": "1/s", "alpha": "1",
    }


_RHO_C, _Y_T, _OM_C, _U0, _OM_F, _OM_D, _O_G, _OM_G, _ALPHA = (
    field_index(TsodyksMarkramParameters, k) for k in TsodyksMarkramParameters.units)

#: columns of the synapse state array
U_S, X_S, R_S, Y_S, GAMMA_S = 0, 1, 2, 3, 4
SYNAPSE_STATE_NAMES = ("u_S", "x_S", "r_S", "Y_S", "Gamma_S")
SYNAPSE_STATE_UNITS = ("1", "1", "1", "µM", "1")


def steady_state_release(rate: float | np.ndarray, U_0: float = 0.6, Omega_f: float = 3.33,
                         Omega_d: float = 2.0) -> np.ndarray:
    """Analytic steady-state r_S for a regular train at ``rate`` Hz (rates Ω in 1/s).

    u⁺ = U_0 / (1 − (1 − U_0)·e^{−Ω_f/f});  x⁻ = (1 − e^{−Ω_d/f}) / (1 − (1 − u⁺)·e^{−Ω_d/f});
    r_S = u⁺·x⁻.
    """
    f = np.asarray(rate, dtype=np.float64)
    ef, ed = np.exp(-Omega_f / f), np.exp(-Omega_d / f)
    u_plus = U_0 / (1.0 - (1.0 - U_0) * ef)
    x_minus = (1.0 - ed) / (1.0 - (1.0 - u_plus) * ed)
    return u_plus * x_minus


@njit(cache=True)
def decay_between_steps(syn: np.ndarray, g_a: np.ndarray, p: np.ndarray, dt_ms: float) -> None:
    """Exact update of Y_S and Γ_S over one step (``g_a``: gliotransmitter per synapse, µM)."""
    h = dt_ms * 1e-3
    ey = np.exp(-p[_OM_C] * h)
    for s in range(syn.shape[0]):
        syn[s, Y_S] *= ey
        a = p[_O_G] * g_a[s]
        rate = a + p[_OM_G]
        if rate > 0.0:
            target = a / rate
            syn[s, GAMMA_S] = target + (syn[s, GAMMA_S] - target) * np.exp(-rate * h)


@njit(cache=True)
def presynaptic_spike(syn: np.ndarray, s: int, since_ms: float, p: np.ndarray) -> float:
    """Apply one spike to synapse ``s``; u_S/x_S first relax exactly over ``since_ms`` ms.

    Returns the released fraction r_S.
    """
    h = since_ms * 1e-3
    syn[s, U_S] *= np.exp(-p[_OM_F] * h)
    syn[s, X_S] = 1.0 + (syn[s, X_S] - 1.0) * np.exp(-p[_OM_D] * h)
    u0 = (1.0 - syn[s, GAMMA_S]) * p[_U0] + p[_ALPHA] * syn[s, GAMMA_S]
    syn[s, U_S] += u0 * (1.0 - syn[s, U_S])
    r = syn[s, U_S] * syn[s, X_S]
    syn[s, R_S] = r
    syn[s, X_S] -= r
    syn[s, Y_S] += p[_RHO_C] * p[_Y_T] * r
    return r


@njit(cache=True)
def relaxed_u_x(syn: np.ndarray, s: int, since_ms: float, p: np.ndarray) -> tuple[float, float]:
    """u_S and x_S of synapse ``s`` ``since_ms`` ms after its last update (for recording)."""
    h = since_ms * 1e-3
    return syn[s, U_S] * np.exp(-p[_OM_F] * h), 1.0 + (syn[s, X_S] - 1.0) * np.exp(-p[_OM_D] * h)
