"""Pair-based STDP against the analytic pair rule (PyNN's SpikePairRule semantics).

One plastic synapse sees exactly one pre spike and one post spike. The post cell is an
IF_curr_delta neuron made to fire at a chosen time by a strong "teacher" input; the
plastic synapse's own weight (≤ 0.01 mV) cannot move it. Δt is measured between the
recorded post spike and the pre spike's arrival at the synapse (emission + delay).
Expected final weight: w0 + A_plus·F·e^{−Δt/τ+} for Δt ≥ 0 and w0 − A_minus·F·e^{Δt/τ−}
for Δt < 0, with F = w_max (additive) or (w_max − w0) / (w0 − w_min) (multiplicative).
The engine evaluates the same exponentials, so agreement is to rounding (1e-12 relative).
"""
import numpy as np
import pytest

import neuromem as nm

DT = 0.1
PRE_TIME = 50.0       # ms, emission of the pre spike
PLASTIC_DELAY = 1.0   # ms
TAU_PLUS, TAU_MINUS, A_PLUS, A_MINUS = 16.8, 33.7, 0.01, 0.012
W_MIN, W_MAX, W0 = 0.0, 0.01, 0.004


def final_weight(delta_t, dependence, dendritic=False):
    """Final weight after one pre spike (emitted at PRE_TIME) and one post spike.

    Axonal delay: Δt = t_post − (t_pre + d). Dendritic delay: the post spike reaches the
    synapse d after emission, Δt = (t_post + d) − t_pre, and Δt = 0 depresses.
    """
    post_time = PRE_TIME + delta_t + (-PLASTIC_DELAY if dendritic else PLASTIC_DELAY)
    teacher_time = round(post_time - DT, 10)  # teacher arrives after one step (delay dt)
    net = nm.Network(dt=DT)
    pre = net.add(nm.Population(1, nm.SpikeSourceArray([PRE_TIME]), label="pre"))
    teacher = net.add(nm.Population(1, nm.SpikeSourceArray([teacher_time]), label="teacher"))
    post = net.add(nm.Population(1, nm.IF_curr_delta(tau_refrac=2.0), label="post",
                                 initial_values={"v": -65.0}))
    net.add(nm.Projection(teacher, post, nm.OneToOneConnector(),
                          nm.StaticSynapse(weight=30.0, delay=DT)))
    stdp = nm.STDPMechanism(
        nm.SpikePairRule(tau_plus=TAU_PLUS, tau_minus=TAU_MINUS, A_plus=A_PLUS, A_minus=A_MINUS),
        dependence(w_min=W_MIN, w_max=W_MAX), weight=W0, delay=PLASTIC_DELAY,
        dendritic_delay_fraction=1.0 if dendritic else 0.0)
    net.add(nm.Projection(pre, post, nm.OneToOneConnector(), stdp, label="plastic"))
    post.record("spikes")
    res = net.run(150.0, seed=3)
    spikes = res["post"].spike_times
    assert spikes.size == 1 and spikes[0] == pytest.approx(post_time, abs=1e-9)
    return res.weights["plastic"].weight[0]


DELTAS = [d for d in range(-40, 41) if d != 0]


@pytest.mark.parametrize("delta_t", DELTAS)
def test_additive_pair_rule(delta_t):
    w = final_weight(float(delta_t), nm.AdditiveWeightDependence)
    if delta_t > 0:
        expected = W0 + A_PLUS * W_MAX * np.exp(-delta_t / TAU_PLUS)
    else:
        expected = W0 - A_MINUS * W_MAX * np.exp(delta_t / TAU_MINUS)
    assert w == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("delta_t", [-40, -20, -5, -1, 1, 5, 20, 40])
def test_multiplicative_pair_rule(delta_t):
    w = final_weight(float(delta_t), nm.MultiplicativeWeightDependence)
    if delta_t > 0:
        expected = W0 + A_PLUS * (W_MAX - W0) * np.exp(-delta_t / TAU_PLUS)
    else:
        expected = W0 - A_MINUS * (W0 - W_MIN) * np.exp(delta_t / TAU_MINUS)
    assert w == pytest.approx(expected, rel=1e-12)


def test_weights_are_clipped_to_bounds():
    big = nm.STDPMechanism(nm.SpikePairRule(A_plus=5.0, A_minus=5.0),
                           nm.AdditiveWeightDependence(w_min=0.0, w_max=1.0), weight=0.5, delay=1.0)
    net = nm.Network(dt=DT)
    pre = net.add(nm.Population(1, nm.SpikeSourceArray([10.0, 30.0]), label="pre"))
    teacher = net.add(nm.Population(1, nm.SpikeSourceArray([11.5]), label="teacher"))
    post = net.add(nm.Population(1, nm.IF_curr_delta(), label="post"))
    net.add(nm.Projection(teacher, post, nm.OneToOneConnector(), nm.StaticSynapse(30.0, DT)))
    net.add(nm.Projection(pre, post, nm.OneToOneConnector(), big, label="plastic"))
    assert net.run(20.0, seed=1).weights["plastic"].weight[0] == 1.0   # potentiated, clipped
    assert net.run(60.0, seed=1).weights["plastic"].weight[0] == 0.0   # then depressed, clipped


@pytest.mark.parametrize("delta_t", [-30, -5, -1, 0, 1, 5, 30])
def test_dendritic_delay_pairing(delta_t):
    w = final_weight(float(delta_t), nm.AdditiveWeightDependence, dendritic=True)
    if delta_t > 0:
        expected = W0 + A_PLUS * W_MAX * np.exp(-delta_t / TAU_PLUS)
    else:
        expected = W0 - A_MINUS * W_MAX * np.exp(delta_t / TAU_MINUS)
    assert w == pytest.approx(expected, rel=1e-12)
