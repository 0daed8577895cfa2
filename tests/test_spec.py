"""Declarative models: the shipped files load as written, every feature of the schema
reaches the Network, and invalid fields raise ModelError naming path, value and fix.
(The bad-input classes of the CLI, with their "no output file" check, are in test_cli.py.)"""
import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

from neuromem.errors import ModelError
from neuromem.spec import build_network, load_model
from neuromem.synapses import (AdditiveWeightDependence, MultiplicativeWeightDependence,
                               STDPMechanism)

MODELS = Path(__file__).resolve().parents[1] / "models"

FEATURES = {
    "neuromem": 1, "name": "features", "duration": 30.0, "dt": 0.5, "seed": 5,
    "populations": {
        "stim": {"size": 2, "cell": "SpikeSourceArray",
                 "parameters": {"spike_times": [[1.0, 5.0], [2.0]]}, "record": "spikes"},
        "cells": {"size": 10, "cell": "IF_curr_exp",
                  "parameters": {"tau_m": [10.0 + i for i in range(10)], "tau_refrac": 2.0},
                  "initial_values": {"v": [-70.0 + i for i in range(10)]},
                  "record": [{"variables": ["spikes", "v"], "cells": [1, 4], "sampling_interval": 1.0},
                             {"variables": ["isyn_exc"], "cells": "0:10:5"}],
                  "current_sources": [
                      {"type": "DCSource", "amplitude": 0.5, "start": 10.0, "stop": 20.0, "cells": "0:5"},
                      {"type": "StepCurrentSource", "times": [0.0, 15.0], "amplitudes": [0.1, 0.0]}]},
    },
    "projections": {
        "stim_cells": {"pre": "stim", "post": "cells[2:4]", "connector": {"type": "OneToOneConnector"},
                       "synapse": {"type": "StaticSynapse",
                                   "weight": {"distribution": "uniform", "low": 0.5, "high": 0.7},
                                   "delay": [0.5, 1.5]}},
        "listed": {"pre": {"population": "cells", "cells": [0, 1]}, "post": "cells",
                   "connector": {"type": "FromListConnector",
                                 "conn_list": [[0, 5, 0.1, 1.5], [1, 6, 0.2, 2.0]]},
                   "synapse": {"type": "StaticSynapse", "weight": 0.0}, "receptor_type": "inhibitory"},
        "plastic": {"pre": "cells", "post": "cells",
                    "connector": {"type": "FixedNumberPreConnector", "n": 3,
                                  "allow_self_connections": False},
                    "synapse": {"type": "STDPMechanism", "weight": 0.1, "delay": 1.0,
                                "timing_dependence": {"type": "SpikePairRule", "tau_plus": 15.0,
                                                      "A_plus": 0.02},
                                "weight_dependence": {"type": "MultiplicativeWeightDependence",
                                                      "w_max": 0.5}}},
    },
}


def test_coba_file_loads_as_described():
    net, settings = load_model(MODELS / "coba.yaml")
    assert (settings.name, settings.duration, settings.seed, settings.dt) == ("coba", 1000.0, 42, 0.1)
    exc, inh = net.populations
    assert (exc.label, exc.size, inh.label, inh.size) == ("exc", 3200, "inh", 800)
    assert exc.cell_type.name == "IF_cond_exp"
    assert {k: exc.cell_type.parameters[k] for k in ("cm", "tau_m", "i_offset", "e_rev_I")} == \
        {"cm": 0.2, "tau_m": 20.0, "i_offset": 0.2, "e_rev_I": -80.0}
    (cells, v0), = exc.initial_values["v"]
    assert cells.size == 3200 and v0.describe() == {"distribution": "uniform", "low": -60.0, "high": -50.0}
    assert exc.recording["spikes"].size == 3200
    by_label = {p.label: p for p in net.projections}
    assert list(by_label) == ["exc_exc", "exc_inh", "inh_exc", "inh_inh"]
    assert by_label["exc_exc"].connector.p_connect == 0.02
    assert by_label["exc_exc"].connector.allow_self_connections is False
    assert by_label["inh_exc"].receptor_type == "inhibitory"
    assert (by_label["inh_exc"].synapse_type.weight, by_label["inh_exc"].synapse_type.delay) == (0.067, 0.1)
    assert net.source_description["name"] == "coba"


