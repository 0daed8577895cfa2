"""NEST-native unit conversions (nF->pF, nA->pA, uS->nS), checked against real NEST nodes."""
import numpy as np
import pytest

import neuromem as nm
from neuromem.backends.nest_native import NEST_MODELS, check_parameters, state_to_nest, to_nest


def test_conversion_factors():
    assert to_nest("IF_curr_exp", {"cm": 0.25, "i_offset": 0.5}) == {"C_m": 250.0, "I_e": 500.0}
    assert to_nest("IF_cond_exp", {"cm": 0.2, "tau_m": 20.0}) == {"C_m": 200.0, "g_L": 10.0}
    assert to_nest("EIF_cond_exp_isfa_ista", {"b": 0.0805, "a": 4.0}) == pytest.approx(
        {"b": 80.5, "a": 4.0})
    assert state_to_nest("IF_cond_exp", {"gsyn_exc": 0.006, "gsyn_inh": 0.067}) == pytest.approx(
        {"g_ex": 6.0, "g_in": 67.0})
    assert state_to_nest("EIF_cond_exp_isfa_ista", {"w": 0.1}) == pytest.approx({"w": 100.0})


@pytest.mark.parametrize("cell", sorted(NEST_MODELS))
def test_nest_holds_the_converted_values(cell):
    import pyNN.nest as sim

    cls = getattr(nm, cell)
    params = {k: v * 1.1 for k, v in cls.default_parameters.items()}
    sim.setup(timestep=0.1, min_delay=0.1, spike_precision="on_grid")
    pop = sim.Population(2, getattr(sim, cell)(**params))
    check_parameters(pop.node_collection, cell, params)      # raises on any mismatch
    held = pop.node_collection.get("C_m" if "cm" in params else "a")
    expected = 1000.0 * params["cm"] if "cm" in params else params["a"]
    np.testing.assert_allclose(held, expected)
    sim.end()


def test_nest_backend_sets_initial_state_pynn_cannot():
    # PyNN 0.13 leaves iaf_psc_delta at NEST's -70 mV; the back end sets v itself.
    # From -52 mV the cell reaches -50 mV after 20 ln(7/5) = 6.7 ms (from -70 mV: 32 ms).
    def network():
        net = nm.Network(dt=0.1)
        cell = net.add(nm.Population(1, nm.IF_curr_delta(v_rest=-55.0, i_offset=0.5), label="cell",
                                     initial_values={"v": -52.0}))
        cell.record("spikes")
        return net
    nest = network().run(10.0, seed=0, backend="nest")["cell"].spike_times
    engine = network().run(10.0, seed=0, backend="engine")["cell"].spike_times
    np.testing.assert_allclose(nest, engine, atol=1e-9)
    assert nest[0] == pytest.approx(6.8, abs=0.15)


def test_nest_profile_refuses_v_of_if_curr_delta():
    from neuromem.backends.fitcheck import check_fit, load_profile

    net = nm.Network(dt=0.1)
    net.add(nm.Population(1, nm.IF_curr_delta(), label="cell")).record("v")
    problems = check_fit(net, load_profile("nest")).problems
    assert len(problems) == 1 and "cannot record ['v']" in problems[0]
