"""Hardware profiles, the fit check and the missing-back-end error."""
import pytest

import neuromem as nm
from neuromem.backends import pynn
from neuromem.backends.fitcheck import check_fit, load_profile
from neuromem.errors import BackendUnavailableError, ModelError, UnsupportedFeatureError


def test_profiles_hold_spinnaker_board_figures():
    spinn3, spinn5 = load_profile("spinn3"), load_profile("spinn5")
    assert (spinn3.get("board")["chips"], spinn5.get("board")["chips"]) == (4, 48)
    assert spinn5.get("board")["application_cores_per_chip"] == 16
    assert spinn5.neurons_per_core("IF_curr_exp") == 256
    assert spinn5.neurons_per_core("SpikeSourcePoisson") == 500
    assert spinn5.get("timestep") == 1.0 and spinn5.get("weight_bits") == 16
    with pytest.raises(ModelError, match="not found"):
        load_profile("no-such-board")


def test_fit_check_lists_every_problem_at_once():
    net = nm.Network(dt=1.0)
    adex = net.add(nm.Population(50, nm.EIF_cond_exp_isfa_ista(), label="adex"))
    big = net.add(nm.Population(20000, nm.IF_curr_exp(), label="big"))
    net.add(nm.Projection(big, big, nm.FixedProbabilityConnector(0.0001),
                          nm.StaticSynapse(weight=0.1, delay=1.5), label="half_step"))
    adex.record("w")
    report = check_fit(net, load_profile("spinn3"), seed=1)
    text = "\n".join(report.problems)
    assert len(report.problems) == 4
    assert "'adex'" in text and "EIF_cond_exp_isfa_ista" in text       # unsupported cell
    assert "cannot record ['w']" in text                              # unsupported recording
    assert "'half_step'" in text and "1.5 ms" in text                  # delay off the 1 ms grid
    assert "application cores" in text and "64" in text               # 4 chips x 16 cores
    with pytest.raises(UnsupportedFeatureError) as err:
        report.raise_if_problems()
    assert "4 problem(s)" in str(err.value)


def test_sixteen_bit_weights_warn_which_projection_rounds_to_zero():
    net = nm.Network(dt=1.0)
    src = net.add(nm.Population(10, nm.SpikeSourcePoisson(rate=5.0), label="src"))
    post = net.add(nm.Population(10, nm.IF_curr_exp(), label="post"))
    net.add(nm.Projection(src, post, nm.OneToOneConnector(), nm.StaticSynapse(weight=4.0, delay=1.0),
                          label="strong"))
    net.add(nm.Projection(src, post, nm.OneToOneConnector(), nm.StaticSynapse(weight=1e-5, delay=1.0),
                          label="tiny"))
    report = check_fit(net, load_profile("spinn5"), seed=1)
    # largest weight 4 nA -> step 4/2**16 = 6.1e-5 nA; 1e-5 nA is below half a step
    assert report.ok
    assert len(report.warnings) == 1 and "'tiny'" in report.warnings[0]
    assert report.estimate["min_cores"] == 2


def test_missing_backend_names_the_extra(monkeypatch):
    monkeypatch.setitem(pynn.SIMULATOR_MODULES, "nest", "pyNN.not_installed_simulator")
    with pytest.raises(BackendUnavailableError, match=r"pip install neuromem\[nest\]"):
        pynn.import_simulator("nest")
