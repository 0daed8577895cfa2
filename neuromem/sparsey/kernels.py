"""Numba kernels of the Code Selection Algorithm for a grid of M macs sharing one size.

Data layout (all kernels):

* a level's cells are numbered ``m·N + q·K + k`` (mac m, CM q, cell k; N = Q·K);
* an *afferent bundle* of one input type is a field ``rf`` (M × R int32: indices into
  a global binary input vector, −1 where a mac's field is shorter) and binary weights
  ``W`` (M × R × N uint8);
* a code is ``winners`` (M × Q int32): the winning cell index k of each CM, −1 for
  every CM of a mac the π⁻/π⁺ gate switched off.

Each kernel touches only the active inputs of a mac's fields and its N cells, so the
cost of one step does not depend on how many items are stored.
"""
from __future__ import annotations

import numpy as np
from numba import njit

MODE_SAMPLE = 0
MODE_MAX_V = 1
SIGMOID_REFERENCE = 0
SIGMOID_PUBLISHED = 1


@njit(cache=True)
def sum_inputs(W: np.ndarray, rf: np.ndarray, active: np.ndarray,
               u: np.ndarray, n_active: np.ndarray) -> None:
    """u[m, i] = Σ_{r: active[rf[m, r]]} W[m, r, i]; n_active[m] = active inputs of mac m."""
    M, R, N = W.shape
    for m in range(M):
        count = 0
        for i in range(N):
            u[m, i] = 0
        for r in range(R):
            j = rf[m, r]
            if j >= 0 and active[j]:
                count += 1
                for i in range(N):
                    u[m, i] += W[m, r, i]
        n_active[m] = count


@njit(cache=True)
def select_codes(u: np.ndarray, n_active: np.ndarray, lambdas: np.ndarray, n_gate: np.ndarray,
                 Q: int, K: int, cutoff_min: float, cutoff_max: float, pi_min: int, pi_max: int,
                 g_floor: float, gamma: float, chi: float, sigmoid: int, sig_lambda: float,
                 sig_phi: float, mu_min: float, mode: int, uniforms: np.ndarray,
                 V: np.ndarray, rho: np.ndarray, G: np.ndarray, winners: np.ndarray) -> None:
    """The CSA of M macs: V, G, η, μ, ρ and one winner per CM.

    ``u`` (X × M × N int32) and ``n_active`` (X × M) hold the raw sums and active-input
    counts of the X input types, ``lambdas`` (X) their exponents; a type with no active
    input is left out of V. ``n_gate`` (M) is the active U count tested against
    [pi_min, pi_max]. ``uniforms`` (M × Q, in [0, 1)) drive the per-CM sampling
    (``mode`` = MODE_SAMPLE) or break max-V ties (MODE_MAX_V). Writes V and ρ
    (M × N float64), G (M) and winners (M × Q); a gated-off mac gets G = 0, ρ = 0 and
    winners −1.
    """
    X, M, N = u.shape
    table = np.empty((X, n_active.max() + 1))
    for m in range(M):
        if n_gate[m] < pi_min or n_gate[m] > pi_max:
            G[m] = 0.0
            for i in range(N):
                V[m, i] = 0.0
                rho[m, i] = 0.0
            for q in range(Q):
                winners[m, q] = -1
            continue
        # X(i)^λ_X depends on the cell only through its integer sum u, so it is looked
        # up in a table of the n_active + 1 possible values: every cell then costs the
        # same, whatever the stored weights (fixed time, independent of the data)
        for x in range(X):
            n = n_active[x, m]
            for c in range(n + 1):
                s = c / n if n > 0 else 1.0
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
def learn_bundle(W: np.ndarray, rf: np.ndarray, active: np.ndarray, winners: np.ndarray,
                 K: int, frozen: np.ndarray, n_set: np.ndarray) -> None:
    """Single-trial Hebbian learning: W[m, r, winner] = 1 for each active input r of
    every mac that has a code and whose bundle is not ``frozen``; ``n_set`` (M) counts
    the weights set so far."""
    M, R, N = W.shape
    Q = winners.shape[1]
    for m in range(M):
        if frozen[m] or winners[m, 0] < 0:
            continue
        for r in range(R):
            j = rf[m, r]
            if j >= 0 and active[j]:
                for q in range(Q):
                    i = q * K + winners[m, q]
                    n_set[m] += 1 - W[m, r, i]
                    W[m, r, i] = 1


@njit(cache=True)
def code_mask(winners: np.ndarray, K: int, out: np.ndarray) -> None:
    """Binary vector of a level's active cells (length M·Q·K) from its winners."""
    M, Q = winners.shape
    out[:] = 0
    for m in range(M):
        for q in range(Q):
            if winners[m, q] >= 0:
                out[m * Q * K + q * K + winners[m, q]] = 1
