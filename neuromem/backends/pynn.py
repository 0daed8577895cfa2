"""PyNN back ends: run a neuromem network on NEST, Brian2 or SpiNNaker.

``PyNNBackend("nest").run(network, duration_ms, seed)`` translates the network with
:func:`neuromem.backends.plan.make_plan` (same connections, weights, delays and
initial values as the embedded engine for the same seed), builds it with
``pyNN.nest`` / ``pyNN.brian2`` / ``pyNN.spiNNaker``, runs it and returns a neuromem
:class:`~neuromem.results.Results` (times in ms, traces in the cell type's units)
whose provenance names the back end, the simulator version and the plan's warnings.

PyNN already uses neuromem's units (ms, mV, nA, nF, µS); the conversions to NEST's
native pF/pA/nS happen inside PyNN and are checked in
:mod:`neuromem.backends.nest_native`.

Conventions that differ between simulators and are evened out here:

* spike times of cells are reported NEST-style, at the end of the step in which
  the threshold was crossed. Brian2 reports the start of that step; one ``dt`` is
  added to its cells' spike times (spike sources already agree). With NEST's
  precise timing (profile ``spike_precision: off_grid``, e.g. ``nest_precise``) a
  spike's exact time is moved to the end of its step, and spike-array spikes are
  emitted at the start of their step (see :func:`~neuromem.backends.plan.simulator_options`).
* NEST's ``spike_precision`` and ``threads`` come from the profile
  (:func:`neuromem.backends.plan.simulator_options`); pick a profile other than the
  target's default with ``backend="<target>:<profile>"`` (e.g. ``"nest:nest_precise"``,
  or a YAML path after the colon).
* STDP keeps the network's ``dendritic_delay_fraction`` (the fit check allows 1 on
  NEST and SpiNNaker, 0 on Brian2); ``TsodyksMarkramSynapse`` becomes PyNN's
  ``TsodyksMarkramSynapse`` (NEST: ``tsodyks_synapse``).
* Brian2 runs with the code-generation target of the ``brian2`` profile
  (``numpy``: no compiler needed) and integrates PyNN's equations with the methods
  PyNN picks (``exact`` for the linear LIF models, ``euler`` otherwise).
* on SpiNNaker, ``~/.spynnaker.cfg`` is created from the profile when missing
  (never overwritten); with a virtual board, no data come back (the results are
  empty and say so in ``provenance["spinnaker"]``). Every population gets the
  neurons-per-core cap of the plan (``Population.set_max_atoms_per_core``).
* a spike-source array whose trains are all empty is given as one shared empty list:
  sPyNNaker 7.4 crashes (``IndexError`` in its spike-density check) on a list of
  empty per-cell trains.

A missing simulator is an error naming the extra to install — never a fallback.

Example
-------
>>> import neuromem as nm
>>> net = nm.Network(dt=0.1)
>>> cell = net.add(nm.Population(1, nm.IF_curr_exp(i_offset=1.0), label="cell"))
>>> cell.record("spikes")
>>> res = PyNNBackend("nest").run(net, 50.0, seed=1)          # doctest: +SKIP
>>> res.backend, res["cell"].n_spikes                          # doctest: +SKIP
('nest', 3)
"""
from __future__ import annotations

import importlib
import time
from types import ModuleType
from typing import Any, Mapping

import numpy as np

from ..cells import STANDARD_CELL_TYPES
from ..errors import BackendUnavailableError
from ..network import Network
from ..results import PopulationData, Results, Trace, WeightData
from .fitcheck import Profile, default_profile
from .nest_native import NEST_MODELS, apply_state, check_parameters
from .plan import (BRIAN2_EXPONENTIAL_EULER, NetworkPlan, PopulationPlan, ProjectionPlan,
                   make_plan)

