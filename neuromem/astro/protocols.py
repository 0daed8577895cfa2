"""The Stimberg et al. (2019) neuron–glia protocols (figures 2–5), built on neuromem's kernels.

Each function sets up the circuit of one figure with that example's parameters and
returns a :class:`neuromem.astro.tripartite.TripartiteRun`. Times in ms, concentrations
µM, rates Hz. Used by the tests and by ``experiments/astro_stimberg_fig*.py``.

Example
-------
>>> from neuromem.astro.protocols import figure5_ring
>>> run = figure5_ring(duration=1_000.0)
>>> run.astro["C"].shape            # 20 samples (50 ms) × 50 astrocytes
(20, 50)
"""
from __future__ import annotations

import numpy as np

from .gchi import GChIParameters, initial_state
from .tripartite import TripartiteRun, TripartiteWiring, run_tripartite
from .tsodyks_markram import TsodyksMarkramParameters
from .wiring import grid_positions, ring_gap_junctions

#: Example 2's synapse only adds ρ_c·Y_T per spike: a TM synapse with U_0* = 1 and
#: instantaneous recovery (Ω_d so large that e^{−Ω_d·Δt} underflows to 0) does exactly that.
FIGURE2_SYNAPSE = TsodyksMarkramParameters(rho_c=0.001, U_0_star=1.0, Omega_d=1e9)


def regular_train(rate: float, duration: float, dt: float = 1.0) -> np.ndarray:
    """Spike times (ms, NEST-style) of Example 2's source: dx/dt = rate, spike when x > 1,
    reset to 0, forward Euler on ``dt`` — so one spike every ceil(1/(rate·dt))+… steps."""
    x, out, inc = 0.0, [], rate * dt * 1e-3
    for k in range(int(round(duration / dt))):
        x += inc
        if x > 1.0:
            out.append((k + 1) * dt)
            x = 0.0
    return np.asarray(out)


def figure2_astrocyte(spike_times: np.ndarray, duration: float = 30_000.0, noise: float = 0.0,
                      seed: int = 790824) -> TripartiteRun:
    """Fig. 2: one synapse (spikes at ``spike_times`` ms) sensed by one G-ChI astrocyte
    (example-2 parameters, h0 = 0.9, dt 1 ms, Euler–Milstein; ``noise`` 0 = deterministic)."""
    wiring = TripartiteWiring(1, syn_pre=[0], sense=[0], glio=[-1])
    return run_tripartite(wiring, duration, dt=1.0, astro_dt=1.0,
                          astro_params=GChIParameters.stimberg_example(2), synapse_params=FIGURE2_SYNAPSE,
                          spike_times=spike_times, spike_sources=np.zeros(len(spike_times), np.int64),
                          noise=noise, method="milstein", seed=seed)


FIGURE3_SPIKES = np.array([0, 50, 100, 150, 200, 300, 310, 320, 330, 340, 350, 360, 370, 380, 390, 400],
                          dtype=np.float64)


def figure3_synapses(transient: float = 16_500.0, after: float = 600.0) -> TripartiteRun:
    """Fig. 3: three synapses fed the same train (``FIGURE3_SPIKES`` after ``transient`` ms;
    Brian2 times, so +1 ms here): none / open-loop astrocyte with I_bias 0.8 µM / 1.25 µM.
    Example-3 parameters, RK4, dt 1 ms; astrocytes start at I 0.4 µM, h 0.9, x_A 1;
    synapses at zero (as in the example)."""
    wiring = TripartiteWiring(2, syn_pre=[0, 0, 0], sense=[-1, -1, -1], glio=[-1, 0, 1])
    return run_tripartite(wiring, transient + after, dt=1.0, astro_dt=1.0,
                          astro_params=GChIParameters.stimberg_example(3),
                          spike_times=FIGURE3_SPIKES + transient + 1.0,
                          spike_sources=np.zeros(FIGURE3_SPIKES.size, np.int64),
                          astro_initial=initial_state(2, I=0.4), synapse_initial=np.zeros((3, 5)),
                          i_bias=[0.8, 1.25])


