"""Declarative models: load and validate ``models/*.yaml`` into a :class:`~neuromem.network.Network`.

A model file is plain YAML read with ``yaml.safe_load`` (nothing in it is executed).
Units are PyNN's: ms, mV, nA, nF, µS, Hz. The schema (format version 1)::

    neuromem: 1                      # model format version (required)
    name: coba                       # optional, default: the file name
    description: ...                 # optional
    dt: 0.1                          # ms, optional (default 0.1)
    duration: 1000.0                 # ms, required
    seed: 42                         # optional (default 0)
    populations:                     # label -> population (required, at least one)
      exc:
        size: 3200                   # positive integer
        cell: IF_cond_exp            # a standard cell type
        parameters: {tau_m: 20.0}    # numbers, or one number per cell; SpikeSourceArray
                                     # takes spike_times: [t, ...] or [[t, ...], ...] (ms)
        initial_values: {v: {distribution: uniform, low: -60.0, high: -50.0}}
        record: [spikes, v]          # names, or mappings {variables: [v],
                                     #   cells: "0:10" | [0, 5], sampling_interval: 1.0}
                                     # e.g. [spikes, {variables: [v], cells: "0:4"}]
        current_sources:             # DCSource / StepCurrentSource, optional cells
          - {type: DCSource, amplitude: 0.5, start: 100.0, stop: 200.0, cells: "0:10"}
    projections:                     # label -> projection (optional)
      exc_inh:
        pre: exc                     # label, "exc[0:100]" or {population: exc, cells: [...]}
        post: inh
        connector: {type: FixedProbabilityConnector, p_connect: 0.02}
        synapse: {type: StaticSynapse, weight: 0.006, delay: 0.1}
        # or {type: STDPMechanism, weight, delay,
        #     timing_dependence: {type: SpikePairRule, tau_plus, tau_minus, A_plus, A_minus},
        #     weight_dependence: {type: AdditiveWeightDependence, w_min, w_max}}
        receptor_type: excitatory    # or inhibitory (default excitatory)
        # or {type: TsodyksMarkramSynapse, weight, delay, U, tau_rec, tau_facil}
    astrocytes:                      # optional: label -> astrocyte layer or AM-SU modulator
      astro: {model: gchi, size: 16, projection: exc_exc}   # see neuromem.astro.spec_section

Weights, delays and initial values are a number, a list (one value per connection or
cell) or ``{distribution: uniform, low: ..., high: ...}`` (any distribution of
:class:`~neuromem.random.RandomDistribution`). Fixed delays must be whole multiples of
``dt`` and at least one step, which is checked here; drawn delays can only be checked
once drawn, and the engine refuses any that are not whole steps.

Every problem raises :class:`~neuromem.errors.ModelError` naming the file, the field
path (``populations.exc.size``), the bad value and what would be valid.

Example
-------
>>> net, settings = load_model("models/coba.yaml")       # doctest: +SKIP
>>> results = net.run(settings.duration, seed=settings.seed)   # doctest: +SKIP
>>> net = build_network({"neuromem": 1, "duration": 10.0,
...                      "populations": {"a": {"size": 2, "cell": "IF_curr_exp"}}})
>>> net.population("a").size
2
"""
from __future__ import annotations

import inspect
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Iterator, Mapping, NoReturn

import numpy as np
import yaml

from . import __version__
from .cells import STANDARD_CELL_TYPES, CellType
from .connectors import CONNECTORS, FromListConnector
from .errors import ModelError
from .network import RECEPTOR_TYPES, Cells, Network, Population, Projection
from .random import RandomDistribution
from .sources import CURRENT_SOURCES
from .synapses import WEIGHT_DEPENDENCES, SpikePairRule, STDPMechanism, StaticSynapse, TsodyksMarkramSynapse

MODEL_FORMAT_VERSION = 1
DEFAULT_DT = 0.1

