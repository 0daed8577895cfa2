"""Li–Rinzel astrocyte as in NEST's ``astrocyte_lr_1994`` (Nadkarni & Jung input/output).

Units: concentrations µM, time ms, rates as listed in the table; the slow inward
current (SIC) is returned in nA (NEST reports it in pA; ``SIC_scale`` here is in nA,
so NEST's default 1.0 pA is 0.001 nA here — :func:`to_nest_parameters` converts).

Equations (Ca clipped to [0, Ca_tot·(1 + r)] inside the right-hand side, r = ratio_ER_cyt)::

    dIP3/dt = (IP3_0 − IP3) / tau_IP3                  and IP3 += delta_IP3 · w per input spike
    dCa/dt  = J_channel − J_pump + J_leak
    J_channel = r · rate_IP3R · m_inf³ · n_inf³ · h³ · (Ca_ER − Ca)
    J_leak    = r · rate_L · (Ca_ER − Ca)
    J_pump    = rate_SERCA · Ca² / (Km_SERCA² + Ca²)
    m_inf = IP3 / (IP3 + Kd_IP3_1),  n_inf = Ca / (Ca + Kd_act),  Ca_ER = (Ca_tot − Ca) / r
    dh/dt   = alpha_h · (1 − h) − beta_h · h
    alpha_h = k_IP3R · Kd_inh · (IP3 + Kd_IP3_1) / (IP3 + Kd_IP3_2),  beta_h = k_IP3R · Ca
    SIC = SIC_scale · ln((Ca − SIC_th) / 1 nM)  if that argument > 1, else 0

Scheme: classical RK4 with ``substeps`` equal sub-steps per astrocyte step (NEST uses
adaptive RKF45). Per step, in NEST's order: integrate, add the step's input spikes to
IP3, compute the SIC from Ca, record. An input spike arriving at time t (ms) kicks IP3
at the end of the step that contains t, i.e. (k·dt, (k+1)·dt].

Example
-------
>>> from neuromem.astro.li_rinzel import LiRinzelParameters, simulate_li_rinzel
>>> run = simulate_li_rinzel(600_000.0, dt=10.0, params=LiRinzelParameters())
>>> round(float(run.ca[-1, 0]), 4), round(float(run.h[-1, 0]), 4)     # rest (µM, 1)
(0.0722, 0.7924)
"""
from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
from numba import njit

from ..errors import ModelError
from .clock import event_steps
from .parameters import ParameterTable, field_index


@dataclasses.dataclass(frozen=True)
class LiRinzelParameters(ParameterTable):
    """Parameters of the Li–Rinzel astrocyte; defaults are NEST 3.10's ``astrocyte_lr_1994``.

    ============  =========  ===========  ================================================
    name          default    unit         meaning
    ============  =========  ===========  ================================================
    Ca_tot        2.0        µM           total free astrocytic Ca²⁺
    IP3_0         0.16       µM           baseline IP3
    Kd_IP3_1      0.13       µM           first IP3R dissociation constant of IP3
    Kd_IP3_2      0.9434     µM           second IP3R dissociation constant of IP3
    Kd_act        0.08234    µM           IP3R dissociation constant of Ca²⁺ (activation)
    Kd_inh        1.049      µM           IP3R dissociation constant of Ca²⁺ (inhibition)
    Km_SERCA      0.1        µM           half-activation of the SERCA pump
    SIC_scale     0.001      nA           SIC scale (NEST: 1.0 pA)
    SIC_th        0.19669    µM           Ca²⁺ threshold of the SIC
    delta_IP3     5.0        µM           IP3 kick per unit input weight
    k_IP3R        0.0002     1/(µM·ms)    IP3R binding rate for Ca²⁺ inhibition
    rate_IP3R     0.006      1/ms         maximal Ca²⁺ release rate through IP3R
    rate_L        0.00011    1/ms         Ca²⁺ leak rate from the ER
    rate_SERCA    0.0009     µM/ms        maximal SERCA uptake rate
    ratio_ER_cyt  0.185      1            ER-to-cytosol volume ratio r
    tau_IP3       7142.0     ms           IP3 decay time constant
    ============  =========  ===========  ================================================
    """

    Ca_tot: float = 2.0
    IP3_0: float = 0.16
    Kd_IP3_1: float = 0.13
    Kd_IP3_2: float = 0.9434
    Kd_act: float = 0.08234
    Kd_inh: float = 1.049
    Km_SERCA: float = 0.1
    SIC_scale: float = 0.001
    SIC_th: float = 0.19669
    delta_IP3: float = 5.0
    k_IP3R: float = 0.0002
    rate_IP3R: float = 0.006
    rate_L: float = 0.00011
    rate_SERCA: float = 0.0009
    ratio_ER_cyt: float = 0.185
    tau_IP3: float = 7142.0

    units: ClassVar[dict[str, str]] = {
        "Ca_tot": "µM", "IP3_0": "µM", "Kd_IP3_1": "µM", "Kd_IP3_2": "µM", "Kd_act": "µM",
        "Kd_inh": "µM", "Km_SERCA": "µM", "SIC_scale": "nA", "SIC_th": "µM", "delta_IP3": "µM",
        "k_IP3R": "1/(µM·ms)", "rate_IP3R": "1/ms", "rate_L": "1/ms", "rate_SERCA": "µM/ms",
        "ratio_ER_cyt": "1", "tau_IP3": "ms",
    }
    positive: ClassVar[tuple[str, ...]] = ("Ca_tot", "Kd_IP3_1", "Kd_IP3_2", "Kd_act", "Km_SERCA",
                                           "SIC_scale", "ratio_ER_cyt", "tau_IP3")


