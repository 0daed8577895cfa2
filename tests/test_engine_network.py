"""Whole-network behaviour of the engine: seeds, connectors, views, sources, errors."""
import h5py
import numpy as np
import pytest

import neuromem as nm
from neuromem.engine import realise_connections


def random_network():
    net = nm.Network(dt=0.1)
    noise = net.add(nm.Population(50, nm.SpikeSourcePoisson(rate=40.0), label="noise"))
    cells = net.add(nm.Population(100, nm.IF_cond_exp(tau_refrac=2.0), label="cells",
                                  initial_values={"v": nm.RandomDistribution("uniform", low=-65.0,
                                                                             high=-55.0)}))
    net.add(nm.Projection(noise, cells, nm.FixedProbabilityConnector(0.2),
                          nm.StaticSynapse(weight=nm.RandomDistribution("uniform", low=0.005,
                                                                        high=0.02),
                                           delay=nm.RandomDistribution("uniform", low=0.5, high=0.5))))
    net.add(nm.Projection(cells, cells, nm.FixedNumberPreConnector(10, allow_self_connections=False),
                          nm.StaticSynapse(weight=0.01, delay=1.5), receptor_type="inhibitory"))
    cells.record(["spikes", "v"])
    noise.record("spikes")
    return net


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f["populations"].visititems(
            lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def test_same_seed_gives_bit_identical_results_files(tmp_path):
    for name in ("a.h5", "b.h5"):
        random_network().run(200.0, seed=11).save(tmp_path / name)
    a, b = datasets(tmp_path / "a.h5"), datasets(tmp_path / "b.h5")
    assert a.keys() == b.keys() and len(a) >= 5
    for key in a:
        assert np.array_equal(a[key], b[key]), key
        assert a[key].tobytes() == b[key].tobytes(), key


def test_different_seed_gives_different_spikes():
    first = random_network().run(200.0, seed=11)["cells"]
    second = random_network().run(200.0, seed=12)["cells"]
    assert first.n_spikes > 0 and second.n_spikes > 0
    assert not (first.n_spikes == second.n_spikes
                and np.array_equal(first.spike_times, second.spike_times))


def test_poisson_sources_fire_at_their_rate():
    net = nm.Network(dt=0.1)
    src = net.add(nm.Population(2000, nm.SpikeSourcePoisson(rate=20.0, start=100.0, duration=500.0),
                                label="src"))
    src.record("spikes")
    data = net.run(1000.0, seed=5)["src"]
    assert data.spike_times.min() > 100.0 and data.spike_times.max() <= 600.0 + 1e-9
    expected = 2000 * 20.0 * 0.5  # spikes
    # Poisson count: sd = sqrt(20000) ≈ 141; 5 sd bound keeps the test deterministic-safe.
    assert abs(data.n_spikes - expected) < 5 * np.sqrt(expected)


def test_connectors_build_what_they_promise():
    net = nm.Network(dt=0.1)
    a = net.add(nm.Population(30, nm.IF_curr_exp(), label="a"))
    b = net.add(nm.Population(20, nm.IF_curr_exp(), label="b"))
    projections = [
        nm.Projection(a, b, nm.FixedNumberPreConnector(7)),
        nm.Projection(a, b, nm.FixedNumberPostConnector(4)),
        nm.Projection(a, a, nm.AllToAllConnector(allow_self_connections=False)),
        nm.Projection(a[:20], b, nm.OneToOneConnector()),
        nm.Projection(a, b, nm.FromListConnector([(0, 1, 0.5, 2.0), (3, 4, 0.25, 1.0)])),
        nm.Projection(a[10:], b[5:], nm.AllToAllConnector()),
    ]
    for p in projections:
        net.add(p)
    pre_post = realise_connections(net, seed=3)
    assert np.all(np.bincount(pre_post[0].post, minlength=20) == 7)
    assert np.all(np.bincount(pre_post[1].pre, minlength=30) == 4)
    assert pre_post[2].pre.size == 30 * 29 and not np.any(pre_post[2].pre == pre_post[2].post)
    assert np.array_equal(pre_post[3].pre, np.arange(20)) and np.array_equal(pre_post[3].post, np.arange(20))
    assert pre_post[4].weight.tolist() == [0.5, 0.25] and pre_post[4].delay.tolist() == [2.0, 1.0]
    assert pre_post[5].pre.min() == 10 and pre_post[5].post.min() == 5 and pre_post[5].pre.size == 20 * 15


def test_fixed_probability_connects_at_its_probability():
    net = nm.Network(dt=0.1)
    a = net.add(nm.Population(400, nm.IF_curr_exp(), label="a"))
    net.add(nm.Projection(a, a, nm.FixedProbabilityConnector(0.1, allow_self_connections=False)))
    conn = realise_connections(net, seed=9)[0]
    pairs = 400 * 399
    # binomial sd = sqrt(n p (1-p)) ≈ 120; 5 sd bound.
    assert abs(conn.pre.size - 0.1 * pairs) < 5 * np.sqrt(pairs * 0.1 * 0.9)
    assert not np.any(conn.pre == conn.post)


def test_views_record_and_receive_only_their_cells():
    net = nm.Network(dt=0.1)
    drive = net.add(nm.Population(1, nm.SpikeSourceArray([5.0, 10.0, 15.0]), label="drive"))
    cells = net.add(nm.Population(10, nm.IF_curr_delta(), label="cells"))
    net.add(nm.Projection(drive, cells[[2, 7]], nm.AllToAllConnector(), nm.StaticSynapse(20.0, 1.0)))
    cells[5:].record(["spikes", "v"])
    res = net.run(30.0, seed=1)["cells"]
    assert set(res.spike_ids.tolist()) == {7}
    assert res.traces["v"].ids.tolist() == [5, 6, 7, 8, 9]
    # a delta jump arriving at t = 5 + 1 ms crosses threshold at once: spike at 6 ms
    assert res.spike_times.tolist() == pytest.approx([6.0, 11.0, 16.0])


@pytest.mark.parametrize("build, message", [
    (lambda net, a, b: net.add(nm.Projection(a, b, nm.AllToAllConnector(),
                                             nm.StaticSynapse(0.1, delay=0.25))),
     "not a whole multiple"),
    (lambda net, a, b: net.add(nm.Projection(a, b, nm.AllToAllConnector(),
                                             nm.StaticSynapse(-0.1, delay=1.0))),
     "negative weight"),
    (lambda net, a, b: net.add(nm.Population(1, nm.SpikeSourceArray([0.0]), label="early")),
     "earlier than one time step"),
])
def test_bad_networks_are_refused_with_a_clear_message(build, message):
    net = nm.Network(dt=0.1)
    a = net.add(nm.Population(2, nm.IF_cond_exp(), label="a"))
    b = net.add(nm.Population(2, nm.IF_cond_exp(), label="b"))
    build(net, a, b)
    with pytest.raises(nm.ModelError, match=message):
        net.run(10.0)


def test_current_based_inhibition_accepts_either_sign():
    def spikes(weight):
        net = nm.Network(dt=0.1)
        src = net.add(nm.Population(1, nm.SpikeSourceArray(np.arange(1.0, 100.0, 2.0)), label="s"))
        cell = net.add(nm.Population(1, nm.IF_curr_exp(i_offset=1.0), label="c"))
        net.add(nm.Projection(src, cell, nm.OneToOneConnector(), nm.StaticSynapse(weight, 1.0),
                              receptor_type="inhibitory"))
        cell.record("spikes")
        return net.run(100.0, seed=1)["c"].n_spikes
    assert spikes(-0.5) == spikes(0.5) < spikes(0.0)


def test_progress_bar_can_be_forced(capsys):
    net = random_network()
    net.run(100.0, seed=1, progress=True)
    assert "neuromem engine" in capsys.readouterr().err
