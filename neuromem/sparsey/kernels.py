"""Numba kernels of the Code Selection Algorithm for a grid of M macs sharing one size.

Data layout (all kernels):

* a level's cells are numbered ``m·N + q·K + k`` (mac m, CM q, cell k; N = Q·K);
* an *afferent bundle* of one input type is a field ``rf`` (M × R int32: indices into
  a global binary input vector, −1 where a mac's field is shorter) and either binary
  weights ``W`` (M × R × N uint8) or SparseyCore's graded synapses: ``stiffness``
  (M × R × N int8; ``S = ages.shape[0] − 1`` is permanent) and ``stamp`` (M × R × N
  int32; learning step of the last pre-post coincidence, :data:`NEVER` if none), whose
  weight is read from the decay table: ``ages`` ((S + 1) × T learning steps; the
  permanent row never expires) and ``levels`` (T + 1; the weight after passing
  0..T age bounds: 127, 120, 50, 0);
* a code is ``winners`` (M × Q int32): the winning cell index k of each CM, −1 for
  every CM of a mac the π⁻/π⁺ gate switched off.

Each kernel touches only the active inputs of a mac's fields and its N cells, so the
cost of one step does not depend on how many items are stored.
"""
from __future__ import annotations

import numpy as np
from numba import njit

#: ``stamp`` of a synapse that never had a pre-post coincidence: its age is beyond
#: every table step, so its weight is 0 with no special case.
NEVER = -(2 ** 30)
MODE_SAMPLE = 0
MODE_MAX_V = 1
SIGMOID_REFERENCE = 0
SIGMOID_PUBLISHED = 1


@njit(cache=True)
def active_rows(rf_mac: np.ndarray, active: np.ndarray, rows: np.ndarray) -> int:
    """Write the field positions r of one mac's active inputs (``active[rf_mac[r]]``)
    into ``rows[:n]`` and return n."""
    n = 0
    for r in range(rf_mac.shape[0]):
        j = rf_mac[r]
        if j >= 0 and active[j]:
            rows[n] = r
            n += 1
    return n


@njit(cache=True)
def add_rows(weights: np.ndarray, rows: np.ndarray, n: int, u_mac: np.ndarray) -> None:
    """u_mac[i] = Σ_{k < n} weights[rows[k], i] (one mac's input sum)."""
    u_mac[:] = 0
    for k in range(n):
        row = weights[rows[k]]
        for i in range(u_mac.shape[0]):
            u_mac[i] += row[i]


@njit(cache=True)
def sum_inputs(W: np.ndarray, rf: np.ndarray, active: np.ndarray,
               u: np.ndarray, n_active: np.ndarray) -> None:
    """u[m, i] = Σ_{r: active[rf[m, r]]} W[m, r, i]; n_active[m] = active inputs of mac m."""
    rows = np.empty(rf.shape[1], np.int64)
    for m in range(W.shape[0]):
        n_active[m] = active_rows(rf[m], active, rows)
        add_rows(W[m], rows, n_active[m], u[m])


@njit(cache=True)
def graded_weight(stiffness: int, age: int, ages: np.ndarray, levels: np.ndarray) -> int:
    """Weight (0..127) of a graded synapse of ``stiffness`` whose last coincidence was
    ``age`` learning steps ago: ``levels[n]`` after it has passed n of its row's age
    bounds. The count is a sum of comparisons and the weight a lookup, so every synapse
    costs the same, without data-dependent branches (fixed time)."""
    passed = 0
    for t in range(ages.shape[1]):
        passed += age >= ages[stiffness, t]
    return levels[passed]


@njit(cache=True)
def sum_graded_inputs(stiffness: np.ndarray, stamp: np.ndarray, rf: np.ndarray, active: np.ndarray,
                      clock: int, ages: np.ndarray, levels: np.ndarray,
                      u: np.ndarray, n_active: np.ndarray) -> None:
    """As :func:`sum_inputs` for graded synapses read at learning step ``clock``: the
    weights of the active rows are read from the decay table, then summed."""
    M, R, N = stiffness.shape
    rows = np.empty(R, np.int64)
    order = np.arange(R)
    current = np.empty((R, N), np.int64)
    for m in range(M):
        n = active_rows(rf[m], active, rows)
        n_active[m] = n
        for k in range(n):
            for i in range(N):
                current[k, i] = graded_weight(stiffness[m, rows[k], i], clock - stamp[m, rows[k], i],
                                              ages, levels)
        add_rows(current, order, n, u[m])


