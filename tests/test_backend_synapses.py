"""Plastic synapses across back ends: STDP delay conventions, Tsodyks-Markram on NEST, and
the fit check's refusals of engine-only features (NEST and Brian2 really run)."""
import numpy as np
import pytest

import neuromem as nm
from neuromem.backends.fitcheck import check_fit, load_profile
from neuromem.engine.hooks import EngineHook

POST_TIMES = np.arange(50.0, 1000.0, 100.0)
# pre spikes 3-18 ms before or after each post spike; with the 1 ms delay on either side
# (axonal or dendritic) no pair falls in the same 0.1 ms step
OFFSETS = np.array([-6.3, 4.7, -11.1, 8.9, -3.3, 13.7, -17.9, 2.9, -8.1, 6.1])
DELAY = 1.0


def stdp_network(fraction: float) -> nm.Network:
    """One plastic synapse; the post cell fires once per 'teacher' spike (200 nA through a
    0.5 ms synapse) so the STDP weight does not change the post spike times."""
    net = nm.Network(dt=0.1, label=f"stdp fraction {fraction:g}")
    pre = net.add(nm.Population(1, nm.SpikeSourceArray(np.sort(POST_TIMES + OFFSETS)), label="pre"))
    teacher = net.add(nm.Population(1, nm.SpikeSourceArray(POST_TIMES), label="teacher"))
    post = net.add(nm.Population(1, nm.IF_curr_exp(tau_refrac=2.0, tau_syn_E=0.5), label="post"))
    net.add(nm.Projection(teacher, post, nm.OneToOneConnector(), nm.StaticSynapse(weight=200.0, delay=0.1)))
    rule = nm.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.012)
    net.add(nm.Projection(pre, post, nm.OneToOneConnector(),
                          nm.STDPMechanism(rule, nm.AdditiveWeightDependence(w_min=0.0, w_max=1.0),
                                           weight=0.3, delay=DELAY, dendritic_delay_fraction=fraction),
                          label="plastic"))
    pre.record("spikes")
    post.record("spikes")
    return net


@pytest.mark.parametrize("fraction,backend", [(1.0, "nest"), (0.0, "brian2")])
def test_stdp_final_weight_agrees_with_engine(fraction, backend):
    engine = stdp_network(fraction).run(1000.0, seed=1)
    other = stdp_network(fraction).run(1000.0, seed=1, backend=backend)
    t_pre, t_post = engine["pre"].spike_times, engine["post"].spike_times
    assert t_post.size == POST_TIMES.size                       # one post spike per teacher spike
    # the design: no same-step pair under either convention (NEST skips those, the engine
    # counts them as potentiation) ...
    lag = t_post[:, None] - t_pre[None, :]
    assert np.abs(lag + DELAY).min() > 0.15 and np.abs(lag - DELAY).min() > 0.15
    # ... and no clipping (NEST clips after every pair, the engine after each spike's
    # summed change): the sum of every pair's largest possible change (A <= 0.012 of
    # w_max = 1, |Δt| shortened by the 1 ms delay at worst) cannot take w0 = 0.3 to a bound
    assert np.sum(0.012 * np.exp(-(np.abs(lag) - DELAY) / 20.0)) < 0.3
    w_engine = engine.weights["plastic"].weight
    w_other = other.weights["plastic"].weight
    # same pair sums in double precision, up to summation order: 1e-9 nA
    np.testing.assert_allclose(w_other, w_engine, rtol=0, atol=1e-9)
    # the convention matters far beyond that tolerance (the earlier 4.29/4.00 mismatch)
    swapped = stdp_network(1.0 - fraction).run(1000.0, seed=1)
    assert abs(swapped.weights["plastic"].weight[0] - w_engine[0]) > 1e-3


def tsodyks_network() -> nm.Network:
    net = nm.Network(dt=0.1)
    src = net.add(nm.Population(1, nm.SpikeSourceArray(np.arange(10.0, 200.0, 20.0)), label="in"))
    cell = net.add(nm.Population(1, nm.IF_cond_exp(v_thresh=100.0, tau_syn_E=2.0), label="cell"))
    net.add(nm.Projection(src, cell, nm.OneToOneConnector(),
                          nm.TsodyksMarkramSynapse(U=0.5, tau_rec=100.0, weight=0.01, delay=1.0)))
    cell.record("gsyn_exc")
    return net


def psc_peaks(results) -> np.ndarray:
    trace = results["cell"].traces["gsyn_exc"]
    t, g = trace.times, trace.values[:, 0]
    return np.array([g[(t > s + DELAY) & (t <= s + DELAY + 1.0)].max() for s in np.arange(10.0, 200.0, 20.0)])


