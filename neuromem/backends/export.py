"""Export a network as a standalone, readable PyNN script plus its data files.

``export_script(network, target, out_dir, seed=..., duration=...)`` first runs the fit
check against the target's hardware profile (refusing with every problem listed),
then writes::

    out_dir/run.py                       the PyNN script (python run.py)
    out_dir/plan.json                    labels, sizes, recording and units for saving results
    out_dir/data/<projection>.conn.npy   connection lists: rows (pre, post, weight, delay)
    out_dir/data/<population>.*.npy/npz  spike-source times, initial values, recorded cells

All random choices (connections, weights, delays, initial values) are drawn by
neuromem with the given seed and stored in the data files, so the script builds
exactly the network the engine and the live back ends build. The script needs PyNN
with its simulator, numpy, and neuromem only to write the results file
(``results.h5`` in neuromem's HDF5 schema, readable by ``neuromem plot``).

MPI: the script is safe to start under ``mpirun``/``srun``. With NEST built with MPI,
every rank builds its share of the network from the same files and recorded data are
gathered collectively (``get_data(gather=True)`` on all ranks). Only MPI rank 0 (read
from the launcher's environment, see :func:`mpi_world`) writes ``results.h5``; other
ranks write nothing. With a serial simulator (Brian2, a NEST without MPI) every process
runs the whole network and rank 0 still writes alone.

SpiNNaker: ``run.py`` creates ``~/.spynnaker.cfg`` from the hardware profile when it
is missing (never overwriting one), caps every population's neurons per core (from the
profile, or ``neurons_per_core=`` / ``--neurons-per-core LABEL=N``), prints and stores
the mapping (application cores, chips, SDRAM) in ``mapping.json``. A virtual board
returns no spike data. A spike-source array whose trains are all empty is written as
one shared empty list (sPyNNaker 7.4 crashes on a list of empty trains).

NEST: ``spike_precision`` and ``threads`` come from the profile (``--profile
nest_precise`` for precise spike timing).

Example
-------
>>> import neuromem as nm, tempfile
>>> net = nm.Network(dt=0.1)
>>> cell = net.add(nm.Population(2, nm.IF_curr_exp(i_offset=1.0), label="cell"))
>>> cell.record("spikes")
>>> path = export_script(net, "pynn-nest", tempfile.mkdtemp(), seed=1, duration=100.0)
>>> path.name
'run.py'
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..errors import ModelError
from ..hdf5 import write_text_atomically
from ..network import Network
from .fitcheck import Profile, default_profile, load_profile
from .nest_native import NEST_MODELS
from .plan import (BRIAN2_EXPONENTIAL_EULER, NetworkPlan, PopulationPlan, ProjectionPlan,
                   make_plan)

EXPORT_TARGETS = {"pynn-nest": "nest", "pynn-brian2": "brian2", "spinnaker": "spinnaker"}
_IMPORTS = {"nest": "import pyNN.nest as sim", "brian2": "import pyNN.brian2 as sim",
            "spinnaker": "import pyNN.spiNNaker as sim"}


def export_script(network: Network, target: str, out_dir: str | os.PathLike[str], seed: int,
                  duration: float, profile: Profile | None = None,
                  neurons_per_core: Mapping[str, int] | None = None) -> Path:
    """Write ``run.py`` and its data files for ``target`` (``pynn-nest``, ``pynn-brian2`` or
    ``spinnaker``) into ``out_dir``; returns the script path. ``duration`` in ms.
    ``neurons_per_core`` (SpiNNaker): caps by population label or cell type that
    override the profile's."""
    if target not in EXPORT_TARGETS:
        raise ModelError(f"export target {target!r}: choose one of {sorted(EXPORT_TARGETS)}")
    simulator = EXPORT_TARGETS[target]
    profile = profile or default_profile(simulator)
    plan = make_plan(network, duration, seed, simulator, profile, neurons_per_core)
    out = Path(out_dir)
    (out / "data").mkdir(parents=True, exist_ok=True)
    lines = _header(plan, network, profile)
    for pop in plan.populations:
        lines += _population_lines(pop, plan, out)
    lines.append("")
    for proj in plan.projections:
        lines += _projection_lines(proj, out)
    lines += _footer(plan)
    write_text_atomically(out / "plan.json", json.dumps(plan_summary(plan, profile), indent=1))
    script = out / "run.py"
    write_text_atomically(script, "\n".join(lines) + "\n")
    return script


