"""NIR (Neuromorphic Intermediate Representation): export and import a network's NIR part.

:func:`to_nir` turns a :class:`~neuromem.network.Network` into a ``nir.NIRGraph``:

==========================  ================================================================
neuromem                    NIR
==========================  ================================================================
``IF_curr_exp``             ``CubaLIF``: tau_mem = tau_m, tau_syn = tau_syn_E (= tau_syn_I),
                            r = tau_m/cm (MΩ), v_leak = v_rest, v_threshold, v_reset (mV),
                            w_in = 1
``IF_curr_delta``           ``LIF``: tau = tau_m, r = tau_m/cm (MΩ), v_leak, v_threshold,
                            v_reset (mV)
spike sources               ``Input`` (spike times / Poisson rate kept in its metadata)
projection (static)         ``Linear`` (weight shape post × pre), one per distinct delay
delay d > dt                ``Delay`` (d for every presynaptic cell) before the ``Linear``
recorded spikes             ``Output`` fed by the population
==========================  ================================================================

**Units.** NIR's equations are continuous in time and a spike is a Dirac pulse of unit
area, so a ``Linear`` weight is the *charge* a spike delivers: for a CubaLIF target,
tau_syn·dI/dt = −I + w_in·W·S gives a current jump W·w_in/tau_syn, so
W = w·tau_syn (w: PyNN weight, nA); for a LIF target, tau·dv/dt = … + r·W·S gives
a voltage jump r·W/tau, so W = w·cm (w in mV). Times (tau_*, delays, dt,
tau_refrac, spike times) are written in the graph's ``time_unit``: ``"ms"`` (NIR's
documented unit, the default) or ``"s"`` (what snnTorch and Norse use); weights are
then nA·ms or nA·s. Voltages mV, r MΩ, currents nA, rates Hz. The graph metadata
states all of them (``time_unit``, ``dt``, ``voltage_unit``, ``weight_unit`` …) so a
reader never has to guess.

**Delays.** NIR has no synaptic delay of its own; an edge without a ``Delay`` node is
taken as one time step (``metadata["delay_without_delay_node"]``, = dt), which is
neuromem's shortest delay. Longer delays get a ``Delay`` node.

**What NIR cannot express** is refused up front, every problem in one list
(:func:`nir_problems`): other cell types (conductance-based, Izhikevich, AdEx,
astrocytes), two different synaptic time constants, ``i_offset``, injected current
sources, initial states other than rest, plasticity (STDP, pre/post-increment rules,
Tsodyks–Markram), adaptive thresholds, engine hooks. ``tau_refrac`` has no NIR field:
it is kept in the node metadata (neuromem reads it back; other readers ignore it).

:func:`from_nir` builds a Network from a graph (neuromem's own or another tool's whose
nodes are Input, Output, Linear, Affine without bias, Delay, CubaLIF and LIF).

Example
-------
>>> import neuromem as nm
>>> net = nm.Network(dt=0.1)
>>> src = net.add(nm.Population(2, nm.SpikeSourceArray([1.0, 4.0]), label="in"))
>>> cells = net.add(nm.Population(3, nm.IF_curr_exp(), label="cells"))
>>> _ = net.add(nm.Projection(src, cells, nm.AllToAllConnector(),
...                           nm.StaticSynapse(weight=0.5, delay=1.0), label="drive"))
>>> cells.record("spikes")
>>> graph = to_nir(net, seed=1, time_unit="s")
>>> sorted(graph.nodes)
['cells', 'cells.output', 'drive.delay0', 'drive.linear0', 'in']
>>> float(graph.nodes["cells"].tau_syn[0]), float(graph.nodes["drive.delay0"].delay[0])
(0.005, 0.001)
>>> from_nir(graph).population("cells").cell_type.parameters["tau_syn_E"]
5.0
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from ..cells import IF_curr_delta, IF_curr_exp, SpikeSourceArray, SpikeSourcePoisson
from ..connectors import FromListConnector
from ..errors import BackendUnavailableError, ModelError, UnsupportedFeatureError
from ..network import Network, Population, Projection
from ..synapses import StaticSynapse
from .plan import initial_values

TIME_UNITS = {"ms": 1.0, "s": 1e-3}          # factor from ms to the unit
NIR_CELLS = {"IF_curr_exp": "CubaLIF", "IF_curr_delta": "LIF"}
NIR_SOURCES = ("SpikeSourceArray", "SpikeSourcePoisson")
_PASS_THROUGH = ("Linear", "Affine", "Delay")


def _nir() -> Any:
    try:
        import nir
    except ImportError as exc:
        raise BackendUnavailableError(f"NIR export needs the nir package ({exc}); "
                                      "install it with: pip install neuromem[snn]") from exc
    return nir


# --------------------------------------------------------------------------- export
def nir_problems(network: Network, seed: int = 0, connections: list | None = None) -> list[str]:
    """Everything in ``network`` that NIR cannot express (empty when it can be exported);
    ``connections`` are the realised lists, drawn with ``seed`` if omitted."""
    from ..engine.build import realise_connections

    if connections is None:
        connections = realise_connections(network, seed)
    problems = []
    if network.hooks:
        names = ", ".join(type(h).__name__ for h in network.hooks)
        problems.append(f"network hooks ({names}) run only on the embedded engine; NIR has no "
                        "equivalent")
    for index, pop in enumerate(network.populations):
        problems += _population_problems(pop, index, seed)
    for proj, conn in zip(network.projections, connections):
        syn = type(proj.synapse_type).__name__
        if type(proj.synapse_type) is not StaticSynapse:
            problems.append(f"projection {proj.label!r}: {syn} (plasticity) cannot be expressed in "
                            "NIR; use StaticSynapse")
        steps = conn.delay / network.dt
        if np.any(np.abs(steps - np.round(steps)) > 1e-9 * np.maximum(1.0, steps)):
            problems.append(f"projection {proj.label!r}: delays are not whole multiples of "
                            f"dt = {network.dt} ms")
    return problems


def _population_problems(pop: Population, index: int, seed: int) -> list[str]:
    name, where = pop.cell_type.name, f"population {pop.label!r}"
    if "/" in pop.label:
        return [f"{where}: a label with '/' cannot name a NIR node; rename it"]
    if name in NIR_SOURCES:
        return []
    if name not in NIR_CELLS:
        return [f"{where}: cell type {name} has no NIR node (NIR: IF_curr_exp -> CubaLIF, "
                f"IF_curr_delta -> LIF, spike sources -> Input)"]
    params, out = pop.cell_type.parameters, []
    if name == "IF_curr_exp" and not np.allclose(params["tau_syn_E"], params["tau_syn_I"]):
        out.append(f"{where}: tau_syn_E != tau_syn_I, but NIR's CubaLIF has one synaptic time "
                   "constant; make them equal")
    if np.any(np.asarray(params["i_offset"]) != 0):
        out.append(f"{where}: i_offset (a constant current) has no NIR field; set it to 0")
    if pop.current_sources:
        out.append(f"{where}: injected current sources have no NIR equivalent")
    if pop.adaptive_threshold is not None:
        out.append(f"{where}: AdaptiveThreshold has no NIR equivalent")
    start = initial_values(pop, index, seed)
    rest = pop.cell_type.parameter_array("v_rest", pop.size)
    if "v" in start and not np.allclose(start["v"], rest):
        out.append(f"{where}: initial v differs from v_rest, but a NIR graph has no initial "
                   "state (cells start at rest); initialize v to v_rest")
    if any(np.any(start[k] != 0) for k in start if k != "v"):
        out.append(f"{where}: nonzero initial synaptic currents have no NIR equivalent")
    return out


def to_nir(network: Network, seed: int = 0, time_unit: str = "ms") -> Any:
    """The NIR graph of ``network`` (connections, weights and delays drawn with ``seed``),
    times in ``time_unit`` (``"ms"`` or ``"s"``). Raises UnsupportedFeatureError listing
    every part NIR cannot express."""
    from ..engine.build import realise_connections

    nir = _nir()
    if time_unit not in TIME_UNITS:
        raise ModelError(f"to_nir: time_unit {time_unit!r} is not valid; use 'ms' or 's'")
    connections = realise_connections(network, seed)
    problems = nir_problems(network, seed, connections)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise UnsupportedFeatureError(f"NIR cannot express {len(problems)} part(s) of network "
                                      f"{network.label!r}:\n{lines}")
    k = TIME_UNITS[time_unit]
    nodes: dict[str, Any] = {}
    edges: list[tuple[str, str]] = []
    for pop in network.populations:
        nodes[pop.label] = _population_node(nir, pop, k)
        if "spikes" in pop.recording:
            nodes[f"{pop.label}.output"] = nir.Output({"output": np.array([pop.size])})
            edges.append((pop.label, f"{pop.label}.output"))
    for proj, conn in zip(network.projections, connections):
        _add_projection(nir, proj, conn, network.dt, k, nodes, edges)
    metadata = {"generator": "neuromem", "network": network.label, "time_unit": time_unit,
                "dt": network.dt * k, "delay_without_delay_node": network.dt * k,
                "voltage_unit": "mV", "current_unit": "nA", "resistance_unit": "MOhm",
                "rate_unit": "Hz", "weight_unit": f"nA*{time_unit}", "seed": int(seed),
                "neuromem_scheme": network.scheme}
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=metadata)


def _population_node(nir: Any, pop: Population, k: float) -> Any:
    cell, n = pop.cell_type, pop.size
    if isinstance(cell, SpikeSourceArray):
        trains = cell.trains(n)
        meta = {"neuromem_cell": cell.name, "spike_times": np.concatenate(trains + [np.zeros(0)]) * k,
                "spike_ids": np.concatenate([np.full(t.size, i) for i, t in enumerate(trains)]
                                            + [np.zeros(0)]).astype(np.int64)}
        return nir.Input({"input": np.array([n])}, metadata=meta)
    if isinstance(cell, SpikeSourcePoisson):
        meta = {"neuromem_cell": cell.name, "rate": cell.parameter_array("rate", n),
                "start": cell.parameter_array("start", n) * k,
                "duration": cell.parameter_array("duration", n) * k}
        return nir.Input({"input": np.array([n])}, metadata=meta)
    p = {name: cell.parameter_array(name, n) for name in cell.parameters}
    r = p["tau_m"] / p["cm"]
    meta = {"neuromem_cell": cell.name, "tau_refrac": p["tau_refrac"] * k}
    if isinstance(cell, IF_curr_exp):
        return nir.CubaLIF(tau_syn=p["tau_syn_E"] * k, tau_mem=p["tau_m"] * k, r=r, v_leak=p["v_rest"],
                           v_threshold=p["v_thresh"], v_reset=p["v_reset"], w_in=np.ones(n),
                           metadata=meta)
    return nir.LIF(tau=p["tau_m"] * k, r=r, v_leak=p["v_rest"], v_threshold=p["v_thresh"],
                   v_reset=p["v_reset"], metadata=meta)


def _add_projection(nir: Any, proj: Projection, conn: Any, dt: float, k: float,
                    nodes: dict[str, Any], edges: list[tuple[str, str]]) -> None:
    pre, post = proj.pre.parent, proj.post.parent
    p = {name: post.cell_type.parameter_array(name, post.size) for name in post.cell_type.parameters}
    # charge per spike, nA·(time unit): current jump x tau_syn, or voltage jump x cm
    scale = p["tau_syn_E"] * k if isinstance(post.cell_type, IF_curr_exp) else p["cm"] * k
    sign = -1.0 if proj.receptor_type == "inhibitory" else 1.0
    steps = np.round(conn.delay / dt).astype(np.int64)
    for g, step in enumerate(np.unique(steps)):
        sel = steps == step
        weight = np.zeros((post.size, pre.size))
        np.add.at(weight, (conn.post[sel], conn.pre[sel]), sign * np.abs(conn.weight[sel]))
        weight *= scale[:, None]
        linear = f"{proj.label}.linear{g}"
        nodes[linear] = nir.Linear(weight, metadata={"neuromem_projection": proj.label,
                                                     "receptor_type": proj.receptor_type})
        source = pre.label
        if step > 1:
            delay = f"{proj.label}.delay{g}"
            nodes[delay] = nir.Delay(np.full(pre.size, step * dt * k))
            edges.append((pre.label, delay))
            source = delay
        edges += [(source, linear), (linear, post.label)]


def write_nir(network: Network, path: str | os.PathLike[str], seed: int = 0,
              time_unit: str = "ms") -> Path:
    """Write ``network`` as a NIR file (HDF5) at ``path``, atomically; returns the path."""
    return save_graph(to_nir(network, seed=seed, time_unit=time_unit), path)


def save_graph(graph: Any, path: str | os.PathLike[str]) -> Path:
    """Write a ``nir.NIRGraph`` to ``path`` atomically (temp file + rename); returns the path."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _nir().write(str(tmp), graph)
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------- import
def read_nir(path: str | os.PathLike[str], time_unit: str | None = None, dt: float | None = None,
             input_spikes: dict[str, Any] | None = None) -> Network:
    """Read a NIR file into a Network (see :func:`from_nir` for the arguments)."""
    return from_nir(_nir().read(str(path)), time_unit=time_unit, dt=dt, input_spikes=input_spikes)


