"""Spiking homeostasis rules: Diehl & Cook adaptive threshold, the pre/post homeostatic synapse, PI synaptic
scaling, and the need-regulated STDP rate."""
import math

import numpy as np
import pytest

from neuromem.errors import ModelError
from neuromem.homeostasis.homeostatic_synapse import HomeostaticSynapse, on_post, on_pre
from neuromem.homeostasis.scaling import SynapticScaling, scaling_step
from neuromem.homeostasis.bench import LIFParameters, SpikingBench
from neuromem.homeostasis.threshold import DiehlCookThreshold, crosses_threshold, decay_theta, theta_on_spike


def test_adaptive_threshold_follows_its_closed_form():
    rule = DiehlCookThreshold()  # Diehl & Cook: θ₀ 20 mV, +0.05 mV per spike, τ_θ 1e7 ms, offset 20 mV
    theta = rule.initial(2)
    factor = rule.decay_factor(dt=0.5)
    for step in range(1000):
        if step % 10 == 0:
            theta_on_spike(theta, 0, rule.increment())
        decay_theta(theta, 0, 2, factor)
    spikes_decay = sum(math.exp(-(1000 - s) * 0.5 / 1e7) for s in range(0, 1000, 10))
    assert theta[0] == pytest.approx(20.0 * math.exp(-500 / 1e7) + 0.05 * spikes_decay, rel=1e-12)
    assert theta[1] == pytest.approx(20.0 * math.exp(-500 / 1e7), rel=1e-12)
    # a fresh cell fires exactly above v_thresh; 100 spikes later 5 mV more are needed
    assert crosses_threshold(-51.9, -52.0, 20.0, rule.offset) and not crosses_threshold(-52.0, -52.0, 20.0, 20.0)
    assert not crosses_threshold(-47.5, -52.0, 25.0, 20.0)
    frozen = DiehlCookThreshold(frozen=True)
    assert frozen.decay_factor(0.5) == 1.0 and frozen.increment() == 0.0


def test_homeostatic_synapse_increments_and_clips():
    rule = HomeostaticSynapse()
    w = np.array([0.02, 1.99])
    on_post(w, 0, rule.dw_minus, rule.w_min, rule.w_max)
    on_pre(w, 1, rule.dw_plus, rule.w_min, rule.w_max)
    assert w.tolist() == [0.0, 2.0]
    assert HomeostaticSynapse(dw_plus=0.05, dw_minus=0.1).equilibrium_rate(50.0) == 25.0
    with pytest.raises(ModelError, match="w_min"):
        HomeostaticSynapse(w_min=2.0, w_max=1.0)


@pytest.mark.parametrize("other_hz", [25.0, 35.0])
def test_homeostatic_synapse_holds_the_cell_at_50_hz(other_hz):
    # Brian2 example: steady 50 Hz source through the rule + a fixed w = 2 source at other_hz
    rates = np.array([[50.0, other_hz]])
    out = SpikingBench(dt=0.1, neuron=LIFParameters()).run(
        rates, 20_000.0, np.array([[0.0], [2.0]]), seed=3, plastic=np.array([[True], [False]]), bin_ms=1000.0)
    settled = out.rates()[5:, 0].mean()
    # 15 s of Poisson-driven firing: count noise ≈ sqrt(750)/15 ≈ 1.8 Hz SD, weight jitter adds some: ±5 Hz
    assert settled == pytest.approx(50.0, abs=5.0)
    assert 0.0 < out.weights[5:, 0, 0].mean() < 2.0  # unclipped on average


def test_scaling_kernel_moves_scale_towards_goal_and_caps():
    rule = SynapticScaling(a_goal=10.0, tau_a=1000.0, beta=1e-2, gamma=0.0, s_max=4.0)
    a, integral, scale = rule.initial(2)
    a[:] = [5.0, 20.0]
    scaling_step(a, integral, scale, np.zeros(2, np.int8), *rule.step_constants(dt=1.0))
    assert scale[0] > 1.0 > scale[1]
    scale[0] = 3.9999
    for _ in range(100):
        scaling_step(a, integral, scale, np.zeros(2, np.int8), *rule.step_constants(dt=1.0))
    assert scale[0] == 4.0


@pytest.mark.parametrize("c, start", [(0.75, 2.0), (0.57, 0.5)])
def test_scaling_brings_cell_to_goal_and_keeps_weight_ratios(c, start):
    # 100 afferents at 10 Hz; c = 0.75 gives ≈ 2× the 10 Hz goal without scaling, 0.57 ≈ 0.5× (measured by the
    # experiment); τ_a, β, γ sped up (1 s, 5e-3, 5e-4) so that it converges in tens of seconds
    cell = LIFParameters(tau_m=20.0, v_rest=0.0, v_thresh=15.0, v_reset=0.0, tau_refrac=2.0)
    rule = SynapticScaling(a_goal=10.0, tau_a=1000.0, beta=5e-3, gamma=5e-4)
    w0 = np.random.default_rng(0).uniform(0.5, 1.5, (100, 1)) * c
    rates = np.full((1, 100), 10.0)
    free = SpikingBench(dt=0.5, neuron=cell).run(rates, 40_000.0, w0, seed=0, bin_ms=1000.0).rates()[:, 0].mean()
    assert free == pytest.approx(10.0 * start, rel=0.25)  # the start really is ≈ 2× / 0.5× the goal
    out = SpikingBench(dt=0.5, neuron=cell, scaling=rule).run(rates, 40_000.0, w0, seed=0, bin_ms=1000.0)
    # last 20 s: Poisson count noise ≈ sqrt(200)/20 ≈ 0.7 Hz SD; ±1.5 Hz is > 2 SD
    assert out.rates()[20:, 0].mean() == pytest.approx(10.0, abs=1.5)
    effective = w0[:, 0] * out.scale[-1, 0]
    np.testing.assert_allclose(effective / effective[0], w0[:, 0] / w0[0, 0], rtol=1e-12)
    assert abs(out.scale[-1, 0] - 1.0) > 0.05  # the weights really moved


