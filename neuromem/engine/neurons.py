"""Per-model state updates of the embedded engine, and their parameter tables.

Each neuron model has a *kind* code, a function that turns the PyNN parameters of a
population into rows of the engine's per-cell parameter table (precomputed
propagators, so the compiled loop only multiplies and adds), and a compiled update
that advances cells ``a … b−1`` by one step of length h (ms).

Order inside one step ``n`` (the order of NEST's ``iaf_psc_exp``/``iaf_cond_exp``
updates, so spike times agree with NEST on the same input):

1. membrane update over [t_n, t_n + h] with the synaptic state at t_n
   (skipped while refractory: V stays at v_reset); voltage-jump inputs arriving in
   step n are part of this update (ignored while refractory);
2. synaptic state decays over the step, then current/conductance inputs arriving in
   step n are added (a spike emitted in step m with delay d steps arrives in step
   m + d, so the synaptic jump happens at time t_spike + delay);
3. threshold test; a spike is time-stamped t_n + h.

Schemes per model (state in brackets):

* ``IF_curr_exp`` [V, I_e, I_i]: exact propagator matrix of the linear system; with
  ``Network(scheme="spinnaker")`` instead sPyNNaker's fixed-step update (input added at
  the start of the step, scaled by tau_syn(1−e^{−h/tau_syn})/h, current held constant
  over the step), which the CA3 memory needs to reproduce its SpiNNaker traces.
* ``IF_curr_delta`` [V]: exact exponential decay; input jumps add to V (ignored while
  refractory, as NEST's ``iaf_psc_delta``).
* ``IF_cond_exp`` [V, g_e, g_i]: conductances decay exactly; V advances exactly for
  the step with each conductance replaced by its exact mean over the step
  (an exponential integrator of second order; exact for constant conductance).
  exp(−x) is evaluated branch-free as the (3,3) Padé approximant of exp(−x/8),
  raised to the 8th power (relative error < 1e-12 for x < 0.8, < 2e-9 for x < 4).
* ``Izhikevich`` [v, u]: forward Euler, as NEST's ``izhikevich``.
* ``EIF_cond_exp_isfa_ista`` [V, w, g_e, g_i]: conductances decay exactly; (V, w)
  advance by classical RK4 on sub-steps of ≤ 0.01 ms (NEST's smallest internal step)
  with the conductances at their step mean, testing for a spike after every sub-step as
  NEST's ``aeif_cond_exp`` does; the exponential term uses min(V, v_spike).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..cells import (CellType, EIF_cond_exp_isfa_ista, IF_cond_exp, IF_curr_delta, IF_curr_exp,
                     Izhikevich, SpikeSourceArray, SpikeSourcePoisson)

KIND_COND_EXP = 0
KIND_CURR_EXP = 1
KIND_CURR_DELTA = 2
KIND_IZHIKEVICH = 3
KIND_ADEX = 4
KIND_POISSON = 5
KIND_ARRAY = 6

N_PARAM_ROWS = 20
# rows shared by every kind: adaptive-threshold increment (mV) and per-step decay factor
ROW_THETA_PLUS, ROW_THETA_DECAY = 18, 19

KIND_OF_MODEL = {
    IF_cond_exp: KIND_COND_EXP, IF_curr_exp: KIND_CURR_EXP, IF_curr_delta: KIND_CURR_DELTA,
    Izhikevich: KIND_IZHIKEVICH, EIF_cond_exp_isfa_ista: KIND_ADEX,
    SpikeSourcePoisson: KIND_POISSON, SpikeSourceArray: KIND_ARRAY,
}

# Which state array holds a recordable variable: 0 = v, 1 = syn[0] (excitatory),
# 2 = syn[1] (inhibitory), 3 = w (AdEx w in nA, Izhikevich u in mV/ms), 4 = theta (mV).
PROBE_CODES = {"v": 0, "gsyn_exc": 1, "isyn_exc": 1, "gsyn_inh": 2, "isyn_inh": 2, "w": 3, "u": 3,
               "theta": 4}


def _decay(h: float, tau: np.ndarray) -> np.ndarray:
    return np.exp(-h / tau)


def _mean_factor(h: float, tau: np.ndarray) -> np.ndarray:
    """Exact mean of exp(−t/tau) over [0, h], i.e. tau(1 − e^{−h/tau})/h."""
    return -np.expm1(-h / tau) * tau / h


def _psc_propagator(h: float, tau_syn: np.ndarray, tau_m: np.ndarray, cm: np.ndarray) -> np.ndarray:
    """Response of V (mV) at t = h to a unit synaptic current (nA) decaying with tau_syn,
    for a membrane with tau_m (ms) and cm (nF); the limit tau_syn → tau_m is h/cm·e^{−h/tau_m}."""
    out = np.empty_like(tau_m)
    rate = 1.0 / tau_syn - 1.0 / tau_m
    near = np.abs(rate * h) < 1e-6
    far = ~near
    out[far] = (np.exp(-h / tau_m[far]) * (-np.expm1(-h * rate[far])) / rate[far]) / cm[far]
    r = rate[near]
    out[near] = (h * np.exp(-h / tau_m[near]) * (1.0 - 0.5 * h * r)) / cm[near]
    return out


def _refractory_steps(h: float, tau_refrac: np.ndarray) -> np.ndarray:
    return np.round(tau_refrac / h)


def parameter_rows(cell: CellType, size: int, h: float,
                   scheme: str = "exact") -> tuple[int, np.ndarray]:
    """Return (kind code, parameter table of shape (N_PARAM_ROWS, size)) for a population.

    ``scheme="spinnaker"`` changes ``IF_curr_exp`` to sPyNNaker's fixed-step update: the
    input of a step is added before the membrane update, scaled by tau_syn(1−e^{−h/tau_syn})/h,
    and the synaptic current is held constant over the step.
    """
    kind = KIND_OF_MODEL[type(cell)]
    rows = np.zeros((N_PARAM_ROWS, size))
    p = {name: cell.parameter_array(name, size) for name in cell.default_parameters}
    if kind == KIND_CURR_EXP:
        rows[0] = _decay(h, p["tau_m"])
        rows[1] = _decay(h, p["tau_syn_E"])
        rows[2] = _decay(h, p["tau_syn_I"])
        rows[3] = -np.expm1(-h / p["tau_m"]) * p["tau_m"] / p["cm"]
        rows[4] = _psc_propagator(h, p["tau_syn_E"], p["tau_m"], p["cm"])
        rows[5] = _psc_propagator(h, p["tau_syn_I"], p["tau_m"], p["cm"])
        rows[6], rows[7], rows[8] = p["v_rest"], p["v_thresh"], p["v_reset"]
        rows[9], rows[10] = p["i_offset"], _refractory_steps(h, p["tau_refrac"])
        if scheme == "spinnaker":
            rows[4] = rows[3] * _mean_factor(h, p["tau_syn_E"])
            rows[5] = rows[3] * _mean_factor(h, p["tau_syn_I"])
    elif kind == KIND_CURR_DELTA:
        rows[0] = _decay(h, p["tau_m"])
        rows[3] = -np.expm1(-h / p["tau_m"]) * p["tau_m"] / p["cm"]
        rows[6], rows[7], rows[8] = p["v_rest"], p["v_thresh"], p["v_reset"]
        rows[9], rows[10] = p["i_offset"], _refractory_steps(h, p["tau_refrac"])
    elif kind == KIND_COND_EXP:
        rows[0] = _mean_factor(h, p["tau_syn_E"])
        rows[1] = _mean_factor(h, p["tau_syn_I"])
        rows[2] = _decay(h, p["tau_syn_E"])
        rows[3] = _decay(h, p["tau_syn_I"])
        rows[4] = p["cm"] / p["tau_m"]
        rows[5], rows[6], rows[7] = p["v_rest"], p["e_rev_E"], p["e_rev_I"]
        rows[8] = h / p["cm"]
        rows[9], rows[10], rows[11] = p["v_thresh"], p["v_reset"], p["i_offset"]
        rows[12] = _refractory_steps(h, p["tau_refrac"])
    elif kind == KIND_IZHIKEVICH:
        rows[0], rows[1], rows[2], rows[3] = p["a"], p["b"], p["c"], p["d"]
        rows[4] = 1000.0 * p["i_offset"]
    elif kind == KIND_ADEX:
        rows[0] = p["cm"]
        rows[1] = p["cm"] / p["tau_m"]
        rows[2], rows[3], rows[4] = p["v_rest"], p["delta_T"], p["v_thresh"]
        rows[5], rows[6] = p["v_spike"], p["v_reset"]
        rows[7] = p["a"] * 1e-3
        rows[8], rows[9] = p["b"], p["tau_w"]
        rows[10], rows[11] = p["e_rev_E"], p["e_rev_I"]
        rows[12] = _mean_factor(h, p["tau_syn_E"])
        rows[13] = _mean_factor(h, p["tau_syn_I"])
        rows[14] = _decay(h, p["tau_syn_E"])
        rows[15] = _decay(h, p["tau_syn_I"])
        rows[16], rows[17] = p["i_offset"], _refractory_steps(h, p["tau_refrac"])
    elif kind == KIND_POISSON:
        rows[0] = p["rate"] * h / 1000.0
        rows[1] = np.round(p["start"] / h)
        rows[2] = np.round((p["start"] + np.minimum(p["duration"], 1e15)) / h)
    return kind, rows


@njit(cache=True, inline="always", error_model="numpy")
def exp_neg(x: float) -> float:
    """exp(−x) for x ≥ 0 without a library call: Padé(3,3) of exp(−x/8), to the 8th power."""
    y = 0.125 * x
    y2 = y * y
    num = 120.0 - 60.0 * y + 12.0 * y2 - y2 * y
    den = 120.0 + 60.0 * y + 12.0 * y2 + y2 * y
    e = num / den
    e = e * e
    e = e * e
    return e * e


@njit(cache=True, inline="always", error_model="numpy")
def _curr_exp_cell(v, ie, ii, r, iext, p22, p11e, p11i, p20, p21e, p21i, el, i0):
    vnew = el + p22 * (v - el) + p20 * (i0 + iext) + p21e * ie - p21i * ii
    return (vnew if r == 0 else v), (r - 1 if r > 0 else 0), ie * p11e, ii * p11i


@njit(cache=True, inline="always", error_model="numpy")
def _curr_delta_cell(v, r, jump, iext, p22, p20, el, i0):
    vnew = el + p22 * (v - el) + p20 * (i0 + iext) + jump
    return (vnew if r == 0 else v), (r - 1 if r > 0 else 0)


@njit(cache=True, inline="always", error_model="numpy")
def _cond_exp_cell(v, ge, gi, r, iext, fe, fi, de, di, gl, el, ee, ei, hc, i0):
    ge_mean = ge * fe
    gi_mean = gi * fi
    gt = gl + ge_mean + gi_mean
    vinf = (gl * el + ge_mean * ee + gi_mean * ei + i0 + iext) / gt
    vnew = vinf + (v - vinf) * exp_neg(hc * gt)
    return (vnew if r == 0 else v), (r - 1 if r > 0 else 0), ge * de, gi * di


@njit(cache=True, inline="always", error_model="numpy")
def _fire(v, r, spike_at, reset, refractory_steps):
    """Threshold test fused into the update: (V, refractory counter, spiked)."""
    spiked = v >= spike_at
    return (reset if spiked else v), (refractory_steps if spiked else r), spiked


# The update loops run over views of the population's block and index them from 0:
# numba then knows every index is non-negative (no wrap-around test), and LLVM
# vectorises the loops over cells. The threshold test is fused into the same loop and
# marks spiking cells in ``flags``; ``fire=False`` skips it (the adaptive-threshold
# test then runs separately). Synaptic input arriving in a step is added by the kernel
# after these updates (current and conductance kinds) or, for the voltage-jump kinds,
# before them into ``syn``, which their update consumes as the jump.

@njit(cache=True, inline="always", error_model="numpy")
def update_curr_exp(a, b, uniform, fire, v, syn, refrac, params, i_ext, flags):
    vv, rr, ie, ii, ext, ff = v[a:b], refrac[a:b], syn[0, a:b], syn[1, a:b], i_ext[a:b], flags[a:b]
    if uniform:
        p22, p11e, p11i, p20 = params[0, a], params[1, a], params[2, a], params[3, a]
        p21e, p21i, el, i0 = params[4, a], params[5, a], params[6, a], params[9, a]
        spike_at = params[7, a] if fire else np.inf
        reset, ref = params[8, a], np.int32(params[10, a])
        for i in range(b - a):
            vn, rn, ie[i], ii[i] = _curr_exp_cell(
                vv[i], ie[i], ii[i], rr[i], ext[i], p22, p11e, p11i, p20, p21e, p21i, el, i0)
            vv[i], rr[i], ff[i] = _fire(vn, rn, spike_at, reset, ref)
    else:
        p = params[:, a:b]
        for i in range(b - a):
            vn, rn, ie[i], ii[i] = _curr_exp_cell(
                vv[i], ie[i], ii[i], rr[i], ext[i], p[0, i], p[1, i], p[2, i], p[3, i],
                p[4, i], p[5, i], p[6, i], p[9, i])
            vv[i], rr[i], ff[i] = _fire(vn, rn, p[7, i] if fire else np.inf, p[8, i],
                                        np.int32(p[10, i]))


@njit(cache=True, error_model="numpy")
def update_curr_delta(a, b, uniform, fire, v, syn, refrac, params, i_ext, flags):
    vv, rr, ext, je, ji = v[a:b], refrac[a:b], i_ext[a:b], syn[0, a:b], syn[1, a:b]
    ff = flags[a:b]
    if uniform:
        p22, p20, el, i0 = params[0, a], params[3, a], params[6, a], params[9, a]
        spike_at = params[7, a] if fire else np.inf
        reset, ref = params[8, a], np.int32(params[10, a])
        for i in range(b - a):
            vn, rn = _curr_delta_cell(vv[i], rr[i], je[i] - ji[i], ext[i], p22, p20, el, i0)
            vv[i], rr[i], ff[i] = _fire(vn, rn, spike_at, reset, ref)
    else:
        p = params[:, a:b]
        for i in range(b - a):
            vn, rn = _curr_delta_cell(vv[i], rr[i], je[i] - ji[i], ext[i],
                                      p[0, i], p[3, i], p[6, i], p[9, i])
            vv[i], rr[i], ff[i] = _fire(vn, rn, p[7, i] if fire else np.inf, p[8, i],
                                        np.int32(p[10, i]))
    je[:] = 0.0
    ji[:] = 0.0


@njit(cache=True, inline="always", error_model="numpy")
def update_cond_exp(a, b, uniform, fire, v, syn, refrac, params, i_ext, flags):
    vv, rr, ge, gi, ext, ff = v[a:b], refrac[a:b], syn[0, a:b], syn[1, a:b], i_ext[a:b], flags[a:b]
    if uniform:
        fe, fi, de, di, gl = params[0, a], params[1, a], params[2, a], params[3, a], params[4, a]
        el, ee, ei, hc, i0 = params[5, a], params[6, a], params[7, a], params[8, a], params[11, a]
        spike_at = params[9, a] if fire else np.inf
        reset, ref = params[10, a], np.int32(params[12, a])
        for i in range(b - a):
            vn, rn, ge[i], gi[i] = _cond_exp_cell(
                vv[i], ge[i], gi[i], rr[i], ext[i], fe, fi, de, di, gl, el, ee, ei, hc, i0)
            vv[i], rr[i], ff[i] = _fire(vn, rn, spike_at, reset, ref)
    else:
        p = params[:, a:b]
        for i in range(b - a):
            vn, rn, ge[i], gi[i] = _cond_exp_cell(
                vv[i], ge[i], gi[i], rr[i], ext[i], p[0, i], p[1, i], p[2, i], p[3, i],
                p[4, i], p[5, i], p[6, i], p[7, i], p[8, i], p[11, i])
            vv[i], rr[i], ff[i] = _fire(vn, rn, p[9, i] if fire else np.inf, p[10, i],
                                        np.int32(p[12, i]))


@njit(cache=True, error_model="numpy")
def update_izhikevich(a, b, h, v, u, syn, params, i_ext):
    for i in range(a, b):
        v0 = v[i]
        u0 = u[i]
        current = params[4, i] + 1000.0 * i_ext[i]
        v[i] = v0 + h * (0.04 * v0 * v0 + 5.0 * v0 + 140.0 - u0 + current) + syn[0, i] - syn[1, i]
        u[i] = u0 + h * params[0, i] * (params[1, i] * v0 - u0)
        syn[0, i] = 0.0
        syn[1, i] = 0.0


@njit(cache=True, inline="always", error_model="numpy")
def _adex_rhs(vv, ww, ge, gi, current, params, i):
    gl = params[1, i]
    dt_ = params[3, i]
    vexp = vv if vv < params[5, i] else params[5, i]
    spike_current = gl * dt_ * math.exp((vexp - params[4, i]) / dt_) if dt_ > 0.0 else 0.0
    dv = (gl * (params[2, i] - vv) + spike_current + ge * (params[10, i] - vv)
          + gi * (params[11, i] - vv) - ww + current) / params[0, i]
    dw = (params[7, i] * (vv - params[2, i]) - ww) / params[9, i]
    return dv, dw


ADEX_SUBSTEP_MS = 0.01


@njit(cache=True, error_model="numpy")
def update_adex(a, b, h, v, w, syn, refrac, params, i_ext, flags):
    """AdEx step of length h (ms) in RK4 sub-steps of at most ADEX_SUBSTEP_MS, with the
    spike test and reset after every sub-step (NEST's ``aeif_cond_exp`` order: a spike
    resets V at once and the cell stays at v_reset for the rest of the step plus its
    refractory steps, while w keeps evolving)."""
    n_sub = max(1, int(np.ceil(h / ADEX_SUBSTEP_MS - 1e-9)))
    hs = h / n_sub
    for i in range(a, b):
        ge = syn[0, i] * params[12, i]
        gi = syn[1, i] * params[13, i]
        current = params[16, i] + i_ext[i]
        r = refrac[i]
        vv = v[i]
        ww = w[i]
        for _ in range(n_sub):
            if r > 0:
                vv = params[6, i]
                w_rest = params[7, i] * (vv - params[2, i])
                ww = w_rest + (ww - w_rest) * math.exp(-hs / params[9, i])
                continue
            k1v, k1w = _adex_rhs(vv, ww, ge, gi, current, params, i)
            k2v, k2w = _adex_rhs(vv + 0.5 * hs * k1v, ww + 0.5 * hs * k1w, ge, gi, current, params, i)
            k3v, k3w = _adex_rhs(vv + 0.5 * hs * k2v, ww + 0.5 * hs * k2w, ge, gi, current, params, i)
            k4v, k4w = _adex_rhs(vv + hs * k3v, ww + hs * k3w, ge, gi, current, params, i)
            vv = vv + hs / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
            ww = ww + hs / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
            if vv >= params[5, i]:
                vv = params[6, i]
                ww += params[8, i]
                # the rest of this step plus the refractory steps (counted down below)
                r = np.int32(params[17, i]) + 1 if params[17, i] > 0 else 0
                flags[i] = 1
        v[i] = vv
        w[i] = ww
        refrac[i] = r - 1 if r > 0 else 0
        syn[0, i] *= params[14, i]
        syn[1, i] *= params[15, i]


# Threshold tests mark spiking cells in a byte array ``flags`` (1 = spiked this step);
# the kernel then collects the marked cells eight at a time. (The plain LIF test is
# fused into the update loops above.)

@njit(cache=True, error_model="numpy")
def threshold_lif_adaptive(a, b, v, refrac, theta, params, row_thresh, row_reset, row_ref, flags):
    """Threshold test with Diehl & Cook's adaptive offset θ: spike when V ≥ v_thresh + θ;
    θ decays by its per-step factor and jumps by theta_plus at each spike."""
    vv, rr, th, ff, p = v[a:b], refrac[a:b], theta[a:b], flags[a:b], params[:, a:b]
    for i in range(b - a):
        decayed = th[i] * p[ROW_THETA_DECAY, i]
        spiked = vv[i] >= p[row_thresh, i] + decayed
        vv[i] = p[row_reset, i] if spiked else vv[i]
        rr[i] = np.int32(p[row_ref, i]) if spiked else rr[i]
        th[i] = decayed + p[ROW_THETA_PLUS, i] if spiked else decayed
        ff[i] = spiked


@njit(cache=True, error_model="numpy")
def threshold_izhikevich(a, b, v, u, params, flags):
    for i in range(a, b):
        if v[i] >= 30.0:
            v[i] = params[2, i]
            u[i] += params[3, i]
            flags[i] = 1
