"""sPyNNaker's synaptic-row limits in the fit check, neurons per core, empty spike arrays."""
import json
import os

import numpy as np
import pytest

import neuromem as nm
from neuromem.backends.export import export_script, parse_neurons_per_core, run_exported
from neuromem.backends.fitcheck import check_fit, load_profile
from neuromem.backends.spinnaker_rows import fitting_neurons_per_core, longest_row
from neuromem.engine.build import realise_connections
from neuromem.errors import ModelError


def plastic_fan_out(n_post: int = 256, empty_input: bool = False) -> nm.Network:
    """2 sources -> n_post cells, all to all, pair STDP (one plastic row per source and core)."""
    net = nm.Network(dt=1.0, label="fan out")
    trains = [[], []] if empty_input else [[2.0], [5.0]]
    src = net.add(nm.Population(2, nm.SpikeSourceArray(trains), label="src"))
    post = net.add(nm.Population(n_post, nm.IF_curr_exp(), label="post"))
    stdp = nm.STDPMechanism(nm.SpikePairRule(tau_plus=3.0, tau_minus=3.0, A_plus=1.0, A_minus=1.0),
                            nm.AdditiveWeightDependence(w_min=0.0, w_max=6.0), weight=1.0, delay=1.0,
                            dendritic_delay_fraction=1.0)
    net.add(nm.Projection(src, post, nm.AllToAllConnector(), stdp, label="learn"))
    net.add(nm.Projection(src, post, nm.AllToAllConnector(), nm.StaticSynapse(weight=1.0, delay=1.0),
                          label="drive"))
    return net


def test_fit_check_knows_the_row_limits():
    spinn5 = load_profile("spinn5")
    # 256 cells on one core: plastic rows of 256 > 254 (refused); static rows of 256 <= 256
    report = check_fit(plastic_fan_out(), spinn5, seed=1)
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert "'learn'" in problem and "256 synapses" in problem and "254" in problem
    assert "neurons_per_core={'post': 254}" in problem
    fixed = check_fit(plastic_fan_out(), spinn5, seed=1, neurons_per_core={"post": 128})
    assert fixed.ok and fixed.estimate["min_cores"] == 3          # src 1 + post 2
    net = plastic_fan_out()
    caps = fitting_neurons_per_core(net, realise_connections(net, 1), spinn5, {"src": 256, "post": 256})
    assert caps == {"src": 256, "post": 254}


def test_longest_row_counts_per_pre_cell_and_post_core():
    pre, post = np.array([0, 0, 0, 1, 1]), np.array([0, 1, 5, 5, 5])
    assert longest_row(pre, post, 256) == 3      # pre 0 reaches posts 0, 1, 5 on one core
    assert longest_row(pre, post, 2) == 2        # cores {0, 1}, {4, 5}: pre 0 -> 2, pre 1 -> 2
    assert longest_row(pre, post, 1) == 2        # pre 1's two synapses onto post 5 share a row
    assert longest_row(np.zeros(0), np.zeros(0), 256) == 0


def test_neurons_per_core_refusals():
    spinn5 = load_profile("spinn5")
    with pytest.raises(ModelError, match=r"\['nope'\] name no population"):
        check_fit(plastic_fan_out(), spinn5, neurons_per_core={"nope": 10})
    with pytest.raises(ModelError, match="from 1 to 256"):
        check_fit(plastic_fan_out(), spinn5, neurons_per_core={"IF_curr_exp": 300})
    assert parse_neurons_per_core(["post=128", "IF_curr_exp=200"]) == {"post": 128, "IF_curr_exp": 200}
    with pytest.raises(ModelError, match="NAME=N"):
        parse_neurons_per_core(["post:128"])


def test_export_sets_neurons_per_core_and_survives_empty_spike_arrays(tmp_path):
    # sPyNNaker 7.4 crashes (IndexError) on a list of empty trains; the export writes one
    # shared empty list. The cap of 128 puts the 256 post cells on 2 cores.
    home = tmp_path / "home"
    home.mkdir()
    net = plastic_fan_out(empty_input=True)
    script = export_script(net, "spinnaker", tmp_path / "fan", seed=1, duration=10.0,
                           neurons_per_core={"post": 128})
    text = script.read_text()
    assert "spike_times=[]" in text and ".set_max_atoms_per_core(128)" in text
    done = run_exported(script, timeout=300, env=dict(os.environ, HOME=str(home)))
    assert done.returncode == 0, done.stderr[-2000:]
    mapping = json.loads((tmp_path / "fan" / "mapping.json").read_text())
    assert mapping["cores_per_population"]["post"] == 2
