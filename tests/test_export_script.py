"""Exported PyNN scripts: really executed for NEST, Brian2 and the sPyNNaker virtual board."""
import json
import os

import numpy as np
import pytest

import neuromem as nm
from neuromem.backends.export import export_script, run_exported
from neuromem.backends.spinnaker import CONFIG_NAME
from neuromem.errors import UnsupportedFeatureError
from neuromem.results import Results
from neuromem.spec import load_model


def small_network() -> nm.Network:
    net = nm.Network(dt=0.1, label="export check")
    src = net.add(nm.Population(2, nm.SpikeSourceArray([[0.5, 5.0, 5.5, 6.0, 6.5, 20.0], [3.0, 8.0]]),
                                label="input"))
    cells = net.add(nm.Population(3, nm.IF_curr_exp(), label="cells"))
    net.add(nm.Projection(src, cells[[0, 2]], nm.AllToAllConnector(),
                          nm.StaticSynapse(weight=2.0, delay=1.0), label="drive"))
    nm.DCSource(amplitude=0.8, start=10.0, stop=30.0).inject_into(cells[1])
    cells.initialize(v=nm.RandomDistribution("uniform", low=-65.0, high=-60.0))
    cells.record(["spikes", "v"])
    return net


@pytest.mark.parametrize("target,backend", [("pynn-nest", "nest"), ("pynn-brian2", "brian2")])
def test_exported_script_runs_and_matches_live_backend(tmp_path, target, backend):
    script = export_script(small_network(), target, tmp_path, seed=3, duration=50.0)
    done = run_exported(script, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    saved = Results.load(tmp_path / "results.h5")          # what `neuromem plot` reads
    live = small_network().run(50.0, seed=3, backend=backend)
    assert saved.backend == backend
    assert saved["cells"].n_spikes > 0
    np.testing.assert_array_equal(saved["cells"].spike_times, live["cells"].spike_times)
    np.testing.assert_allclose(saved["cells"].traces["v"].values, live["cells"].traces["v"].values)
    assert "sim.Population(3, sim.IF_curr_exp(" in script.read_text()


def test_spinnaker_export_of_coba_maps_on_virtual_board(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    network, settings = load_model("models/coba.yaml")
    script = export_script(network, "spinnaker", tmp_path / "coba", seed=settings.seed, duration=100.0)
    env = dict(os.environ, HOME=str(home))
    done = run_exported(script, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (home / CONFIG_NAME).read_text().count("virtual_board = True") == 1
    mapping = json.loads((tmp_path / "coba" / "mapping.json").read_text())
    # 3200 + 800 cells at <= 256 neurons per core: at least 13 + 4 neuron cores
    assert mapping["application_cores"] >= 17
    assert mapping["sdram_bytes"] > 0
    saved = Results.load(tmp_path / "coba" / "results.h5")
    assert saved.provenance["mapping"]["application_cores"] == mapping["application_cores"]
    assert saved.total_spikes == 0      # a virtual board returns no spike data


def test_existing_spinnaker_config_is_never_overwritten(tmp_path):
    from neuromem.backends.fitcheck import load_profile
    from neuromem.backends.spinnaker import ensure_config

    mine = "[Machine]\nspalloc_server = my.server\n"
    (tmp_path / CONFIG_NAME).write_text(mine)
    path, created = ensure_config(load_profile("spinn3"), home=tmp_path)
    assert not created and path.read_text() == mine


def test_adex_network_refused_for_spinnaker_naming_population(tmp_path):
    net = nm.Network(dt=1.0)
    net.add(nm.Population(10, nm.EIF_cond_exp_isfa_ista(), label="adaptive"))
    with pytest.raises(UnsupportedFeatureError, match="'adaptive'.*EIF_cond_exp_isfa_ista"):
        export_script(net, "spinnaker", tmp_path, seed=1, duration=10.0)
    assert not (tmp_path / "run.py").exists()
