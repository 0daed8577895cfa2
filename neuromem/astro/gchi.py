"""De Pittà's G-ChI astrocyte with gliotransmitter release and gap-junction IP3 coupling.

Units: concentrations µM, time s inside the model (rates per second, as published);
the public run functions take their steps in ms. State per astrocyte, in column order:
Γ_A (1), I = IP3 (µM), C = Ca²⁺ (µM), h (1), x_A (1), G_A (µM).

Equations (De Pittà et al. 2009, 2011; Goldberg et al. 2010; as in Stimberg et al. 2019)::

    dΓ_A/dt = O_N·Y_S·(1 − Γ_A') − Ω_N·(1 + ζ·C/(C + K_KC))·Γ_A'      Y_S: summed transmitter,
                                                                    Γ_A' = clip(Γ_A, 0, 1) (as example 6)
    dI/dt   = J_β + J_δ − J_3K − J_5P + J_ex + J_coupling
      J_β = O_β·Γ_A,  J_δ = O_δ/(1 + I/κ_δ)·C²/(C² + K_δ²)
      J_3K = O_3K·C⁴/(C⁴ + K_D⁴)·I/(I + K_3K),  J_5P = Ω_5P·I
      J_ex = −(F_ex/2)·(1 + tanh((|I − I_bias·s(t)| − I_Θ)/ω_I))·sign(I − I_bias·s(t))
      J_coupling(i) = Σ_j −(F/2)·(1 + tanh((|I_i − I_j| − I_Θ)/ω_I))·sign(I_i − I_j)
    dC/dt   = (Ω_C·m∞³·h'³ + Ω_L)·(C_T − (1 + ρ_A)·C) − O_P·C²/(C² + K_P²)
      m∞ = I/(I + d_1)·C/(C + d_5),  h' = clip(h, 0, 1)
    dh/dt   = (h∞ − h')/τ_h · (1 + noise·ξ(t)·√τ_h)
      h∞ = Q_2/(Q_2 + C),  τ_h = 1/(O_2·(Q_2 + C)),  Q_2 = d_2·(I + d_1)/(I + d_3)
    dx_A/dt = Ω_A·(1 − x_A),   dG_A/dt = −Ω_e·G_A
    release when C crosses C_Θ upwards (refractory while C > C_Θ):
      G_A += ρ_e·G_T·U_A·x_A,  x_A −= U_A·x_A

s(t) is 1, or a square wave of period ``gate_period`` that is on for ``gate_on`` (ms).
Y_S and J_coupling are computed from the states at the start of each step and held
over it (as Brian2's summed variables are).

Schemes: ``"rk4"`` (classical Runge–Kutta; Stimberg et al. examples 3–6) or
``"milstein"`` — forward Euler drift plus the derivative-free Milstein correction
``(g(x_support) − g(x))·ΔW²/(2√dt)`` for the multiplicative h-noise, i.e. the
Stratonovich reading of the SDE, as Brian2's ``milstein`` (with noise 0 it is forward
Euler, which is what example 2 uses for its deterministic astrocyte).

Example
-------
>>> from neuromem.astro.gchi import GChIParameters
>>> GChIParameters.stimberg_example(2).O_beta      # µM/s
5.0
"""
from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
from numba import njit

from ..errors import ModelError
from .parameters import ParameterTable, field_index

STATE_NAMES = ("Gamma_A", "I", "C", "h", "x_A", "G_A")
STATE_UNITS = ("1", "µM", "µM", "1", "1", "µM")
METHODS = ("rk4", "milstein")


