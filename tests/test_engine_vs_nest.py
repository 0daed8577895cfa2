"""Single-neuron spike times of the engine against NEST, both run here.

A neuron receives excitatory and inhibitory spike trains (SpikeSourceArray →
spike_generator) plus a constant offset and a DC step (DCSource → dc_generator).
Acceptance: every spike within one time step (0.1 ms) of NEST's, same count.
``IF_curr_exp`` ↔ ``iaf_psc_exp`` use the same exact propagators, so they agree to
the step; ``IF_cond_exp`` ↔ ``iaf_cond_exp`` differ in scheme (NEST: adaptive RKF45),
hence the one-step tolerance. Units are converted at this boundary: nF→pF, nA→pA,
µS→nS (factor 1000 each), tested separately below.
"""
import numpy as np
import pytest

import neuromem as nm
from neuromem.backends.nest_native import NEST_MODELS, to_nest

nest = pytest.importorskip("nest", reason="pip install neuromem[nest]")

DT = 0.1
DURATION = 400.0
EXC_TIMES = np.round(np.sort(np.random.default_rng(7).uniform(5.0, 390.0, 120)), 1)
INH_TIMES = np.round(np.sort(np.random.default_rng(8).uniform(5.0, 390.0, 40)), 1)
DC = dict(amplitude=0.25, start=100.0, stop=300.0)  # nA, ms

CASES = {
    "IF_curr_exp": (nm.IF_curr_exp(cm=0.25, tau_m=10.0, tau_syn_E=2.0, tau_syn_I=4.0,
                                   tau_refrac=2.0, v_rest=-65.0, v_reset=-70.0,
                                   v_thresh=-55.0, i_offset=0.3),
                    "iaf_psc_exp", 0.6, 0.8),
    "IF_cond_exp": (nm.IF_cond_exp(cm=0.25, tau_m=10.0, tau_syn_E=2.0, tau_syn_I=4.0,
                                   tau_refrac=2.0, v_rest=-65.0, v_reset=-70.0,
                                   v_thresh=-55.0, i_offset=0.3, e_rev_E=0.0, e_rev_I=-75.0),
                    "iaf_cond_exp", 0.01, 0.02),
}


def engine_spikes(cell, w_exc, w_inh):
    net = nm.Network(dt=DT)
    exc = net.add(nm.Population(1, nm.SpikeSourceArray(EXC_TIMES), label="exc"))
    inh = net.add(nm.Population(1, nm.SpikeSourceArray(INH_TIMES), label="inh"))
    neuron = net.add(nm.Population(1, cell, label="neuron",
                                   initial_values={"v": cell.parameters["v_rest"]}))
    net.add(nm.Projection(exc, neuron, nm.AllToAllConnector(),
                          nm.StaticSynapse(weight=w_exc, delay=1.0)))
    net.add(nm.Projection(inh, neuron, nm.AllToAllConnector(),
                          nm.StaticSynapse(weight=w_inh, delay=1.0), receptor_type="inhibitory"))
    nm.DCSource(**DC).inject_into(neuron)
    neuron.record("spikes")
    return net.run(DURATION, seed=1)["neuron"].spike_times


def nest_weight(w, receptor):
    """nA -> pA or µS -> nS; NEST marks inhibition by a negative weight."""
    return 1000.0 * abs(w) * (-1.0 if receptor == "inhibitory" else 1.0)


def nest_spikes(cell, model, w_exc, w_inh):
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": DT, "local_num_threads": 1})
    params = to_nest(cell.name, cell.parameters)
    params["V_m"] = cell.parameters["v_rest"]
    neuron = nest.Create(model, params=params)
    exc = nest.Create("spike_generator", params={"spike_times": EXC_TIMES})
    inh = nest.Create("spike_generator", params={"spike_times": INH_TIMES})
    # NEST's dc_generator current reaches the neuron one step after it is switched on
    # (the connection delay is one step); start it one step early to mean the same DC.
    dc = nest.Create("dc_generator", params={"amplitude": DC["amplitude"] * 1000.0,
                                             "start": DC["start"] - DT, "stop": DC["stop"] - DT})
    recorder = nest.Create("spike_recorder")
    nest.Connect(exc, neuron, syn_spec={"weight": nest_weight(w_exc, "excitatory"), "delay": 1.0})
    nest.Connect(inh, neuron, syn_spec={"weight": nest_weight(w_inh, "inhibitory"), "delay": 1.0})
    nest.Connect(dc, neuron, syn_spec={"delay": DT})
    nest.Connect(neuron, recorder)
    nest.Simulate(DURATION)
    return np.sort(recorder.get("events")["times"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_single_neuron_spike_times_match_nest(name):
    cell, model, w_exc, w_inh = CASES[name]
    ours = engine_spikes(cell, w_exc, w_inh)
    theirs = nest_spikes(cell, model, w_exc, w_inh)
    assert ours.size >= 10, "the scenario must make the neuron fire"
    assert ours.size == theirs.size, f"{name}: {ours.size} spikes vs NEST {theirs.size}"
    worst = np.max(np.abs(ours - theirs))
    assert worst <= DT + 1e-9, f"{name}: largest spike-time difference {worst:.3f} ms > dt"


def test_the_scenario_uses_nests_models_of_the_same_name():
    assert {name: model for name, (_, model, _, _) in CASES.items()} == \
        {name: NEST_MODELS[name] for name in CASES}
