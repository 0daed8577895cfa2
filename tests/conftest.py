"""Shared test fixtures. Plots use the non-interactive Agg back end."""
import matplotlib
import numpy as np
import pytest

from neuromem.results import PopulationData, Results, Trace, WeightData

matplotlib.use("Agg")


@pytest.fixture
def hand_results() -> Results:
    """Results built by hand (no simulation): two populations, a trace, plastic weights.

    Sizes are chosen so that some arrays (3000 spikes, 2000 synapses) are large enough
    to be compressed in HDF5 and others are not. The projection label contains '/' to
    exercise group-name escaping.
    """
    rng = np.random.default_rng(12)
    times = np.sort(rng.uniform(0.0, 500.0, 3000)).round(1)
    exc = PopulationData("exc", 100, "IF_cond_exp", times, rng.integers(0, 100, 3000))
    t = np.arange(0.0, 500.0, 1.0)
    exc.traces["v"] = Trace(t, np.array([0, 3, 7]), -65.0 + rng.normal(0, 2, (t.size, 3)), "mV")
    inh = PopulationData("inh", 25, "IF_cond_exp", np.array([12.5, 40.0, 41.1]), np.array([3, 0, 24]),
                         recorded_ids=np.arange(0, 25, 2))
    weights = WeightData(rng.integers(0, 100, 2000), rng.integers(0, 25, 2000),
                         rng.uniform(0.0, 0.01, 2000), np.full(2000, 1.5), "uS")
    return Results({"exc": exc, "inh": inh}, dt=0.1, duration=500.0, seed=3, backend="engine",
                   model={"label": "hand", "dt": 0.1, "populations": [{"label": "exc"}],
                          "projections": []},
                   weights={"exc/inh": weights}, provenance={"run_s": 0.25, "n_steps": 5000})


@pytest.fixture(autouse=True)
def restore_brian2_clock():
    """Brian2 keeps a process-wide default clock; a test that changes it must not change
    the time step of a later test's Brian2 or pyNN.brian2 run."""
    import sys

    brian2 = sys.modules.get("brian2")
    saved = brian2.defaultclock.dt if brian2 is not None else None
    yield
    brian2 = sys.modules.get("brian2")
    if brian2 is not None:
        brian2.defaultclock.dt = saved if saved is not None else 0.1 * brian2.ms