@dataclasses.dataclass(frozen=True)
class GChIParameters(ParameterTable):
    """G-ChI astrocyte + gliotransmission parameters; defaults are those of Stimberg
    et al.'s example 6 (``stimberg_example(n)`` gives examples 2–5). Units in ``units``:

    ===========  =======  ===========  ============================================
    name         default  unit         meaning
    ===========  =======  ===========  ============================================
    O_P          0.9      µM/s         maximal SERCA uptake rate
    K_P          0.05     µM           Ca²⁺ affinity of SERCAs
    C_T          2.0      µM           total free Ca²⁺ content
    rho_A        0.18     1            ER-to-cytoplasm volume ratio
    Omega_C      6.0      1/s          maximal IP3R Ca²⁺ release rate
    Omega_L      0.1      1/s          ER Ca²⁺ leak rate
    d_1          0.13     µM           IP3 binding affinity
    d_2          1.05     µM           Ca²⁺ inactivation dissociation constant
    d_3          0.9434   µM           IP3 dissociation constant
    d_5          0.08     µM           Ca²⁺ activation dissociation constant
    O_2          0.2      1/(µM·s)     IP3R binding rate for Ca²⁺ inhibition
    O_beta       0.5      µM/s         maximal PLCβ IP3 production
    O_N          0.3      1/(µM·s)     agonist binding rate
    Omega_N      0.5      1/s          maximal receptor inactivation rate
    K_KC         0.5      µM           Ca²⁺ affinity of PKC
    zeta         10.0     1            maximal PKC reduction of receptor affinity
    O_delta      1.2      µM/s         maximal PLCδ IP3 production
    kappa_delta  1.5      µM           inhibition constant of PLCδ by IP3
    K_delta      0.1      µM           Ca²⁺ affinity of PLCδ
    Omega_5P     0.05     1/s          IP-5P degradation rate
    K_D          0.7      µM           Ca²⁺ affinity of IP3-3K
    K_3K         1.0      µM           IP3 affinity of IP3-3K
    O_3K         4.5      µM/s         maximal IP3-3K degradation rate
    F_ex         0.09     µM/s         maximal exogenous IP3 flow
    F            0.09     µM/s         gap-junction IP3 permeability
    I_Theta      0.3      µM           threshold IP3 gradient for diffusion
    omega_I      0.05     µM           diffusion scaling
    C_Theta      0.5      µM           Ca²⁺ threshold of gliotransmitter release
    Omega_A      0.6      1/s          gliotransmitter recycling rate
    U_A          0.6      1            gliotransmitter release probability
    G_T          200000   µM           vesicular gliotransmitter (200 mM)
    rho_e        6.5e-4   1            astrocytic vesicle-to-extracellular volume ratio
    Omega_e      60.0     1/s          gliotransmitter clearance rate
    ===========  =======  ===========  ============================================
    """

    O_P: float = 0.9
    K_P: float = 0.05
    C_T: float = 2.0
    rho_A: float = 0.18
    Omega_C: float = 6.0
    Omega_L: float = 0.1
    d_1: float = 0.13
    d_2: float = 1.05
    d_3: float = 0.9434
    d_5: float = 0.08
    O_2: float = 0.2
    O_beta: float = 0.5
    O_N: float = 0.3
    Omega_N: float = 0.5
    K_KC: float = 0.5
    zeta: float = 10.0
    O_delta: float = 1.2
    kappa_delta: float = 1.5
    K_delta: float = 0.1
    Omega_5P: float = 0.05
    K_D: float = 0.7
    K_3K: float = 1.0
    O_3K: float = 4.5
    F_ex: float = 0.09
    F: float = 0.09
    I_Theta: float = 0.3
    omega_I: float = 0.05
    C_Theta: float = 0.5
    Omega_A: float = 0.6
    U_A: float = 0.6
    G_T: float = 200_000.0
    rho_e: float = 6.5e-4
    Omega_e: float = 60.0

    units: ClassVar[dict[str, str]] = {
        "O_P": "µM/s", "K_P": "µM", "C_T": "µM", "rho_A": "1", "Omega_C": "1/s", "Omega_L": "1/s",
        "d_1": "µM", "d_2": "µM", "d_3": "µM", "d_5": "µM", "O_2": "1/(µM·s)", "O_beta": "µM/s",
        "O_N": "1/(µM·s)", "Omega_N": "1/s", "K_KC": "µM", "zeta": "1", "O_delta": "µM/s",
        "kappa_delta": "µM", "K_delta": "µM", "Omega_5P": "1/s", "K_D": "µM", "K_3K": "µM",
        "O_3K": "µM/s", "F_ex": "µM/s", "F": "µM/s", "I_Theta": "µM", "omega_I": "µM",
        "C_Theta": "µM", "Omega_A": "1/s", "U_A": "1", "G_T": "µM", "rho_e": "1", "Omega_e": "1/s",
    }
    positive: ClassVar[tuple[str, ...]] = ("K_P", "C_T", "d_1", "d_2", "d_3", "d_5", "O_2", "K_KC",
                                           "kappa_delta", "K_delta", "K_D", "K_3K", "omega_I")

    @classmethod
    def stimberg_example(cls, number: int) -> "GChIParameters":
        """Parameters of Stimberg et al.'s example ``number`` (2–6); see ``EXAMPLE_CHANGES``."""
        if number not in EXAMPLE_CHANGES:
            raise ModelError(f"GChIParameters.stimberg_example: number must be one of "
                             f"{sorted(EXAMPLE_CHANGES)}, got {number!r}")
        return cls(**EXAMPLE_CHANGES[number])


#: Differences of Stimberg et al.'s examples from example 6 (the defaults).
EXAMPLE_CHANGES: dict[int, dict[str, float]] = {
    2: {"K_P": 0.1, "O_beta": 5.0, "O_delta": 0.2, "K_delta": 0.3, "Omega_5P": 0.1, "K_D": 0.5},
    3: {"O_delta": 0.6, "F_ex": 2.0},
    4: {"O_beta": 3.2, "O_delta": 0.6, "F_ex": 2.0, "F": 2.0},
    5: {"O_delta": 0.6},
    6: {},
}