def test_need_regulated_rate_steps_and_decisions():
    from neuromem.homeostasis.need_rate import NeedRegulatedRate

    need = NeedRegulatedRate("homeostatic", g0=2.0, n_memo=20)
    # before n_memo samples no decision; then take it only when the simulated gain scores better
    assert need.after_sample(5, guess=9, label=9, memo_accuracy=lambda g: g) == 2.0
    assert need.after_sample(21, guess=9, label=9, memo_accuracy=lambda g: g) == pytest.approx(2.2)
    assert need.after_sample(22, guess=9, label=1, memo_accuracy=lambda g: g) == pytest.approx(2.0)  # wrong guess
    assert need.after_sample(23, guess=1, label=1, memo_accuracy=lambda g: g) == pytest.approx(2.0)  # leave it
    constant = NeedRegulatedRate("constant")
    assert all(constant.after_sample(i, 9, 9, None) == 1.0 for i in range(50))
    with pytest.raises(ModelError, match="memo_accuracy"):
        NeedRegulatedRate("homeostatic").after_sample(30, 1, 1, None)


def test_diehl_cook_network_learns_only_when_asked_and_thresholds_adapt():
    from neuromem.datasets import load_digits
    from neuromem.homeostasis.diehl_cook import DiehlCookNetwork

    images = load_digits(seed=0).flat("train")[:8]
    net = DiehlCookNetwork(n_inputs=64, n_exc=10, seed=0)
    frozen_w, frozen_theta = net.weights.copy(), net.theta.copy()
    counts = net.present_all(images, learn=False)
    np.testing.assert_array_equal(net.weights, frozen_w)
    np.testing.assert_array_equal(net.theta, frozen_theta)
    assert np.all(counts.sum(axis=1) >= 5)  # the intensity is raised until the network answers
    counts = net.present_all(images, learn=True)
    # θ rose by 0.05 mV per spike on top of its slow decay; the decay factor is read off a silent cell. Spikes of
    # repeated (intensity-raised) presentations count too, so at least the last presentation's spikes are there.
    silent = counts.sum(axis=0) == 0
    decayed = net.theta[silent].max() if silent.any() else frozen_theta[0]
    increments = (net.theta - decayed) / 0.05
    # increments themselves decay: < 20 s of simulated time at τ_θ = 1e7 ms is < 0.2 %
    np.testing.assert_allclose(increments, np.round(increments), rtol=3e-3, atol=0.01)
    assert np.all(np.round(increments) >= counts.sum(axis=0)) and increments.max() >= 1
    np.testing.assert_allclose(net.weights.sum(axis=0), 78.0 * 64 / 784, rtol=0.05)  # normalised before each
    assert np.all((net.weights >= 0.0) & (net.weights <= 1.0))


@pytest.mark.parametrize("weight, start", [(0.75, 2.0), (0.57, 0.5)])
def test_scaling_hook_on_the_engine_brings_cell_to_goal(weight, start):
    import neuromem as nm
    from neuromem.homeostasis.engine_hooks import SynapticScalingHook

    def network(hook):
        net = nm.Network(dt=0.5)
        src = net.add(nm.Population(100, nm.SpikeSourcePoisson(rate=10.0), label="in"))
        cell = net.add(nm.Population(1, nm.IF_curr_delta(tau_m=20.0, v_rest=0.0, v_reset=0.0, v_thresh=15.0,
                                                         tau_refrac=2.0), label="cell", initial_values={"v": 0.0}))
        w = np.random.default_rng(0).uniform(0.5, 1.5, (100, 1)) * weight
        net.add(nm.Projection(src, cell, nm.AllToAllConnector(), nm.StaticSynapse(w, 0.5), label="ff"))
        cell.record(["spikes"])
        if hook is not None:
            net.add_hook(hook)
        res = net.run(40_000.0, seed=2, progress=False)
        return res["cell"].spike_times, w

    free_times, _ = network(None)
    # the weight factors were chosen with the bench; on the engine the start is also ≈ 2× / 0.5× the goal
    assert free_times.size / 40.0 == pytest.approx(10.0 * start, rel=0.35)
    hook = SynapticScalingHook("cell", ["ff"], SynapticScaling(a_goal=10.0, tau_a=1000.0, beta=5e-3, gamma=5e-4))
    times, _ = network(hook)
    # last 20 s: count noise ≈ 0.7 Hz SD; ±1.5 Hz as for the bench
    assert np.sum(times >= 20_000.0) / 20.0 == pytest.approx(10.0, abs=1.5)
    assert abs(hook.scale[0] - 1.0) > 0.05
