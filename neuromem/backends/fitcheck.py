"""Hardware profiles and the fit check: can a target run this network?

A *profile* (``hardware/<name>.yaml``) says what a target supports: cell types, STDP
weight dependences, recordable variables, allowed time steps (ms), neurons per core,
synapse-row limits and board size (SpiNNaker), spike precision and threads (NEST).
A profile may start from another one with ``extends: <name>`` and override fields. :func:`check_fit` compares a network with a profile and
lists **every** problem at once (unsupported cell, synapse or plasticity types,
engine-only features — hooks, adaptive thresholds, the pre/post-increment rule —, an
STDP delay convention the target does not have, delays that are not whole multiples
of the time step, too many cores for the board, synapse rows longer than sPyNNaker
allows), plus warnings (16-bit weights that round to zero, slowed-down SpiNNaker runs,
cells without a precise-timing NEST model) and a resource estimate (cores, chips).

Example
-------
>>> import neuromem as nm
>>> net = nm.Network(dt=1.0)
>>> _ = net.add(nm.Population(300, nm.IF_curr_exp(), label="exc"))
>>> report = check_fit(net, load_profile("spinn3"), seed=1)
>>> report.ok, report.estimate["min_cores"]
(True, 2)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import yaml

from ..errors import ModelError, UnsupportedFeatureError
from ..network import Network
from ..synapses import PrePostIncrementRule, STDPMechanism
from .nest_native import NEST_PRECISE_MODELS

HARDWARE_DIR = Path(__file__).resolve().parents[2] / "hardware"
DEFAULT_PROFILES = {"nest": "nest", "brian2": "brian2", "spinnaker": "spinn5"}
_REQUIRED = ("name", "target", "cells", "weight_dependences", "recordable")
SPIKE_PRECISIONS = ("on_grid", "off_grid")


@dataclass
class Profile:
    """A target's capabilities, read from a ``hardware/*.yaml`` file (units: ms, bytes)."""

    name: str
    target: str
    data: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        """A field of the profile file (``None``/``default`` when absent)."""
        return self.data.get(key, default)

    def neurons_per_core(self, cell_type: str, label: str | None = None) -> int:
        """Neurons that one core holds (SpiNNaker profiles only): the profile's entry for
        the population ``label`` if it has one, else for ``cell_type``, else ``default``."""
        table = self.data["neurons_per_core"]
        if label is not None and label in table:
            return int(table[label])
        return int(table.get(cell_type, table["default"]))


def load_profile(name_or_path: str | PathLike[str]) -> Profile:
    """Load a profile by name (``"spinn5"`` → ``hardware/spinn5.yaml``) or by path."""
    data, path = _profile_data(name_or_path, ())
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise ModelError(f"{path}: missing field(s) {missing}")
    if data["target"] not in DEFAULT_PROFILES:
        raise ModelError(f"{path}: target {data['target']!r} is not one of {sorted(DEFAULT_PROFILES)}")
    if data.get("spike_precision", "on_grid") not in SPIKE_PRECISIONS:
        raise ModelError(f"{path}: spike_precision {data['spike_precision']!r}; choose one of "
                         f"{list(SPIKE_PRECISIONS)} (NEST profiles only)")
    return Profile(str(data["name"]), str(data["target"]), data)


def _profile_data(name_or_path: str | PathLike[str], seen: tuple[Path, ...]) -> tuple[dict, Path]:
    """A profile file's fields, merged over those of the profile it ``extends`` (if any)."""
    path = Path(name_or_path)
    if not path.suffix:
        path = HARDWARE_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in HARDWARE_DIR.glob("*.yaml"))
        raise ModelError(f"hardware profile {str(name_or_path)!r} not found; known profiles: {known}")
    if path.resolve() in seen:
        raise ModelError(f"{path}: 'extends' loops back to this profile")
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected a mapping at the top level")
    base = data.pop("extends", None)
    if base is None:
        return data, path
    base_data, _ = _profile_data(str(base), seen + (path.resolve(),))
    return {**base_data, **data}, path


def default_profile(target: str) -> Profile:
    """The profile used for ``target`` when none is named (``spinnaker`` → ``spinn5``)."""
    if target not in DEFAULT_PROFILES:
        raise ModelError(f"target {target!r}: choose one of {sorted(DEFAULT_PROFILES)}")
    return load_profile(DEFAULT_PROFILES[target])


