"""The benchmark networks written in NEST 3, from a :class:`BenchmarkNetwork`.

COBA uses ``iaf_cond_exp`` (NEST integrates it with adaptive RKF45), CUBA
``iaf_psc_exp`` (exact propagators). Two populations (exc, inh) and the four
projections of the model files, ``pairwise_bernoulli`` with probability p, no
autapses, delay 0.1 ms. Units are converted at this boundary: nF → pF (×1000),
nA → pA (×1000), µS → nS (×1000); ms and mV carry over. Initial V_m is uniform in
[v_low, v_high] mV drawn by NEST's seeded RNG. One thread.

Example
-------
>>> from bench_networks import benchmark_network        # doctest: +SKIP
>>> recorder = nest_network(benchmark_network("cuba", 4000))   # doctest: +SKIP
>>> nest.Simulate(1000.0)                                  # doctest: +SKIP
"""
from __future__ import annotations

import nest

from bench_networks import BenchmarkNetwork

NANO_TO_PICO = 1000.0   # nF -> pF, nA -> pA
MICRO_TO_NANO = 1000.0  # uS -> nS


def nest_parameters(bn: BenchmarkNetwork) -> tuple[str, dict[str, float]]:
    """NEST model name and parameters (pF, pA, nS, ms, mV) for the cells of ``bn``."""
    c = bn.cell
    params = {
        "C_m": c["cm"] * NANO_TO_PICO, "E_L": c["v_rest"], "V_th": c["v_thresh"],
        "V_reset": c["v_reset"], "t_ref": c["tau_refrac"], "tau_syn_ex": c["tau_syn_E"],
        "tau_syn_in": c["tau_syn_I"], "I_e": c["i_offset"] * NANO_TO_PICO,
    }
    if bn.conductance_based:
        params.update(g_L=c["cm"] / c["tau_m"] * MICRO_TO_NANO, E_ex=c["e_rev_E"],
                      E_in=c["e_rev_I"])
        return "iaf_cond_exp", params
    params["tau_m"] = c["tau_m"]
    return "iaf_psc_exp", params


def nest_weights(bn: BenchmarkNetwork) -> tuple[float, float]:
    """Excitatory and inhibitory weights in NEST units (nS for COBA, pA for CUBA;
    NEST's inhibitory weights are negative for both models)."""
    scale = MICRO_TO_NANO if bn.conductance_based else NANO_TO_PICO
    return bn.w_exc * scale, -abs(bn.w_inh) * scale


def nest_network(bn: BenchmarkNetwork, threads: int = 1):
    """Reset the NEST kernel and build ``bn``; returns a spike recorder of all cells."""
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.SetKernelStatus({"resolution": bn.dt, "local_num_threads": threads,
                          "rng_seed": bn.seed, "print_time": False})
    model, params = nest_parameters(bn)
    exc = nest.Create(model, bn.n_exc, params=params)
    inh = nest.Create(model, bn.n_inh, params=params)
    cells = exc + inh
    cells.V_m = nest.random.uniform(min=bn.v_low, max=bn.v_high)
    w_exc, w_inh = nest_weights(bn)
    for pre, weight in ((exc, w_exc), (inh, w_inh)):
        for post in (exc, inh):
            nest.Connect(pre, post,
                         {"rule": "pairwise_bernoulli", "p": bn.p, "allow_autapses": False},
                         {"synapse_model": "static_synapse", "weight": weight, "delay": bn.delay})
    recorder = nest.Create("spike_recorder")
    nest.Connect(cells, recorder)
    return recorder