def plan_summary(plan: NetworkPlan, profile: Profile) -> dict[str, Any]:
    """What the script needs besides PyNN to save its results (no large arrays)."""
    return {
        "target": plan.target, "dt": plan.dt, "duration": plan.duration, "seed": plan.seed,
        "simulator_seed": plan.simulator_seed, "time_offset": plan.time_offset,
        "warnings": plan.warnings, "model": plan.model, "profile": profile.name,
        "options": plan.options,
        "populations": [{"label": p.label, "size": p.size, "model": p.model,
                         "record": {k: v.tolist() for k, v in p.record.items()}}
                        for p in plan.populations],
        "projections": [{"label": p.label, "pre": p.pre, "post": p.post,
                         "receptor_type": p.receptor_type, "negated": p.negated,
                         "weight_unit": p.weight_unit, "stdp": p.stdp, "short_term": p.short_term}
                        for p in plan.projections],
    }


def load_plan_summary(path: str | os.PathLike[str]) -> NetworkPlan:
    """Read ``plan.json`` back as a :class:`NetworkPlan` without arrays (for saving results)."""
    with open(path, encoding="utf-8") as fh:
        d = json.load(fh)
    pops = [PopulationPlan(p["label"], p["size"], p["model"], {},
                           record={k: np.asarray(v, dtype=np.int64) for k, v in p["record"].items()})
            for p in d["populations"]]
    projs = [ProjectionPlan(p["label"], p["pre"], p["post"], p["receptor_type"], np.zeros((0, 4)),
                            p["negated"], p["weight_unit"], p["stdp"], p.get("short_term"))
             for p in d["projections"]]
    return NetworkPlan(d["target"], d["dt"], d["duration"], d["seed"], d["simulator_seed"],
                       d["time_offset"], pops, projs, d["model"], d["warnings"], d.get("options", {}))


def _header(plan: NetworkPlan, network: Network, profile: Profile) -> list[str]:
    from .. import __version__

    lines = [
        '"""PyNN script exported by neuromem {} from network {!r}.'.format(__version__, network.label),
        "",
        f"Target: {plan.target} (hardware profile {profile.name!r}). Seed {plan.seed} fixed the",
        "connections, weights, delays and initial values stored in data/. Units: ms, mV, nA, nF, uS, Hz.",
        "Run with:  python run.py   (under MPI: mpirun -n N python run.py; rank 0 writes results.h5)",
        '"""',
        "from pathlib import Path",
        "",
        "import numpy as np",
    ]
    if plan.target == "brian2":
        lines += ["import brian2", "from functools import partial", ""]
    lines += [_IMPORTS[plan.target], "",
              "from neuromem.backends.export import save_results"]
    if plan.target == "brian2":
        for model in sorted({p.model for p in plan.populations} & set(BRIAN2_EXPONENTIAL_EULER)):
            lines += ["", f"# {model} with Brian2's exponential Euler, as neuromem's live Brian2 "
                      "back end (pyNN.brian2 alone would choose forward Euler)",
                      f"class {model}_exponential_euler(sim.{model}):",
                      f"    brian2_model = partial(sim.{model}.brian2_model, "
                      "method='exponential_euler')"]
    if plan.target == "nest" and any(p.model in NEST_MODELS for p in plan.populations):
        lines.append("from neuromem.backends.nest_native import apply_state")
    if plan.target == "spinnaker":
        lines.append("from neuromem.backends.spinnaker import ensure_config")
        lines.append("from neuromem.backends.fitcheck import load_profile")
    lines += ["", "HERE = Path(__file__).resolve().parent", "DATA = HERE / 'data'", "",
              "", "def load(name):", "    return np.load(DATA / name, allow_pickle=False)", "", ""]
    if plan.target == "brian2":
        lines += ["brian2.prefs.codegen.target = 'numpy'  # no compiler needed",
                  f"brian2.seed({plan.simulator_seed})",
                  f"brian2.defaultclock.dt = {plan.dt!r} * brian2.ms  # spike sources on the network's clock"]
        lines.append(f"sim.setup(timestep={plan.dt!r}, min_delay={plan.dt!r})")
    elif plan.target == "nest":
        lines.append(f"sim.setup(timestep={plan.dt!r}, min_delay={plan.dt!r}, "
                     f"rng_seed={plan.simulator_seed}, "
                     f"spike_precision={plan.options['spike_precision']!r}, "
                     f"threads={plan.options['threads']!r})")
    else:
        lines += [f"config, created = ensure_config(load_profile({profile.name!r}))",
                  "if created:",
                  "    print(f'created {config} from hardware profile " + profile.name + "')",
                  f"sim.setup(timestep={plan.dt!r})"]
    if plan.time_offset:
        lines.append(f"# NEST cannot emit a spike-array spike at t = dt via PyNN's parrot neurons: "
                     f"all input times are {plan.time_offset} ms later")
    lines += ["", "populations, projections = {}, {}"]
    return lines


