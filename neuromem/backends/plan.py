"""Translate a :class:`~neuromem.network.Network` into a PyNN build plan.

A :class:`NetworkPlan` holds plain values only (numbers and numpy arrays, PyNN units:
ms, mV, nA, nF, µS, Hz): one entry per population (PyNN cell class name, parameters,
resolved initial values, spike times, recording requests, current sources) and one per
projection (the realised connection list ``pre, post, weight, delay``). Both the live
PyNN back end (:mod:`neuromem.backends.pynn`) and the script exporter
(:mod:`neuromem.backends.export`) consume the same plan, so a script and a live run
build identical networks.

Everything random is drawn here from neuromem's seed streams, exactly as the engine
draws it: connections and weights/delays via
:func:`neuromem.engine.build.realise_connections`, initial values from the
``initial`` stream (one child per population). Only Poisson spike draws remain to the
simulator.

Target quirks handled here:

* **Inhibitory weights**: PyNN's NEST and Brian2 back ends want negative weights for
  current- and voltage-jump inhibitory synapses; sPyNNaker wants magnitudes and the
  receptor type. Conductances are always magnitudes.
* **Simulator options** from the profile (``NetworkPlan.options``): NEST's
  ``spike_precision`` (``on_grid``/``off_grid``) and ``threads``; on SpiNNaker every
  population's neurons-per-core cap (``PopulationPlan.neurons_per_core``). With
  ``off_grid``, spike-array spikes are emitted one step early (see
  :func:`simulator_options`).
* **Spike-array times** are rounded to the time step (as the engine does). NEST (via
  PyNN) relays them through parrot neurons one ``min_delay`` (= dt) earlier, and its
  spike generator refuses time 0, so a spike at t = dt cannot be emitted. The plan
  then shifts the whole NEST run by one step (``time_offset``): every input time
  moves later by dt and recorded times are moved back. Cells then idle for one extra
  step at the start, which is exact when they start at rest without current.

Example
-------
>>> import neuromem as nm
>>> net = nm.Network(dt=0.1)
>>> src = net.add(nm.Population(1, nm.SpikeSourceArray([5.0]), label="in"))
>>> cell = net.add(nm.Population(1, nm.IF_curr_exp(), label="cell"))
>>> _ = net.add(nm.Projection(src, cell, nm.OneToOneConnector(),
...                           nm.StaticSynapse(weight=0.5, delay=1.0)))
>>> plan = make_plan(net, 20.0, seed=1, target="nest")
>>> plan.projections[0].connections.tolist()
[[0.0, 0.0, 0.5, 1.0]]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..cells import SpikeSourceArray
from ..errors import ModelError
from ..network import Network, Population
from ..random import resolve, streams
from ..synapses import STDPMechanism, TsodyksMarkramSynapse
from .fitcheck import Profile, check_fit, default_profile, population_neurons_per_core

TARGETS = ("nest", "brian2", "spinnaker")


@dataclass
class CurrentSourcePlan:
    """A step current: amplitude ``amplitudes[k]`` (nA) from ``times[k]`` (ms) on ``cells``."""

    times: np.ndarray
    amplitudes: np.ndarray
    cells: np.ndarray


@dataclass
class PopulationPlan:
    """One population in PyNN terms (parameters in PyNN units; times in simulator time)."""

    label: str
    size: int
    model: str
    parameters: dict[str, Any]
    initial_values: dict[str, np.ndarray] = field(default_factory=dict)
    spike_times: list[np.ndarray] | None = None
    record: dict[str, np.ndarray] = field(default_factory=dict)
    sampling_interval: float | None = None
    current_sources: list[CurrentSourcePlan] = field(default_factory=list)
    neurons_per_core: int | None = None


@dataclass
class ProjectionPlan:
    """One projection: ``connections`` rows are (pre, post, weight, delay) with cell
    indices within the parent populations, weight in the simulator's sign convention
    (``negated`` says whether the sign was flipped from neuromem's), delay in ms."""

    label: str
    pre: str
    post: str
    receptor_type: str
    connections: np.ndarray
    negated: bool
    weight_unit: str
    stdp: dict[str, Any] | None = None
    short_term: dict[str, Any] | None = None


# Cell types that the Brian2 back end (live and exported) integrates with Brian2's
# exponential Euler instead of the forward Euler pyNN.brian2 would choose: the Brian2
# scheme closest to the engine's exponential integrator for conductance-based LIF cells.
BRIAN2_EXPONENTIAL_EULER = ("IF_cond_exp",)


@dataclass
class NetworkPlan:
    """A whole network ready to build on ``target`` (times in ms)."""

    target: str
    dt: float
    duration: float
    seed: int
    simulator_seed: int
    time_offset: float
    populations: list[PopulationPlan]
    projections: list[ProjectionPlan]
    model: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


def make_plan(network: Network, duration: float, seed: int, target: str,
              profile: Profile | None = None,
              neurons_per_core: Mapping[str, int] | None = None) -> NetworkPlan:
    """Check ``network`` against the target's profile (refusing with every problem listed)
    and translate it, drawing all random values from ``seed``. ``neurons_per_core``
    (SpiNNaker): caps by population label or cell type, overriding the profile's."""
    from ..engine.build import realise_connections

    if target not in TARGETS:
        raise ValueError(f"target {target!r}: choose one of {TARGETS}")
    profile = profile or default_profile(target)
    if profile.target != target:
        raise ModelError(f"hardware profile {profile.name!r} is for {profile.target}, not {target}")
    connections = realise_connections(network, seed)
    report = check_fit(network, profile, connections=connections, neurons_per_core=neurons_per_core)
    report.raise_if_problems()
    options = simulator_options(profile, network.dt)
    lead = options.get("source_lead_ms", 0.0)
    offset = _nest_offset(network, lead) if target == "nest" else 0.0
    pops = [_population_plan(pop, k, seed, network.dt, offset, lead)
            for k, pop in enumerate(network.populations)]
    if target == "spinnaker":
        caps = population_neurons_per_core(network, profile, neurons_per_core)
        for pop in pops:
            pop.neurons_per_core = caps[pop.label]
    projs = [_projection_plan(proj, conn, target) for proj, conn in zip(network.projections, connections)]
    warnings = list(report.warnings)
    if offset:
        warnings.append(f"NEST cannot emit a spike-array spike at t = {network.dt} ms through PyNN's "
                        f"parrot neurons; the NEST run is shifted by {offset} ms (exact for cells "
                        "that start at rest without current)")
    return NetworkPlan(target=target, dt=network.dt, duration=float(duration), seed=int(seed),
                       simulator_seed=streams(seed).integer_seed("poisson") % (2**31 - 1) + 1,
                       time_offset=offset, populations=pops, projections=projs,
                       model=network.describe(), warnings=warnings,
                       options=options)


def simulator_options(profile: Profile, dt: float) -> dict[str, Any]:
    """Settings from the profile: for NEST ``spike_precision`` (default ``on_grid``) and
    ``threads`` (default 1), passed to ``setup``; with ``off_grid`` also
    ``source_lead_ms`` = dt, how much earlier spike-array spikes are emitted.

    Why the lead: neuromem labels a spike with the end of the step it occurs in, and
    the engine (like SpiNNaker) lets a spike act as if emitted during that step. A
    precise-timing NEST cell does the same (a spike at (k−1)·dt + ε is labelled k·dt),
    but a NEST spike generator emits exactly at its time. A source spike labelled k·dt
    is therefore emitted at (k−1)·dt, the start of its step, and reported at k·dt.
    """
    if profile.target != "nest":
        return {}
    options = {"spike_precision": str(profile.get("spike_precision", "on_grid")),
               "threads": int(profile.get("threads", 1))}
    if options["spike_precision"] == "off_grid":
        options["source_lead_ms"] = float(dt)
    return options


def _nest_offset(network: Network, lead: float) -> float:
    """Whole steps (ms) by which a NEST run must start later so that every spike-array
    spike, emitted ``lead`` ms before its time, leaves the parrot neurons at ≥ 2·dt
    (the generator refuses t = 0 and the parrot relays one step later); 0 if none."""
    h = network.dt
    earliest = None
    for pop in network.populations:
        if isinstance(pop.cell_type, SpikeSourceArray):
            for train in pop.cell_type.trains(pop.size):
                if train.size:
                    steps = int(np.round(train.min() / h)) - int(np.round(lead / h))
                    earliest = steps if earliest is None else min(earliest, steps)
    return 0.0 if earliest is None or earliest >= 2 else (2 - earliest) * h


def _population_plan(pop: Population, index: int, seed: int, dt: float, offset: float,
                     lead: float) -> PopulationPlan:
    cell = pop.cell_type
    plan = PopulationPlan(label=pop.label, size=pop.size, model=cell.name, parameters={},
                          record=dict(pop.recording), sampling_interval=pop.sampling_interval)
    if isinstance(cell, SpikeSourceArray):
        plan.spike_times = [np.round(t / dt) * dt + offset - lead for t in cell.trains(pop.size)]
    else:
        plan.parameters = {k: cell.parameter_array(k, pop.size) if np.ndim(v) else float(v)
                           for k, v in cell.parameters.items()}
        if "start" in plan.parameters:
            plan.parameters["start"] = plan.parameters["start"] + offset
    plan.initial_values = initial_values(pop, index, seed)
    for source, cells in pop.current_sources:
        times, amps = source.steps()
        plan.current_sources.append(CurrentSourcePlan(np.round(times / dt) * dt + offset, amps, cells))
    return plan


def initial_values(pop: Population, index: int, seed: int) -> dict[str, np.ndarray]:
    """The values the user set, per cell, drawn from ``streams(seed).child("initial", index)``
    in the order they were set (the engine's order). Variables left at their defaults
    are omitted. Units: those of the variable (mV for ``v``)."""
    rng = streams(seed).child("initial", index)
    out: dict[str, np.ndarray] = {}
    for name, assignments in pop.initial_values.items():
        values = np.full(pop.size, float(pop.cell_type.default_initial_values[name]))
        for cells, value in assignments:
            values[cells] = resolve(value, cells.size, rng, f"{pop.label}.initial_values.{name}")
        out[name] = values
    return out


def _projection_plan(proj, conn, target: str) -> ProjectionPlan:
    cell = proj.post.cell_type
    weight = np.abs(conn.weight)
    negate = (proj.receptor_type == "inhibitory" and not cell.conductance_based
              and target in ("nest", "brian2"))
    if negate:
        weight = -weight
    rows = np.column_stack([conn.pre.astype(float), conn.post.astype(float), weight, conn.delay])
    unit = "uS" if cell.conductance_based else ("nA" if "tau_syn_E" in cell.parameters else "mV")
    stdp, short_term = None, None
    syn = proj.synapse_type
    if isinstance(syn, STDPMechanism):
        td, wd = syn.timing_dependence, syn.weight_dependence
        stdp = {"timing": {"tau_plus": td.tau_plus, "tau_minus": td.tau_minus,
                           "A_plus": td.A_plus, "A_minus": td.A_minus},
                "weight_dependence": type(wd).__name__,
                "bounds": {"w_min": wd.w_min, "w_max": wd.w_max},
                "dendritic_delay_fraction": syn.dendritic_delay_fraction}
    elif isinstance(syn, TsodyksMarkramSynapse):
        short_term = {"U": syn.U, "tau_rec": syn.tau_rec, "tau_facil": syn.tau_facil}
    return ProjectionPlan(label=proj.label, pre=proj.pre.parent.label, post=proj.post.parent.label,
                          receptor_type=proj.receptor_type, connections=rows.reshape(-1, 4),
                          negated=negate, weight_unit=unit, stdp=stdp, short_term=short_term)
