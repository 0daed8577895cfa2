"""Agreement of the PyNN back ends with the embedded engine (NEST and Brian2 really run).

One deterministic scenario network holds, for every cell type shared with the back
ends, one cell driven by a DC step and one driven by a spike-source array; it runs
once per back end and every population is compared with the engine.
"""
import numpy as np
import pytest

import neuromem as nm
from neuromem.spec import load_model

DT = 0.1
# cell type, parameters, DC amplitude (nA), weight of the spike-array input (nA, µS or mV)
SHARED_CELLS = {
    "IF_curr_exp": (nm.IF_curr_exp, {"tau_refrac": 2.0}, 1.0, 1.5),
    "IF_cond_exp": (nm.IF_cond_exp, {"tau_refrac": 2.0}, 1.0, 0.03),
    "IF_curr_delta": (nm.IF_curr_delta, {"tau_refrac": 2.0}, 1.0, 6.0),
    "Izhikevich": (nm.Izhikevich, {}, 0.01, 20.0),
    "EIF_cond_exp_isfa_ista": (nm.EIF_cond_exp_isfa_ista, {}, 1.0, 0.03),
}
SCENARIOS = [f"{cell}_{kind}" for cell in SHARED_CELLS for kind in ("dc", "spikes")]


def scenario_network() -> nm.Network:
    net = nm.Network(dt=DT, label="single-neuron scenarios")
    src = net.add(nm.Population(1, nm.SpikeSourceArray(np.arange(5.0, 200.0, 7.0)), label="input"))
    src.record("spikes")
    for name, (cls, params, amplitude, weight) in SHARED_CELLS.items():
        dc = net.add(nm.Population(1, cls(**params), label=f"{name}_dc"))
        nm.DCSource(amplitude=amplitude, start=20.0, stop=180.0).inject_into(dc)
        driven = net.add(nm.Population(1, cls(**params), label=f"{name}_spikes"))
        net.add(nm.Projection(src, driven, nm.OneToOneConnector(),
                              nm.StaticSynapse(weight=weight, delay=1.0)))
        dc.record("spikes")
        driven.record("spikes")
    return net


@pytest.fixture(scope="module")
def runs():
    return {backend: scenario_network().run(200.0, seed=1, backend=backend)
            for backend in ("engine", "nest", "brian2")}


@pytest.mark.parametrize("label", SCENARIOS)
def test_nest_spike_times_within_one_dt_of_engine(runs, label):
    engine, nest = runs["engine"][label].spike_times, runs["nest"][label].spike_times
    assert engine.size >= 3, "scenario must make the cell fire"
    assert nest.size == engine.size
    # Same exact propagators for the LIF models and the same forward-Euler step for
    # Izhikevich give identical times; AdEx integrates differently (engine: RK4 on
    # 0.01 ms sub-steps; NEST aeif_cond_exp: adaptive RKF45 from 0.01 ms) but both test
    # for the spike after every sub-step, so the times agree within one dt as well.
    diff = np.abs(nest - engine)
    assert diff.max() <= DT + 1e-9


@pytest.mark.parametrize("label", SCENARIOS)
def test_brian2_spike_times_within_stated_tolerance(runs, label):
    engine, brian = runs["engine"][label].spike_times, runs["brian2"][label].spike_times
    # Brian2 (runtime numpy target) integrates PyNN's equations with the method it
    # picks: 'exact' for IF_curr_exp and IF_curr_delta, forward 'euler' for
    # IF_cond_exp, Izhikevich and AdEx (first-order error in dt = 0.1 ms). It also
    # applies synaptic input one step later than NEST and the engine. Stated
    # tolerance: first spike within 2 steps, mean inter-spike interval within 5 %.
    assert brian.size >= 3
    assert abs(brian[0] - engine[0]) <= 2 * DT + 1e-9
    isi_e, isi_b = np.diff(engine).mean(), np.diff(brian).mean()
    assert abs(isi_b - isi_e) <= 0.05 * isi_e


def test_results_carry_backend_in_provenance(runs):
    for backend in ("nest", "brian2"):
        res = runs[backend]
        assert res.backend == backend and res.provenance["backend"] == backend
        assert res["input"].spike_times.tolist() == pytest.approx(np.arange(5.0, 200.0, 7.0).tolist())


def test_cuba_4000_nest_matches_engine_statistics():
    network, settings = load_model("models/cuba.yaml")
    engine = network.run(settings.duration, seed=settings.seed, backend="engine")
    network, settings = load_model("models/cuba.yaml")
    nest = network.run(settings.duration, seed=settings.seed, backend="nest")
    for label in ("exc", "inh"):
        e, n = engine[label], nest[label]
        rate_e, rate_n = e.mean_rate(settings.duration), n.mean_rate(settings.duration)
        assert rate_e > 1.0
        # acceptance: mean rate within 10 %, mean CV of ISI within 0.1
        assert abs(rate_n - rate_e) <= 0.1 * rate_e
        assert abs(n.isi_cv().mean() - e.isi_cv().mean()) <= 0.1