@dataclass
class FitReport:
    """Outcome of :func:`check_fit`: problems (refusals), warnings, resource estimate."""

    profile: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    estimate: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the target can run the network."""
        return not self.problems

    def raise_if_problems(self) -> None:
        """Raise :class:`UnsupportedFeatureError` listing every problem."""
        if self.problems:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            raise UnsupportedFeatureError(
                f"the network does not fit target profile {self.profile!r} "
                f"({len(self.problems)} problem(s)):\n{lines}")

    def text(self) -> str:
        """Human-readable report (problems, warnings, estimate)."""
        lines = [f"fit check against profile {self.profile!r}: "
                 f"{'OK' if self.ok else 'REFUSED'}"]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  warning: {w}" for w in self.warnings]
        if self.estimate:
            lines.append("  estimate: " + ", ".join(f"{k} {v}" for k, v in self.estimate.items()))
        return "\n".join(lines)


def check_fit(network: Network, profile: Profile, seed: int = 0,
              connections: list | None = None,
              neurons_per_core: Mapping[str, int] | None = None) -> FitReport:
    """Check ``network`` against ``profile``; ``connections`` are the realised lists
    (:func:`neuromem.engine.build.realise_connections`), drawn with ``seed`` if omitted.

    ``neurons_per_core`` (SpiNNaker): caps per population label or cell type name that
    override the profile's (see :func:`population_neurons_per_core`).
    """
    from ..engine.build import realise_connections
    from .spinnaker_rows import check_row_lengths

    if connections is None:
        connections = realise_connections(network, seed)
    report = FitReport(profile.name)
    _check_engine_only(network, profile, report)
    _check_timestep(network, profile, report)
    _check_cells(network, profile, report)
    _check_projections(network, connections, profile, report)
    if profile.target == "nest" and profile.get("spike_precision") == "off_grid":
        _check_precise_models(network, profile, report)
    if profile.target == "spinnaker":
        per_core = population_neurons_per_core(network, profile, neurons_per_core)
        _estimate_spinnaker(network, profile, per_core, report)
        check_row_lengths(network, connections, profile, per_core, report)
        _check_weight_precision(network, connections, profile, report)
    return report


def population_neurons_per_core(network: Network, profile: Profile,
                                overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Neurons per core for every population on a SpiNNaker ``profile``, by label.

    ``overrides`` maps a population label or a cell type name to a cap (a label wins
    over its cell type, and both over the profile). A cap may only lower the profile's
    figure for the cell type, which is sPyNNaker's maximum. Unknown keys and caps
    outside 1…maximum raise :class:`ModelError`.
    """
    overrides = dict(overrides or {})
    labels = {pop.label: pop.cell_type.name for pop in network.populations}
    unknown = sorted(set(overrides) - set(labels) - set(labels.values()))
    if unknown:
        raise ModelError(f"neurons_per_core: {unknown} name no population or cell type of the network "
                         f"(populations: {sorted(labels)})")
    out = {}
    for label, cell in labels.items():
        most = profile.neurons_per_core(cell)
        value = overrides.get(label, overrides.get(cell, profile.neurons_per_core(cell, label)))
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= most:
            raise ModelError(f"neurons_per_core for {label!r}: {value!r}; give an integer from 1 to "
                             f"{most} (the most {profile.name} puts on one core for {cell})")
        out[label] = int(value)
    return out


def _check_engine_only(network: Network, profile: Profile, report: FitReport) -> None:
    """Engine features without a PyNN equivalent, and the integration scheme."""
    if network.hooks:
        names = ", ".join(type(h).__name__ for h in network.hooks)
        report.problems.append(f"network hooks ({names}) run only on the embedded engine; "
                               "PyNN back ends cannot run them")
    for pop in network.populations:
        if pop.adaptive_threshold is not None:
            report.problems.append(f"population {pop.label!r}: AdaptiveThreshold has no PyNN "
                                   "equivalent (engine only)")
    scheme = profile.get("scheme", "exact")
    if network.scheme != "exact" and network.scheme != scheme:
        report.warnings.append(f"network scheme {network.scheme!r}: the engine integrates with it, "
                               f"but {profile.name} integrates its own way ({scheme!r}); runs will "
                               "differ by the scheme's error")


def _check_precise_models(network: Network, profile: Profile, report: FitReport) -> None:
    """With ``spike_precision: off_grid`` PyNN picks NEST's precise-timing models where
    they exist; other cell types stay grid-constrained (warned, per population)."""
    for pop in network.populations:
        name = pop.cell_type.name
        if name not in NEST_PRECISE_MODELS and not pop.cell_type.is_source:
            report.warnings.append(f"population {pop.label!r}: {name} has no precise-timing NEST model; "
                                   f"with spike_precision off_grid ({profile.name}) it stays "
                                   "grid-constrained")


def _check_timestep(network: Network, profile: Profile, report: FitReport) -> None:
    allowed = profile.get("allowed_timesteps")
    if allowed is None:
        return
    if not any(math.isclose(network.dt, float(a)) for a in allowed):
        report.problems.append(f"dt = {network.dt} ms is not a time step {profile.name} supports "
                               f"(allowed: {allowed} ms)")
    elif network.dt < float(profile.get("timestep", network.dt)):
        factor = float(profile.get("timestep")) / network.dt
        report.warnings.append(f"dt = {network.dt} ms is below the board's real-time tick of "
                               f"{profile.get('timestep')} ms: the board runs {factor:g}x slower "
                               "than real time (time_scale_factor)")