_I = {name: field_index(GChIParameters, name) for name in GChIParameters.units}
_O_P, _K_P, _C_T, _RHO_A, _OM_C, _OM_L = (_I[k] for k in ("O_P", "K_P", "C_T", "rho_A", "Omega_C", "Omega_L"))
_D1, _D2, _D3, _D5, _O2 = (_I[k] for k in ("d_1", "d_2", "d_3", "d_5", "O_2"))
_O_BETA, _O_N, _OM_N, _K_KC, _ZETA = (_I[k] for k in ("O_beta", "O_N", "Omega_N", "K_KC", "zeta"))
_O_DELTA, _KAPPA_D, _K_DELTA = (_I[k] for k in ("O_delta", "kappa_delta", "K_delta"))
_OM_5P, _K_D, _K_3K, _O_3K = (_I[k] for k in ("Omega_5P", "K_D", "K_3K", "O_3K"))
_F_EX, _F_GJ, _I_THETA, _OMEGA_I = (_I[k] for k in ("F_ex", "F", "I_Theta", "omega_I"))
_C_THETA, _OM_A, _U_A, _G_T, _RHO_E, _OM_E = (_I[k] for k in ("C_Theta", "Omega_A", "U_A", "G_T", "rho_e",
                                                             "Omega_e"))


@njit(cache=True)
def _flux(delta: float, flow: float, p: np.ndarray) -> float:
    """Thresholded IP3 diffusion flux (µM/s) for an IP3 difference ``delta`` (µM)."""
    return -0.5 * flow * (1.0 + np.tanh((abs(delta) - p[_I_THETA]) / p[_OMEGA_I])) * np.sign(delta)


@njit(cache=True)
def gap_junction_flux(ip3: np.ndarray, indptr: np.ndarray, neighbours: np.ndarray, p: np.ndarray) -> np.ndarray:
    """J_coupling (µM/s) of every astrocyte from its neighbours (CSR: row = receiving cell)."""
    out = np.zeros(ip3.size)
    for i in range(ip3.size):
        for k in range(indptr[i], indptr[i + 1]):
            out[i] += _flux(ip3[i] - ip3[neighbours[k]], p[_F_GJ], p)
    return out


@njit(cache=True)
def _gate(t_ms: float, period: float, on: float) -> float:
    if period <= 0.0:
        return 1.0
    return 1.0 if (t_ms % period) < on else 0.0


@njit(cache=True)
def gchi_drift(y: np.ndarray, p: np.ndarray, y_s: float, j_coupling: float, i_drive: float,
               out: np.ndarray) -> None:
    """Deterministic derivatives (per s) of one astrocyte's 6-state ``y`` into ``out``.

    ``y_s`` summed transmitter (µM), ``j_coupling`` (µM/s), ``i_drive`` = I_bias·s(t) (µM).
    """
    gam, ip3, c, h = min(max(y[0], 0.0), 1.0), y[1], y[2], y[3]
    hc = min(max(h, 0.0), 1.0)
    c2 = c * c
    out[0] = p[_O_N] * y_s * (1.0 - gam) - p[_OM_N] * (1.0 + p[_ZETA] * c / (c + p[_K_KC])) * gam
    j_beta = p[_O_BETA] * gam
    j_delta = p[_O_DELTA] / (1.0 + ip3 / p[_KAPPA_D]) * c2 / (c2 + p[_K_DELTA] ** 2)
    j_3k = p[_O_3K] * c2 * c2 / (c2 * c2 + p[_K_D] ** 4) * ip3 / (ip3 + p[_K_3K])
    j_ex = _flux(ip3 - i_drive, p[_F_EX], p)
    out[1] = j_beta + j_delta - j_3k - p[_OM_5P] * ip3 + j_ex + j_coupling
    m_inf = ip3 / (ip3 + p[_D1]) * c / (c + p[_D5])
    free = p[_C_T] - (1.0 + p[_RHO_A]) * c
    out[2] = (p[_OM_C] * m_inf ** 3 * hc ** 3 + p[_OM_L]) * free - p[_O_P] * c2 / (c2 + p[_K_P] ** 2)
    q2 = p[_D2] * (ip3 + p[_D1]) / (ip3 + p[_D3])
    tau_h = 1.0 / (p[_O2] * (q2 + c))
    out[3] = (q2 / (q2 + c) - hc) / tau_h
    out[4] = p[_OM_A] * (1.0 - y[4])
    out[5] = -p[_OM_E] * y[5]