#: NEST's initial state of ``astrocyte_lr_1994`` (IP3 = IP3_0).
NEST_INITIAL_CA = 0.073   # µM
NEST_INITIAL_H = 0.793    # 1

_P = {name: field_index(LiRinzelParameters, name) for name in LiRinzelParameters.units}
_CA_TOT, _IP3_0, _KD1, _KD2 = _P["Ca_tot"], _P["IP3_0"], _P["Kd_IP3_1"], _P["Kd_IP3_2"]
_KACT, _KINH, _KM, _SIC_SCALE = _P["Kd_act"], _P["Kd_inh"], _P["Km_SERCA"], _P["SIC_scale"]
_SIC_TH, _DELTA, _KIP3R, _RIP3R = _P["SIC_th"], _P["delta_IP3"], _P["k_IP3R"], _P["rate_IP3R"]
_RL, _RSERCA, _RATIO, _TAU = _P["rate_L"], _P["rate_SERCA"], _P["ratio_ER_cyt"], _P["tau_IP3"]


@njit(cache=True)
def li_rinzel_rhs(ip3: float, ca: float, h: float, p: np.ndarray) -> tuple[float, float, float]:
    """Time derivatives (µM/ms, µM/ms, 1/ms) of (IP3, Ca, h); ``p`` is ``params.packed()``."""
    r = p[_RATIO]
    c = min(max(ca, 0.0), p[_CA_TOT] * (1.0 + r))
    m_inf = ip3 / (ip3 + p[_KD1])
    n_inf = c / (c + p[_KACT])
    ca_er = (p[_CA_TOT] - c) / r
    j_channel = r * p[_RIP3R] * m_inf ** 3 * n_inf ** 3 * h ** 3 * (ca_er - c)
    j_leak = r * p[_RL] * (ca_er - c)
    j_pump = p[_RSERCA] * c * c / (p[_KM] * p[_KM] + c * c)
    alpha_h = p[_KIP3R] * p[_KINH] * (ip3 + p[_KD1]) / (ip3 + p[_KD2])
    beta_h = p[_KIP3R] * c
    return (p[_IP3_0] - ip3) / p[_TAU], j_channel - j_pump + j_leak, alpha_h * (1.0 - h) - beta_h * h


@njit(cache=True)
def li_rinzel_rk4(state: np.ndarray, p: np.ndarray, dt: float, substeps: int) -> None:
    """Advance ``state`` (N × 3: IP3 µM, Ca µM, h) by ``dt`` ms in place with RK4."""
    hs = dt / substeps
    for i in range(state.shape[0]):
        y0, y1, y2 = state[i, 0], state[i, 1], state[i, 2]
        for _ in range(substeps):
            a0, a1, a2 = li_rinzel_rhs(y0, y1, y2, p)
            b0, b1, b2 = li_rinzel_rhs(y0 + 0.5 * hs * a0, y1 + 0.5 * hs * a1, y2 + 0.5 * hs * a2, p)
            c0, c1, c2 = li_rinzel_rhs(y0 + 0.5 * hs * b0, y1 + 0.5 * hs * b1, y2 + 0.5 * hs * b2, p)
            d0, d1, d2 = li_rinzel_rhs(y0 + hs * c0, y1 + hs * c1, y2 + hs * c2, p)
            y0 += hs / 6.0 * (a0 + 2.0 * b0 + 2.0 * c0 + d0)
            y1 += hs / 6.0 * (a1 + 2.0 * b1 + 2.0 * c1 + d1)
            y2 += hs / 6.0 * (a2 + 2.0 * b2 + 2.0 * c2 + d2)
        state[i, 0], state[i, 1], state[i, 2] = y0, y1, y2


@njit(cache=True)
def sic_current(ca: np.ndarray, sic_th: float, sic_scale: float) -> np.ndarray:
    """Slow inward current (unit of ``sic_scale``) for Ca (µM): scale·ln((Ca − th)·1000) if > 1 nM."""
    out = np.zeros(ca.shape)
    flat_in = ca.ravel()
    flat_out = out.ravel()
    for i in range(flat_in.size):
        arg = (flat_in[i] - sic_th) * 1000.0
        if arg > 1.0:
            flat_out[i] = sic_scale * np.log(arg)
    return out