SIMULATOR_MODULES = {"nest": "pyNN.nest", "brian2": "pyNN.brian2", "spinnaker": "pyNN.spiNNaker"}
SPIKE_TIME_SHIFT_STEPS = {"nest": 0, "brian2": 1, "spinnaker": 0}


def import_simulator(target: str) -> ModuleType:
    """Import ``pyNN.<simulator>`` for ``target``; raise BackendUnavailableError naming the extra."""
    module = SIMULATOR_MODULES.get(target)
    if module is None:
        raise BackendUnavailableError(f"unknown PyNN back end {target!r}; choose one of "
                                      f"{sorted(SIMULATOR_MODULES)}")
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise BackendUnavailableError(
            f"back end {target!r} needs {module}, which cannot be imported ({exc}); "
            f"install it with: pip install neuromem[{target}]") from exc


class PyNNBackend:
    """Run networks through PyNN on ``name`` (``"nest"``, ``"brian2"`` or ``"spinnaker"``).

    ``profile`` (a :class:`~neuromem.backends.fitcheck.Profile`) defaults to the
    target's profile in ``hardware/`` (``spinn5`` for SpiNNaker). ``neurons_per_core``
    (SpiNNaker): caps by population label or cell type, overriding the profile's.
    """

    def __init__(self, name: str, profile: Profile | None = None,
                 neurons_per_core: Mapping[str, int] | None = None) -> None:
        self.sim = import_simulator(name)
        self.name = name
        self.profile = profile or default_profile(name)
        self.neurons_per_core = neurons_per_core

    def run(self, network: Network, duration: float, seed: int, progress: bool | None = None) -> Results:
        """Simulate ``duration`` ms and return the recorded data (``progress`` is not
        used: PyNN simulators print their own progress)."""
        plan = make_plan(network, duration, seed, self.name, self.profile, self.neurons_per_core)
        facts = prepare_simulator(self.name, self.profile, plan)
        sim = self.sim
        started = time.perf_counter()
        setup(sim, plan)
        pops, projs = build(sim, plan)
        built = time.perf_counter()
        sim.run(plan.duration + plan.time_offset)
        ran = time.perf_counter()
        if self.name == "spinnaker":
            from .spinnaker import mapping_summary

            facts["mapping"] = mapping_summary()
        results = collect_results(plan, pops, projs)
        sim.end()
        results.provenance.update(facts)
        results.provenance["timings_s"] = {"build": built - started, "run": ran - built}
        return results


def prepare_simulator(target: str, profile: Profile, plan: NetworkPlan) -> dict[str, Any]:
    """Per-simulator preparation before ``setup``; returns facts for provenance."""
    facts: dict[str, Any] = {"profile": profile.name}
    if target == "brian2":
        import brian2

        brian2.prefs.codegen.target = str(profile.get("codegen_target", "numpy"))
        brian2.seed(plan.simulator_seed)
        # pyNN.brian2 leaves spike sources on Brian2's default clock (0.1 ms), so their
        # synapses would run on a finer clock than the network's dt: align the two.
        brian2.defaultclock.dt = plan.dt * brian2.ms
        facts["brian2_codegen_target"] = brian2.prefs.codegen.target
    elif target == "spinnaker":
        from .spinnaker import config_is_virtual, ensure_config

        path, created = ensure_config(profile)
        facts["spinnaker"] = {"config": str(path), "config_created": created,
                              "virtual_board": config_is_virtual(path)}
        if facts["spinnaker"]["virtual_board"]:
            facts["spinnaker"]["note"] = "virtual board: mapping only, no spike or voltage data"
    return facts


def setup(sim: ModuleType, plan: NetworkPlan) -> None:
    """Call ``sim.setup`` with the plan's time step (ms) and seed."""
    if plan.target == "spinnaker":
        sim.setup(timestep=plan.dt)
    elif plan.target == "nest":
        sim.setup(timestep=plan.dt, min_delay=plan.dt, rng_seed=plan.simulator_seed,
                  spike_precision=plan.options["spike_precision"], threads=plan.options["threads"])
    else:
        sim.setup(timestep=plan.dt, min_delay=plan.dt)