@njit(cache=True)
def select_codes(u: np.ndarray, n_active: np.ndarray, w_max: int, lambdas: np.ndarray, n_gate: np.ndarray,
                 Q: int, K: int, cutoff_min: float, cutoff_max: float, pi_min: int, pi_max: int,
                 g_floor: float, gamma: float, chi: float, sigmoid: int, sig_lambda: float,
                 sig_phi: float, mu_min: float, mode: int, uniforms: np.ndarray,
                 V: np.ndarray, rho: np.ndarray, G: np.ndarray, winners: np.ndarray) -> None:
    """The CSA of M macs: V, G, η, μ, ρ and one winner per CM.

    ``u`` (X × M × N int32) and ``n_active`` (X × M) hold the raw sums and active-input
    counts of the X input types, ``w_max`` the largest weight (1 binary, 127 graded),
    ``lambdas`` (X) their exponents; a type with no active input is left out of V.
    ``n_gate`` (M) is the active U count tested against [pi_min, pi_max]. ``uniforms``
    (M × Q, in [0, 1)) drive the per-CM sampling (``mode`` = MODE_SAMPLE) or break
    max-V ties (MODE_MAX_V). Writes V and ρ
    (M × N float64), G (M) and winners (M × Q); a gated-off mac gets G = 0, ρ = 0 and
    winners −1.
    """
    X, M, N = u.shape
    table = np.empty((X, n_active.max() * w_max + 1))
    for m in range(M):
        if n_gate[m] < pi_min or n_gate[m] > pi_max:
            G[m] = 0.0
            for i in range(N):
                V[m, i] = 0.0
                rho[m, i] = 0.0
            for q in range(Q):
                winners[m, q] = -1
            continue
        # X(i)^λ_X depends on the cell only through its integer sum u ∈ 0..n·w_max, so
        # it is looked up in a table of those values, filled in full at every step:
        # every cell then costs the same, whatever the stored weights (fixed time)
        for x in range(X):
            n = n_active[x, m]
            for c in range(n * w_max + 1):
                s = c / (n * w_max) if n > 0 else 1.0
                if s < cutoff_min:
                    s = 0.0
                elif s >= cutoff_max:
                    s = 1.0
                table[x, c] = s ** lambdas[x]
        for i in range(N):
            v = 1.0
            for x in range(X):
                if n_active[x, m] > 0:
                    v *= table[x, u[x, m, i]]
            V[m, i] = v
        g = 0.0
        for q in range(Q):
            best = 0.0
            for k in range(K):
                if V[m, q * K + k] > best:
                    best = V[m, q * K + k]
            g += best
        g /= Q
        G[m] = g
        excess = (g - g_floor) / (1.0 - g_floor)
        if excess < 0.0:
            excess = 0.0
        eta = 1.0 + excess ** gamma * chi * K
        for q in range(Q):
            total = 0.0
            for k in range(K):
                i = q * K + k
                s = 1.0 / (1.0 + np.exp(-sig_lambda * (V[m, i] - sig_phi)))
                if sigmoid == SIGMOID_REFERENCE:
                    mu = eta * s
                    if mu < mu_min:
                        mu = mu_min
                else:
                    mu = (eta - 1.0) * s + 1.0
                rho[m, i] = mu
                total += mu
            for k in range(K):
                rho[m, q * K + k] /= total
            if mode == MODE_SAMPLE:
                # full-length scans (no early exit): the cost does not depend on ρ
                target = uniforms[m, q]
                acc = 0.0
                pick = K - 1
                found = False
                for k in range(K):
                    acc += rho[m, q * K + k]
                    if target < acc and not found:
                        pick = k
                        found = True
                winners[m, q] = pick
            else:
                best = -1.0
                n_ties = 0
                for k in range(K):
                    v = V[m, q * K + k]
                    if v > best:
                        best = v
                        n_ties = 1
                    elif v == best:
                        n_ties += 1
                nth = int(uniforms[m, q] * n_ties)
                for k in range(K):
                    if V[m, q * K + k] == best:
                        if nth == 0:
                            winners[m, q] = k
                        nth -= 1


