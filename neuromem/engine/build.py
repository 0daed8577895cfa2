"""Turn a :class:`~neuromem.network.Network` into the engine's flat arrays.

Layout: every population occupies a contiguous block of global cell ids, in the
order the populations were added. Per cell the engine keeps ``v``, ``w`` (AdEx w or
Izhikevich u), ``syn[2]`` (excitatory/inhibitory synaptic current or conductance),
a refractory counter and a column of the parameter table.

Synapses are stored pre-major: static synapses in one table grouped by (pre cell,
delay), plastic (STDP) synapses in a CSR table of their own with their traces. Weights are stored
as magnitudes; the receptor (0 excitatory, 1 inhibitory) decides the sign.

:func:`realise_connections` is also what the PyNN back ends use, so every back end
gets exactly the same connections, weights and delays for the same seed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..cells import SpikeSourceArray
from ..connectors import FromListConnector
from ..errors import ModelError
from ..network import Network, Population, PopulationView, Projection
from ..random import RandomDistribution, resolve, streams
from .neurons import N_PARAM_ROWS, PROBE_CODES, ROW_THETA_DECAY, ROW_THETA_PLUS, parameter_rows
from .tables import ProjectionIndex, synapse_tables


@dataclass
class ConnectionList:
    """The realised synapses of one projection.

    ``pre``/``post`` index cells within their *populations* (views resolved);
    ``weight`` in nA, µS or mV as the target requires (sign as given by the user);
    ``delay`` in ms.
    """

    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    delay: np.ndarray


def realise_connections(network: Network, seed: int) -> list[ConnectionList]:
    """Draw every projection's connections, weights and delays (in projection order).

    Projection k draws from ``streams(seed).child("connectivity", k)``.
    """
    rng_streams = streams(seed)
    return [_realise(proj, network.dt, rng_streams.child("connectivity", k))
            for k, proj in enumerate(network.projections)]


def _realise(proj: Projection, dt: float, rng: np.random.Generator) -> ConnectionList:
    pre_local, post_local = proj.connector.connect(proj.pre.size, proj.post.size, rng,
                                                   proj.same_cells())
    n = pre_local.size
    syn = proj.synapse_type
    weight = _values(syn.weight, pre_local, post_local, proj, rng, f"{proj.label}.weight")
    delay_spec = dt if syn.delay is None else syn.delay
    delay = _values(delay_spec, pre_local, post_local, proj, rng, f"{proj.label}.delay")
    if isinstance(proj.connector, FromListConnector):
        if proj.connector.weights is not None:
            weight = proj.connector.weights
        if proj.connector.delays is not None:
            delay = proj.connector.delays
    pre = np.asarray(proj.pre.indices)[pre_local] if n else np.zeros(0, dtype=np.int64)
    post = np.asarray(proj.post.indices)[post_local] if n else np.zeros(0, dtype=np.int64)
    return ConnectionList(pre.astype(np.int64), post.astype(np.int64),
                          np.asarray(weight, dtype=float), np.asarray(delay, dtype=float))


def _values(spec, pre_local: np.ndarray, post_local: np.ndarray, proj: Projection,
            rng: np.random.Generator, what: str) -> np.ndarray:
    n = pre_local.size
    if not isinstance(spec, RandomDistribution):
        arr = np.asarray(spec, dtype=float)
        if arr.ndim == 2:
            if arr.shape != (proj.pre.size, proj.post.size):
                raise ModelError(f"{what}: matrix of shape {arr.shape} given; expected "
                                 f"({proj.pre.size}, {proj.post.size}) = (pre size, post size)")
            return arr[pre_local, post_local]
    return resolve(spec, n, rng, what)


@dataclass
class EngineModel:
    """All arrays the compiled loop needs, plus the maps back to populations."""

    dt: float
    n_cells: int
    pop_labels: list[str]
    pop_start: np.ndarray
    pop_end: np.ndarray
    pop_kind: np.ndarray
    pop_uniform: np.ndarray
    params: np.ndarray
    v: np.ndarray
    w: np.ndarray
    syn: np.ndarray
    refrac: np.ndarray
    theta: np.ndarray
    pop_adaptive: np.ndarray
    n_slots: int
    # static synapses, grouped by (pre, delay, queue) — see tables.py
    s_ptr: np.ndarray
    s_groups: np.ndarray
    s_sink: np.ndarray
    s_weight: np.ndarray
    # plastic (STDP) synapses, CSR by pre, plus a post-major index
    p_ptr: np.ndarray
    p_sink: np.ndarray
    p_queue: np.ndarray
    p_weight: np.ndarray
    p_delay: np.ndarray
    p_rule: np.ndarray
    p_in_ptr: np.ndarray
    p_in_syn: np.ndarray
    rules: np.ndarray
    # Tsodyks–Markram synapses, CSR by pre
    t_ptr: np.ndarray
    t_sink: np.ndarray
    t_queue: np.ndarray
    t_weight: np.ndarray
    t_delay: np.ndarray
    t_U: np.ndarray
    t_tau_rec: np.ndarray
    t_tau_facil: np.ndarray
    projection_index: dict[str, ProjectionIndex]
    # inputs
    cur_step: np.ndarray
    cur_cell: np.ndarray
    cur_delta: np.ndarray
    arr_step: np.ndarray
    arr_cell: np.ndarray
    # recording
    record_spikes: np.ndarray
    probe_code: np.ndarray
    probe_cell: np.ndarray
    probe_labels: list[tuple[str, str, int]] = field(default_factory=list)
    sample_every: int = 1


def build(network: Network, seed: int, duration: float) -> EngineModel:
    """Lay out ``network`` for the engine; ``duration`` (ms) bounds the input tables."""
    if not network.populations:
        raise ModelError("Network: no populations; add at least one Population")
    h = network.dt
    sizes = np.array([p.size for p in network.populations], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    end = start + sizes
    n = int(sizes.sum())
    offset = {id(p): int(s) for p, s in zip(network.populations, start)}

    params = np.zeros((N_PARAM_ROWS, n))
    kinds = np.zeros(len(network.populations), dtype=np.int64)
    adaptive = np.zeros(len(network.populations), dtype=np.bool_)
    v, w, theta = np.zeros(n), np.zeros(n), np.zeros(n)
    syn = np.zeros((2, n))
    init_streams = streams(seed)
    for k, pop in enumerate(network.populations):
        cells = slice(start[k], end[k])
        kinds[k], params[:, cells] = parameter_rows(pop.cell_type, pop.size, h, network.scheme)
        if pop.adaptive_threshold is not None:
            adaptive[k] = True
            params[ROW_THETA_PLUS, cells] = pop.adaptive_threshold.theta_plus
            params[ROW_THETA_DECAY, cells] = pop.adaptive_threshold.decay(h)
        _initial_state(pop, k, cells, {"v": v, "w": w, "theta": theta, "syn": syn}, init_streams)

    connections = realise_connections(network, seed)
    synapses = synapse_tables(network, connections, offset, n, h)
    cur_step, cur_cell, cur_delta = _current_events(network, offset, h)
    arr_step, arr_cell = _array_spikes(network, offset, h, duration)
    record_spikes, probe_code, probe_cell, probe_labels, every = _recording(network, offset, h)
    return EngineModel(
        dt=h, n_cells=n, pop_labels=[p.label for p in network.populations],
        pop_start=start.astype(np.int64), pop_end=end.astype(np.int64), pop_kind=kinds,
        pop_uniform=np.array([bool(np.all(params[:, a:b] == params[:, a:a + 1]))
                              for a, b in zip(start, end)]),
        params=params, v=v, w=w, syn=syn, refrac=np.zeros(n, dtype=np.int32),
        theta=theta, pop_adaptive=adaptive,
        cur_step=cur_step, cur_cell=cur_cell, cur_delta=cur_delta,
        arr_step=arr_step, arr_cell=arr_cell, record_spikes=record_spikes,
        probe_code=probe_code, probe_cell=probe_cell, probe_labels=probe_labels,
        sample_every=every, **synapses,
    )


def _initial_state(pop: Population, index: int, cells: slice, state: dict[str, np.ndarray],
                   init_streams) -> None:
    syn = state["syn"]
    targets = {"v": state["v"][cells], "w": state["w"][cells], "u": state["w"][cells],
               "theta": state["theta"][cells],
               "gsyn_exc": syn[0, cells], "isyn_exc": syn[0, cells],
               "gsyn_inh": syn[1, cells], "isyn_inh": syn[1, cells]}
    for name, value in pop.state_variables.items():
        targets[name][:] = value
    rng = init_streams.child("initial", index)
    for name, assignments in pop.initial_values.items():
        for ids, value in assignments:
            targets[name][ids] = resolve(value, ids.size, rng, f"{pop.label}.initial_values.{name}")


def _current_events(network: Network, offset: dict, h: float):
    steps, cells, deltas = [], [], []
    for pop in network.populations:
        for source, ids in pop.current_sources:
            times, amps = source.steps()
            previous = 0.0
            for t, amp in zip(times, amps):
                steps.append(np.full(ids.size, int(round(t / h))))
                cells.append(ids + offset[id(pop)])
                deltas.append(np.full(ids.size, amp - previous))
                previous = amp
    if not steps:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    step, cell, delta = np.concatenate(steps), np.concatenate(cells), np.concatenate(deltas)
    order = np.argsort(step, kind="stable")
    return step[order].astype(np.int64), cell[order].astype(np.int64), delta[order]


def _array_spikes(network: Network, offset: dict, h: float, duration: float):
    """Spike-array times become emission steps: a spike at time t is emitted in the
    step that ends at t (so its synaptic effect starts at t + delay)."""
    steps, cells = [], []
    for pop in network.populations:
        if not isinstance(pop.cell_type, SpikeSourceArray):
            continue
        for i, train in enumerate(pop.cell_type.trains(pop.size)):
            train = train[train <= duration]
            if train.size and train.min() < h - 1e-12:
                raise ModelError(
                    f"populations.{pop.label}.spike_times: spike at {train.min():g} ms is earlier "
                    f"than one time step (dt = {h} ms); the first possible spike time is {h} ms")
            steps.append(np.round(train / h).astype(np.int64) - 1)
            cells.append(np.full(train.size, offset[id(pop)] + i, dtype=np.int64))
    if not steps:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    step, cell = np.concatenate(steps), np.concatenate(cells)
    order = np.lexsort((cell, step))
    return step[order], cell[order]


def _recording(network: Network, offset: dict, h: float):
    n = sum(p.size for p in network.populations)
    record_spikes = np.zeros(n, dtype=np.bool_)
    codes, cells, labels = [], [], []
    intervals = set()
    for pop in network.populations:
        for var, ids in pop.recording.items():
            if var == "spikes":
                record_spikes[ids + offset[id(pop)]] = True
                continue
            codes.append(np.full(ids.size, PROBE_CODES[var], dtype=np.int64))
            cells.append(ids + offset[id(pop)])
            labels.extend((pop.label, var, int(i)) for i in ids)
            intervals.add(pop.sampling_interval or h)
    if len(intervals) > 1:
        raise ModelError(f"record.sampling_interval: the engine samples all traces on one clock; "
                         f"got {sorted(intervals)} ms — use one interval for every population")
    interval = intervals.pop() if intervals else h
    every = int(round(interval / h))
    if every < 1 or abs(every * h - interval) > 1e-9:
        raise ModelError(f"record.sampling_interval: {interval} ms is not a whole multiple of dt = {h} ms")
    code = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    cell = np.concatenate(cells) if cells else np.zeros(0, dtype=np.int64)
    return record_spikes, code, cell.astype(np.int64), labels, every