@njit(cache=True)
def _h_diffusion(y: np.ndarray, p: np.ndarray, noise: float) -> float:
    """Diffusion coefficient (per √s) of h: noise·(h∞ − h')/√τ_h."""
    ip3, c = y[1], y[2]
    hc = min(max(y[3], 0.0), 1.0)
    q2 = p[_D2] * (ip3 + p[_D1]) / (ip3 + p[_D3])
    tau_h = 1.0 / (p[_O2] * (q2 + c))
    return noise * (q2 / (q2 + c) - hc) / np.sqrt(tau_h)


@njit(cache=True)
def gchi_advance(state: np.ndarray, p: np.ndarray, dt_ms: float, t_ms: float, y_s: np.ndarray,
                 j_coupling: np.ndarray, i_bias: np.ndarray, gate_period: float, gate_on: float,
                 noise: np.ndarray, use_rk4: bool) -> None:
    """Advance all astrocytes (``state``: N × 6) from ``t_ms`` by ``dt_ms`` in place.

    RK4 (``use_rk4``) or Euler–Milstein; the exogenous gate is evaluated at each stage time.
    """
    h = dt_ms * 1e-3
    k1 = np.empty(6)
    k2 = np.empty(6)
    k3 = np.empty(6)
    k4 = np.empty(6)
    tmp = np.empty(6)
    g0 = _gate(t_ms, gate_period, gate_on)
    for i in range(state.shape[0]):
        y = state[i]
        if use_rk4:
            g_half = _gate(t_ms + 0.5 * dt_ms, gate_period, gate_on)
            g1 = _gate(t_ms + dt_ms, gate_period, gate_on)
            gchi_drift(y, p, y_s[i], j_coupling[i], i_bias[i] * g0, k1)
            for j in range(6):
                tmp[j] = y[j] + 0.5 * h * k1[j]
            gchi_drift(tmp, p, y_s[i], j_coupling[i], i_bias[i] * g_half, k2)
            for j in range(6):
                tmp[j] = y[j] + 0.5 * h * k2[j]
            gchi_drift(tmp, p, y_s[i], j_coupling[i], i_bias[i] * g_half, k3)
            for j in range(6):
                tmp[j] = y[j] + h * k3[j]
            gchi_drift(tmp, p, y_s[i], j_coupling[i], i_bias[i] * g1, k4)
            for j in range(6):
                y[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
        else:
            gchi_drift(y, p, y_s[i], j_coupling[i], i_bias[i] * g0, k1)
            if noise[i] != 0.0:
                g = _h_diffusion(y, p, noise[i])
                dw = np.sqrt(h) * np.random.standard_normal()
                for j in range(6):
                    tmp[j] = y[j] + h * k1[j]
                tmp[3] += np.sqrt(h) * g
                g_support = _h_diffusion(tmp, p, noise[i])
                correction = (g_support - g) * dw * dw / (2.0 * np.sqrt(h))
                for j in range(6):
                    y[j] += h * k1[j]
                y[3] += g * dw + correction
            else:
                for j in range(6):
                    y[j] += h * k1[j]


@njit(cache=True)
def release_gliotransmitter(state: np.ndarray, c_before: np.ndarray, ready: np.ndarray,
                            p: np.ndarray, released: np.ndarray) -> None:
    """Threshold-crossing release with refractoriness while C > C_Θ.

    ``ready`` (bool, N) becomes True again once C was <= C_Θ at the start of a step;
    a release (``released[i] = True``) happens when C ends the step above C_Θ while ready.
    """
    for i in range(state.shape[0]):
        ready[i] = ready[i] or (c_before[i] <= p[_C_THETA])
        released[i] = False
        if ready[i] and state[i, 2] > p[_C_THETA]:
            state[i, 5] += p[_RHO_E] * p[_G_T] * p[_U_A] * state[i, 4]
            state[i, 4] -= p[_U_A] * state[i, 4]
            ready[i] = False
            released[i] = True


def initial_state(n: int, Gamma_A: float = 0.0, I: float = 0.0, C: float = 0.0, h: float = 0.9,
                  x_A: float = 1.0, G_A: float = 0.0) -> np.ndarray:
    """N × 6 state array (Γ_A, I µM, C µM, h, x_A, G_A µM); defaults as Stimberg et al.'s examples."""
    if n < 0:
        raise ModelError(f"initial_state: n must be >= 0, got {n}")
    return np.tile(np.array([Gamma_A, I, C, h, x_A, G_A], dtype=np.float64), (n, 1))


def check_method(method: str) -> bool:
    """True for RK4, False for Euler–Milstein; a clear error otherwise."""
    if method not in METHODS:
        raise ModelError(f"astrocyte method: {method!r} is not valid; use one of {list(METHODS)}")
    return method == "rk4"
