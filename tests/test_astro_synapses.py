"""Tsodyks–Markram synapses (analytic steady state) and the Fig. 4C gliotransmission protocol."""
import numpy as np
import pytest

from neuromem.astro.protocols import figure4c_release
from neuromem.astro.tripartite import TripartiteWiring, run_tripartite
from neuromem.astro.tsodyks_markram import steady_state_release

RATES = [0.1, 1, 2, 5, 10, 20, 50, 100]                     # Hz
TABLE = [0.600, 0.556, 0.471, 0.298, 0.175, 0.094, 0.039, 0.020]   # reference §1.3


def test_analytic_formula_matches_reference_table():
    # the table is rounded to 3 decimals, hence 5e-4
    np.testing.assert_allclose(steady_state_release(np.array(RATES)), TABLE, atol=5e-4)


@pytest.mark.parametrize("rate", RATES)
def test_simulated_regular_train_reaches_table(rate):
    # regular train (period a whole number of 0.1 ms steps), no astrocyte; last release vs
    # the analytic value (1e-3 acceptance; exact updates give ~1e-12 after 60 spikes)
    period = 1000.0 / rate
    times = period * np.arange(1, 61)
    wiring = TripartiteWiring(0, syn_pre=[0], sense=[-1], glio=[-1])
    run = run_tripartite(wiring, times[-1] + 1.0, dt=0.1, astro_dt=0.1, spike_times=times,
                         spike_sources=np.zeros(times.size, np.int64), record_synapses=np.zeros(0, np.int64))
    assert run.n_spikes[0] == 60
    assert run.synapse_state[0, 2] == pytest.approx(float(steady_state_release(rate)), abs=1e-9)
    assert run.synapse_state[0, 2] == pytest.approx(TABLE[RATES.index(rate)], abs=1e-3)


def test_release_decreasing_gliotransmission_lowers_release_at_every_rate():
    # acceptance (Fig. 4C protocol, alpha = 0): open-loop gliotransmission lowers the mean
    # released fraction at each of the 100 rates. Shortened to 15 s transient + 30 s (the
    # experiment runs the full 180 s); same Poisson train for all three synapses of a rate.
    rates, run = figure4c_release(transient=15_000.0, duration=30_000.0)
    closed, open_loop, none = run.mean_held_r.reshape(3, rates.size)
    assert np.all(open_loop < none)
    per_spike = run.mean_release_per_spike.reshape(3, rates.size)
    assert np.all(per_spike[1] < per_spike[2])
    # release-increasing gliotransmission (alpha = 1) does the opposite at low rates
    _, up = figure4c_release(n_rates=10, transient=15_000.0, duration=30_000.0, alpha=1.0)
    assert np.all(up.mean_held_r.reshape(3, 10)[1][:3] > up.mean_held_r.reshape(3, 10)[2][:3])
