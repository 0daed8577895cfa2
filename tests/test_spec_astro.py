"""The astrocytes: section of model files builds the same hooks as the Python API."""
import numpy as np
import pytest
import yaml

from neuromem.astro.amsu_engine import AMSUModulator
from neuromem.astro.layer import AstrocyteLayer
from neuromem.errors import ModelError
from neuromem.spec import build_network, load_model

MODEL = """
neuromem: 1
duration: 300.0
dt: 0.1
seed: 3
populations:
  pre: {size: 20, cell: SpikeSourcePoisson, parameters: {rate: 40.0}}
  post:
    size: 20
    cell: IF_cond_exp
    record: [spikes]
projections:
  syn:
    pre: pre
    post: post
    connector: {type: FixedProbabilityConnector, p_connect: 0.5}
    synapse: {type: TsodyksMarkramSynapse, weight: 0.001, delay: 0.1, U: 0.6, tau_rec: 500.0,
              tau_facil: 300.3}
astrocytes:
  astro:
    model: gchi
    size: 4
    projection: syn
    interval: 10.0
    side: 100.0
    parameters: {O_beta: 3.2}
    synapse_parameters: {alpha: 1.0}
    assignment: {type: block, pool_size: 1}
    gap_junctions: {max_distance: 60.0}
    sic: {weight: 1.0, scale: 0.002}
    record: [C, I]
  lr:
    model: li_rinzel
    size: 2
    projection: syn
    parameters: {delta_IP3: 0.2}
    assignment: {type: random, p: 0.5, seed: 4}
    record: [Ca, SIC]
  modulator:
    model: amsu
    population: post
    tau_a: 200.0
    K: 5.0
    kappa_sic: -0.05
    domain_size: 5
"""


def test_yaml_builds_and_runs_astrocyte_hooks(tmp_path):
    path = tmp_path / "tripartite.yaml"
    path.write_text(MODEL)
    net, settings = load_model(path)
    astro, lr, mod = net.hooks
    assert isinstance(astro, AstrocyteLayer) and isinstance(mod, AMSUModulator)
    assert astro.params.O_beta == 3.2 and astro.synapse_params.alpha == 1.0
    assert astro.gap_junction_distance == 60.0 and astro.sic_scale == 0.002
    assert lr.model == "li_rinzel" and lr.params.delta_IP3 == 0.2 and lr.assignment.p == 0.5
    assert mod.n_astrocytes == 4 and mod.kappa_sic == -0.05
    res = net.run(settings.duration, seed=settings.seed, progress=False)
    assert res["astro"].traces["C"].values.shape == (30, 4)
    assert res["lr"].traces["SIC"].unit == "nA"
    assert res["modulator"].traces["c"].values.shape == (300, 4)     # 1 ms clock
    # the same layer from Python gives the same trace
    python_net, _ = load_model(path)
    python_net.hooks.clear()
    proj = python_net.projections[0]
    python_net.add_hook(AstrocyteLayer("astro", 4, proj, params=astro.params, synapse_params=astro.synapse_params,
                                       assignment=astro.assignment, side=100.0, gap_junction_distance=60.0,
                                       sic_weight=1.0, sic_scale=0.002, record=("C", "I")))
    again = python_net.run(settings.duration, seed=settings.seed, progress=False)
    np.testing.assert_array_equal(again["astro"].traces["C"].values, res["astro"].traces["C"].values)


@pytest.mark.parametrize("path, value, message", [
    (("astrocytes", "astro", "model"), "hodgkin", "astrocytes.astro.model: unknown astrocyte model 'hodgkin'"),
    (("astrocytes", "astro", "assignment", "type"), "nearest", "astrocytes.astro.assignment.type: unknown "
                                                               "assignment 'nearest'; valid are"),
    (("astrocytes", "astro", "projection"), "nope", "astrocytes.astro.projection: no projection 'nope'"),
    (("astrocytes", "astro", "parameters", "O_bta"), 1.0, "astrocytes.astro.parameters.O_bta: unknown key"),
    (("astrocytes", "astro", "size"), 0, "astrocytes.astro.size: 0 is not valid; expected a positive integer"),
    (("astrocytes", "astro", "record"), ["Ca"], "astrocytes.astro: AstrocyteLayer.record: 'Ca' is not a state"),
    (("astrocytes", "astro", "release_timing"), "late", "astrocytes.astro.release_timing: 'late' is not valid"),
    (("astrocytes", "modulator", "population"), "exc", "astrocytes.modulator.population: no population 'exc'"),
    (("astrocytes", "modulator", "domain_size"), 3, "astrocytes.modulator: AMSUModulator.domain_size"),
    (("projections", "syn", "synapse", "U"), 1.5, "projections.syn.synapse: TsodyksMarkramSynapse.U"),
])
def test_bad_astrocyte_fields_name_path_value_and_fix(path, value, message):
    mapping = yaml.safe_load(MODEL)
    target = mapping
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ModelError) as err:
        build_network(mapping, source="m.yaml")
    assert f"m.yaml: {message}" in str(err.value)