def test_cuba_and_demo_files_load():
    net, settings = load_model(MODELS / "cuba.yaml")
    assert settings.name == "cuba" and net.projections[2].synapse_type.weight == -0.45
    net, settings = load_model(MODELS / "demo_small.yaml")
    plastic = net.projections[0]
    assert isinstance(plastic.synapse_type, STDPMechanism)
    assert isinstance(plastic.synapse_type.weight_dependence, AdditiveWeightDependence)
    assert plastic.synapse_type.timing_dependence.A_minus == 0.012
    exc = net.population("exc")
    assert exc.recording["spikes"].size == 80 and exc.recording["v"].tolist() == [0, 1, 2, 3]
    assert exc.sampling_interval == 0.5


def test_every_schema_feature_reaches_the_network():
    net = build_network(copy.deepcopy(FEATURES), source="features")
    assert net.dt == 0.5 and net.label == "features"
    stim, cells = net.populations
    assert [t.tolist() for t in stim.cell_type.trains(2)] == [[1.0, 5.0], [2.0]]
    assert cells.cell_type.parameter_array("tau_m", 10)[3] == 13.0
    assert cells.initial_values["v"][0][1].tolist() == [-70.0 + i for i in range(10)]
    assert {k: v.tolist() for k, v in cells.recording.items()} == \
        {"spikes": [1, 4], "v": [1, 4], "isyn_exc": [0, 5]}
    assert cells.sampling_interval == 1.0
    (dc, dc_cells), (step, step_cells) = cells.current_sources
    assert (dc.amplitude, dc.start, dc.stop, dc_cells.tolist()) == (0.5, 10.0, 20.0, [0, 1, 2, 3, 4])
    assert step.times.tolist() == [0.0, 15.0] and step_cells.size == 10
    one, listed, plastic = net.projections
    assert one.post.indices.tolist() == [2, 3] and one.synapse_type.delay.tolist() == [0.5, 1.5]
    assert one.synapse_type.weight.describe() == {"distribution": "uniform", "low": 0.5, "high": 0.7}
    assert listed.pre.indices.tolist() == [0, 1] and listed.connector.delays.tolist() == [1.5, 2.0]
    assert listed.receptor_type == "inhibitory"
    rule = plastic.synapse_type
    assert isinstance(rule.weight_dependence, MultiplicativeWeightDependence)
    assert (rule.timing_dependence.tau_plus, rule.timing_dependence.tau_minus) == (15.0, 20.0)
    assert (rule.weight_dependence.w_min, rule.weight_dependence.w_max) == (0.0, 0.5)
    assert net.source_description["name"] == "features"


def test_run_settings_come_from_the_file(tmp_path):
    path = tmp_path / "features.yaml"
    path.write_text(yaml.safe_dump(FEATURES))
    net, settings = load_model(path)
    assert (settings.name, settings.duration, settings.seed, settings.dt) == ("features", 30.0, 5, 0.5)
    assert len(net.projections) == 3


def test_built_network_runs_on_the_engine():
    net = build_network(copy.deepcopy(FEATURES))
    res = net.run(30.0, seed=5)
    assert res["stim"].spike_times.size == 3          # the three given spike times
    assert res["cells"].traces["v"].ids.tolist() == [1, 4]


def _changed(path: str, value) -> dict:
    model = copy.deepcopy(FEATURES)
    *parents, last = path.split(".")
    node = model
    for key in parents:
        node = node[key]
    node[last] = value
    return model


