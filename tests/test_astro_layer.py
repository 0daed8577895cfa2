"""AstrocyteLayer: astrocytes inside engine runs equal the standalone kernels; SIC reaches neurons."""
import numpy as np
import pytest

import neuromem as nm
from neuromem.astro.gchi import STATE_NAMES, GChIParameters
from neuromem.astro.layer import AstrocyteLayer, SynapseAssignment
from neuromem.astro.li_rinzel import LiRinzelParameters, simulate_li_rinzel
from neuromem.astro.tripartite import TripartiteWiring, run_tripartite
from neuromem.astro.tsodyks_markram import TsodyksMarkramParameters

SP = TsodyksMarkramParameters()


def tm_synapse(weight=1e-4, delay=1.0, U=SP.U_0_star):
    """The engine's TM synapse with the Stimberg rates (Ω_d = 2/s → 500 ms, Ω_f = 3.33/s)."""
    return nm.TsodyksMarkramSynapse(U=U, tau_rec=1000.0 / SP.Omega_d, tau_facil=1000.0 / SP.Omega_f,
                                    weight=weight, delay=delay)


def one_synapse_network(spikes, dt):
    net = nm.Network(dt=dt)
    pre = net.add(nm.Population(1, nm.SpikeSourceArray(spikes), label="pre"))
    post = net.add(nm.Population(1, nm.IF_cond_exp(), label="post"))
    proj = net.add(nm.Projection(pre, post, nm.OneToOneConnector(), tm_synapse(delay=dt), label="syn"))
    return net, proj