def test_tsodyks_markram_on_nest_matches_engine():
    engine, nest = psc_peaks(tsodyks_network().run(200.0, seed=1)), \
        psc_peaks(tsodyks_network().run(200.0, seed=1, backend="nest"))
    assert engine[-1] < 0.35 * engine[0]                        # it depresses
    assert nest[0] == pytest.approx(engine[0], rel=1e-9)        # first spike: U x weight
    # NEST's tsodyks_synapse (via PyNN) holds released resources in an active state that
    # decays with tau_syn = 2 ms before recovering (engine: tsodyks2, at once), so NEST
    # recovers a little later: measured 1.4 % lower at steady state; stated bound 3 %
    np.testing.assert_allclose(nest, engine, rtol=0.03)


def test_fit_check_refuses_engine_only_features_per_target():
    net = nm.Network(dt=1.0, scheme="spinnaker")
    src = net.add(nm.Population(2, nm.SpikeSourceArray([5.0]), label="src"))
    cells = net.add(nm.Population(2, nm.IF_curr_exp(), label="cells",
                                  adaptive_threshold=nm.AdaptiveThreshold()))
    rule = nm.AdditiveWeightDependence(w_min=0.0, w_max=1.0)
    net.add(nm.Projection(src, cells, nm.AllToAllConnector(),
                          nm.STDPMechanism(nm.SpikePairRule(), rule, weight=0.5, delay=1.0),
                          label="axonal"))
    net.add(nm.Projection(src, cells, nm.AllToAllConnector(),
                          nm.STDPMechanism(nm.SpikePairRule(), rule, weight=0.5, delay=1.0,
                                           dendritic_delay_fraction=1.0), label="dendritic"))
    net.add(nm.Projection(src, cells, nm.AllToAllConnector(),
                          nm.STDPMechanism(nm.PrePostIncrementRule(0.01, -0.01), rule, weight=0.5,
                                           delay=1.0, dendritic_delay_fraction=1.0), label="increments"))
    net.add(nm.Projection(src, cells, nm.AllToAllConnector(),
                          nm.TsodyksMarkramSynapse(weight=0.5, delay=1.0), label="short_term"))
    net.add_hook(EngineHook())
    reports = {name: check_fit(net, load_profile(name), seed=1) for name in ("nest", "brian2", "spinn5")}
    common = ["hooks (EngineHook)", "'cells': AdaptiveThreshold", "'increments': PrePostIncrementRule"]
    expected = {
        "nest": common + ["'axonal': STDPMechanism(dendritic_delay_fraction=0)"],
        "brian2": common + ["'dendritic': STDPMechanism(dendritic_delay_fraction=1)",
                            "'increments': STDPMechanism(dendritic_delay_fraction=1)",
                            "'short_term': TsodyksMarkramSynapse is not supported on brian2 (pyNN.brian2"],
        "spinn5": common + ["'axonal': STDPMechanism(dendritic_delay_fraction=0)",
                            "'short_term': TsodyksMarkramSynapse is not supported on spinn5"],
    }
    for name, fragments in expected.items():
        problems = reports[name].problems
        assert len(problems) == len(fragments), (name, problems)
        for fragment in fragments:
            assert any(fragment in p for p in problems), (name, fragment, problems)
    # the SpiNNaker scheme: fine on SpiNNaker, a warning elsewhere
    assert not any("scheme" in w for w in reports["spinn5"].warnings)
    for name in ("nest", "brian2"):
        assert any("network scheme 'spinnaker'" in w for w in reports[name].warnings)
    assert any("tsodyks_synapse" in w for w in reports["nest"].warnings)


def test_exported_nest_script_keeps_stdp_convention_and_tsodyks(tmp_path):
    from neuromem.backends.export import export_script, run_exported
    from neuromem.results import Results

    net = stdp_network(1.0)
    net.add(nm.Projection(net.population("teacher"), net.population("post"), nm.OneToOneConnector(),
                          nm.TsodyksMarkramSynapse(U=0.5, tau_rec=100.0, weight=0.1, delay=1.0),
                          label="short_term"))
    script = export_script(net, "pynn-nest", tmp_path, seed=1, duration=1000.0)
    text = script.read_text()
    assert "dendritic_delay_fraction=1.0" in text and "sim.TsodyksMarkramSynapse(" in text
    done = run_exported(script, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    saved = Results.load(tmp_path / "results.h5")
    engine = stdp_network(1.0).run(1000.0, seed=1)
    # the depressing teacher synapse adds <= 0.1 nA to a 200 nA drive: same post spikes
    np.testing.assert_allclose(saved["post"].spike_times, engine["post"].spike_times, rtol=1e-12)
    np.testing.assert_allclose(saved.weights["plastic"].weight, engine.weights["plastic"].weight,
                               rtol=0, atol=1e-9)
