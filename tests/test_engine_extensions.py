"""Adaptive thresholds, the pre/post-increment rule, Tsodyks–Markram synapses and hooks."""
import numpy as np
import pytest

import neuromem as nm
from neuromem.engine.hooks import EngineHook

DT = 0.1


def test_adaptive_threshold_rises_per_spike_and_decays():
    net = nm.Network(dt=DT)
    cell = net.add(nm.Population(1, nm.IF_curr_exp(i_offset=2.0), label="cell",
                                 adaptive_threshold=nm.AdaptiveThreshold(theta_plus=1.0,
                                                                         tau_theta=50.0)))
    cell.record(["spikes", "theta"])
    res = net.run(200.0, seed=1)["cell"]
    theta = res.traces["theta"]
    spikes = res.spike_times
    assert spikes.size >= 3
    # between spikes θ decays exactly by exp(-dt/tau) per step
    k = int(round(spikes[0] / DT)) + 5
    ratio = theta.values[k + 1, 0] / theta.values[k, 0]
    assert ratio == pytest.approx(np.exp(-DT / 50.0), rel=1e-12)
    # each spike adds theta_plus: the jump at a spike sample
    j = int(round(spikes[1] / DT))
    assert theta.values[j, 0] - theta.values[j - 1, 0] * np.exp(-DT / 50.0) == pytest.approx(1.0)
    # a rising threshold lengthens the inter-spike intervals
    assert np.all(np.diff(np.diff(spikes)[:3]) > 0)


def test_adaptive_threshold_refused_for_other_models():
    with pytest.raises(nm.ModelError, match="not available for Izhikevich"):
        nm.Population(1, nm.Izhikevich(), adaptive_threshold=nm.AdaptiveThreshold())


def test_pre_post_increment_rule_counts_spikes():
    net = nm.Network(dt=DT)
    pre = net.add(nm.Population(1, nm.SpikeSourceArray([10.0, 20.0, 30.0]), label="pre"))
    teacher = net.add(nm.Population(1, nm.SpikeSourceArray([50.0]), label="teacher"))
    post = net.add(nm.Population(1, nm.IF_curr_delta(), label="post"))
    net.add(nm.Projection(teacher, post, nm.OneToOneConnector(), nm.StaticSynapse(30.0, DT)))
    rule = nm.STDPMechanism(nm.PrePostIncrementRule(increment_pre=0.05, increment_post=-0.1),
                            nm.AdditiveWeightDependence(w_min=0.0, w_max=2.0), weight=0.5, delay=1.0)
    net.add(nm.Projection(pre, post, nm.OneToOneConnector(), rule, label="homeo"))
    w = net.run(100.0, seed=1).weights["homeo"].weight[0]
    assert w == pytest.approx(0.5 + 3 * 0.05 - 0.1, rel=1e-12)


def tm_steady_state(U, tau_rec, rate):
    """Analytic u·x at steady state of a regular train (tau_facil = 0): u = U and
    x* = (1 − e^{−T/τ}) / (1 − (1 − U) e^{−T/τ}), T = 1000/rate ms."""
    decay = np.exp(-(1000.0 / rate) / tau_rec)
    return U * (1.0 - decay) / (1.0 - (1.0 - U) * decay)


@pytest.mark.parametrize("rate", [5.0, 20.0, 50.0])
def test_tsodyks_markram_depression_reaches_the_analytic_steady_state(rate):
    period = 1000.0 / rate
    times = np.arange(1, 40) * period
    net = nm.Network(dt=DT)
    src = net.add(nm.Population(1, nm.SpikeSourceArray(np.round(times, 1)), label="src"))
    cell = net.add(nm.Population(1, nm.IF_curr_exp(tau_syn_E=1.0, v_thresh=1000.0), label="cell"))
    net.add(nm.Projection(src, cell, nm.OneToOneConnector(),
                          nm.TsodyksMarkramSynapse(U=0.4, tau_rec=300.0, weight=1.0, delay=DT)))
    cell.record("isyn_exc")
    res = net.run(times[-1] + 2.0, seed=1)["cell"].traces["isyn_exc"]
    # the current jumps by weight·u·x at the last spike's arrival
    k = int(round((times[-1] + DT) / DT))
    jump = res.values[k, 0] - res.values[k - 1, 0] * np.exp(-DT / 1.0)
    assert jump == pytest.approx(tm_steady_state(0.4, 300.0, rate), rel=1e-3)