def _check_cells(network: Network, profile: Profile, report: FitReport) -> None:
    cells, recordable = profile.get("cells"), profile.get("recordable")
    for pop in network.populations:
        name = pop.cell_type.name
        if name not in cells:
            report.problems.append(f"population {pop.label!r}: cell type {name} is not supported on "
                                   f"{profile.name} (supported: {', '.join(cells)})")
        refused = profile.get("not_recordable", {}).get(name, [])
        bad = sorted(set(pop.recording) - (set(recordable) - set(refused)))
        if bad:
            report.problems.append(f"population {pop.label!r}: cannot record {bad} on {profile.name} "
                                   f"(recordable: {recordable})")


def _check_projections(network: Network, connections: list, profile: Profile,
                       report: FitReport) -> None:
    h = network.dt
    for proj, conn in zip(network.projections, connections):
        _check_synapse(proj, profile, report)
        if conn.delay.size:
            steps = conn.delay / h
            bad = (np.abs(steps - np.round(steps)) > 1e-9 * np.maximum(1.0, steps)) | (steps < 1 - 1e-9)
            if bad.any():
                report.problems.append(
                    f"projection {proj.label!r}: {int(bad.sum())} delay(s) (e.g. "
                    f"{float(conn.delay[bad][0]):g} ms) are not whole multiples (>= 1) of the "
                    f"time step {h} ms")


def _check_synapse(proj: Any, profile: Profile, report: FitReport) -> None:
    syn, where = proj.synapse_type, f"projection {proj.label!r}"
    kind = type(syn).__name__
    if kind not in profile.get("synapse_types", ["StaticSynapse", "STDPMechanism"]):
        why = profile.get("refused_synapse_notes", {}).get(kind, "")
        report.problems.append(f"{where}: {kind} is not supported on {profile.name}"
                               + (f" ({why})" if why else ""))
    note = profile.get("synapse_notes", {}).get(kind)
    if note:
        report.warnings.append(f"{where}: {note}")
    if not isinstance(syn, STDPMechanism):
        return
    if isinstance(syn.timing_dependence, PrePostIncrementRule):
        report.problems.append(f"{where}: PrePostIncrementRule has no PyNN equivalent (engine only)")
    wd = type(syn.weight_dependence).__name__
    if wd not in profile.get("weight_dependences"):
        report.problems.append(f"{where}: STDP weight dependence {wd} is not supported on {profile.name}")
    fractions = [float(f) for f in profile.get("dendritic_delay_fractions", [0.0, 1.0])]
    if syn.dendritic_delay_fraction not in fractions:
        report.problems.append(
            f"{where}: STDPMechanism(dendritic_delay_fraction={syn.dendritic_delay_fraction:g}) "
            f"cannot run on {profile.name}, which supports only {fractions} "
            "(0: axonal delay, as pyNN.brian2; 1: dendritic delay, as NEST's stdp_synapse and "
            "SpiNNaker); set it on the STDPMechanism")


def _estimate_spinnaker(network: Network, profile: Profile, per_core: dict[str, int],
                        report: FitReport) -> None:
    board = profile.get("board")
    per_pop = {pop.label: math.ceil(pop.size / per_core[pop.label]) for pop in network.populations}
    cores = sum(per_pop.values())
    app_per_chip = int(board["application_cores_per_chip"])
    available = int(board["chips"]) * app_per_chip
    # a lower bound: sPyNNaker may give synapse processing cores of their own
    report.estimate.update(min_cores=cores, min_chips=math.ceil(cores / app_per_chip),
                           cores_available=available)
    if cores > available:
        biggest = ", ".join(f"{k}: {v}" for k, v in sorted(per_pop.items(), key=lambda kv: -kv[1])[:3])
        report.problems.append(f"needs {cores} application cores (largest: {biggest}) but "
                               f"{profile.name} has {available} ({board['chips']} chips x "
                               f"{app_per_chip})")


def _check_weight_precision(network: Network, connections: list, profile: Profile,
                            report: FitReport) -> None:
    """Warn where 16-bit fixed point rounds weights to zero.

    sPyNNaker scales the weights arriving at one population and receptor by a power
    of two fitted to the largest of them, leaving ``weight_bits`` bits; the step is
    at least 2**ceil(log2(max |w|)) / 2**bits, so nonzero weights below half of that
    step become zero (a lower bound: sPyNNaker may pick a coarser step).
    """
    bits = int(profile.get("weight_bits", 16))
    groups: dict[tuple[str, str], float] = {}
    for proj, conn in zip(network.projections, connections):
        key = (proj.post.parent.label, proj.receptor_type)
        if conn.weight.size:
            groups[key] = max(groups.get(key, 0.0), float(np.abs(conn.weight).max()))
    for proj, conn in zip(network.projections, connections):
        w = np.abs(conn.weight)
        top = groups.get((proj.post.parent.label, proj.receptor_type), 0.0)
        if top <= 0 or not w.size:
            continue
        step = 2.0 ** math.ceil(math.log2(top)) / 2.0 ** bits
        zero = (w > 0) & (w < step / 2)
        if zero.any():
            report.warnings.append(
                f"projection {proj.label!r}: {int(zero.sum())} of {w.size} weights are below "
                f"{step / 2:.3g} (half the {bits}-bit step for {proj.receptor_type} input to "
                f"{proj.post.parent.label!r}) and round to zero on SpiNNaker")
