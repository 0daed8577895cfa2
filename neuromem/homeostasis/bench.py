"""A small compiled bench for the spiking homeostasis rules: LIF cells driven by Poisson sources.

It runs the rules of :mod:`.homeostatic_synapse`, :mod:`.scaling` and :mod:`.threshold`
on a handful of cells until the embedded engine calls them itself (see the hook notes
in :mod:`neuromem.homeostasis`). It is not a general simulator.

Model (the one of Brian2's ``spike_based_homeostasis`` example, generalised): membrane
``dv/dt = (v_rest − v)/τ_m`` integrated by forward Euler (as Brian2's ``method='euler'``)
and not integrated while refractory; an input spike adds its weight to ``v`` at once
(also while refractory); a cell spikes when ``v > v_thresh + θ − offset`` and is not
refractory, then ``v = v_reset`` for ``tau_refrac``. Units: ms and mV (the Brian2 example's
dimensionless ``v`` reads as mV), rates Hz. Order within a step, as Brian2's: membrane
update; threshold tests (cells and sources); synaptic effects of this step's source
spikes (transmit, then the pre increment) and cell spikes (post decrement); resets;
then θ decay and the scaling sensor.

Sources fire as Poisson processes with rates ``rates[phase, source]`` (Hz), each phase
``phase_ms`` long. ``weights[source, cell]`` (mV); ``plastic[source, cell]`` marks synapses
that follow the homeostatic pre/post rule; the other (static) inputs of a cell are
multiplied by its synaptic-scaling factor when scaling is on.

Example
-------
>>> import numpy as np
>>> bench = SpikingBench(dt=0.1, neuron=LIFParameters())
>>> out = bench.run(np.array([[100.0]]), phase_ms=1000.0, weights=np.array([[2.0]]), seed=1)
>>> 80 < int(out.counts.sum()) <= 120  # each input spike fires the cell unless it is refractory
True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ModelError
from .homeostatic_synapse import HomeostaticSynapse, on_post, on_pre
from .scaling import SynapticScaling, scaling_step
from .threshold import DiehlCookThreshold, crosses_threshold, decay_theta, theta_on_spike


@dataclass(frozen=True)
class LIFParameters:
    """Cell parameters (ms, mV); defaults are the Brian2 example's."""

    tau_m: float = 10.0
    v_rest: float = 0.0
    v_thresh: float = 1.0
    v_reset: float = -1.0
    tau_refrac: float = 1.0


@dataclass
class BenchOutput:
    """Binned record of a run: ``counts`` (bins × cells) spikes per bin, ``weights`` (bins × sources ×
    cells, mV, at bin ends, before scaling), ``scale`` and ``theta`` (mV) (bins × cells); ``bin_ms``."""

    counts: np.ndarray
    weights: np.ndarray
    scale: np.ndarray
    theta: np.ndarray
    bin_ms: float

    def rates(self) -> np.ndarray:
        """Firing rate of each cell in each bin (Hz)."""
        return self.counts / (self.bin_ms / 1000.0)


