"""The COBA and CUBA benchmark networks at any size, read from ``models/*.yaml``.

The model files fix everything but the size: N cells, 80 % excitatory, and each
projection's connection probability p = 80 / N, so every cell receives 80 synapses
on average at every N (p = 0.02 at N = 4000, as in the files). The four
projections (exc→exc, exc→inh, inh→exc, inh→inh; no self connections) keep their
weights and their delay (one step, 0.1 ms).

:func:`engine_network` builds the resized network through the model loader
(:func:`neuromem.spec.build_network`, the same validation as ``load_model``);
:func:`benchmark_network` reads the same network back into a flat parameter set
(:class:`BenchmarkNetwork`) from which the Brian2 and NEST versions are written.

Units are PyNN's throughout: ms, mV, nA, nF, µS.

Example
-------
>>> bn = benchmark_network("coba", 16000)
>>> bn.n_exc, bn.n_inh, round(bn.p, 6)
(12800, 3200, 0.005)
>>> bn.cell["i_offset"]          # nA: the 20 mV bias (g_L = 10 nS)
0.2
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from neuromem.network import Network
from neuromem.spec import build_network

REPO = Path(__file__).resolve().parents[1]
MODEL_FILES = {"coba": REPO / "models" / "coba.yaml", "cuba": REPO / "models" / "cuba.yaml"}
SYNAPSES_PER_CELL = 80
EXCITATORY_FRACTION = 0.8


@dataclass(frozen=True)
class BenchmarkNetwork:
    """One benchmark network as flat parameters (PyNN units).

    ``cell``: the PyNN parameters shared by both populations (ms, mV, nA, nF);
    ``w_exc``/``w_inh``: weights of excitatory/inhibitory synapses (µS for the
    conductance model, nA for the current model, inhibitory current weights negative);
    ``delay``, ``dt``, ``duration`` in ms; initial v uniform in [v_low, v_high] mV.
    """

    model: str
    n_exc: int
    n_inh: int
    p: float
    conductance_based: bool
    cell: dict[str, float]
    w_exc: float
    w_inh: float
    delay: float
    v_low: float
    v_high: float
    dt: float
    duration: float
    seed: int

    @property
    def n(self) -> int:
        """Total number of cells."""
        return self.n_exc + self.n_inh


def scaled_mapping(model: str, n: int) -> dict[str, Any]:
    """The parsed YAML of ``model`` ("coba" or "cuba") resized to ``n`` cells, p = 80/n."""
    if model not in MODEL_FILES:
        raise ValueError(f"model: {model!r} is not a benchmark model; use one of {sorted(MODEL_FILES)}")
    if n < 2 * SYNAPSES_PER_CELL:
        raise ValueError(f"n: {n} cells is too few for {SYNAPSES_PER_CELL} synapses per cell; "
                         f"use n >= {2 * SYNAPSES_PER_CELL}")
    mapping = copy.deepcopy(yaml.safe_load(MODEL_FILES[model].read_text(encoding="utf-8")))
    n_exc = int(round(EXCITATORY_FRACTION * n))
    mapping["populations"]["exc"]["size"] = n_exc
    mapping["populations"]["inh"]["size"] = n - n_exc
    for projection in mapping["projections"].values():
        projection["connector"]["p_connect"] = SYNAPSES_PER_CELL / n
    return mapping


def engine_network(model: str, n: int) -> tuple[Network, dict[str, Any]]:
    """The resized network (built by the model loader) and its mapping."""
    mapping = scaled_mapping(model, n)
    return build_network(mapping, source=f"{MODEL_FILES[model].name} (N={n})"), mapping


def benchmark_network(model: str, n: int) -> BenchmarkNetwork:
    """Flat parameters of the resized network, read from the built Network."""
    network, mapping = engine_network(model, n)
    exc, inh = network.population("exc"), network.population("inh")
    if exc.cell_type.parameters != inh.cell_type.parameters:
        raise ValueError(f"{model}: exc and inh cell parameters differ; the benchmark assumes one set")
    weights = {p.label: float(p.synapse_type.weight) for p in network.projections}
    delays = {float(p.synapse_type.delay) for p in network.projections}
    probabilities = {p.connector.p_connect for p in network.projections}
    if len(delays) != 1 or len(probabilities) != 1 or weights["exc_exc"] != weights["exc_inh"] \
            or weights["inh_exc"] != weights["inh_inh"]:
        raise ValueError(f"{model}: projections differ in delay, p or weight by source; "
                         "the benchmark assumes one value each")
    v_init = mapping["populations"]["exc"]["initial_values"]["v"]
    w_inh = weights["inh_exc"]
    if not exc.cell_type.conductance_based:
        w_inh = -abs(w_inh)  # a current synapse on the inhibitory receptor hyperpolarises
    return BenchmarkNetwork(
        model=model, n_exc=exc.size, n_inh=inh.size, p=probabilities.pop(),
        conductance_based=exc.cell_type.conductance_based,
        cell={k: float(v) for k, v in exc.cell_type.parameters.items()},
        w_exc=weights["exc_exc"], w_inh=w_inh, delay=delays.pop(),
        v_low=float(v_init["low"]), v_high=float(v_init["high"]),
        dt=float(network.dt), duration=float(mapping["duration"]), seed=int(mapping["seed"]),
    )