class Recorder(EngineHook):
    interval = 10.0

    def __init__(self):
        self.calls, self.counts = [], []

    def start(self, view):
        self.calls.append(view.t)

    def exchange(self, view):
        self.calls.append(view.t)
        self.counts.append(int(view.spike_counts("cells").sum()))
        if view.t == 50.0:
            view.add_current("cells", -10.0)          # silence the cells from 50 ms on
            view.set_weights("in", 0.0)


def test_hooks_see_state_and_change_it_between_intervals():
    net = nm.Network(dt=DT)
    src = net.add(nm.Population(1, nm.SpikeSourceArray(np.arange(2.0, 100.0, 2.0)), label="src"))
    cells = net.add(nm.Population(3, nm.IF_curr_exp(i_offset=1.0), label="cells"))
    net.add(nm.Projection(src, cells, nm.AllToAllConnector(), nm.StaticSynapse(0.5, 1.0), label="in"))
    hook = net.add_hook(Recorder())
    cells.record("spikes")
    res = net.run(100.0, seed=1)
    assert hook.calls == pytest.approx(np.arange(0.0, 100.1, 10.0))
    assert hook.counts[4] > 0 and hook.counts[-1] == hook.counts[4]   # nothing after 50 ms
    assert res["cells"].spike_times.max() <= 50.0


def test_learning_rate_scale_of_a_plastic_projection():
    def weight(scale):
        class Scale(EngineHook):
            interval = 1.0

            def start(self, view):
                view.set_learning_rate("plastic", scale)
        net = nm.Network(dt=DT)
        pre = net.add(nm.Population(1, nm.SpikeSourceArray([10.0]), label="pre"))
        teacher = net.add(nm.Population(1, nm.SpikeSourceArray([15.0]), label="teacher"))
        post = net.add(nm.Population(1, nm.IF_curr_delta(), label="post"))
        net.add(nm.Projection(teacher, post, nm.OneToOneConnector(), nm.StaticSynapse(30.0, DT)))
        stdp = nm.STDPMechanism(nm.SpikePairRule(A_plus=0.1, A_minus=0.1),
                                nm.AdditiveWeightDependence(0.0, 1.0), weight=0.2, delay=1.0)
        net.add(nm.Projection(pre, post, nm.OneToOneConnector(), stdp, label="plastic"))
        net.add_hook(Scale())
        return net.run(30.0, seed=1).weights["plastic"].weight[0]
    assert weight(0.5) - 0.2 == pytest.approx(0.5 * (weight(1.0) - 0.2), rel=1e-12)
    assert weight(0.0) == 0.2


def test_spinnaker_scheme_adds_scaled_input_held_over_the_tick():
    net = nm.Network(dt=1.0, scheme="spinnaker")
    src = net.add(nm.Population(1, nm.SpikeSourceArray([5.0]), label="src"))
    cell = net.add(nm.Population(1, nm.IF_curr_exp(cm=0.27, tau_m=3.0, tau_syn_E=0.3,
                                                   v_rest=-60.0, v_thresh=0.0), label="cell",
                                 initial_values={"v": -60.0}))
    net.add(nm.Projection(src, cell, nm.OneToOneConnector(), nm.StaticSynapse(2.0, 1.0)))
    cell.record("v")
    v = net.run(10.0, seed=1)["cell"].traces["v"].values[:, 0]
    p20 = 3.0 / 0.27 * (1.0 - np.exp(-1.0 / 3.0))     # MΩ·(1 − e^{-dt/τm})
    scale = 0.3 * (1.0 - np.exp(-1.0 / 0.3)) / 1.0     # τ_syn(1 − e^{-dt/τ_syn})/dt
    assert v[5] == -60.0                                 # nothing before the arrival tick
    assert v[6] - (-60.0) == pytest.approx(p20 * scale * 2.0, rel=1e-12)
    decayed = p20 * scale * 2.0 * np.exp(-1.0 / 3.0) + p20 * scale * 2.0 * np.exp(-1.0 / 0.3)
    assert v[7] - (-60.0) == pytest.approx(decayed, rel=1e-12)


def test_hooks_can_change_poisson_rates():
    class Silence(EngineHook):
        interval = 100.0

        def exchange(self, view):
            if view.t == 100.0:
                view.set_rates("src", 0.0)

    net = nm.Network(dt=DT)
    src = net.add(nm.Population(500, nm.SpikeSourcePoisson(rate=50.0), label="src"))
    src.record("spikes")
    net.add_hook(Silence())
    times = net.run(200.0, seed=2)["src"].spike_times
    assert times.size > 1000 and times.max() <= 100.0