def build(sim: ModuleType, plan: NetworkPlan) -> tuple[dict[str, Any], dict[str, Any]]:
    """Create the plan's populations and projections with ``sim``; returns them by label."""
    pops = {p.label: _population(sim, p, plan.target) for p in plan.populations}
    projs = {p.label: _projection(sim, p, pops) for p in plan.projections}
    return pops, projs


def _with_brian2_method(model: type, method: str) -> type:
    """The pyNN.brian2 cell type ``model`` integrated with Brian2's ``method``.

    pyNN.brian2 lets Brian2 choose ('exact', 'euler', 'heun' in that order), which gives
    forward Euler for conductance-based cells; exponential Euler is Brian2's scheme
    closest to the engine's exponential integrator for ``IF_cond_exp``.
    """
    from functools import partial

    return type(model.__name__, (model,), {"brian2_model": partial(model.brian2_model,
                                                                    method=method)})


def _population(sim: ModuleType, plan: PopulationPlan, target: str) -> Any:
    model = getattr(sim, plan.model)
    if target == "brian2" and plan.model in BRIAN2_EXPONENTIAL_EULER:
        model = _with_brian2_method(model, "exponential_euler")
    if plan.spike_times is not None:
        from pyNN.parameters import Sequence

        trains = plan.spike_times
        if not any(t.size for t in trains):
            cell = model(spike_times=[])      # sPyNNaker crashes on a list of empty trains
        elif all(np.array_equal(t, trains[0]) for t in trains):
            cell = model(spike_times=Sequence(trains[0]))
        else:
            cell = model(spike_times=[Sequence(t) for t in trains])
    else:
        cell = model(**plan.parameters)
    pop = sim.Population(plan.size, cell, label=plan.label)
    if plan.neurons_per_core is not None:
        pop.set_max_atoms_per_core(plan.neurons_per_core)
    if target == "nest" and plan.model in NEST_MODELS:
        check_parameters(pop.node_collection, plan.model, plan.parameters)
        state = {name: np.full(plan.size, float(value)) for name, value
                 in STANDARD_CELL_TYPES[plan.model].default_initial_values.items()}
        apply_state(pop.node_collection, plan.model, {**state, **plan.initial_values})
    elif plan.initial_values:
        pop.initialize(**plan.initial_values)
    for source in plan.current_sources:
        current = sim.StepCurrentSource(times=source.times.tolist(), amplitudes=source.amplitudes.tolist())
        current.inject_into(_view(pop, source.cells, plan.size))
    for variable, cells in plan.record.items():
        kwargs = {} if variable == "spikes" or plan.sampling_interval is None else \
            {"sampling_interval": plan.sampling_interval}
        _view(pop, cells, plan.size).record(variable, **kwargs)
    return pop


def _view(pop: Any, cells: np.ndarray, size: int) -> Any:
    return pop if cells.size == size else pop[np.asarray(cells, dtype=int)]


def _projection(sim: ModuleType, plan: ProjectionPlan, pops: dict[str, Any]) -> Any:
    connector = sim.FromListConnector(plan.connections, column_names=["weight", "delay"])
    if plan.stdp is not None:
        synapse = sim.STDPMechanism(
            timing_dependence=sim.SpikePairRule(**plan.stdp["timing"]),
            weight_dependence=getattr(sim, plan.stdp["weight_dependence"])(**plan.stdp["bounds"]),
            dendritic_delay_fraction=plan.stdp["dendritic_delay_fraction"])
    elif plan.short_term is not None:
        synapse = sim.TsodyksMarkramSynapse(**plan.short_term)
    else:
        synapse = sim.StaticSynapse()
    return sim.Projection(pops[plan.pre], pops[plan.post], connector, synapse,
                          receptor_type=plan.receptor_type, label=plan.label)