def test_gchi_layer_equals_standalone_tripartite_kernel():
    # closed loop with gliotransmission: spikes sensed, releases fed back to U
    duration = 10_000.0
    spikes = np.arange(500.0, duration, 200.0)
    params = GChIParameters.stimberg_example(3)
    net, proj = one_synapse_network(spikes, dt=1.0)
    layer = net.add_hook(AstrocyteLayer("astro", 1, proj, params=params, interval=1.0, i_bias=1.25,
                                        release_timing="end", record=STATE_NAMES,
                                        assignment=SynapseAssignment("explicit", indices=np.array([0]))))
    res = net.run(duration, seed=1, progress=False)["astro"]
    ref = run_tripartite(TripartiteWiring(1, np.array([0]), np.array([0]), np.array([0])), duration,
                         dt=1.0, astro_dt=1.0, astro_params=params, synapse_params=SP, spike_times=spikes,
                         spike_sources=np.zeros(spikes.size, np.int64), i_bias=1.25)
    assert ref.release_times.size >= 2          # the feedback path is exercised
    np.testing.assert_array_equal(res.traces["C"].times, ref.times)
    # same equations; the engine's tsodyks2 algebra for u, x orders the operations differently
    # from the standalone synapse, and the nonlinear astrocyte carries those rounding
    # differences over 10^4 steps (observed ≤ 5e-14 µM): 1e-10 relative leaves a wide margin
    for name in STATE_NAMES:
        np.testing.assert_allclose(res.traces[name].values[:, 0], ref.astro[name][:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(res.spike_times, ref.release_times)
    np.testing.assert_allclose(layer.released_total, ref.release_sum, rtol=1e-12)
    assert res.traces["C"].unit == "uM"


def test_li_rinzel_layer_equals_standalone_kernel_on_a_coarse_clock():
    # TM with U = 1 and full recovery between spikes releases u·x = 1 per spike, so the
    # standalone kernel gets the same train with weight 1; 10 ms astrocyte clock, 0.1 ms network
    rng = np.random.default_rng(3)
    spikes = np.sort(np.round(rng.uniform(1.0, 3000.0, 40), 1))
    spikes = spikes[np.concatenate([[True], np.diff(spikes) > 1.0])]
    params = LiRinzelParameters(delta_IP3=0.2)
    net = nm.Network(dt=0.1)
    pre = net.add(nm.Population(1, nm.SpikeSourceArray(spikes), label="pre"))
    post = net.add(nm.Population(1, nm.IF_cond_exp(), label="post"))
    proj = net.add(nm.Projection(pre, post, nm.OneToOneConnector(),
                                 nm.TsodyksMarkramSynapse(U=1.0, tau_rec=0.01, weight=1e-4, delay=0.1),
                                 label="syn"))
    net.add_hook(AstrocyteLayer("astro", 1, proj, model="li_rinzel", params=params, interval=10.0,
                                record=("IP3", "Ca", "h"), assignment=SynapseAssignment("explicit",
                                                                                        indices=np.array([0]))))
    res = net.run(4000.0, seed=0, progress=False)["astro"]
    ref = simulate_li_rinzel(4000.0, dt=10.0, params=params, spike_times=spikes)
    # spikes were emitted in the step ending at their time and sensed at the next exchange,
    # exactly the standalone step assignment: identical operations, so rounding-level agreement
    for name, ref_values in (("IP3", ref.ip3), ("Ca", ref.ca), ("h", ref.h)):
        np.testing.assert_allclose(res.traces[name].values[:, 0], ref_values[:, 0], rtol=1e-12)
    assert ref.ip3.max() > params.IP3_0 + 0.5


def test_sic_formula_reaches_an_adex_neuron():
    # Ca starts at 0.3 µM with IP3 clamped at 1 µM: Ca > SIC_th for the whole run, SIC varies.
    params = LiRinzelParameters(IP3_0=1.0, SIC_scale=0.05)
    duration = 2000.0

    def network():
        net = nm.Network(dt=0.1)
        pre = net.add(nm.Population(2, nm.SpikeSourceArray([]), label="pre"))
        post = net.add(nm.Population(2, nm.EIF_cond_exp_isfa_ista(v_thresh=0.0), label="adex"))
        post.record(["v"])
        proj = net.add(nm.Projection(pre, post, nm.OneToOneConnector(), tm_synapse(delay=0.1), label="syn"))
        return net, proj

    net, proj = network()
    layer = net.add_hook(AstrocyteLayer("astro", 2, proj, model="li_rinzel", params=params, interval=10.0,
                                        sic_weight=2.0, record=("Ca", "SIC"),
                                        initial=np.array([[1.0, 0.3, 0.6], [1.0, 0.15, 0.6]]),
                                        assignment=SynapseAssignment("explicit", indices=np.array([0, 1]))))
    res = net.run(duration, seed=0, progress=False)
    ca = res["astro"].traces["Ca"]
    arg = (ca.values - params.SIC_th) * 1000.0
    expected = np.where(arg > 1.0, 2.0 * params.SIC_scale * np.log(np.maximum(arg, 1.0)), 0.0)
    np.testing.assert_allclose(res["astro"].traces["SIC"].values, expected, rtol=1e-14)
    assert (expected[:, 0] > 0).all() and (expected[:, 1] == 0).any() and (expected[:, 1] > 0).any()
    # the same current given to a plain network as step currents at the exchange times
    initial_sic = 2.0 * params.SIC_scale * np.log((0.3 - params.SIC_th) * 1000.0)   # cell 1: Ca 0.15 < th
    plain, _ = network()
    for cell, first in ((0, initial_sic), (1, 0.0)):
        nm.StepCurrentSource(np.concatenate([[0.0], ca.times]), np.concatenate([[first], expected[:, cell]])
                             ).inject_into(plain.population("adex")[cell:cell + 1])
    ref = plain.run(duration, seed=0, progress=False)
    # the hook's add_current deltas and the step source's deltas are the same float operations
    np.testing.assert_allclose(res["adex"].traces["v"].values, ref["adex"].traces["v"].values,
                               rtol=0, atol=1e-12)
    assert res["adex"].traces["v"].values[-1, 0] > res["adex"].traces["v"].values[0, 0] + 1.0
    assert layer.describe()["sic_weight"] == 2.0


def test_gliotransmission_lowers_release_in_the_engine():
    # Poisson-driven TM synapses, closed loop, α = 0: releases drop once astrocytes fire
    def run(glio):
        net = nm.Network(dt=0.1)
        pre = net.add(nm.Population(40, nm.SpikeSourcePoisson(rate=20.0), label="pre"))
        post = net.add(nm.Population(40, nm.IF_cond_exp(), label="post"))
        proj = net.add(nm.Projection(pre, post, nm.OneToOneConnector(), tm_synapse(delay=0.1), label="syn"))
        layer = net.add_hook(AstrocyteLayer("astro", 4, proj, params=GChIParameters(O_beta=3.2),
                                            gliotransmission=glio, interval=10.0, side=100.0,
                                            gap_junction_distance=60.0,
                                            assignment=SynapseAssignment("block")))
        res = net.run(6000.0, seed=5, progress=False)
        return layer, res

    on, res_on = run(True)
    off, res_off = run(False)
    assert res_on["astro"].n_spikes > 0                      # gliotransmitter released
    assert on.released_total.sum() < 0.9 * off.released_total.sum()
    assert np.diff(on.gap_junctions[0]).tolist() == [2, 2, 2, 2]   # 2 × 2 grid, 50 µm apart


def test_assignment_kinds():
    post = np.repeat(np.arange(10), 3)
    block = SynapseAssignment("block").assign(post, 10, 5, side=100.0)
    assert block.tolist() == list(np.repeat(np.arange(10) // 2, 3))
    grid = SynapseAssignment("grid", post_positions=np.array([[0.0, 0.0]] * 5 + [[90.0, 90.0]] * 5)
                             ).assign(post, 10, 4, side=100.0)
    assert set(grid[:15]) == {0} and set(grid[15:]) == {3}
    random = SynapseAssignment("random", p=0.5, pool_size=2, seed=1).assign(post, 10, 5, side=100.0)
    assert 0 < (random == -1).sum() < post.size


def test_layer_rejects_bad_settings():
    net, proj = one_synapse_network([10.0], dt=0.1)
    with pytest.raises(nm.ModelError, match="model"):
        AstrocyteLayer("a", 1, proj, model="hodgkin")
    with pytest.raises(nm.ModelError, match="record"):
        AstrocyteLayer("a", 1, proj, model="li_rinzel", record=("C",))
    with pytest.raises(nm.ModelError, match="kind"):
        SynapseAssignment("nearest")
    static = nm.Network(dt=0.1)
    a = static.add(nm.Population(1, nm.SpikeSourceArray([1.0]), label="a"))
    b = static.add(nm.Population(1, nm.IF_cond_exp(), label="b"))
    p = static.add(nm.Projection(a, b, nm.OneToOneConnector(), nm.StaticSynapse(0.01, 0.1), label="p"))
    static.add_hook(AstrocyteLayer("astro", 1, p))
    with pytest.raises(nm.ModelError, match="TsodyksMarkramSynapse"):
        static.run(20.0, progress=False)
