"""Astrocyte runs as standard :class:`neuromem.results.Results` (same HDF5 file and plots as neurons).

Astrocytes become a population whose "spikes" are gliotransmitter release events
(G-ChI) and whose traces are the state variables with their units; synapses become a
population with traces u_S, x_S, r_S, Y_S, Gamma_S. Times in ms.

Example
-------
>>> from neuromem.astro.protocols import figure5_ring
>>> from neuromem.astro.results_io import tripartite_results
>>> res = tripartite_results(figure5_ring(duration=1_000.0), dt=50.0, duration=1_000.0, seed=0)
>>> res["astrocytes"].traces["C"].unit
'uM'
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..results import PopulationData, Results, Trace
from .gchi import STATE_NAMES, STATE_UNITS
from .li_rinzel import LiRinzelRun
from .tripartite import TripartiteRun
from .tsodyks_markram import SYNAPSE_STATE_NAMES, SYNAPSE_STATE_UNITS


def _ascii(unit: str) -> str:
    return unit.replace("µ", "u")


def tripartite_results(run: TripartiteRun, dt: float, duration: float, seed: int,
                       recorded_astrocytes: np.ndarray | None = None,
                       recorded_synapses: np.ndarray | None = None,
                       provenance: dict[str, Any] | None = None) -> Results:
    """Results with populations ``astrocytes`` (release events + G-ChI traces) and ``synapses``."""
    n_a = run.astro_state.shape[0]
    n_s = run.synapse_state.shape[0]
    ids_a = np.arange(n_a) if recorded_astrocytes is None else np.asarray(recorded_astrocytes)
    ids_s = np.arange(n_s) if recorded_synapses is None else np.asarray(recorded_synapses)
    order = np.lexsort((run.release_astrocytes, run.release_times))
    pops = {"astrocytes": PopulationData(
        "astrocytes", max(n_a, 1), "GChI_astrocyte", run.release_times[order], run.release_astrocytes[order],
        {name: Trace(run.times, ids_a, run.astro[name], _ascii(unit))
         for name, unit in zip(STATE_NAMES, STATE_UNITS) if run.astro[name].shape[1]})}
    if n_s:
        pops["synapses"] = PopulationData(
            "synapses", n_s, "TsodyksMarkram_spillover", np.zeros(0), np.zeros(0, np.int64),
            {name: Trace(run.times, ids_s, run.synapse[name], _ascii(unit))
             for name, unit in zip(SYNAPSE_STATE_NAMES, SYNAPSE_STATE_UNITS) if run.synapse[name].shape[1]})
    return Results(pops, dt=dt, duration=duration, seed=seed, backend="neuromem.astro",
                   provenance=provenance or {})


def li_rinzel_results(run: LiRinzelRun, dt: float, duration: float, seed: int = 0,
                      provenance: dict[str, Any] | None = None) -> Results:
    """Results with population ``astrocytes`` and traces IP3, Ca (µM), h, SIC (nA)."""
    n = run.ca.shape[1]
    ids = np.arange(n)
    traces = {"IP3": Trace(run.times, ids, run.ip3, "uM"), "Ca": Trace(run.times, ids, run.ca, "uM"),
              "h": Trace(run.times, ids, run.h, "1"), "SIC": Trace(run.times, ids, run.sic, "nA")}
    pops = {"astrocytes": PopulationData("astrocytes", n, "astrocyte_lr_1994", np.zeros(0),
                                         np.zeros(0, np.int64), traces)}
    return Results(pops, dt=dt, duration=duration, seed=seed, backend="neuromem.astro",
                   provenance=provenance or {})