def _population_lines(pop: PopulationPlan, plan: NetworkPlan, out: Path) -> list[str]:
    key = repr(pop.label)
    ref = f"populations[{key}]"
    lines = [""]
    if pop.spike_times is not None and not any(t.size for t in pop.spike_times):
        lines += ["# no spikes at all: one shared empty list (sPyNNaker crashes on a list of empty trains)",
                  f"{ref} = sim.Population({pop.size}, sim.SpikeSourceArray(spike_times=[]), label={key})"]
    elif pop.spike_times is not None:
        ids = np.concatenate([np.full(t.size, i) for i, t in enumerate(pop.spike_times)] or [[]])
        times = np.concatenate(pop.spike_times or [[]])
        _save(out, f"{pop.label}.spikes.npz", times=times, ids=ids.astype(np.int64))
        lines += [f"spikes = load({pop.label + '.spikes.npz'!r})",
                  f"trains = [spikes['times'][spikes['ids'] == i] for i in range({pop.size})]",
                  f"{ref} = sim.Population({pop.size}, sim.SpikeSourceArray(spike_times=trains), "
                  f"label={key})"]
    else:
        scalars = {k: v for k, v in pop.parameters.items() if np.ndim(v) == 0}
        arrays = {k: v for k, v in pop.parameters.items() if np.ndim(v)}
        args = ", ".join(f"{k}={v!r}" for k, v in scalars.items())
        if arrays:
            _save(out, f"{pop.label}.parameters.npz", **arrays)
            args += (", " if args else "") + f"**load({pop.label + '.parameters.npz'!r})"
        cell_class = f"sim.{pop.model}"
        if plan.target == "brian2" and pop.model in BRIAN2_EXPONENTIAL_EULER:
            cell_class = f"{pop.model}_exponential_euler"
        lines.append(f"{ref} = sim.Population({pop.size}, {cell_class}({args}), label={key})")
        lines += _initial_lines(pop, plan, out, ref)
    if pop.neurons_per_core is not None:
        lines.append(f"{ref}.set_max_atoms_per_core({pop.neurons_per_core})  # neurons per core")
    for source in pop.current_sources:
        lines.append(f"sim.StepCurrentSource(times={source.times.tolist()!r}, "
                     f"amplitudes={source.amplitudes.tolist()!r}).inject_into("
                     f"{_cells(ref, source.cells, pop, out, 'current')})")
    for variable, cells in pop.record.items():
        interval = "" if variable == "spikes" or pop.sampling_interval is None else \
            f", sampling_interval={pop.sampling_interval!r}"
        lines.append(f"{_cells(ref, cells, pop, out, 'record.' + variable)}.record({variable!r}{interval})")
    return lines


def _initial_lines(pop: PopulationPlan, plan: NetworkPlan, out: Path, ref: str) -> list[str]:
    from ..cells import STANDARD_CELL_TYPES

    values = dict(pop.initial_values)
    native = plan.target == "nest" and pop.model in NEST_MODELS
    if native:
        defaults = STANDARD_CELL_TYPES[pop.model].default_initial_values
        values = {k: np.full(pop.size, float(v)) for k, v in defaults.items()} | values
    if not values:
        return []
    name = f"{pop.label}.initial.npz"
    _save(out, name, **values)
    if native:
        return ["# PyNN 0.13 does not set every initial state on NEST (e.g. v of IF_curr_delta),",
                "# so the state is set on the NEST nodes directly (neuromem units converted to NEST's).",
                f"apply_state({ref}.node_collection, {pop.model!r}, dict(load({name!r})))"]
    return [f"{ref}.initialize(**load({name!r}))"]