@njit(cache=True)
def _run_kernel(state: np.ndarray, p: np.ndarray, dt: float, substeps: int, n_steps: int,
                in_step: np.ndarray, in_cell: np.ndarray, in_weight: np.ndarray,
                record_every: int, out: np.ndarray, sic_out: np.ndarray) -> None:
    n = state.shape[0]
    k_in = 0
    row = 0
    for step in range(n_steps):
        li_rinzel_rk4(state, p, dt, substeps)
        while k_in < in_step.size and in_step[k_in] == step:
            state[in_cell[k_in], 0] += p[_DELTA] * in_weight[k_in]
            k_in += 1
        if (step + 1) % record_every == 0:
            for i in range(n):
                out[row, i, 0] = state[i, 0]
                out[row, i, 1] = state[i, 1]
                out[row, i, 2] = state[i, 2]
                arg = (state[i, 1] - p[_SIC_TH]) * 1000.0
                sic_out[row, i] = p[_SIC_SCALE] * np.log(arg) if arg > 1.0 else 0.0
            row += 1


@dataclasses.dataclass
class LiRinzelRun:
    """Recorded traces: ``times`` (ms, end of each recorded step, shape T) and
    ``ip3``, ``ca`` (µM), ``h`` (1), ``sic`` (nA), each T × N."""

    times: np.ndarray
    ip3: np.ndarray
    ca: np.ndarray
    h: np.ndarray
    sic: np.ndarray
    final_state: np.ndarray


def simulate_li_rinzel(duration: float, dt: float = 1.0, n: int = 1,
                       params: LiRinzelParameters | None = None,
                       spike_times: np.ndarray | None = None, spike_cells: np.ndarray | None = None,
                       spike_weights: np.ndarray | None = None, initial: np.ndarray | None = None,
                       substeps: int = 1, record_every: int = 1) -> LiRinzelRun:
    """Simulate ``n`` Li–Rinzel astrocytes for ``duration`` ms on their own clock ``dt`` (ms).

    ``spike_times`` (ms, arrival times at the astrocyte), ``spike_cells`` (astrocyte index)
    and ``spike_weights`` (dimensionless, default 1) describe the input; each spike adds
    ``delta_IP3 · weight`` µM to IP3. ``initial`` is N × 3 (IP3 µM, Ca µM, h); default
    NEST's (IP3_0, 0.073, 0.793). Clamp IP3 by setting ``IP3_0`` to the wanted value.
    """
    params = params or LiRinzelParameters()
    if dt <= 0 or duration <= 0:
        raise ModelError(f"simulate_li_rinzel: dt and duration must be > 0 ms, got {dt}, {duration}")
    if substeps < 1 or record_every < 1:
        raise ModelError("simulate_li_rinzel: substeps and record_every must be >= 1")
    n_steps = int(round(duration / dt))
    state = (np.tile([params.IP3_0, NEST_INITIAL_CA, NEST_INITIAL_H], (n, 1)) if initial is None
             else np.array(initial, dtype=np.float64).reshape(n, 3))
    times = np.zeros(0) if spike_times is None else np.asarray(spike_times, dtype=np.float64)
    cells = np.zeros(times.size, np.int64) if spike_cells is None else np.asarray(spike_cells, np.int64)
    weights = np.ones(times.size) if spike_weights is None else np.asarray(spike_weights, np.float64)
    if not (times.size == cells.size == weights.size):
        raise ModelError("simulate_li_rinzel: spike_times, spike_cells and spike_weights differ in length")
    if cells.size and (cells.min() < 0 or cells.max() >= n):
        raise ModelError(f"simulate_li_rinzel.spike_cells: indices must lie in 0..{n - 1}")
    steps = event_steps(times, dt)
    order = np.argsort(steps, kind="stable")
    n_rec = n_steps // record_every
    out = np.zeros((n_rec, n, 3))
    sic = np.zeros((n_rec, n))
    _run_kernel(state, params.packed(), float(dt), int(substeps), n_steps, steps[order], cells[order],
                weights[order], int(record_every), out, sic)
    rec_times = (np.arange(1, n_rec + 1) * record_every) * dt
    return LiRinzelRun(rec_times, out[:, :, 0], out[:, :, 1], out[:, :, 2], sic, state)


def to_nest_parameters(params: LiRinzelParameters) -> dict[str, float]:
    """NEST ``astrocyte_lr_1994`` parameter dict (SIC_scale nA → pA, the rest unchanged)."""
    out = params.describe()
    out["SIC_scale"] = params.SIC_scale * 1000.0
    return out