def from_nir(graph: Any, time_unit: str | None = None, dt: float | None = None,
             input_spikes: dict[str, Any] | None = None) -> Network:
    """Build a :class:`Network` from a ``nir.NIRGraph``.

    ``time_unit`` (``"ms"``/``"s"``) and ``dt`` (in that unit) are read from the graph's
    metadata; give them for graphs that do not state them (other tools' files).
    ``input_spikes`` maps an ``Input`` node to spike times (ms) for inputs whose
    metadata carry none (they are otherwise silent SpikeSourceArrays).
    Raises UnsupportedFeatureError listing every node or path it cannot translate.
    """
    nir = _nir()
    meta = dict(graph.metadata or {})
    unit = _text(meta.get("time_unit", time_unit))
    if unit not in TIME_UNITS:
        raise ModelError("from_nir: the graph does not state its time unit (metadata 'time_unit'); "
                         "pass time_unit='ms' or 's'")
    to_ms = 1.0 / TIME_UNITS[unit]
    step = meta.get("dt", dt)
    if step is None:
        raise ModelError("from_nir: the graph does not state its time step (metadata 'dt'); "
                         f"pass dt (in {unit})")
    h = float(step) * to_ms
    implicit = float(meta.get("delay_without_delay_node", step)) * to_ms
    problems = [f"node {name!r}: {type(node).__name__} is not supported (supported: Input, "
                "Output, Linear, Affine without bias, Delay, CubaLIF, LIF)"
                for name, node in graph.nodes.items()
                if type(node).__name__ not in ("Input", "Output", "CubaLIF", "LIF") + _PASS_THROUGH]
    problems += [f"node {name!r}: Affine bias is a constant input; neuromem has no equivalent"
                 for name, node in graph.nodes.items()
                 if isinstance(node, nir.Affine) and np.any(np.asarray(node.bias) != 0)]
    if problems:
        raise UnsupportedFeatureError("cannot import the NIR graph:\n" +
                                      "\n".join(f"  - {p}" for p in problems))
    net = Network(dt=h, label=_text(meta.get("network", "nir import")))
    pops: dict[str, Population] = {}
    for name, node in graph.nodes.items():
        if isinstance(node, (nir.Input, nir.CubaLIF, nir.LIF)):
            pops[name] = net.add(_population(nir, name, node, to_ms, input_spikes or {}))
    outgoing = defaultdict(list)
    for src, dst in graph.edges:
        outgoing[src].append(dst)
    for name in pops:
        for dst in outgoing[name]:
            if isinstance(graph.nodes[dst], nir.Output):
                pops[name].record("spikes")
    for name, pop in pops.items():
        for path in _paths(graph, name, outgoing):
            _add_connections(nir, net, graph, pop, pops[path[-1]], path, to_ms, h, implicit)
    return net