TOP_LEVEL_KEYS = ("neuromem", "name", "description", "dt", "duration", "seed", "populations",
                  "projections", "astrocytes")
POPULATION_KEYS = ("size", "cell", "parameters", "initial_values", "record", "current_sources")
RECORD_KEYS = ("variables", "cells", "sampling_interval")
PROJECTION_KEYS = ("pre", "post", "connector", "synapse", "receptor_type")
SYNAPSE_TYPES = {"StaticSynapse": StaticSynapse, "STDPMechanism": STDPMechanism,
                 "TsodyksMarkramSynapse": TsodyksMarkramSynapse}
TSODYKS_MARKRAM_KEYS = ("U", "tau_rec", "tau_facil")
TIMING_DEPENDENCES = {"SpikePairRule": SpikePairRule}


@dataclass(frozen=True)
class RunSettings:
    """How a model file asks to be run.

    ``duration`` and ``dt`` in ms; ``seed`` a non-negative integer; ``name`` and
    ``description`` free text (``name`` defaults to the file name without extension).
    """

    name: str
    duration: float
    seed: int
    dt: float
    description: str = ""


def load_model(path: str | PathLike[str]) -> tuple[Network, RunSettings]:
    """Read a YAML model file and return its network and run settings.

    Raises ModelError for a missing file, YAML syntax errors (with line and column)
    and every invalid field.
    """
    source = str(path)
    file = Path(path)
    if not file.is_file():
        raise ModelError(f"{source}: model file not found")
    try:
        mapping = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = ("unsupported YAML tag (plain YAML only)"
                if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error")
        raise ModelError(f"{source}: {what}{where}: {exc.problem or exc.context}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ModelError(f"{source}: cannot read as YAML: {exc}") from exc
    return _parse(mapping, source, default_name=file.stem)


def build_network(mapping: Any, source: str = "<model>") -> Network:
    """Validate a model mapping (as parsed from YAML) and build its Network.

    ``source`` names the mapping in error messages (usually the file path). The raw
    mapping is attached as ``network.source_description``.
    """
    return _parse(mapping, source, default_name="network")[0]


def _parse(mapping: Any, source: str, default_name: str) -> tuple[Network, RunSettings]:
    with _in_source(source):
        settings = _settings(_top_level(mapping), default_name)
        network = Network(dt=settings.dt, label=settings.name)
        populations = _required_mapping(mapping, "populations", "")
        if not populations:
            _fail("populations", "no populations given; define at least one")
        for label, spec in populations.items():
            network.add(_population(_label(label, "populations"), spec))
        labelled = {p.label: p for p in network.populations}
        for label, spec in (_optional_mapping(mapping, "projections", "") or {}).items():
            network.add(_projection(_label(label, "projections"), spec, labelled, settings.dt))
        if mapping.get("astrocytes") is not None:
            from .astro.spec_section import astrocyte_hook

            for label, spec in _required_mapping(mapping, "astrocytes", "").items():
                label = _label(label, "astrocytes")
                network.add_hook(astrocyte_hook(label, spec, network, f"astrocytes.{label}"))
        network.source_description = mapping
        return network, settings


def _settings(header: Mapping[str, Any], default_name: str) -> RunSettings:
    name = header.get("name", default_name)
    description = header.get("description", "")
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            _fail(key, f"expected text, got {_show(value)}")
    return RunSettings(name=name, duration=_number(header["duration"], "duration", positive=True),
                       seed=_integer(header.get("seed", 0), "seed", minimum=0),
                       dt=_number(header.get("dt", DEFAULT_DT), "dt", positive=True),
                       description=description)


# -- top level -------------------------------------------------------------------------

def _top_level(mapping: Any) -> dict[str, Any]:
    if not isinstance(mapping, dict):
        raise ModelError(f"the model must be a YAML mapping with keys {list(TOP_LEVEL_KEYS)}, "
                         f"got {_show(mapping)}")
    if "neuromem" not in mapping:
        _fail("neuromem", f"missing model format version; add 'neuromem: {MODEL_FORMAT_VERSION}' "
                          "at the top of the file")
    version = mapping["neuromem"]
    if isinstance(version, bool) or version != MODEL_FORMAT_VERSION:
        _fail("neuromem", f"model format version {_show(version)} is not supported; this neuromem "
                          f"({__version__}) reads model format version {MODEL_FORMAT_VERSION}")
    _check_keys(mapping, "", required=("neuromem", "duration", "populations"),
                valid=TOP_LEVEL_KEYS)
    return mapping


# -- populations -----------------------------------------------------------------------

def _population(label: str, spec: Any) -> Population:
    path = f"populations.{label}"
    spec = _mapping(spec, path, POPULATION_KEYS)
    _check_keys(spec, path, required=("size", "cell"), valid=POPULATION_KEYS)
    size = _integer(spec["size"], f"{path}.size", minimum=1)
    cell = _cell_type(spec["cell"], _optional_mapping(spec, "parameters", path) or {}, path)
    with _context(path):
        pop = Population(size, cell, label=label)
    initial = _optional_mapping(spec, "initial_values", path) or {}
    for name, value in initial.items():
        where = f"{path}.initial_values.{name}"
        if name not in cell.default_initial_values:
            _fail(where, f"{cell.name} has no state variable {_show(name)}; valid are "
                         f"{sorted(cell.default_initial_values)}")
        with _context(where):
            pop.initialize(**{name: _value(value, where)})
    if spec.get("record") is not None:
        _record(pop, spec["record"], f"{path}.record")
    sources = spec.get("current_sources") or []
    if not isinstance(sources, list):
        _fail(f"{path}.current_sources", f"expected a list of sources, got {_show(sources)}")
    for i, source_spec in enumerate(sources):
        where = f"{path}.current_sources[{i}]"
        cells = pop
        if isinstance(source_spec, dict) and "cells" in source_spec:
            cells = pop[_cell_indices(source_spec["cells"], pop.size, f"{where}.cells")]
        source = _construct(CURRENT_SOURCES, source_spec, where, "current source", extra=("cells",))
        with _context(where):
            source.inject_into(cells)
    return pop


def _cell_type(name: Any, parameters: dict[str, Any], path: str) -> CellType:
    if not isinstance(name, str) or name not in STANDARD_CELL_TYPES:
        _fail(f"{path}.cell", f"unknown cell type {_show(name)}; valid cell types are "
                              f"{sorted(STANDARD_CELL_TYPES)}")
    cls = STANDARD_CELL_TYPES[name]
    valid = sorted(set(cls.default_parameters) | set(_signature(cls)))
    for key, value in parameters.items():
        where = f"{path}.parameters.{key}"
        if key not in valid:
            _fail(where, f"{name} has no parameter {_show(key)}; valid parameters are {valid}")
        if key != "spike_times":
            _numbers(value, where)
    with _context(f"{path}.parameters"):
        return cls(**parameters)


def _record(pop: Population, spec: Any, path: str) -> None:
    """``record`` is a variable name, a list of names, a mapping {variables, cells,
    sampling_interval}, or a list mixing names and such mappings."""
    items = spec if isinstance(spec, list) else [spec]
    for i, item in enumerate(items):
        where = f"{path}[{i}]" if isinstance(spec, list) else path
        cells: Cells = pop
        interval = None
        variables = item
        if isinstance(item, dict):
            _check_keys(item, where, required=("variables",), valid=RECORD_KEYS)
            variables = item["variables"]
            if item.get("cells") is not None:
                cells = pop[_cell_indices(item["cells"], pop.size, f"{where}.cells")]
            if item.get("sampling_interval") is not None:
                interval = _number(item["sampling_interval"], f"{where}.sampling_interval",
                                   positive=True)
        variables = [variables] if isinstance(variables, str) else variables
        if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
            _fail(where, f"expected variable names such as [spikes, v] or a mapping with keys "
                         f"{list(RECORD_KEYS)}, got {_show(item)}")
        for name in variables:
            if name not in pop.cell_type.recordable:
                _fail(where, f"{_show(name)} cannot be recorded from {pop.cell_type.name}; "
                             f"recordable are {list(pop.cell_type.recordable)}")
        with _context(where):
            cells.record(variables, sampling_interval=interval)


def _cell_indices(value: Any, size: int, path: str) -> np.ndarray:
    """Cell indices from ``"start:stop[:step]"``, an integer or a list of integers."""
    hint = f"give 'start:stop' or a list of cell indices in 0..{size - 1}"
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d*)\s*:\s*(\d*)\s*(?::\s*(\d*)\s*)?", value)
        if not match:
            _fail(path, f"{_show(value)} is not a cell range; {hint}")
        start, stop, step = (int(g) if g else None for g in match.groups())
        if (stop is not None and stop > size) or (start is not None and start >= size) or step == 0:
            _fail(path, f"range {_show(value)} does not fit a population of {size} cells; {hint}")
        indices = np.arange(size)[slice(start, stop, step)]
    else:
        items = [value] if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(items, list) or not all(isinstance(i, int) and not isinstance(i, bool)
                                                  for i in items):
            _fail(path, f"{_show(value)} is not a cell selection; {hint}")
        indices = np.asarray(items, dtype=np.int64)
        bad = [i for i in items if not 0 <= i < size]
        if bad:
            _fail(path, f"cell index {bad[0]} out of range; {hint}")
        if np.unique(indices).size != indices.size:
            _fail(path, f"{_show(value)} lists a cell twice; {hint}")
    if indices.size == 0:
        _fail(path, f"{_show(value)} selects no cells; {hint}")
    return indices


# -- projections -----------------------------------------------------------------------

def _projection(label: str, spec: Any, populations: dict[str, Population], dt: float) -> Projection:
    path = f"projections.{label}"
    spec = _mapping(spec, path, PROJECTION_KEYS)
    _check_keys(spec, path, required=("pre", "post", "connector", "synapse"), valid=PROJECTION_KEYS)
    pre = _cells_ref(spec["pre"], populations, f"{path}.pre")
    post = _cells_ref(spec["post"], populations, f"{path}.post")
    connector = _construct(CONNECTORS, spec["connector"], f"{path}.connector", "connector")
    synapse = _synapse(spec["synapse"], f"{path}.synapse", dt)
    if isinstance(connector, FromListConnector) and connector.delays is not None:
        _check_delays(connector.delays, dt, f"{path}.connector.conn_list[*][3]")
    receptor = spec.get("receptor_type", "excitatory")
    if receptor not in RECEPTOR_TYPES:
        _fail(f"{path}.receptor_type", f"{_show(receptor)} is not valid; use one of "
                                       f"{list(RECEPTOR_TYPES)}")
    with _context(path):
        return Projection(pre, post, connector, synapse, receptor_type=receptor, label=label)


def _cells_ref(value: Any, populations: dict[str, Population], path: str) -> Cells:
    """A population by label, ``"label[start:stop]"`` or ``{population, cells}``."""
    cells = None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([^\[\]]+?)\s*(?:\[(.*)\])?\s*", value)
        if not match:
            _fail(path, f"{_show(value)} is not a population reference; write 'label' or "
                        "'label[start:stop]'")
        label, cells = match.group(1), match.group(2)
    elif isinstance(value, dict):
        _check_keys(value, path, required=("population",), valid=("population", "cells"))
        label, cells = value["population"], value.get("cells")
    else:
        _fail(path, f"expected a population label, 'label[start:stop]' or a mapping "
                    f"{{population, cells}}, got {_show(value)}")
    if label not in populations:
        _fail(path, f"no population {_show(label)}; existing populations are {list(populations)}")
    pop = populations[label]
    if cells is None:
        return pop
    return pop[_cell_indices(cells, pop.size, path)]


def _synapse(spec: Any, path: str, dt: float) -> StaticSynapse:
    spec = _mapping(spec, path, ("type", "weight", "delay"))
    name = spec.get("type")
    if name not in SYNAPSE_TYPES:
        _fail(f"{path}.type", f"unknown synapse type {_show(name)}; valid are {list(SYNAPSE_TYPES)}")
    extra = ("timing_dependence", "weight_dependence") if name == "STDPMechanism" else ()
    optional = TSODYKS_MARKRAM_KEYS if name == "TsodyksMarkramSynapse" else ()
    _check_keys(spec, path, required=("type", "weight", *extra),
                valid=("type", "weight", "delay", *extra, *optional))
    weight = _value(spec["weight"], f"{path}.weight")
    delay = None
    if spec.get("delay") is not None:
        delay = _value(spec["delay"], f"{path}.delay")
        if not isinstance(delay, RandomDistribution):
            _check_delays(np.atleast_1d(delay), dt, f"{path}.delay")
    if name == "STDPMechanism":
        timing = _construct(TIMING_DEPENDENCES, spec["timing_dependence"],
                            f"{path}.timing_dependence", "timing dependence")
        dependence = _construct(WEIGHT_DEPENDENCES, spec["weight_dependence"],
                                f"{path}.weight_dependence", "weight dependence")
        with _context(path):
            return STDPMechanism(timing, dependence, weight=weight, delay=delay)
    if name == "TsodyksMarkramSynapse":
        dynamics = {k: _number(spec[k], f"{path}.{k}") for k in TSODYKS_MARKRAM_KEYS if k in spec}
        with _context(path):
            return TsodyksMarkramSynapse(weight=weight, delay=delay, **dynamics)
    with _context(path):
        return StaticSynapse(weight=weight, delay=delay)


def _check_delays(delays: np.ndarray, dt: float, path: str) -> None:
    """Delays (ms) must be finite whole multiples of ``dt`` and at least one step."""
    for i, delay in enumerate(np.asarray(delays, dtype=float).ravel()):
        where = path if np.ndim(delays) == 0 or len(delays) == 1 else f"{path}[{i}]"
        steps = delay / dt
        if not math.isfinite(steps) or steps < 1 - 1e-9:
            _fail(where, f"{delay:g} ms is shorter than one time step; the smallest valid delay is "
                         f"dt = {dt:g} ms")
        if abs(steps - round(steps)) > 1e-6 * max(1.0, steps):
            low, high = math.floor(steps) * dt, math.ceil(steps) * dt
            _fail(where, f"{delay:g} ms is not a whole multiple of dt = {dt:g} ms; the nearest "
                         f"valid delays are {low:.10g} and {high:.10g} ms")


# -- typed object construction ---------------------------------------------------------

def _construct(registry: Mapping[str, type], spec: Any, path: str, what: str,
               extra: tuple[str, ...] = ()) -> Any:
    """Build ``registry[spec["type"]](**arguments)`` after checking names and types."""
    spec = _mapping(spec, path, ("type",))
    name = spec.get("type")
    if not isinstance(name, str) or name not in registry:
        _fail(f"{path}.type", f"unknown {what} {_show(name)}; valid are {sorted(registry)}")
    cls = registry[name]
    parameters = _signature(cls)
    required = tuple(k for k, (_, needed) in parameters.items() if needed)
    _check_keys(spec, path, required=("type", *required), valid=("type", *parameters, *extra))
    arguments = {k: v for k, v in spec.items() if k in parameters}
    for key, value in arguments.items():
        _check_annotation(value, parameters[key][0], f"{path}.{key}")
    with _context(path):
        return cls(**arguments)


def _signature(cls: type) -> dict[str, tuple[str, bool]]:
    """Named constructor arguments of ``cls``: name -> (annotation text, required)."""
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {p.name: (str(p.annotation), p.default is inspect.Parameter.empty)
            for p in inspect.signature(cls).parameters.values() if p.kind in named}


def _check_annotation(value: Any, annotation: str, path: str) -> None:
    """Check scalars annotated ``bool``, ``int`` or ``float`` (optionally ``| None``)."""
    kind = annotation.replace(" ", "")
    if kind.endswith("|None"):
        if value is None:
            return
        kind = kind[:-len("|None")]
    if kind == "bool" and not isinstance(value, bool):
        _fail(path, f"expected true or false, got {_show(value)}")
    if kind == "int":
        _integer(value, path, minimum=None)
    if kind == "float":
        _number(value, path)


# -- values ----------------------------------------------------------------------------

def _value(value: Any, path: str) -> float | np.ndarray | RandomDistribution:
    """A number, a list of numbers, or ``{distribution: name, <parameters>}``."""
    if isinstance(value, dict):
        if "distribution" not in value:
            _fail(path, f"a mapping here must name a distribution, e.g. "
                        f"{{distribution: uniform, low: 0.0, high: 1.0}}; got {_show(value)}")
        parameters = {k: v for k, v in value.items() if k != "distribution"}
        for key, number in parameters.items():
            _number(number, f"{path}.{key}")
        with _context(path):
            return RandomDistribution(value["distribution"], **parameters)
    return _numbers(value, path)


def _numbers(value: Any, path: str) -> float | np.ndarray:
    if isinstance(value, list):
        for i, item in enumerate(value):
            _number(item, f"{path}[{i}]")
        return np.asarray(value, dtype=float)
    return _number(value, path)


def _number(value: Any, path: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        _fail(path, f"expected a finite number, got {_show(value)}")
    if positive and value <= 0:
        _fail(path, f"must be > 0, got {_show(value)}")
    return float(value)


def _integer(value: Any, path: str, minimum: int | None) -> int:
    what = ("an integer" if minimum is None else
            "a positive integer" if minimum == 1 else f"an integer >= {minimum}")
    if (isinstance(value, bool) or not isinstance(value, int)
            or (minimum is not None and value < minimum)):
        _fail(path, f"{_show(value)} is not valid; expected {what}")
    return int(value)


# -- structure -------------------------------------------------------------------------

def _mapping(value: Any, path: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(path, f"expected a mapping with keys such as {list(keys)}, got {_show(value)}")
    return value


def _required_mapping(spec: Mapping[str, Any], key: str, path: str) -> dict[str, Any]:
    where = _join(path, key)
    value = spec[key]
    if not isinstance(value, dict):
        _fail(where, f"expected a mapping of label -> definition, got {_show(value)}")
    return value


def _optional_mapping(spec: Mapping[str, Any], key: str, path: str) -> dict[str, Any] | None:
    if spec.get(key) is None:
        return None
    return _required_mapping(spec, key, path)


def _check_keys(spec: Mapping[Any, Any], path: str, required: tuple[str, ...],
                valid: tuple[str, ...]) -> None:
    for key in spec:
        if key not in valid:
            _fail(_join(path, key), f"unknown key; valid keys here are {list(valid)}")
    for key in required:
        if key not in spec:
            _fail(_join(path, key), f"missing required key; required here are {list(required)}")


def _label(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip() or "/" in value:
        _fail(f"{path}.{value}", f"labels must be non-empty text without '/', got {_show(value)}")
    return value


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _fail(path: str, message: str) -> NoReturn:
    raise ModelError(f"{path}: {message}")


@contextmanager
def _context(path: str) -> Iterator[None]:
    """Prefix errors raised by the object constructors with the field path."""
    try:
        yield
    except (ModelError, TypeError, ValueError) as exc:
        raise ModelError(f"{path}: {exc}") from exc


@contextmanager
def _in_source(source: str) -> Iterator[None]:
    try:
        yield
    except ModelError as exc:
        raise ModelError(f"{source}: {exc}") from exc
