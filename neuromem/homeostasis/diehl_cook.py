"""A Diehl & Cook (2015) style unsupervised STDP network with adaptive thresholds, compiled.

Populations: Poisson inputs (one per pixel), ``n_exc`` excitatory and as many inhibitory
conductance-based LIF cells. Input→E synapses are plastic; E→I one to one (10.4); I→E to
all but the partner (17.0). Conductances are relative to the leak (dimensionless), decay
with 1 ms (excitatory) and 2 ms (inhibitory). Membranes advance by exponential Euler for
the step's conductances; conductances decay exactly. dt 0.5 ms.

* E cells: τ_m 100 ms, v_rest −65 mV, reset −65 mV, v_thresh −52 mV, refractory 5 ms,
  E_exc 0 mV, E_inh −100 mV; spike when ``v > v_thresh + θ − 20 mV`` (:mod:`.threshold`).
* I cells: τ_m 10 ms, v_rest −60 mV, reset −45 mV, threshold −40 mV, refractory 2 ms,
  E_inh −85 mV.
* STDP (traces τ_pre 20 ms, τ_post1 20 ms, τ_post2 40 ms, set to 1 on a spike): a pre spike
  transmits ``w`` then ``w −= 1e-4·post1``; a post spike ``w += 0.01·pre·post2`` (post2 read
  before it is reset); ``w ∈ [0, 1]``.
* Before each example every E cell's input weights are rescaled to sum to
  ``78·n_inputs/784`` (78 for MNIST's 784 pixels; the same mean weight for other sizes).
* An example is shown for 350 ms at Poisson rates ``pixel/max·63.75 Hz·intensity/2`` and
  followed by 150 ms without input; with fewer than 5 E spikes it is shown again with the
  intensity raised by 1.
* Each E cell is labelled with the class it answers most (θ frozen, no learning); a test
  image gets the class whose cells answer most on average.

Not modelled (simplifications of the published code): synaptic delays (0–10 ms random in
the original) — every input acts at the next step.

Example
-------
>>> import numpy as np
>>> from neuromem.datasets import load_digits
>>> d = load_digits().subset(20, 10)
>>> net = DiehlCookNetwork(n_inputs=64, n_exc=10, seed=0)
>>> counts = net.present_all(d.flat("train"), learn=True)
>>> counts.shape
(20, 10)
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..errors import ModelError
from .threshold import DiehlCookThreshold, crosses_threshold, decay_theta, theta_on_spike

DT = 0.5  # ms
PRESENT_MS, REST_MS = 350.0, 150.0
MAX_RATE_HZ = 63.75  # pixel/8·intensity for a 255 pixel at intensity 2


class DiehlCookNetwork:
    """The network's state (weights in [0, 1], θ in mV) and its training / labelling / evaluation."""

    def __init__(self, n_inputs: int, n_exc: int, seed: int, threshold: DiehlCookThreshold | None = None) -> None:
        if n_inputs < 1 or n_exc < 2:
            raise ModelError(f"DiehlCookNetwork: n_inputs={n_inputs} must be >= 1 and n_exc={n_exc} >= 2")
        self.rng = np.random.default_rng(seed)
        self.threshold = threshold or DiehlCookThreshold()
        self.weights = (self.rng.random((n_inputs, n_exc)) + 0.01) * 0.3
        self.theta = self.threshold.initial(n_exc)
        self.column_sum = 78.0 * n_inputs / 784.0
        self.labels: np.ndarray | None = None

    def present_all(self, images: np.ndarray, learn: bool) -> np.ndarray:
        """Show every row of ``images`` (values in [0, 1]) once; E spike counts per image (images × n_exc).

        With ``learn`` the weights follow STDP and θ adapts; otherwise both are frozen."""
        counts = np.zeros((images.shape[0], self.weights.shape[1]), np.int64)
        plus = self.threshold.increment() if learn else 0.0
        decay = self.threshold.decay_factor(DT) if learn else 1.0
        for k, image in enumerate(images):
            if learn:
                self.weights *= self.column_sum / self.weights.sum(axis=0)
            intensity = 2.0
            while True:
                p_spike = image * MAX_RATE_HZ * intensity / 2.0 * DT / 1000.0
                counts[k] = _present(self.weights, self.theta, p_spike, learn, plus, decay,
                                     self.threshold.offset, int(self.rng.integers(2**31)))
                if counts[k].sum() >= 5 or intensity > 32:
                    break
                intensity += 1.0
        return counts

    def assign_labels(self, counts: np.ndarray, labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
        """Label each E cell with the class of its highest mean response (cells that never fire get −1)."""
        mean = np.array([counts[labels == c].mean(axis=0) if np.any(labels == c) else np.zeros(counts.shape[1])
                         for c in range(n_classes)])
        self.labels = np.where(mean.max(axis=0) > 0, mean.argmax(axis=0), -1)
        return self.labels

    def classify(self, counts: np.ndarray, n_classes: int = 10) -> np.ndarray:
        """Class with the highest mean count over its assigned cells, per row of ``counts``."""
        if self.labels is None:
            raise ModelError("DiehlCookNetwork.classify: call assign_labels first")
        scores = np.full((counts.shape[0], n_classes), -1.0)
        for c in range(n_classes):
            if np.any(self.labels == c):
                scores[:, c] = counts[:, self.labels == c].mean(axis=1)
        return scores.argmax(axis=1)


@njit(cache=True)
def _present(w, theta, p_spike, learn, theta_plus, theta_decay, offset, seed):
    np.random.seed(seed)
    n_in, n_exc = w.shape
    steps_on = int(PRESENT_MS / DT)
    steps = steps_on + int(REST_MS / DT)
    d_ge, d_gi = math.exp(-DT / 1.0), math.exp(-DT / 2.0)
    d_pre, d_post1, d_post2 = math.exp(-DT / 20.0), math.exp(-DT / 20.0), math.exp(-DT / 40.0)
    v_e = np.full(n_exc, -65.0)
    v_i = np.full(n_exc, -60.0)
    ge_e = np.zeros(n_exc)
    gi_e = np.zeros(n_exc)
    ge_i = np.zeros(n_exc)
    gi_i = np.zeros(n_exc)
    ref_e = np.zeros(n_exc, np.int64)
    ref_i = np.zeros(n_exc, np.int64)
    pre = np.zeros(n_in)
    post1 = np.zeros(n_exc)
    post2 = np.zeros(n_exc)
    counts = np.zeros(n_exc, np.int64)
    spiked_e = np.zeros(n_exc, np.bool_)
    spiked_i = np.zeros(n_exc, np.bool_)
    for n in range(steps):
        if n < steps_on:
            for j in range(n_in):
                if p_spike[j] > 0.0 and np.random.random() < p_spike[j]:
                    pre[j] = 1.0
                    for i in range(n_exc):
                        ge_e[i] += w[j, i]
                        if learn:
                            w[j, i] = max(w[j, i] - 1e-4 * post1[i], 0.0)
        for i in range(n_exc):
            _membrane(v_e, i, ge_e[i], gi_e[i], -65.0, 100.0, -100.0, ref_e[i])
            _membrane(v_i, i, ge_i[i], gi_i[i], -60.0, 10.0, -85.0, ref_i[i])
            ref_e[i] = max(ref_e[i] - 1, 0)
            ref_i[i] = max(ref_i[i] - 1, 0)
            spiked_e[i] = ref_e[i] == 0 and crosses_threshold(v_e[i], -52.0, theta[i], offset)
            spiked_i[i] = ref_i[i] == 0 and v_i[i] > -40.0
            ge_e[i] *= d_ge
            gi_e[i] *= d_gi
            ge_i[i] *= d_ge
            gi_i[i] *= d_gi
        for i in range(n_exc):
            if spiked_e[i]:
                counts[i] += 1
                v_e[i] = -65.0
                ref_e[i] = int(5.0 / DT)
                theta_on_spike(theta, i, theta_plus)
                ge_i[i] += 10.4
                if learn:
                    for j in range(n_in):
                        w[j, i] = min(w[j, i] + 0.01 * pre[j] * post2[i], 1.0)
                post1[i] = 1.0
                post2[i] = 1.0
            if spiked_i[i]:
                v_i[i] = -45.0
                ref_i[i] = int(2.0 / DT)
                for k in range(n_exc):
                    if k != i:
                        gi_e[k] += 17.0
        decay_theta(theta, 0, n_exc, theta_decay)
        for j in range(n_in):
            pre[j] *= d_pre
        for i in range(n_exc):
            post1[i] *= d_post1
            post2[i] *= d_post2
    return counts


@njit(cache=True)
def _membrane(v, i, ge, gi, v_rest, tau_m, e_inh, refractory):
    """Exponential-Euler step of ``τ dv/dt = (v_rest − v) + ge(0 − v) + gi(e_inh − v)``; clamped while refractory."""
    if refractory > 0:
        return
    g = 1.0 + ge + gi
    v_inf = (v_rest + gi * e_inh) / g
    v[i] = v_inf + (v[i] - v_inf) * math.exp(-DT * g / tau_m)
