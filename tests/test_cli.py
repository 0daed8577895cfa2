"""The ``neuromem`` command line: bad input gives one line on stderr, exit code 2 and no
output file; good input runs, saves, plots, reloads and describes a tiny model."""
import copy
from pathlib import Path

import h5py
import numpy as np
import pytest
import yaml

from neuromem.cli import main
from neuromem.results import Results

REPO = Path(__file__).resolve().parents[1]
DELETE = object()

# A tiny valid model (25 cells, 50 ms); each bad case below changes one field of it.
TINY = {
    "neuromem": 1, "name": "tiny", "dt": 0.1, "duration": 50.0, "seed": 1,
    "populations": {
        "exc": {"size": 20, "cell": "IF_cond_exp",
                "parameters": {"cm": 0.2, "v_rest": -60.0, "v_thresh": -50.0, "i_offset": 0.25},
                "initial_values": {"v": {"distribution": "uniform", "low": -60.0, "high": -50.0}},
                "record": ["spikes", {"variables": ["v"], "cells": "0:2"}]},
        "inh": {"size": 5, "cell": "IF_cond_exp", "record": ["spikes"]},
    },
    "projections": {
        "ee": {"pre": "exc", "post": "inh",
               "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.5},
               "synapse": {"type": "StaticSynapse", "weight": 0.01, "delay": 0.2},
               "receptor_type": "excitatory"},
    },
}


def _changed(path: str, value) -> dict:
    model = copy.deepcopy(TINY)
    *parents, last = path.split(".")
    node = model
    for key in parents:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return model


# (case id, model mapping or raw YAML text or None for "no file", fragments of the message)
BAD_MODELS = [
    ("unknown cell type", _changed("populations.exc.cell", "IF_cond_exq"),
     ["populations.exc.cell", "'IF_cond_exq'", "valid cell types are", "IF_cond_exp", "Izhikevich"]),
    ("negative size", _changed("populations.exc.size", -5),
     ["populations.exc.size", "-5", "positive integer"]),
    ("zero size", _changed("populations.exc.size", 0), ["populations.exc.size", "0", "positive integer"]),
    ("non-integer size", _changed("populations.exc.size", 2.5),
     ["populations.exc.size", "2.5", "expected a positive integer"]),
    ("missing population in projection", _changed("projections.ee.pre", "exz"),
     ["projections.ee.pre", "'exz'", "existing populations are ['exc', 'inh']"]),
    ("missing population in a slice", _changed("projections.ee.post", "inj[0:2]"),
     ["projections.ee.post", "'inj'", "existing populations are ['exc', 'inh']"]),
    ("delay not a multiple of dt", _changed("projections.ee.synapse.delay", 0.25),
     ["projections.ee.synapse.delay", "0.25 ms", "dt = 0.1 ms", "0.2 and 0.3 ms"]),
    ("delay below one step", _changed("projections.ee.synapse.delay", 0.0),
     ["projections.ee.synapse.delay", "0 ms", "smallest valid delay is dt = 0.1 ms"]),
    ("weight of wrong type", _changed("projections.ee.synapse.weight", "heavy"),
     ["projections.ee.synapse.weight", "'heavy'", "expected a finite number"]),
    ("connector argument of wrong type", _changed("projections.ee.connector.p_connect", "half"),
     ["projections.ee.connector.p_connect", "'half'", "expected a finite number"]),
    ("population of wrong type", _changed("populations.inh", [5, "IF_cond_exp"]),
     ["populations.inh", "[5, 'IF_cond_exp']", "expected a mapping", "'size'"]),
    ("connector argument out of range", _changed("projections.ee.connector.p_connect", 1.5),
     ["projections.ee.connector", "1.5", "[0, 1]"]),
    ("unknown key", _changed("populations.exc.sise", 20),
     ["populations.exc.sise", "unknown key", "'size'", "'cell'"]),
    ("unknown parameter", _changed("populations.exc.parameters.tau_mm", 20.0),
     ["populations.exc.parameters.tau_mm", "'tau_mm'", "valid parameters are", "'tau_m'"]),
    ("unknown connector", _changed("projections.ee.connector.type", "RandomConnector"),
     ["projections.ee.connector.type", "'RandomConnector'", "FixedProbabilityConnector",
      "OneToOneConnector"]),
    ("unrecordable variable", _changed("populations.inh.record", ["spikes", "gsyn"]),
     ["populations.inh.record[1]", "'gsyn'", "recordable are", "gsyn_exc"]),
    ("bad receptor type", _changed("projections.ee.receptor_type", "excitory"),
     ["projections.ee.receptor_type", "'excitory'", "'excitatory', 'inhibitory'"]),
    ("missing required key", _changed("populations.exc.cell", DELETE),
     ["populations.exc.cell", "missing required key", "'size', 'cell'"]),
    ("missing duration", _changed("duration", DELETE), ["duration", "missing required key"]),
    ("negative seed", _changed("seed", -1), ["seed", "-1", "integer >= 0"]),
    ("other format version", _changed("neuromem", 2),
     ["neuromem", "model format version 2 is not supported", "model format version 1"]),
    ("no format version", _changed("neuromem", DELETE), ["neuromem", "neuromem: 1"]),
    ("YAML syntax error", "neuromem: 1\npopulations:\n  exc: {size: 3, cell: [IF_cond_exp}\n",
     ["YAML syntax error at line 3", "model.yaml"]),
    ("file not found", None, ["model.yaml", "model file not found"]),
]


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("neuromem: error: ")
    return lines[0]


