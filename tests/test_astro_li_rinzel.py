"""Li–Rinzel astrocyte: NEST 3.10 reference numbers, and NEST run side by side."""
import numpy as np
import pytest

from neuromem.astro.analysis import oscillation, relative_rms
from neuromem.astro.li_rinzel import LiRinzelParameters, sic_current, simulate_li_rinzel, to_nest_parameters
from neuromem.errors import ModelError


def clamped(ip3: float, duration: float, transient: float, dt: float = 10.0):
    """Ca trace (after ``transient`` ms) with IP3 clamped at ``ip3`` µM (IP3_0 = IP3)."""
    run = simulate_li_rinzel(duration, dt=dt, params=LiRinzelParameters(IP3_0=ip3))
    keep = run.times > transient
    return run.times[keep], run.ca[keep, 0], run.h[keep, 0]


def test_rest_without_input():
    # reference fixed point Ca 0.07222 µM, h 0.79242 (NEST 3.10 and scipy agree to 1e-12)
    _, ca, h = clamped(0.16, 400_000.0, 390_000.0)
    assert ca[-1] == pytest.approx(0.0722, abs=5e-5)
    assert h[-1] == pytest.approx(0.7924, abs=5e-5)


def test_period_and_amplitude_at_ip3_050():
    # acceptance: period 11.49 ± 0.05 s, peak-to-peak 0.337 ± 0.005 µM
    t, ca, _ = clamped(0.50, 400_000.0, 100_000.0)
    osc = oscillation(t, ca)
    assert osc.period / 1000.0 == pytest.approx(11.49, abs=0.05)
    assert osc.peak_to_peak == pytest.approx(0.337, abs=0.005)


def test_period_at_ip3_053_and_steady_state_at_1():
    t, ca, _ = clamped(0.53, 300_000.0, 100_000.0)
    assert oscillation(t, ca).period / 1000.0 == pytest.approx(11.27, abs=0.05)
    _, ca, h = clamped(1.0, 300_000.0, 250_000.0)
    assert np.ptp(ca) < 1e-6 and ca[-1] == pytest.approx(0.4527, abs=0.001)


@pytest.mark.parametrize("ip3, oscillates", [(0.35, False), (0.36, True), (0.63, True), (0.66, False)])
def test_oscillation_band(ip3, oscillates):
    # band 0.3545–0.6369 µM: sustained amplitude >= 0.05 µM inside (0.067 at 0.36),
    # < 1e-4 µM outside once the damped ringing has died out (3000 s runs).
    _, ca, _ = clamped(ip3, 3_000_000.0, 2_800_000.0)
    assert (np.ptp(ca) > 0.05) == oscillates
    if not oscillates:
        assert np.ptp(ca) < 1e-4


def test_sic_formula_and_units():
    ca = np.array([0.1, 0.19669, 0.19768, 0.19770, 0.5])   # µM; 0.19768 is 0.99 nM above th
    sic = sic_current(ca, 0.19669, 0.001)
    assert sic[:3].tolist() == [0.0, 0.0, 0.0]            # argument <= 1 nM → 0
    assert sic[3] == pytest.approx(0.001 * np.log(1.01), rel=1e-9)
    assert sic[4] == pytest.approx(0.001 * np.log((0.5 - 0.19669) * 1000.0), rel=1e-14)
    assert to_nest_parameters(LiRinzelParameters())["SIC_scale"] == pytest.approx(1.0)  # nA → pA


def test_bad_parameter_is_named():
    with pytest.raises(ModelError, match="tau_IP3"):
        LiRinzelParameters(tau_IP3=0.0)
    with pytest.raises(ModelError, match="unknown parameter"):
        LiRinzelParameters().replace(tau=3.0)


@pytest.fixture(scope="module")
def nest_run():
    pytest.importorskip("nest")
    from neuromem.astro.reference_runs import nest_li_rinzel

    rng = np.random.default_rng(4)
    spikes = np.round(np.sort(rng.uniform(0.0, 8000.0, 40)), 1)      # ms, on NEST's 0.1 ms grid
    params = LiRinzelParameters(delta_IP3=0.05)
    return spikes, params, nest_li_rinzel(spikes, 20_000.0, resolution=0.1, delay=1.0, params=params)


@pytest.mark.parametrize("dt", [0.1, 1.0, 10.0])
def test_against_nest_same_spike_train(nest_run, dt):
    # acceptance: IP3 and Ca within 1 % RMS of NEST's; the astrocyte clock dt (ms) may be
    # coarser than NEST's 0.1 ms (measured: 2e-16 at 0.1 ms, 1.4e-4 at 1 ms, 1.5e-3 at 10 ms)
    spikes, params, ref = nest_run
    run = simulate_li_rinzel(20_000.0, dt=dt, params=params, spike_times=spikes + 1.0)
    ours_steps = np.round(run.times / 0.1).astype(np.int64)
    ref_steps = np.round(ref.times / 0.1).astype(np.int64)
    common, i_ours, i_ref = np.intersect1d(ours_steps, ref_steps, return_indices=True)
    assert common.size > 1000
    assert ref.traces["Ca"].max() > params.SIC_th           # the protocol does reach the SIC
    for name, ours in (("IP3", run.ip3), ("Ca", run.ca)):
        assert relative_rms(ours[i_ours, 0], ref.traces[name][i_ref, 0]) < 0.01


def test_nest_sic_equals_formula(nest_run):
    # I_SIC of aeif_cond_alpha_astro (sic_connection, delay 1 ms = 10 steps) equals
    # SIC_scale·ln((Ca − SIC_th)/1 nM) of the astrocyte's Ca 1 ms earlier, else 0
    _, params, ref = nest_run
    ca, sic = ref.traces["Ca"][:, 0], ref.traces["I_SIC"][:, 0]
    expected = sic_current(ca, params.SIC_th, params.SIC_scale)
    assert np.array_equal(ref.traces["I_SIC_times"][:, 0], ref.times)
    assert (sic > 0).sum() > 1000 and (sic == 0).sum() > 1000
    np.testing.assert_allclose(sic[10:], expected[:-10], rtol=1e-12, atol=1e-15)