def collect_results(plan: NetworkPlan, pops: dict[str, Any], projs: dict[str, Any]) -> Results:
    """Gather the recorded data of a finished PyNN run into a neuromem ``Results``.

    Must be called on every MPI rank (PyNN gathers collectively); all ranks get the
    full data.
    """
    populations = {p.label: _population_data(p, pops[p.label], plan) for p in plan.populations}
    weights = {p.label: _weight_data(p, projs[p.label]) for p in plan.projections if p.stdp}
    provenance = {"backend": plan.target, "simulator": SIMULATOR_MODULES[plan.target],
                  "time_offset_ms": plan.time_offset, "warnings": plan.warnings,
                  "simulator_options": plan.options}
    return Results(populations, dt=plan.dt, duration=plan.duration, seed=plan.seed,
                   backend=plan.target, model=plan.model, weights=weights, provenance=provenance)


def _population_data(plan: PopulationPlan, pop: Any, net: NetworkPlan) -> PopulationData:
    recorded = plan.record.get("spikes", np.zeros(0, dtype=np.int64))
    data = PopulationData(plan.label, plan.size, plan.model, np.zeros(0), np.zeros(0, dtype=np.int64),
                          recorded_ids=np.asarray(recorded, dtype=np.int64))
    if not plan.record:
        return data
    segment = pop.get_data(gather=True).segments[-1]
    cell_type = STANDARD_CELL_TYPES[plan.model]
    steps = 0 if cell_type.is_source else SPIKE_TIME_SHIFT_STEPS[net.target]
    shift = steps * net.dt - net.time_offset
    to_step_end = net.options.get("spike_precision") == "off_grid"
    if plan.model == "SpikeSourceArray":   # emitted at the start of their step (plan.simulator_options)
        shift += net.options.get("source_lead_ms", 0.0)
    times, ids = [], []
    for train in segment.spiketrains:
        t = np.asarray(train.rescale("ms").magnitude, dtype=float)
        if to_step_end:   # a precise time inside step (k-1, k]·dt is reported as k·dt
            t = np.ceil(np.round(t / net.dt, 6)) * net.dt
        t = t + shift
        t = t[(t > 1e-9) & (t <= net.duration + 1e-9)]
        times.append(t)
        ids.append(np.full(t.size, int(train.annotations["source_index"]), dtype=np.int64))
    if times:
        t_all, i_all = np.concatenate(times), np.concatenate(ids)
        order = np.lexsort((i_all, np.round(t_all / net.dt)))
        data.spike_times, data.spike_ids = t_all[order], i_all[order]
    units = cell_type.units
    for signal in segment.analogsignals:
        unit = units.get(signal.name, str(signal.units.dimensionality))
        t = np.asarray(signal.times.rescale("ms").magnitude, dtype=float) - net.time_offset
        keep = (t > -1e-9) & (t <= net.duration + 1e-9)
        values = np.asarray(signal.rescale(unit).magnitude, dtype=float)[keep]
        data.traces[signal.name] = Trace(t[keep], np.asarray(signal.array_annotations["channel_index"],
                                                                 dtype=np.int64), values, unit)
    return data


def _weight_data(plan: ProjectionPlan, proj: Any) -> WeightData:
    if len(plan.connections) == 1:
        # pyNN.brian2 0.13 cannot list a projection holding a single synapse
        pre, post = plan.connections[0, :2].astype(int)
        rows = np.array([[pre, post] + [float(np.asarray(proj.get(name, format="array"))[pre, post])
                                        for name in ("weight", "delay")]])
    else:
        rows = np.asarray(proj.get(["weight", "delay"], format="list", with_address=True), dtype=float)
    rows = rows.reshape(-1, 4)
    sign = -1.0 if plan.negated else 1.0
    return WeightData(rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64), sign * rows[:, 2],
                      rows[:, 3], plan.weight_unit)
