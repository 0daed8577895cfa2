"""The benchmark networks written in Brian2, from a :class:`BenchmarkNetwork`.

One NeuronGroup of N cells (the first ``n_exc`` excitatory) and two Synapses
objects, excitatory and inhibitory, each targeting all cells with probability p,
self connections excluded, one homogeneous delay (0.1 ms = one step). Equations, in
the PyNN units of the model files (V mV, I nA, g µS, C nF, t ms):

* COBA (IF_cond_exp)::

      C dV/dt = C/tau_m (v_rest − V) + g_e (e_rev_E − V) + g_i (e_rev_I − V) + i_offset
      dg_e/dt = −g_e/tau_syn_E,  dg_i/dt = −g_i/tau_syn_I   (a spike adds w to g)

* CUBA (IF_curr_exp)::

      C dV/dt = C/tau_m (v_rest − V) + I_e + I_i + i_offset
      dI_e/dt = −I_e/tau_syn_E,  dI_i/dt = −I_i/tau_syn_I   (a spike adds w to I)

V is clamped to v_reset for tau_refrac after a spike (threshold V > v_thresh); the
synaptic variables keep decaying meanwhile. The integration method is an argument:
the benchmark uses ``"euler"`` for COBA (as the reference timings in
``shared/reference/performance.md``) and ``"exact"`` for CUBA (linear system).

Connections and initial V are drawn by Brian2 (seeded with ``bn.seed``) unless
given explicitly (the acceptance test passes the engine's, so only the integration
differs).

Example
-------
>>> from bench_networks import benchmark_network           # doctest: +SKIP
>>> net, spikes = brian2_network(benchmark_network("cuba", 4000), "exact")   # doctest: +SKIP
>>> net.run(1000 * b2.ms)                                    # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass

import brian2 as b2
import numpy as np

from bench_networks import BenchmarkNetwork

COBA_EQUATIONS = """
dv/dt = (c_m / tau_m * (v_rest - v) + g_e * (e_exc - v) + g_i * (e_inh - v) + i_offset) / c_m
        : volt (unless refractory)
dg_e/dt = -g_e / tau_e : siemens
dg_i/dt = -g_i / tau_i : siemens
"""
CUBA_EQUATIONS = """
dv/dt = (c_m / tau_m * (v_rest - v) + i_e + i_i + i_offset) / c_m : volt (unless refractory)
di_e/dt = -i_e / tau_e : amp
di_i/dt = -i_i / tau_i : amp
"""


@dataclass(frozen=True)
class ExplicitConnections:
    """Given synapses, as global cell indices: ``exc_pre`` in [0, n_exc), ``inh_pre`` in
    [n_exc, N), posts in [0, N)."""

    exc_pre: np.ndarray
    exc_post: np.ndarray
    inh_pre: np.ndarray
    inh_post: np.ndarray


def brian2_network(bn: BenchmarkNetwork, method: str, v0: np.ndarray | None = None,
                   connections: ExplicitConnections | None = None,
                   ) -> tuple[b2.Network, b2.SpikeMonitor]:
    """Build ``bn`` in Brian2 on the current device; returns the network and a spike
    monitor of all N cells. ``v0``: initial V per cell (mV), default uniform draw."""
    c = bn.cell
    conductance = bn.conductance_based
    weight_unit = b2.uS if conductance else b2.nA
    namespace = {
        "c_m": c["cm"] * b2.nF, "tau_m": c["tau_m"] * b2.ms, "v_rest": c["v_rest"] * b2.mV,
        "v_reset": c["v_reset"] * b2.mV, "v_thresh": c["v_thresh"] * b2.mV,
        "tau_e": c["tau_syn_E"] * b2.ms, "tau_i": c["tau_syn_I"] * b2.ms,
        "i_offset": c["i_offset"] * b2.nA,
        "w_exc": bn.w_exc * weight_unit, "w_inh": bn.w_inh * weight_unit,
        "v_low": bn.v_low * b2.mV, "v_high": bn.v_high * b2.mV, "n_exc": bn.n_exc,
    }
    if conductance:
        namespace.update(e_exc=c["e_rev_E"] * b2.mV, e_inh=c["e_rev_I"] * b2.mV)
    b2.defaultclock.dt = bn.dt * b2.ms
    b2.seed(bn.seed)
    cells = b2.NeuronGroup(bn.n, COBA_EQUATIONS if conductance else CUBA_EQUATIONS,
                           threshold="v > v_thresh", reset="v = v_reset",
                           refractory=c["tau_refrac"] * b2.ms, method=method,
                           namespace=namespace, name="cells")
    if v0 is None:
        cells.v = "v_low + rand() * (v_high - v_low)"
    else:
        cells.v = np.asarray(v0, dtype=float) * b2.mV
    target = ("g" if conductance else "i") + "_{}"
    delay = bn.delay * b2.ms
    exc = b2.Synapses(cells[:bn.n_exc], cells, on_pre=f"{target.format('e')} += w_exc",
                      delay=delay, namespace=namespace, name="exc_synapses")
    inh = b2.Synapses(cells[bn.n_exc:], cells, on_pre=f"{target.format('i')} += w_inh",
                      delay=delay, namespace=namespace, name="inh_synapses")
    if connections is None:
        # subgroup-relative i: exc cells start at 0, inh cells at n_exc in `cells`
        exc.connect(condition="i != j", p=bn.p)
        inh.connect(condition="i + n_exc != j", p=bn.p)
    else:
        exc.connect(i=connections.exc_pre, j=connections.exc_post)
        inh.connect(i=connections.inh_pre - bn.n_exc, j=connections.inh_post)
    spikes = b2.SpikeMonitor(cells, name="spikes")
    return b2.Network(cells, exc, inh, spikes), spikes
