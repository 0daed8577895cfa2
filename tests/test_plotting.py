"""Plots: each function draws on the given Axes (or a new figure) and returns it, with
units in the axis labels; the drawn data are what the results say."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from neuromem import plotting
from neuromem.results import PopulationData, Results


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_functions_draw_on_the_given_axes_without_new_figures(hand_results):
    fig = Figure()
    axes = fig.subplots(5)
    before = plt.get_fignums()
    w = hand_results.weights["exc/inh"]
    drawn = [
        plotting.raster(hand_results, ax=axes[0]),
        plotting.population_rate(hand_results, ax=axes[1]),
        plotting.traces(hand_results, "exc", "v", ax=axes[2]),
        plotting.weight_matrix(w, 100, 25, ax=axes[3]),
        plotting.weight_histogram(w, ax=axes[4]),
    ]
    assert drawn == list(axes)
    assert plt.get_fignums() == before
    labels = [(ax.get_xlabel(), ax.get_ylabel()) for ax in axes]
    assert labels == [("time (ms)", "cell (by population)"), ("time (ms)", "rate (Hz, 5 ms bins)"),
                      ("time (ms)", "v (mV)"), ("post cell (index)", "pre cell (index)"),
                      ("weight (uS)", "synapses")]


def test_without_axes_a_new_figure_is_made(hand_results):
    ax = plotting.weight_histogram(hand_results.weights["exc/inh"])
    assert isinstance(ax, Axes) and ax.figure.number in plt.get_fignums()


def test_raster_stacks_populations_and_plots_every_spike(hand_results):
    ax = plotting.raster(hand_results)
    exc, inh = (c.get_offsets() for c in ax.collections)
    assert len(exc) == hand_results["exc"].n_spikes and len(inh) == 3
    np.testing.assert_array_equal(inh[:, 1], hand_results["inh"].spike_ids + 100)  # above 100 exc rows
    assert [t.get_text() for t in ax.get_yticklabels()] == ["exc", "inh"]


def test_population_rate_is_spikes_per_recorded_cell_per_second():
    # 10 cells, 5 spikes in the first 5 ms bin, 1 in the second: 100 Hz then 20 Hz.
    pop = PopulationData("p", 10, "IF_curr_exp", [0.5, 1.0, 2.0, 3.0, 4.9, 7.0], [0, 1, 2, 3, 4, 5])
    res = Results({"p": pop}, dt=0.1, duration=10.0, seed=0, backend="engine")
    ax = plotting.population_rate(res, bin_ms=5.0)
    values, edges = ax.patches[0].get_data()[:2]
    np.testing.assert_allclose(values, [100.0, 20.0])
    np.testing.assert_allclose(edges, [0.0, 5.0, 10.0])


def test_traces_and_weight_matrix_show_the_recorded_values(hand_results):
    ax = plotting.traces(hand_results, "exc", "v", cells=[3])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), hand_results["exc"].traces["v"].of(3))
    w = hand_results.weights["exc/inh"]
    image = plotting.weight_matrix(w, 100, 25).images[0].get_array()
    expected = w.matrix(100, 25)
    np.testing.assert_array_equal(image.mask, np.isnan(expected))
    np.testing.assert_allclose(image.filled(np.nan), expected)


def test_bad_requests_name_what_exists(hand_results):
    with pytest.raises(ValueError, match=r"no recorded 'gsyn_exc'; recorded traces are \['v'\]"):
        plotting.traces(hand_results, "exc", "gsyn_exc")
    with pytest.raises(KeyError, match="no population 'exz'"):
        plotting.raster(hand_results, ["exz"])


def test_overview_has_a_trace_panel_only_when_traces_exist(hand_results, tmp_path):
    fig = plotting.overview(hand_results)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert fig.axes[2].get_ylabel() == "v (mV)"
    path = tmp_path / "overview.png"
    plotting.save_figure(fig, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["overview.png"]
    assert fig.number not in plt.get_fignums()  # closed after saving
    hand_results["exc"].traces.clear()
    assert len(plotting.overview(hand_results).axes) == 2
