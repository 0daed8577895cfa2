"""Build the CA3 memory as a neuromem :class:`~neuromem.network.Network`.

Only standard parts are used (``SpikeSourceArray``, ``IF_curr_exp``, one-to-one,
all-to-all and list connectors, ``STDPMechanism``), so the same network runs on the
embedded engine and goes to the PyNN back ends. Populations are labelled as in
:data:`~neuromem.ca3.parameters.POPULATIONS` plus ``IL`` (input, C + M spike
sources: cues first) and ``OL`` (output, C + M cells). Weights are the published
magnitudes in nA (inhibition through ``receptor_type='inhibitory'``), delays in ms.

Example
-------
>>> net = build_network(5, 10, [[] for _ in range(15)])
>>> len(net.populations), len(net.projections)
(10, 18)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..cells import IF_curr_exp, SpikeSourceArray
from ..connectors import AllToAllConnector, FromListConnector, OneToOneConnector
from ..errors import ModelError
from ..network import Network, Population, PopulationView, Projection
from ..synapses import AdditiveWeightDependence, SpikePairRule, STDPMechanism, StaticSynapse
from .parameters import (CONNECTIONS, DT_MS, INPUT_LABEL, OUTPUT, OUTPUT_LABEL, POPULATIONS,
                         STDP_A, STDP_TAU, STDP_W_MAX, STDP_W_MIN, V_INIT, ConnectionSpec)


def build_network(cues: int, content_bits: int, input_trains: Sequence[Sequence[float]],
                  cue_to_content: np.ndarray | None = None,
                  content_to_cue: np.ndarray | None = None, dt: float = DT_MS,
                  record: bool = True, stdp_dendritic_delay_fraction: float = 1.0) -> Network:
    """The CA3 memory for ``cues`` (C) addresses of ``content_bits`` (M) bits.

    ``input_trains``: C + M spike-time lists (ms), one per IL cell (cues first).
    ``cue_to_content`` (C×M) and ``content_to_cue`` (M×C): initial plastic weights in
    nA (preloaded memories); default all 0. ``record``: record spikes of every population.
    ``stdp_dendritic_delay_fraction``: 1 (dendritic, SpiNNaker's and the published
    model's) or 0 (axonal: the only choice pyNN.brian2 offers; the pairs then shift by
    2 ms and the model's learning no longer works as published).
    """
    c, m = _positive(cues, "cues"), _positive(content_bits, "content_bits")
    if len(input_trains) != c + m:
        raise ModelError(f"input_trains: {len(input_trains)} trains given; need C + M = {c + m} "
                         "(cues first, then content bits)")
    initial = {"cue_to_content": checked_weights(cue_to_content, (c, m), "cue_to_content"),
               "content_to_cue": checked_weights(content_to_cue, (m, c), "content_to_cue")}
    # The model needs sPyNNaker's IF_curr_exp update (docs/ca3.md, "Semantics").
    net = Network(dt=dt, label=f"ca3_C{c}_M{m}", scheme="spinnaker")
    pops = {INPUT_LABEL: net.add(Population(c + m, SpikeSourceArray(list(input_trains)), label=INPUT_LABEL))}
    for spec in POPULATIONS:
        pops[spec.label] = net.add(Population(spec.size(c, m), IF_curr_exp(**spec.parameters),
                                              label=spec.label, initial_values={"v": V_INIT}))
    pops[OUTPUT_LABEL] = net.add(Population(c + m, IF_curr_exp(**OUTPUT), label=OUTPUT_LABEL,
                                            initial_values={"v": V_INIT}))
    for spec in CONNECTIONS:
        _connect(net, spec, pops, c, m, initial, stdp_dendritic_delay_fraction)
    if record:
        for pop in net.populations:
            pop.record("spikes")
    return net


def _connect(net: Network, spec: ConnectionSpec, pops: dict, c: int, m: int, initial: dict,
             stdp_dendritic_delay_fraction: float) -> None:
    pre = _side(pops[spec.pre], spec.pre_slice, c)
    post = _side(pops[spec.post], spec.post_slice, c)
    label = f"{spec.pre}->{spec.post}" + ("_inh" if spec.receptor == "inhibitory" and
                                          spec.pre != spec.post else "")
    if spec.receptor == "stdp":
        key = "cue_to_content" if spec.pre == "cueCue" else "content_to_cue"
        synapse = STDPMechanism(SpikePairRule(tau_plus=STDP_TAU, tau_minus=STDP_TAU,
                                              A_plus=STDP_A, A_minus=STDP_A),
                                AdditiveWeightDependence(w_min=STDP_W_MIN, w_max=STDP_W_MAX),
                                weight=initial[key], delay=spec.delay,
                                dendritic_delay_fraction=stdp_dendritic_delay_fraction)
        receptor = "excitatory"
    else:
        synapse = StaticSynapse(weight=spec.weight(c, m), delay=spec.delay)
        receptor = spec.receptor
    net.add(Projection(pre, post, _connector(spec.pattern, pre.size, post.size), synapse,
                       receptor_type=receptor, label=label))


def _connector(pattern: str, n_pre: int, n_post: int):
    if pattern == "one_to_one":
        return OneToOneConnector()
    if pattern == "all_to_all":
        return AllToAllConnector()
    pairs = [(i, j) for i in range(n_pre) for j in range(n_post) if i != j]
    return FromListConnector(np.array(pairs, dtype=float).reshape(-1, 2))


def _side(pop: Population, part: str | None, c: int) -> Population | PopulationView:
    if part is None:
        return pop
    return pop[:c] if part == "cue" else pop[c:]


def _positive(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ModelError(f"CA3Memory.{name}: expected a positive integer, got {value!r}")
    return int(value)


def checked_weights(value: np.ndarray | None, shape: tuple[int, int], name: str) -> np.ndarray:
    """``value`` as a float array of ``shape`` with weights in [0, 6] nA (zeros if None)."""
    if value is None:
        return np.zeros(shape)
    arr = np.asarray(value, dtype=float)
    if arr.shape != shape:
        raise ModelError(f"{name}: weight matrix of shape {arr.shape}; expected {shape}")
    if np.any(arr < STDP_W_MIN) or np.any(arr > STDP_W_MAX):
        raise ModelError(f"{name}: weights must lie in [{STDP_W_MIN}, {STDP_W_MAX}] nA")
    return arr