def poisson_trains(rates: np.ndarray, duration: float, dt: float, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Per-step Bernoulli(rate·dt) spikes (like Brian2's PoissonGroup): times (ms, step
    ends) and source indices, sorted by time."""
    n_steps = int(round(duration / dt))
    p = np.asarray(rates, dtype=np.float64) * dt * 1e-3
    steps, sources = [], []
    for i, pi in enumerate(p):
        hit = np.nonzero(rng.random(n_steps) < pi)[0]
        steps.append(hit)
        sources.append(np.full(hit.size, i, dtype=np.int64))
    steps_all, src_all = np.concatenate(steps), np.concatenate(sources)
    order = np.argsort(steps_all, kind="stable")
    return (steps_all[order] + 1) * dt, src_all[order]


def figure4c_release(n_rates: int = 100, transient: float = 15_000.0, duration: float = 180_000.0,
                     seed: int = 1929, alpha: float = 0.0) -> tuple[np.ndarray, TripartiteRun]:
    """Fig. 4C: per rate in logspace(0.1, 100 Hz, ``n_rates``), one Poisson source drives
    three synapses — closed loop (astrocyte i senses and modulates synapse i), open loop
    (astrocyte n+i, I_bias 1 µM, modulates synapse n+i) and none (synapse 2n+i).
    Example-4 parameters, RK4, dt 1 ms, ``transient + duration`` ms. Returns the rates
    (Hz) and the run; ``run.mean_held_r`` reshaped (3, n_rates) gives ⟨r_S⟩ per condition
    in the order closed, open, none."""
    rates = np.logspace(-1, 2, n_rates)
    total = transient + duration
    times, sources = poisson_trains(rates, total, 1.0, np.random.default_rng(seed))
    idx = np.arange(n_rates)
    wiring = TripartiteWiring(
        2 * n_rates, syn_pre=np.concatenate([idx, idx, idx]),
        sense=np.concatenate([idx, -np.ones(2 * n_rates, np.int64)]),
        glio=np.concatenate([idx, n_rates + idx, -np.ones(n_rates, np.int64)]))
    return rates, run_tripartite(
        wiring, total, dt=1.0, astro_dt=1.0, astro_params=GChIParameters.stimberg_example(4),
        synapse_params=TsodyksMarkramParameters(alpha=alpha), spike_times=times, spike_sources=sources,
        i_bias=np.concatenate([np.zeros(n_rates), np.ones(n_rates)]), record_astrocytes=np.zeros(0, np.int64),
        record_synapses=np.zeros(0, np.int64))


def figure5_ring(duration: float = 4_000_000.0, n: int = 50, dt: float = 50.0) -> TripartiteRun:
    """Fig. 5: ring of ``n`` astrocytes coupled by gap junctions (F 0.09 µM/s), cell n//2
    driven towards I_bias 1 µM by a square wave (period 50 s, on 20 s); example-5
    parameters, RK4, dt 50 ms, no synapses; all other cells I_bias 0, h0 0.9."""
    bias = np.zeros(n)
    bias[n // 2] = 1.0
    wiring = TripartiteWiring(n, syn_pre=np.zeros(0, np.int64), sense=np.zeros(0, np.int64),
                              glio=np.zeros(0, np.int64), gap_junctions=ring_gap_junctions(n))
    return run_tripartite(wiring, duration, dt=dt, astro_dt=dt,
                          astro_params=GChIParameters.stimberg_example(5), i_bias=bias,
                          gate_period=50_000.0, gate_on=20_000.0)


#: Stimberg et al. example 6 at full size (cells; grid side in µm).
FIGURE6_FULL = {"n_exc": 3200, "n_inh": 800, "n_astro": 3200, "side": 3750.0}


def figure6_network(scale: float = 1.0, astrocytes: bool = True, seed: int = 28371,
                    gap_junction_distance: float = 75.0, record_every: int = 10):
    """Stimberg et al. example 6 in the engine: COBA network with TM synapses and
    (``astrocytes``) a closed-loop G-ChI astrocyte grid, as an :class:`AstrocyteLayer`.

    ``scale`` multiplies the numbers of cells and astrocytes; connection probabilities are
    divided by it so every cell keeps the full network's in-degree (160 excitatory, 160
    inhibitory inputs), and the grid side shrinks by √scale so astrocytes stay ~66 µm
    apart (≈ 4 gap-junction partners within 75 µm). Neurons (PyNN units): C_m 0.198 nF,
    g_l 9.99 nS (τ_m = 19.82 ms), E_l = V_reset −60 mV, V_th −50 mV, refractory 5 ms,
    E_e 0 / E_i −80 mV, τ_e 5 / τ_i 10 ms; v, g_e, g_i drawn uniformly in [E_l, V_th],
    [0, w_e], [0, w_i]; drive I_ex = 0.1 nA × [1, 1.2, 1, 1] in 2-s epochs. Synapses:
    TM (U_0* 0.6, τ_rec 500 ms, τ_facil 300.3 ms), g += w·r_S with w_e 5e-5 µS and
    w_i 0.001 µS; delays 0.1 ms (one step). Astrocytes: example-6 parameters, α = 0, RK4
    on a 10 ms clock; each excitatory synapse is sensed (mean over the astrocyte's
    synapses) and modulated by the astrocyte nearest its postsynaptic cell. Excitatory
    cells sit on a square grid over the astrocytes' square as in the example;
    inhibitory cells, which have no position in the example, are placed uniformly at
    random (seeded by ``seed``). The astrocytes' C (µM) is recorded every ``record_every``
    astrocyte steps. Returns (network, layer or None).
    """
    from .. import (FixedProbabilityConnector, IF_cond_exp, Network, Population, Projection, RandomDistribution,
                    StepCurrentSource, TsodyksMarkramSynapse)
    from .layer import AstrocyteLayer, SynapseAssignment

    n_exc = max(1, int(round(FIGURE6_FULL["n_exc"] * scale)))
    n_inh = max(1, int(round(FIGURE6_FULL["n_inh"] * scale)))
    n_astro = max(1, int(round(FIGURE6_FULL["n_astro"] * scale)))
    p_exc, p_inh = min(1.0, 0.05 / scale), min(1.0, 0.2 / scale)
    side = FIGURE6_FULL["side"] * np.sqrt(scale)
    w_e, w_i = 5e-5, 0.001
    cell = IF_cond_exp(cm=0.198, tau_m=0.198 / 0.00999, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0,
                       tau_refrac=5.0, e_rev_E=0.0, e_rev_I=-80.0, tau_syn_E=5.0, tau_syn_I=10.0)
    net = Network(dt=0.1, label="stimberg_fig6")
    neurons = net.add(Population(n_exc + n_inh, cell, label="neurons"))
    neurons.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0),
                       gsyn_exc=RandomDistribution("uniform", low=0.0, high=w_e),
                       gsyn_inh=RandomDistribution("uniform", low=0.0, high=w_i))
    neurons.record(["spikes"])
    neurons.inject(StepCurrentSource([0.0, 2000.0, 4000.0], [0.1, 0.12, 0.1]))
    exc, inh = neurons[:n_exc], neurons[n_exc:]

    def tm(weight: float) -> TsodyksMarkramSynapse:
        return TsodyksMarkramSynapse(U=0.6, tau_rec=1000.0 / 2.0, tau_facil=1000.0 / 3.33, weight=weight, delay=0.1)

    exc_syn = net.add(Projection(exc, neurons, FixedProbabilityConnector(p_exc), tm(w_e), label="exc_syn"))
    net.add(Projection(inh, neurons, FixedProbabilityConnector(p_inh), tm(w_i), receptor_type="inhibitory",
                       label="inh_syn"))
    if not astrocytes:
        return net, None
    rng = np.random.default_rng(seed)
    positions = np.vstack([grid_positions(n_exc, side=side), rng.uniform(0.0, side, (n_inh, 2))])
    layer = AstrocyteLayer(
        "astrocytes", n_astro, exc_syn, interval=10.0, side=side, gap_junction_distance=gap_junction_distance,
        assignment=SynapseAssignment("grid", post_positions=positions), sense_mean=True,
        initial=initial_state(n_astro, I=0.01, C=0.01), record=("C",), record_every=record_every)
    net.add_hook(layer)
    return net, layer
