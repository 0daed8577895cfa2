"""NEST's precise-timing models through the PyNN back end (profile ``nest_precise``)."""
import numpy as np
import pytest

import neuromem as nm
from neuromem.backends import get_backend
from neuromem.backends.export import export_script, run_exported
from neuromem.backends.fitcheck import check_fit, load_profile
from neuromem.errors import ModelError
from neuromem.results import Results

# The CA3 model's fast cells (tau_m 0.5 ms, cm 0.14 nF, tau_syn 0.3 ms), whose logic
# needs a hop of delay d to take exactly d ticks (SpiNNaker's update order).
FAST = {"cm": 0.14, "tau_m": 0.5, "tau_syn_E": 0.3, "tau_syn_I": 0.3, "v_rest": -60.0,
        "v_reset": -60.0, "v_thresh": -57.0, "tau_refrac": 1.0}
INPUT_TIMES = [1.0, 4.0, 9.0, 15.0]


def chain() -> nm.Network:
    """source -> a (delay 1 ms) -> b (delay 2 ms), dt = 1 ms, 6 nA synapses."""
    net = nm.Network(dt=1.0, scheme="spinnaker", label="hop chain")
    src = net.add(nm.Population(1, nm.SpikeSourceArray(INPUT_TIMES), label="src"))
    a = net.add(nm.Population(1, nm.IF_curr_exp(**FAST), label="a"))
    b = net.add(nm.Population(1, nm.IF_curr_exp(**FAST), label="b"))
    net.add(nm.Projection(src, a, nm.OneToOneConnector(), nm.StaticSynapse(weight=6.0, delay=1.0)))
    net.add(nm.Projection(a, b, nm.OneToOneConnector(), nm.StaticSynapse(weight=6.0, delay=2.0)))
    for pop in net.populations:
        pop.record("spikes")
    return net


@pytest.fixture(scope="module")
def runs():
    return {b: chain().run(25.0, seed=1, backend=b) for b in ("engine", "nest:nest_precise", "nest")}


def test_precise_nest_gives_the_engine_hop_latencies(runs):
    engine, precise = runs["engine"], runs["nest:nest_precise"]
    # engine (SpiNNaker scheme): each hop of delay d takes d ticks
    assert engine["a"].spike_times.tolist() == [t + 1.0 for t in INPUT_TIMES]
    assert engine["b"].spike_times.tolist() == [t + 3.0 for t in INPUT_TIMES]
    for label in ("src", "a", "b"):
        np.testing.assert_array_equal(precise[label].spike_times, engine[label].spike_times)
    assert precise.backend == "nest" and precise.provenance["profile"] == "nest_precise"
    assert precise.provenance["simulator_options"]["spike_precision"] == "off_grid"


def test_grid_nest_adds_a_tick_per_hop(runs):
    # the default profile stays grid-constrained: an input acts from the next step on
    grid, engine = runs["nest"], runs["engine"]
    assert grid.provenance["simulator_options"]["spike_precision"] == "on_grid"
    np.testing.assert_array_equal(grid["a"].spike_times, engine["a"].spike_times + 1.0)
    np.testing.assert_array_equal(grid["b"].spike_times, engine["b"].spike_times + 2.0)


def test_exported_precise_script_matches_live_run(tmp_path, runs):
    script = export_script(chain(), "pynn-nest", tmp_path, seed=1, duration=25.0,
                           profile=load_profile("nest_precise"))
    assert "spike_precision='off_grid'" in script.read_text()
    done = run_exported(script, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    saved = Results.load(tmp_path / "results.h5")
    for label in ("src", "a", "b"):
        np.testing.assert_array_equal(saved[label].spike_times, runs["nest:nest_precise"][label].spike_times)


def test_profile_fields_and_refusals(tmp_path):
    profile = load_profile("nest_precise")               # extends nest.yaml
    assert profile.target == "nest" and profile.get("spike_precision") == "off_grid"
    assert profile.get("threads") == 1 and "IF_cond_exp" in profile.get("cells")
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: nest\nname: bad\nspike_precision: sometimes\n")
    with pytest.raises(ModelError, match="spike_precision 'sometimes'"):
        load_profile(bad)
    with pytest.raises(ModelError, match="is for spinnaker"):
        get_backend("nest:spinn5")
    net = nm.Network(dt=0.1)
    net.add(nm.Population(2, nm.IF_cond_exp(), label="cond"))
    report = check_fit(net, profile)
    assert report.ok and "'cond'" in report.warnings[0] and "grid-constrained" in report.warnings[0]