@pytest.fixture
def out_dir(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _write_model(tmp_path: Path, model) -> Path:
    path = tmp_path / "model.yaml"
    if isinstance(model, str):
        path.write_text(model)
    elif model is not None:
        path.write_text(yaml.safe_dump(model, sort_keys=False))
    return path


@pytest.mark.parametrize("model, fragments", [c[1:] for c in BAD_MODELS], ids=[c[0] for c in BAD_MODELS])
def test_bad_model_exits_2_with_one_line_and_writes_nothing(tmp_path, out_dir, capsys, model,
                                                            fragments):
    path = _write_model(tmp_path, model)
    code = main(["run", str(path), "--out", str(out_dir / "r.h5"), "--plot", str(out_dir / "f.png")])
    line = _one_error_line(capsys)
    assert code == 2
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("extra, fragments", [
    (["--backend", "nosuch"], ["unknown back end 'nosuch'", "engine"]),
    (["--duration", "-5"], ["--duration", "must be a finite number > 0"]),
    (["--seed", "x"], ["--seed", "non-negative integer"]),
    (["--plot", "{out}/fig.xyz"], ["--plot", "unsupported file extension '.xyz'", ".png"]),
    (["--out", "{out}/missing/r.h5"], ["--out", "does not exist"]),
], ids=["unknown backend", "negative duration", "bad seed", "bad figure type", "missing folder"])
def test_bad_run_options_exit_2_and_write_nothing(tmp_path, out_dir, capsys, extra, fragments):
    _expect_run_error(tmp_path, out_dir, capsys, TINY, extra, fragments)


def test_drawn_delays_off_the_time_grid_exit_2_and_write_nothing(tmp_path, out_dir, capsys):
    # A drawn delay can only be checked once drawn: the engine refuses it before simulating.
    model = _changed("projections.ee.synapse.delay", {"distribution": "uniform", "low": 0.1, "high": 2.0})
    _expect_run_error(tmp_path, out_dir, capsys, model, [],
                      ["projections.ee.delay", "not a whole multiple", "dt = 0.1 ms"])


def _expect_run_error(tmp_path, out_dir, capsys, model_mapping, extra, fragments):
    model = _write_model(tmp_path, model_mapping)
    args = ["run", str(model), "--out", str(out_dir / "r.h5")]
    code = main(args + [a.format(out=out_dir) for a in extra])
    line = _one_error_line(capsys)
    assert code == 2
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert list(out_dir.iterdir()) == []


def _bad_results_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.h5"
    if kind == "text":
        path.write_text("not hdf5")
    elif kind == "foreign":
        with h5py.File(path, "w") as h5:
            h5["x"] = np.arange(3)
    elif kind == "future":
        with h5py.File(path, "w") as h5:
            h5.attrs["format"] = "neuromem-results"
            h5.attrs["schema_version"] = 7
    return path


@pytest.mark.parametrize("command", ["info", "plot"])
@pytest.mark.parametrize("kind, fragment", [
    ("missing", "not found"), ("text", "not an HDF5 file"), ("foreign", "not a neuromem results file"),
    ("future", "schema version 7 found"),
])
def test_bad_results_file_exits_2(tmp_path, out_dir, capsys, command, kind, fragment):
    path = _bad_results_file(tmp_path, kind)
    args = [command, str(path)] + (["-o", str(out_dir / "f.png")] if command == "plot" else [])
    code = main(args)
    line = _one_error_line(capsys)
    assert code == 2 and fragment in line and str(path) in line, line
    assert list(out_dir.iterdir()) == []


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "run" in capsys.readouterr().out


def test_run_save_plot_reload_and_info(tmp_path, out_dir, capsys):
    model = _write_model(tmp_path, TINY)
    h5, png = out_dir / "r.h5", out_dir / "f.png"
    assert main(["run", str(model), "--out", str(h5), "--plot", str(png)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("tiny: backend engine, dt 0.1 ms, duration 50.0 ms, seed 1")
    assert out[1].split()[:3] == ["exc", "20", "cells"] and out[2].split()[:3] == ["inh", "5", "cells"]
    assert out[-2:] == [f"wrote {h5}", f"wrote {png}"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["f.png", "r.h5"]  # no temporaries left

    res = Results.load(h5)
    assert (res.seed, res.duration, res.backend) == (1, 50.0, "engine")
    # i_offset 0.25 nA on g_L = 10 nS holds exc at v_rest + 25 mV, above threshold: all fire.
    assert res["exc"].n_spikes > 0 and np.all(res["exc"].spike_counts() > 0)
    assert int(out[1].split()[3]) == res["exc"].n_spikes
    v = res["exc"].traces["v"]                               # sampled every 0.1 ms step, 2 cells
    np.testing.assert_allclose(np.diff(v.times), 0.1, rtol=1e-9)
    assert v.values.shape == (v.times.size, 2) and v.times.size >= 500
    assert res.model["source"]["name"] == "tiny"             # the YAML mapping is in provenance

    png2 = out_dir / "again.png"
    assert main(["plot", str(h5), "-o", str(png2)]) == 0
    assert png2.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    capsys.readouterr()
    assert main(["info", str(h5)]) == 0
    info = capsys.readouterr().out
    assert "neuromem-results schema 1" in info
    assert "model       tiny: 2 populations, 1 projections" in info
    assert "seed 1" in info and f"trace v (mV): 2 cells x {v.times.size} samples" in info
    assert f"numpy {np.__version__}" in info


def test_demo_model_same_seed_same_datasets_other_seed_other_spikes(out_dir, capsys):
    demo = str(REPO / "models" / "demo_small.yaml")
    runs = {}
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        path = out_dir / f"{name}.h5"
        assert main(["run", demo, "--duration", "50", "--seed", seed, "--out", str(path)]) == 0
        with h5py.File(path, "r") as h5:
            runs[name] = {n: h5[f"populations/{n}/spikes/times"][()] for n in ("input", "exc", "inh")}
            runs[name]["w"] = h5["weights/input_exc/weight"][()]
    for key in runs["a"]:
        assert runs["a"][key].tobytes() == runs["b"][key].tobytes()
    assert not np.array_equal(runs["a"]["exc"], runs["c"]["exc"])
    assert "demo_small: backend engine, dt 0.1 ms, duration 50.0 ms, seed 3" in capsys.readouterr().out
