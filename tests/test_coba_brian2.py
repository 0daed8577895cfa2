"""COBA demo acceptance: the engine's spike count and ISI irregularity match Brian2's.

``models/coba.yaml`` (4000 IF_cond_exp cells, 1 s) runs on the engine; the same
network runs in Brian2 (runtime, numpy target) with the engine's realised
connections and the engine's initial membrane potentials, so the two runs differ
only in how the membrane equation is integrated (engine: exact conductance decay
with an exponential integrator of the step-mean conductance; Brian2: see
``BRIAN2_METHOD``). The network is chaotic, so individual spike trains diverge after
a few tens of ms; what must agree is the dynamical state: total spike count within
5 % and mean CV of the inter-spike intervals within 0.1 (issue 2 acceptance).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from neuromem.engine import realise_connections
from neuromem.spec import load_model

b2 = pytest.importorskip("brian2")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_networks import benchmark_network  # noqa: E402
from brian2_networks import ExplicitConnections, brian2_network  # noqa: E402

# Brian2's exponential Euler (V linear in V with the conductances frozen at the step
# start) is the Brian2 scheme closest to the engine's. Forward Euler at dt = 0.1 ms adds
# its own truncation error: on this network (seed 42) it fires 3.4 % more than
# exponential Euler, which would use most of the 5 % budget on Brian2's error alone.
# Measured while writing this test (same connections and v0, seeds 1-4 and 42): the
# engine fires 0.8-4.0 % fewer spikes than Brian2 exponential Euler (1.8 % for seed 42)
# and 1.0-5.0 % fewer than Brian2 Euler; mean CVs differ by <= 0.02 (exp. Euler).
BRIAN2_METHOD = "exponential_euler"
COUNT_TOLERANCE = 0.05   # acceptance: spike count within 5 % of Brian2's
CV_TOLERANCE = 0.1       # acceptance: mean CV of ISI within 0.1 of Brian2's
MIN_SPIKES_FOR_CV = 3    # a CV needs at least two intervals


def mean_cv_isi(times_ms: np.ndarray, ids: np.ndarray) -> float:
    """Mean over cells with >= MIN_SPIKES_FOR_CV spikes of std(ISI)/mean(ISI) (unitless)."""
    order = np.lexsort((times_ms, ids))
    times_ms, ids = times_ms[order], ids[order]
    cvs = []
    for cell in np.unique(ids):
        t = times_ms[ids == cell]
        if t.size >= MIN_SPIKES_FOR_CV:
            isi = np.diff(t)
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs))


def run_engine():
    """Engine run of models/coba.yaml; returns (spike times ms, global ids, initial v mV,
    the network, its seed)."""
    network, settings = load_model(REPO / "models" / "coba.yaml")
    for pop in network.populations:
        # two samples (t = 0 and the end): the first is the initial v of every cell
        pop.record(["v"], sampling_interval=settings.duration)
    results = network.run(settings.duration, seed=settings.seed, progress=False)
    times, ids, v0, offset = [], [], [], 0
    for pop in network.populations:
        data = results[pop.label]
        times.append(data.spike_times)
        ids.append(data.spike_ids + offset)
        trace = data.traces["v"]
        assert np.array_equal(trace.ids, np.arange(pop.size)) and trace.times[0] == 0.0
        v0.append(trace.values[0])
        offset += pop.size
    return np.concatenate(times), np.concatenate(ids), np.concatenate(v0), network, settings.seed


def explicit_connections(network, seed: int) -> ExplicitConnections:
    """The engine's realised synapses as global ids (exc cells first, then inh)."""
    offset = {}
    start = 0
    for pop in network.populations:
        offset[pop.label] = start
        start += pop.size
    pre = {"excitatory": [], "inhibitory": []}
    post = {"excitatory": [], "inhibitory": []}
    for proj, conn in zip(network.projections, realise_connections(network, seed)):
        pre[proj.receptor_type].append(conn.pre + offset[proj.pre.parent.label])
        post[proj.receptor_type].append(conn.post + offset[proj.post.parent.label])
    return ExplicitConnections(np.concatenate(pre["excitatory"]), np.concatenate(post["excitatory"]),
                               np.concatenate(pre["inhibitory"]), np.concatenate(post["inhibitory"]))


def run_brian2(v0: np.ndarray, connections: ExplicitConnections):
    """Brian2 (runtime, numpy) run of the same network; returns (spike times ms, ids)."""
    bn = benchmark_network("coba", 4000)
    previous_target = b2.prefs.codegen.target
    b2.prefs.codegen.target = "numpy"
    try:
        net, spikes = brian2_network(bn, BRIAN2_METHOD, v0=v0, connections=connections)
        net.run(bn.duration * b2.ms)
        return np.asarray(spikes.t / b2.ms), np.asarray(spikes.i)
    finally:
        b2.prefs.codegen.target = previous_target


def test_coba_demo_matches_brian2():
    times, ids, v0, network, seed = run_engine()
    connections = explicit_connections(network, seed)
    assert connections.exc_pre.size + connections.inh_pre.size > 300_000  # ~80 per cell
    b2_times, b2_ids = run_brian2(v0, connections)

    count, b2_count = times.size, b2_times.size
    cv, b2_cv = mean_cv_isi(times, ids), mean_cv_isi(b2_times, b2_ids)
    report = (f"engine: {count} spikes ({count / 4000:.2f} Hz), mean CV(ISI) {cv:.3f}; "
              f"Brian2 {BRIAN2_METHOD}: {b2_count} spikes ({b2_count / 4000:.2f} Hz), "
              f"mean CV(ISI) {b2_cv:.3f}; count difference {100 * (count / b2_count - 1):+.2f} %")
    print(report)
    assert abs(count / b2_count - 1.0) <= COUNT_TOLERANCE, report
    assert abs(cv - b2_cv) <= CV_TOLERANCE, report
    # the regime of the reference (performance.md): asynchronous irregular near 21 Hz
    assert 15.0 < count / 4000 < 30.0, report
    # issue 3 acceptance, per population (exc: ids < 3200): rate within 10 %, CV within 0.1
    for name, cells in (("exc", ids < 3200), ("inh", ids >= 3200)):
        b2_cells = b2_ids < 3200 if name == "exc" else b2_ids >= 3200
        rate, b2_rate = cells.sum(), b2_cells.sum()   # same cells and duration: counts suffice
        pop_cv = mean_cv_isi(times[cells], ids[cells])
        b2_pop_cv = mean_cv_isi(b2_times[b2_cells], b2_ids[b2_cells])
        detail = f"{name}: {rate} vs {b2_rate} spikes, CV {pop_cv:.3f} vs {b2_pop_cv:.3f}"
        print(detail)
        assert abs(rate / b2_rate - 1.0) <= 0.1 and abs(pop_cv - b2_pop_cv) <= 0.1, detail