@dataclass(frozen=True)
class SpikingBench:
    """Cells of one type plus the optional rules; :meth:`run` simulates them."""

    dt: float
    neuron: LIFParameters
    synapse: HomeostaticSynapse = HomeostaticSynapse()
    scaling: SynapticScaling | None = None
    threshold: DiehlCookThreshold | None = None

    def run(self, rates: np.ndarray, phase_ms: float, weights: np.ndarray, seed: int,
            plastic: np.ndarray | None = None, bin_ms: float = 100.0,
            initial_rate: float | None = None) -> BenchOutput:
        """Simulate ``len(rates)·phase_ms`` ms. ``initial_rate`` (Hz) starts the scaling sensor."""
        rates = np.atleast_2d(np.asarray(rates, dtype=float))
        weights = np.array(weights, dtype=float)
        n_src, n_cells = weights.shape
        if rates.shape[1] != n_src:
            raise ModelError(f"SpikingBench.run: rates has {rates.shape[1]} sources, weights {n_src} rows")
        plastic = np.zeros(weights.shape, bool) if plastic is None else np.asarray(plastic, bool)
        if plastic.shape != weights.shape:
            raise ModelError(f"SpikingBench.run: plastic mask {plastic.shape} must match weights {weights.shape}")
        phase_steps = int(round(phase_ms / self.dt))
        bin_steps = int(round(bin_ms / self.dt))
        n_steps = phase_steps * rates.shape[0]
        if phase_steps < 1 or bin_steps < 1 or n_steps % bin_steps:
            raise ModelError(f"SpikingBench.run: phase_ms={phase_ms} and bin_ms={bin_ms} must be whole numbers of "
                             f"dt={self.dt} ms and the run a whole number of bins")
        scaling = self.scaling or SynapticScaling(a_goal=1.0, beta=0.0, gamma=0.0)
        sensor, integral, scale = scaling.initial(n_cells, initial_rate)
        threshold = self.threshold or DiehlCookThreshold(theta_plus=0.0, theta_init=0.0, offset=0.0, frozen=True)
        theta = threshold.initial(n_cells)
        n_bins = n_steps // bin_steps
        out = BenchOutput(np.zeros((n_bins, n_cells), np.int64), np.zeros((n_bins, n_src, n_cells)),
                            np.zeros((n_bins, n_cells)), np.zeros((n_bins, n_cells)), bin_ms)
        p = self.neuron
        _run(n_steps, self.dt, p.tau_m, p.v_rest, p.v_thresh, p.v_reset, int(round(p.tau_refrac / self.dt)),
             rates * self.dt / 1000.0, phase_steps, weights, plastic, self.synapse.dw_plus,
             self.synapse.dw_minus, self.synapse.w_min, self.synapse.w_max,
             self.scaling is not None, sensor, integral, scale, scaling.step_constants(self.dt),
             theta, threshold.offset, threshold.decay_factor(self.dt), threshold.increment(),
             bin_steps, out.counts, out.weights, out.scale, out.theta, seed)
        return out


@njit(cache=True)
def _run(n_steps, dt, tau_m, v_rest, v_thresh, v_reset, ref_steps, p_spike, phase_steps, weights, plastic,
         dw_plus, dw_minus, w_min, w_max, scaling_on, sensor, integral, scale, sc, theta, offset,
         theta_decay, theta_plus, bin_steps, counts, w_rec, scale_rec, theta_rec, seed):
    np.random.seed(seed)
    n_src, n_cells = weights.shape
    v = np.full(n_cells, v_rest)
    last_spike = np.full(n_cells, -10 * ref_steps - 1)
    cell_spiked = np.zeros(n_cells, np.int8)
    src_spiked = np.zeros(n_src, np.int8)
    flat_w = weights.reshape(-1)  # a view: on_pre/on_post change weights in place
    for n in range(n_steps):
        phase = n // phase_steps
        for i in range(n_cells):
            if n - last_spike[i] >= ref_steps:
                v[i] += dt * (v_rest - v[i]) / tau_m
        for i in range(n_cells):
            cell_spiked[i] = 1 if (n - last_spike[i] >= ref_steps
                                   and crosses_threshold(v[i], v_thresh, theta[i], offset)) else 0
        for j in range(n_src):
            src_spiked[j] = 1 if np.random.random() < p_spike[phase, j] else 0
        for j in range(n_src):
            if src_spiked[j]:
                for i in range(n_cells):
                    k = j * n_cells + i
                    if plastic[j, i]:
                        v[i] += flat_w[k]
                        on_pre(flat_w, k, dw_plus, w_min, w_max)
                    else:
                        v[i] += flat_w[k] * scale[i] if scaling_on else flat_w[k]
        for i in range(n_cells):
            if cell_spiked[i]:
                for j in range(n_src):
                    if plastic[j, i]:
                        on_post(flat_w, j * n_cells + i, dw_minus, w_min, w_max)
                theta_on_spike(theta, i, theta_plus)
                v[i] = v_reset
                last_spike[i] = n
                counts[n // bin_steps, i] += 1
        decay_theta(theta, 0, n_cells, theta_decay)
        if scaling_on:
            scaling_step(sensor, integral, scale, cell_spiked, sc[0], sc[1], sc[2], sc[3], sc[4], sc[5], sc[6])
        if (n + 1) % bin_steps == 0:
            b = n // bin_steps
            w_rec[b] = weights
            scale_rec[b] = scale
            theta_rec[b] = theta