def _cells(ref: str, cells: np.ndarray, pop: PopulationPlan, out: Path, what: str) -> str:
    if cells.size == pop.size:
        return ref
    name = f"{pop.label}.{what}.npy"
    _save_npy(out, name, np.asarray(cells, dtype=np.int64))
    return f"{ref}[load({name!r})]"


def _projection_lines(proj: ProjectionPlan, out: Path) -> list[str]:
    name = f"{proj.label}.conn.npy"
    _save_npy(out, name, proj.connections)
    if proj.stdp is not None:
        synapse = (f"sim.STDPMechanism(timing_dependence=sim.SpikePairRule(**{proj.stdp['timing']!r}), "
                   f"weight_dependence=sim.{proj.stdp['weight_dependence']}(**{proj.stdp['bounds']!r}), "
                   f"dendritic_delay_fraction={proj.stdp['dendritic_delay_fraction']!r})")
    elif proj.short_term is not None:
        synapse = f"sim.TsodyksMarkramSynapse(**{proj.short_term!r})"
    else:
        synapse = "sim.StaticSynapse()"
    sign = "  # inhibitory currents are negative weights in PyNN" if proj.negated else ""
    return [f"projections[{proj.label!r}] = sim.Projection(",
            f"    populations[{proj.pre!r}], populations[{proj.post!r}],",
            f"    sim.FromListConnector(load({name!r}), column_names=['weight', 'delay']),{sign}",
            f"    {synapse}, receptor_type={proj.receptor_type!r}, label={proj.label!r})"]


def _footer(plan: NetworkPlan) -> list[str]:
    lines = ["", f"sim.run({plan.duration + plan.time_offset!r})"]
    lines += ["save_results(sim, HERE, populations, projections)", "sim.end()"]
    return lines


def save_results(sim: Any, folder: str | os.PathLike[str], populations: dict[str, Any],
                 projections: dict[str, Any]) -> Path:
    """Collect the recordings of an exported script's run and, on MPI rank 0 only, write
    ``results.h5`` (and ``mapping.json`` for SpiNNaker) into ``folder``. Every rank must
    call it (PyNN gathers the data collectively)."""
    from .pynn import collect_results

    folder = Path(folder)
    plan = load_plan_summary(folder / "plan.json")
    extra = {}
    if plan.target == "spinnaker":
        from .spinnaker import mapping_summary

        extra["mapping"] = mapping_summary()
    results = collect_results(plan, populations, projections)
    rank, size = mpi_world()
    results.provenance.update(extra, exported_script=True, mpi_processes=size,
                              simulator_processes=sim.num_processes(), written_by_rank=rank)
    path = folder / "results.h5"
    if rank == 0:
        if size > sim.num_processes():
            print(f"note: {size} MPI processes but the simulator is not distributed "
                  f"({sim.num_processes()} process): every process simulated the whole network")
        results.save(path)
        if extra:
            write_text_atomically(folder / "mapping.json", json.dumps(extra["mapping"], indent=1))
            print("mapping: " + ", ".join(f"{k} {v}" for k, v in extra["mapping"].items()))
        print(f"rank 0 of {size} wrote {path}")
    return path


