"""AM-SU in the engine: coupling 0 is the plain LIF network bit for bit; coupling acts."""
import numpy as np
import pytest

import neuromem as nm
from neuromem.astro.amsu_engine import AMSUModulator


def network():
    """Poisson input onto 20 LIF cells through a static projection; v and spikes recorded."""
    net = nm.Network(dt=0.1)
    src = net.add(nm.Population(50, nm.SpikeSourcePoisson(rate=30.0), label="src"))
    lif = net.add(nm.Population(20, nm.IF_curr_exp(i_offset=0.3), label="lif"))
    lif.record(["spikes", "v"])
    proj = net.add(nm.Projection(src, lif, nm.FixedProbabilityConnector(0.3), nm.StaticSynapse(0.4, 1.0),
                                 label="input"))
    return net, lif, proj


def test_coupling_zero_is_the_plain_lif_network_bit_for_bit():
    plain, _, _ = network()
    ref = plain.run(500.0, seed=7, progress=False)["lif"]
    net, lif, proj = network()
    hook = net.add_hook(AMSUModulator("astro", lif, interval=0.5, tau_a=50.0, K=5.0, kappa_sic=0.0,
                                      kappa_gain=0.0, gain_projections=(proj,), domain_size=5))
    res = net.run(500.0, seed=7, progress=False)
    assert ref.n_spikes > 100
    assert res["astro"].traces["c"].values.max() > 0.1       # the astrocytes were active
    np.testing.assert_array_equal(res["lif"].spike_times, ref.spike_times)
    np.testing.assert_array_equal(res["lif"].spike_ids, ref.spike_ids)
    np.testing.assert_array_equal(res["lif"].traces["v"].values, ref.traces["v"].values)
    assert hook.describe()["kappa_gain"] == 0.0


@pytest.mark.parametrize("kappa_sic, kappa_gain", [(-0.5, 0.0), (0.0, -0.8), (0.3, 0.5)])
def test_coupling_changes_activity_in_its_direction(kappa_sic, kappa_gain):
    plain, _, _ = network()
    ref = plain.run(500.0, seed=7, progress=False)["lif"].n_spikes
    net, lif, proj = network()
    net.add_hook(AMSUModulator("astro", lif, interval=0.5, tau_a=50.0, K=5.0, kappa_sic=kappa_sic,
                               kappa_gain=kappa_gain, gain_projections=(proj,), domain_size=5))
    n = net.run(500.0, seed=7, progress=False)["lif"].n_spikes
    assert (n > ref) if kappa_sic + kappa_gain > 0 else (n < ref)


def test_modulator_rejects_bad_settings():
    net, lif, proj = network()
    with pytest.raises(nm.ModelError, match="domain_size"):
        AMSUModulator("a", lif, domain_size=3)
    with pytest.raises(nm.ModelError, match="kappa_gain"):
        AMSUModulator("a", lif, kappa_gain=-2.0)
    other = net.add(nm.Population(2, nm.IF_curr_exp(), label="other"))
    wrong = net.add(nm.Projection(lif, other, nm.AllToAllConnector(), nm.StaticSynapse(0.1, 1.0), label="w"))
    with pytest.raises(nm.ModelError, match="gain_projections"):
        AMSUModulator("a", lif, gain_projections=(wrong,))