@pytest.mark.parametrize("model, fragments", [
    (_changed("projections.listed.connector.conn_list", [[0, 5, 0.1, 0.75]]),
     ["projections.listed.connector.conn_list[*][3]", "0.75 ms", "dt = 0.5 ms", "0.5 and 1 ms"]),
    (_changed("projections.plastic.synapse.weight_dependence", None),
     ["projections.plastic.synapse.weight_dependence", "expected a mapping", "None"]),
    (_changed("projections.plastic.synapse.timing_dependence",
              {"type": "SpikePairRule", "tau_plus": -1.0}),
     ["projections.plastic.synapse.timing_dependence", "tau_plus", "must be > 0 ms", "-1.0"]),
    (_changed("projections.plastic.connector", {"type": "FixedNumberPreConnector"}),
     ["projections.plastic.connector.n", "missing required key"]),
    (_changed("projections.plastic.connector.allow_self_connections", "no"),
     ["projections.plastic.connector.allow_self_connections", "expected true or false", "'no'"]),
    (_changed("populations.cells.initial_values", {"v": {"distribution": "gauss", "mu": 0.0}}),
     ["populations.cells.initial_values.v", "'gauss'", "uniform"]),
    (_changed("populations.cells.initial_values", {"w": -65.0}),
     ["populations.cells.initial_values.w", "no state variable 'w'", "valid are"]),
    (_changed("populations.cells.record", {"variables": ["v"], "cells": "0:50"}),
     ["populations.cells.record.cells", "'0:50'", "does not fit a population of 10 cells"]),
    (_changed("populations.cells.record", {"variables": ["v"], "cells": [3, 11]}),
     ["populations.cells.record.cells", "cell index 11 out of range", "0..9"]),
    (_changed("populations.cells.record", {"cells": [3]}),
     ["populations.cells.record.variables", "missing required key"]),
    (_changed("populations.stim.parameters", {"spike_times": [[1.0], [2.0], [3.0]]}),
     ["populations.stim", "3 trains given for 2 cells"]),
    (_changed("populations.cells.parameters", {"tau_m": "fast"}),
     ["populations.cells.parameters.tau_m", "'fast'", "number"]),
    (_changed("populations.cells.parameters", {"tau_m": [10.0, 20.0]}),
     ["populations.cells", "tau_m", "length 10"]),
    (_changed("populations.cells.current_sources", [{"type": "ACSource", "amplitude": 1.0}]),
     ["populations.cells.current_sources[0].type", "'ACSource'", "DCSource", "StepCurrentSource"]),
    (_changed("populations.cells.current_sources", [{"type": "DCSource", "start": 5.0, "stop": 1.0}]),
     ["populations.cells.current_sources[0]", "start <= stop"]),
    (_changed("populations.cells.size", True), ["populations.cells.size", "True", "positive integer"]),
    (_changed("projections.stim_cells.synapse", {"type": "TsodyksMarkram", "weight": 1.0}),
     ["projections.stim_cells.synapse.type", "'TsodyksMarkram'", "StaticSynapse", "STDPMechanism"]),
    (_changed("projections.stim_cells.synapse", {"type": "StaticSynapse"}),
     ["projections.stim_cells.synapse.weight", "missing required key"]),
    (_changed("projections.stim_cells.post", "cells[2:x]"),
     ["projections.stim_cells.post", "'2:x'", "not a cell range"]),
    (_changed("projections.stim_cells.synapse.delay", [0.5, 1.2]),
     ["projections.stim_cells.synapse.delay[1]", "1.2 ms", "1 and 1.5 ms"]),
    (_changed("populations", {}), ["populations", "define at least one"]),
    (_changed("populations", {"a/b": {"size": 1, "cell": "IF_curr_exp"}}),
     ["populations.a/b", "without '/'"]),
    (_changed("dt", 0), ["dt", "must be > 0", "0"]),
    (_changed("name", 7), ["name", "expected text", "7"]),
    ([1, 2], ["must be a YAML mapping", "neuromem"]),
], ids=lambda value: None)
def test_invalid_fields_name_path_value_and_fix(model, fragments):
    with pytest.raises(ModelError) as info:
        build_network(model, source="features.yaml")
    message = str(info.value)
    assert message.startswith("features.yaml: ")
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_file_errors_name_the_file_and_line(tmp_path):
    with pytest.raises(ModelError, match="nothing.yaml: model file not found"):
        load_model(tmp_path / "nothing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("neuromem: 1\nduration: 10\npopulations:\n  a: {size: 1\n")
    with pytest.raises(ModelError, match=r"bad.yaml: YAML syntax error at line 5"):
        load_model(bad)
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("neuromem: 1\nduration: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(ModelError, match=r"tagged.yaml: unsupported YAML tag .* at line 2"):
        load_model(tagged)


def test_name_defaults_to_file_name(tmp_path):
    path = tmp_path / "little.yaml"
    path.write_text("neuromem: 1\nduration: 10\npopulations:\n  a: {size: 1, cell: IF_curr_exp}\n")
    net, settings = load_model(path)
    assert settings.name == "little" and settings.seed == 0 and settings.dt == 0.1
    assert np.isclose(net.dt, 0.1)