@njit(cache=True)
def coincident_synapses(rf: np.ndarray, active: np.ndarray, winners: np.ndarray, K: int,
                        frozen: np.ndarray) -> np.ndarray:
    """(n × 3) int64 rows (mac m, field position r, cell i): every active input → winner
    synapse of the macs that have a code and whose bundle is not ``frozen``."""
    M, R = rf.shape
    Q = winners.shape[1]
    rows = np.empty(R, np.int64)
    learning = np.zeros(M, np.int64)
    for m in range(M):
        if not frozen[m] and winners[m, 0] >= 0:
            learning[m] = active_rows(rf[m], active, rows)
    out = np.empty((learning.sum() * Q, 3), np.int64)
    s = 0
    for m in range(M):
        if learning[m] == 0:
            continue
        active_rows(rf[m], active, rows)
        for k in range(learning[m]):
            for q in range(Q):
                out[s, 0], out[s, 1], out[s, 2] = m, rows[k], q * K + winners[m, q]
                s += 1
    return out


@njit(cache=True)
def learn_bundle(W: np.ndarray, rf: np.ndarray, active: np.ndarray, winners: np.ndarray,
                 K: int, frozen: np.ndarray, n_set: np.ndarray) -> None:
    """Single-trial Hebbian learning: W[m, r, winner] = 1 for each active input r of
    every mac that has a code and whose bundle is not ``frozen``; ``n_set`` (M) counts
    the weights set so far."""
    synapses = coincident_synapses(rf, active, winners, K, frozen)
    for s in range(synapses.shape[0]):
        m, r, i = synapses[s, 0], synapses[s, 1], synapses[s, 2]
        n_set[m] += 1 - W[m, r, i]
        W[m, r, i] = 1


@njit(cache=True)
def learn_graded_bundle(stiffness: np.ndarray, stamp: np.ndarray, rf: np.ndarray, active: np.ndarray,
                        winners: np.ndarray, K: int, frozen: np.ndarray, n_set: np.ndarray,
                        clock: int, ages: np.ndarray) -> None:
    """Single-trial learning of graded synapses at learning step ``clock``: every
    active-input → winner synapse records a pre-post coincidence (weight back to the
    table's first value). A re-coincidence 1 ≤ age < ``ages[stiffness, 0]`` steps after
    the last raises the stiffness (``ages.shape[0] − 1``: permanent); one on a synapse
    that has decayed to 0 restarts it at stiffness 0. ``n_set`` counts first-time
    settings."""
    S, T = ages.shape[0] - 1, ages.shape[1]
    synapses = coincident_synapses(rf, active, winners, K, frozen)
    for n in range(synapses.shape[0]):
        m, r, i = synapses[n, 0], synapses[n, 1], synapses[n, 2]
        s = stiffness[m, r, i]
        age = clock - stamp[m, r, i]
        if stamp[m, r, i] == NEVER:
            n_set[m] += 1
        if s < S:
            if age >= ages[s, T - 1]:
                s = 0
            elif 1 <= age < ages[s, 0]:
                s += 1
        stiffness[m, r, i] = s
        stamp[m, r, i] = clock


@njit(cache=True)
def make_permanent(stiffness: np.ndarray, stamp: np.ndarray, macs: np.ndarray, clock: int,
                   ages: np.ndarray) -> None:
    """Consolidation when a bundle freezes (once per mac): every synapse of the ``macs``
    (M bool) whose weight at ``clock`` is not 0 becomes permanent (stiffness
    ``ages.shape[0] − 1``)."""
    M, R, N = stiffness.shape
    S, T = ages.shape[0] - 1, ages.shape[1]
    for m in range(M):
        if macs[m]:
            for r in range(R):
                for i in range(N):
                    if clock - stamp[m, r, i] < ages[stiffness[m, r, i], T - 1]:
                        stiffness[m, r, i] = S


@njit(cache=True)
def graded_weights(stiffness: np.ndarray, stamp: np.ndarray, clock: int, ages: np.ndarray,
                   levels: np.ndarray, out: np.ndarray) -> None:
    """Every graded synapse's weight (0..127) at learning step ``clock`` into ``out``."""
    M, R, N = stiffness.shape
    for m in range(M):
        for r in range(R):
            for i in range(N):
                out[m, r, i] = graded_weight(stiffness[m, r, i], clock - stamp[m, r, i], ages, levels)


@njit(cache=True)
def code_mask(winners: np.ndarray, K: int, out: np.ndarray) -> None:
    """Binary vector of a level's active cells (length M·Q·K) from its winners."""
    M, Q = winners.shape
    out[:] = 0
    for m in range(M):
        for q in range(Q):
            if winners[m, q] >= 0:
                out[m * Q * K + q * K + winners[m, q]] = 1