MPI_ENVIRONMENT = (("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),   # Open MPI
                   ("PMI_RANK", "PMI_SIZE"),                           # MPICH, Intel MPI
                   ("SLURM_PROCID", "SLURM_NTASKS"))                   # srun


def mpi_world() -> tuple[int, int]:
    """(rank, number of processes) of the MPI job this process belongs to, read from the
    launcher's environment (mpirun/mpiexec/srun); (0, 1) outside MPI. Reading the
    environment needs no mpi4py, and is right also when the simulator itself is serial
    (pyNN.brian2, a NEST build without MPI), whose ``sim.rank()`` is 0 on every process."""
    for rank_name, size_name in MPI_ENVIRONMENT:
        if rank_name in os.environ and size_name in os.environ:
            return int(os.environ[rank_name]), int(os.environ[size_name])
    return 0, 1


def _save(out: Path, name: str, **arrays: np.ndarray) -> None:
    tmp = out / "data" / f".{name}.tmp.npz"
    np.savez(tmp, **{k: np.asarray(v) for k, v in arrays.items()})
    os.replace(tmp, out / "data" / name)


def _save_npy(out: Path, name: str, array: np.ndarray) -> None:
    tmp = out / "data" / f".{name}.tmp.npy"
    np.save(tmp, array)
    os.replace(tmp, out / "data" / name)



def _export_nir(network: Network, args: argparse.Namespace, seed: int) -> int:
    """``neuromem export MODEL --target nir``: list what NIR cannot express, then write
    ``DIR/network.nir`` (refused with every problem listed when there are any)."""
    from .nir import consumer_notes, nir_problems, save_graph, to_nir

    if args.check:
        problems = nir_problems(network, seed)
        print("NIR check: " + ("OK" if not problems else "REFUSED"))
        for problem in problems:
            print(f"  problem: {problem}")
        return 1 if problems else 0
    graph = to_nir(network, seed=seed, time_unit=args.time_unit)
    for note in consumer_notes(graph):
        print(f"  note: {note}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    path = save_graph(graph, Path(args.out) / "network.nir")
    print(f"wrote {path} (times in {args.time_unit})")
    return 0


def run_exported(script: str | os.PathLike[str], timeout: float | None = None,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run an exported script with this Python in its own folder (where sPyNNaker writes
    ``reports/``); returns the completed process (stdout/stderr captured as text)."""
    script = Path(script)
    return subprocess.run([sys.executable, script.name], cwd=script.parent, capture_output=True,
                          text=True, timeout=timeout, env=env)


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``neuromem export MODEL.yaml --target T -o DIR``."""
    parser.add_argument("model", help="model file (YAML)")
    parser.add_argument("--target", required=True, choices=sorted(EXPORT_TARGETS) + ["nir"],
                        help="what the script runs on, or 'nir' for a NIR graph (DIR/network.nir)")
    parser.add_argument("--time-unit", choices=["ms", "s"], default="ms",
                        help="time unit of a NIR graph (snnTorch and Norse expect s; default ms)")
    parser.add_argument("-o", "--out", required=True, help="output folder (created)")
    parser.add_argument("--profile", help="hardware profile name or YAML path (default per target)")
    parser.add_argument("--seed", type=int, help="seed (default: the model's)")
    parser.add_argument("--duration", type=float, help="duration in ms (default: the model's)")
    parser.add_argument("--neurons-per-core", action="append", default=[], metavar="NAME=N",
                        help="SpiNNaker: at most N neurons per core for the population or cell "
                             "type NAME (repeatable; overrides the profile)")
    parser.add_argument("--check", action="store_true", help="only print the fit check")
    parser.add_argument("--run", action="store_true",
                        help="run the script after exporting (SpiNNaker: virtual-board mapping)")


def add_export_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` sub-command to an argparse ``subparsers`` object."""
    parser = subparsers.add_parser("export", help="write a standalone PyNN script for a target")
    add_export_arguments(parser)
    parser.set_defaults(handler=run_export)
    return parser


def parse_neurons_per_core(items: list[str]) -> dict[str, int]:
    """``["cueCont=128", "IF_curr_exp=200"]`` → ``{"cueCont": 128, "IF_curr_exp": 200}``."""
    caps = {}
    for item in items:
        name, _, value = item.partition("=")
        if not name or not value.strip().isdigit():
            raise ModelError(f"--neurons-per-core {item!r}: write NAME=N with a population label or "
                             "cell type and a positive integer, e.g. --neurons-per-core exc=128")
        caps[name] = int(value)
    return caps


def run_export(args: argparse.Namespace) -> int:
    """Handle ``neuromem export``; returns the exit code (0 ok, 1 script failed).

    Bad input raises :class:`~neuromem.errors.NeuromemError` (the CLI prints it, exit 2).
    """
    from .fitcheck import check_fit
    from ..spec import load_model

    network, settings = load_model(args.model)
    if args.target == "nir":
        return _export_nir(network, args, settings.seed if args.seed is None else args.seed)
    simulator = EXPORT_TARGETS[args.target]
    profile = load_profile(args.profile) if args.profile else default_profile(simulator)
    seed = settings.seed if args.seed is None else args.seed
    duration = settings.duration if args.duration is None else args.duration
    caps = parse_neurons_per_core(args.neurons_per_core)
    report = check_fit(network, profile, seed=seed, neurons_per_core=caps)
    print(report.text())
    if args.check:
        return 0 if report.ok else 1
    script = export_script(network, args.target, args.out, seed=seed, duration=duration, profile=profile,
                           neurons_per_core=caps)
    print(f"wrote {script} and its data files")
    if not args.run:
        return 0
    done = run_exported(script)
    sys.stdout.write(done.stdout[-4000:])
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
    return 1 if done.returncode else 0