def _text(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


def _population(nir: Any, name: str, node: Any, to_ms: float,
                input_spikes: dict[str, Any]) -> Population:
    meta = node.metadata or {}
    if isinstance(node, nir.Input):
        size = int(np.prod(node.input_type["input"]))
        if _text(meta.get("neuromem_cell")) == "SpikeSourcePoisson":
            cell = SpikeSourcePoisson(rate=meta["rate"], start=meta["start"] * to_ms,
                                      duration=meta["duration"] * to_ms)
        elif name in input_spikes:
            cell = SpikeSourceArray(input_spikes[name])
        else:
            times = np.asarray(meta.get("spike_times", np.zeros(0)), dtype=float) * to_ms
            ids = np.asarray(meta.get("spike_ids", np.zeros(0)), dtype=np.int64)
            cell = SpikeSourceArray([np.sort(times[ids == i]) for i in range(size)])
        return Population(size, cell, label=name)
    tau = node.tau_mem if isinstance(node, nir.CubaLIF) else node.tau
    tau_m = np.asarray(tau, dtype=float).ravel() * to_ms
    params = {"tau_m": tau_m, "cm": tau_m / np.asarray(node.r, dtype=float).ravel(),
              "v_rest": node.v_leak, "v_thresh": node.v_threshold, "v_reset": node.v_reset,
              "tau_refrac": np.asarray(meta.get("tau_refrac", 0.0)) * to_ms}
    if isinstance(node, nir.CubaLIF):
        params["tau_syn_E"] = params["tau_syn_I"] = np.asarray(node.tau_syn, dtype=float).ravel() * to_ms
    params = {k: _compact(v) for k, v in params.items()}
    size = int(np.asarray(node.v_threshold).size)
    cell = IF_curr_exp(**params) if isinstance(node, nir.CubaLIF) else IF_curr_delta(**params)
    return Population(size, cell, label=name, initial_values={"v": params["v_rest"]})


def _compact(value: Any) -> Any:
    """A scalar when every cell has the same value, else a float array."""
    arr = np.asarray(value, dtype=float).ravel()
    return float(arr[0]) if arr.size and np.all(arr == arr[0]) else arr


def _paths(graph: Any, start: str, outgoing: dict[str, list[str]]) -> list[list[str]]:
    """Chains start -> (Delay | Linear | Affine)* -> population node."""
    found, stack = [], [[start]]
    while stack:
        path = stack.pop()
        for dst in outgoing[path[-1]]:
            kind = type(graph.nodes[dst]).__name__
            if kind in _PASS_THROUGH:
                if dst in path:
                    raise UnsupportedFeatureError(f"cannot import the NIR graph: a cycle through "
                                                  f"{dst!r} holds no population")
                stack.append(path + [dst])
            elif kind in ("CubaLIF", "LIF"):
                found.append(path + [dst])
    return found


def _add_connections(nir: Any, net: Network, graph: Any, pre: Population, post: Population,
                     path: list[str], to_ms: float, h: float, implicit: float) -> None:
    matrices = [np.asarray(graph.nodes[n].weight, dtype=float) for n in path[1:-1]
                if isinstance(graph.nodes[n], (nir.Linear, nir.Affine))]
    if len(matrices) != 1:
        raise UnsupportedFeatureError(f"cannot import the NIR graph: path {' -> '.join(path)} "
                                      f"has {len(matrices)} weight nodes; neuromem needs exactly one")
    weight = matrices[0].reshape(post.size, pre.size)
    delay = np.zeros_like(weight)
    passed_weights = False
    for name in path[1:-1]:
        node = graph.nodes[name]
        if isinstance(node, nir.Delay):
            d = np.asarray(node.delay, dtype=float).ravel() * to_ms
            delay += d[None, :] if not passed_weights else d[:, None]
        else:
            passed_weights = True
    delay[delay == 0] = implicit
    steps = delay / h
    if np.any(np.abs(steps - np.round(steps)) > 1e-6) or np.any(steps < 1 - 1e-6):
        raise UnsupportedFeatureError(f"cannot import the NIR graph: delays on path "
                                      f"{' -> '.join(path)} are not whole multiples (>= 1) of dt = {h} ms")
    cell = post.cell_type
    p = {k: cell.parameter_array(k, post.size) for k in cell.parameters}
    target = graph.nodes[path[-1]]
    if isinstance(cell, IF_curr_exp):    # jump = W·w_in/tau_syn (nA)
        scale = np.asarray(target.w_in, dtype=float).ravel() / (p["tau_syn_E"] / to_ms)
    else:                                # jump = W·r/tau (mV)
        scale = 1.0 / (p["cm"] / to_ms)
    jump = weight * np.broadcast_to(scale, (post.size,))[:, None]
    post_i, pre_i = np.nonzero(jump)
    named = [(graph.nodes[n].metadata or {}).get("neuromem_projection") for n in path[1:-1]]
    base = _text(next((n for n in named if n), None)) or "->".join(path)
    taken = {proj.label for proj in net.projections}
    for receptor, sel in (("excitatory", jump[post_i, pre_i] > 0), ("inhibitory", jump[post_i, pre_i] < 0)):
        if not sel.any():
            continue
        rows = np.column_stack([pre_i[sel], post_i[sel], np.abs(jump[post_i[sel], pre_i[sel]]),
                                np.round(delay[post_i[sel], pre_i[sel]] / h) * h])
        label, suffix = base, 2
        while label in taken:
            label, suffix = f"{base}#{suffix}", suffix + 1
        taken.add(label)
        net.add(Projection(pre, post, FromListConnector(rows), StaticSynapse(),
                           receptor_type=receptor, label=label))


def consumer_notes(graph: Any) -> list[str]:
    """What typical NIR readers (snnTorch, Norse) drop from a neuromem graph."""
    notes = []
    for name, node in graph.nodes.items():
        refrac = (node.metadata or {}).get("tau_refrac")
        if refrac is not None and np.any(np.asarray(refrac) > 0):
            notes.append(f"node {name!r}: tau_refrac is kept only in metadata; NIR readers other "
                         "than neuromem integrate without a refractory period")
    return notes
