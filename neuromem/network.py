"""The network description: populations, views, projections, recording requests.

Nothing here simulates. A :class:`Network` is handed to the embedded engine or to a
back end, which turns it into state and runs it. PyNN's vocabulary and units apply
(ms, mV, nA, nF, µS, Hz).

Example
-------
>>> from neuromem import (Network, Population, Projection, IF_curr_exp, SpikeSourceArray,
...                       OneToOneConnector, StaticSynapse)
>>> net = Network(dt=0.1)
>>> src = net.add(Population(1, SpikeSourceArray([10.0, 20.0]), label="input"))
>>> cell = net.add(Population(1, IF_curr_exp(), label="cell"))
>>> _ = net.add(Projection(src, cell, OneToOneConnector(), StaticSynapse(weight=1.0, delay=1.0)))
>>> cell.record(["spikes", "v"])
>>> results = net.run(50.0, seed=1)            # doctest: +SKIP
>>> results["cell"].spike_times                # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np

from .cells import CellType
from .connectors import Connector
from .errors import ModelError
from .intrinsic import AdaptiveThreshold
from .random import RandomDistribution
from .sources import CurrentSource
from .synapses import StaticSynapse

if TYPE_CHECKING:
    from .results import Results

RECEPTOR_TYPES = ("excitatory", "inhibitory")
ADAPTIVE_THRESHOLD_MODELS = ("IF_curr_exp", "IF_cond_exp", "IF_curr_delta")
SCHEMES = ("exact", "spinnaker")


class Population:
    """A group of ``size`` cells of one cell type.

    Parameters
    ----------
    size : int
        Number of cells (> 0).
    cell_type : CellType
        e.g. ``IF_cond_exp(tau_m=20.0)``.
    label : str, optional
        Unique name in the network; used to address results (``results["exc"]``).
    initial_values : dict, optional
        Initial state, e.g. ``{"v": RandomDistribution("uniform", low=-60, high=-50)}``
        (mV for ``v``). Defaults to the cell type's ``default_initial_values``.
    adaptive_threshold : AdaptiveThreshold, optional
        Diehl & Cook's homeostatic threshold (LIF cell types); adds the state ``theta`` (mV).
    """

    def __init__(self, size: int, cell_type: CellType, label: str | None = None,
                 initial_values: dict[str, Any] | None = None,
                 adaptive_threshold: AdaptiveThreshold | None = None) -> None:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0:
            raise ModelError(f"Population.size: expected a positive integer, got {size!r}")
        if not isinstance(cell_type, CellType):
            raise ModelError(f"Population.cell_type: expected a cell type instance such as "
                             f"IF_cond_exp(), got {cell_type!r}")
        cell_type.check_size(int(size))
        if adaptive_threshold is not None:
            if cell_type.name not in ADAPTIVE_THRESHOLD_MODELS:
                raise ModelError(f"Population.adaptive_threshold: not available for {cell_type.name}; "
                                 f"use one of {list(ADAPTIVE_THRESHOLD_MODELS)}")
            if not isinstance(adaptive_threshold, AdaptiveThreshold):
                raise ModelError("Population.adaptive_threshold: expected an AdaptiveThreshold")
        self.size = int(size)
        self.cell_type = cell_type
        self.adaptive_threshold = adaptive_threshold
        self.label = label
        self.initial_values: dict[str, Any] = {}
        self.recording: dict[str, np.ndarray] = {}
        self.sampling_interval: float | None = None
        self.current_sources: list[tuple[CurrentSource, np.ndarray]] = []
        if initial_values:
            self.initialize(**initial_values)

    # -- addressing -----------------------------------------------------------------
    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int | slice | Sequence[int] | np.ndarray) -> "PopulationView":
        return PopulationView(self, _select(self.size, index))

    @property
    def parent(self) -> "Population":
        return self

    @property
    def indices(self) -> np.ndarray:
        """Indices of the cells in this population (0 … size−1)."""
        return np.arange(self.size)

    # -- state and recording ----------------------------------------------------------
    def initialize(self, **values: Any) -> None:
        """Set initial state (e.g. ``v=-65.0`` mV); scalars, arrays or RandomDistribution."""
        self._initialize(self.indices, values)

    @property
    def state_variables(self) -> dict[str, float]:
        """State variables with their default initial values (mV, nA, µS …)."""
        extra = {"theta": 0.0} if self.adaptive_threshold is not None else {}
        return {**self.cell_type.default_initial_values, **extra}

    @property
    def recordable(self) -> tuple[str, ...]:
        """Variables that ``record`` accepts for this population."""
        extra = ("theta",) if self.adaptive_threshold is not None else ()
        return tuple(self.cell_type.recordable) + extra

    def _initialize(self, cells: np.ndarray, values: dict[str, Any]) -> None:
        valid = self.state_variables
        for name, value in values.items():
            if name not in valid:
                raise ModelError(f"{self._name()}.initial_values: {name!r} is not a state variable of "
                                 f"{self.cell_type.name}; valid are {sorted(valid)}")
            if not isinstance(value, RandomDistribution):
                arr = np.asarray(value, dtype=float)
                if arr.ndim and arr.shape != (cells.size,):
                    raise ModelError(f"{self._name()}.initial_values.{name}: {arr.size} values for "
                                     f"{cells.size} cells")
            self.initial_values.setdefault(name, [])
            self.initial_values[name].append((cells, value))

    def record(self, variables: str | Iterable[str], sampling_interval: float | None = None) -> None:
        """Record ``variables`` (e.g. ``["spikes", "v"]``) of every cell.

        ``sampling_interval`` (ms) applies to analog variables; default: every step.
        """
        self._record(self.indices, variables, sampling_interval)

    def _record(self, cells: np.ndarray, variables: str | Iterable[str],
                sampling_interval: float | None) -> None:
        names = [variables] if isinstance(variables, str) else list(variables)
        allowed = self.recordable
        for name in names:
            if name not in allowed:
                raise ModelError(f"{self._name()}.record: {name!r} cannot be recorded from "
                                 f"{self.cell_type.name}; recordable are {list(allowed)}")
            previous = self.recording.get(name, np.zeros(0, dtype=np.int64))
            self.recording[name] = np.union1d(previous, cells).astype(np.int64)
        if sampling_interval is not None:
            if float(sampling_interval) <= 0:
                raise ModelError(f"{self._name()}.record.sampling_interval: must be > 0 ms, "
                                 f"got {sampling_interval!r}")
            self.sampling_interval = float(sampling_interval)

    def inject(self, source: CurrentSource) -> None:
        """Inject a current source into every cell (see ``CurrentSource.inject_into``)."""
        self._inject(self.indices, source)

    def _inject(self, cells: np.ndarray, source: CurrentSource) -> None:
        if self.cell_type.is_source:
            raise ModelError(f"{self._name()}: current sources cannot be injected into "
                             f"{self.cell_type.name}")
        self.current_sources.append((source, cells))

    def _name(self) -> str:
        return f"Population {self.label!r}" if self.label else "Population"

    def describe(self) -> dict[str, Any]:
        """Plain-data description of the population (for provenance)."""
        return {
            "label": self.label, "size": self.size, "cell": self.cell_type.describe(),
            "adaptive_threshold": (self.adaptive_threshold.describe()
                                   if self.adaptive_threshold is not None else None),
            "record": {k: v.tolist() for k, v in self.recording.items()},
            "sampling_interval": self.sampling_interval,
            "initial_values": {k: [(c.tolist(), _describe_value(v)) for c, v in items]
                               for k, items in self.initial_values.items()},
            "current_sources": [(s.describe(), c.tolist()) for s, c in self.current_sources],
        }

    def __repr__(self) -> str:
        return f"Population({self.size}, {self.cell_type!r}, label={self.label!r})"


class PopulationView:
    """A subset of a population's cells, e.g. ``pop[:10]`` or ``pop[[0, 3, 5]]``."""

    def __init__(self, parent: Population, indices: np.ndarray) -> None:
        self.parent = parent
        self.indices = indices

    @property
    def size(self) -> int:
        return int(self.indices.size)

    @property
    def cell_type(self) -> CellType:
        return self.parent.cell_type

    @property
    def label(self) -> str:
        return f"{self.parent.label}[view]"

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int | slice | Sequence[int] | np.ndarray) -> "PopulationView":
        return PopulationView(self.parent, self.indices[_select(self.size, index)])

    def record(self, variables: str | Iterable[str], sampling_interval: float | None = None) -> None:
        """Record ``variables`` of the cells in this view only."""
        self.parent._record(self.indices, variables, sampling_interval)

    def initialize(self, **values: Any) -> None:
        """Set initial state of the cells in this view."""
        self.parent._initialize(self.indices, values)

    def inject(self, source: CurrentSource) -> None:
        """Inject a current source into the cells of this view."""
        self.parent._inject(self.indices, source)

    def __repr__(self) -> str:
        return f"PopulationView({self.parent.label!r}, {self.size} cells)"


Cells = Population | PopulationView


class Projection:
    """Synapses from ``pre`` to ``post`` made by ``connector`` with ``synapse_type``.

    ``receptor_type`` is ``"excitatory"`` or ``"inhibitory"``. Weights are magnitudes
    for conductance synapses (µS, ≥ 0); for current synapses (nA) inhibitory weights
    may be given negative (PyNN) or positive — the receptor decides the sign.
    """

    def __init__(self, pre: Cells, post: Cells, connector: Connector,
                 synapse_type: StaticSynapse | None = None, receptor_type: str = "excitatory",
                 label: str | None = None) -> None:
        for side, cells in (("pre", pre), ("post", post)):
            if not isinstance(cells, (Population, PopulationView)):
                raise ModelError(f"Projection.{side}: expected a Population or PopulationView, got {cells!r}")
        if post.cell_type.is_source:
            raise ModelError(f"Projection.post: {post.cell_type.name} is a spike source and cannot "
                             "receive synapses")
        if not isinstance(connector, Connector):
            raise ModelError(f"Projection.connector: expected a connector such as "
                             f"FixedProbabilityConnector(0.02), got {connector!r}")
        if receptor_type not in RECEPTOR_TYPES:
            raise ModelError(f"Projection.receptor_type: {receptor_type!r} is not valid; "
                             f"use one of {list(RECEPTOR_TYPES)}")
        self.pre, self.post = pre, post
        self.connector = connector
        self.synapse_type = synapse_type if synapse_type is not None else StaticSynapse()
        self.receptor_type = receptor_type
        self.label = label
        self._auto_label = label is None

    def same_cells(self) -> np.ndarray | None:
        """For each pre index, the post index of the same cell (or −1); None if disjoint."""
        if self.pre.parent is not self.post.parent:
            return None
        where = np.full(self.pre.parent.size, -1, dtype=np.int64)
        where[self.post.indices] = np.arange(self.post.size)
        return where[self.pre.indices]

    def describe(self) -> dict[str, Any]:
        """Plain-data description (for provenance)."""
        return {
            "label": self.label,
            "pre": {"population": self.pre.parent.label, "indices": _indices(self.pre)},
            "post": {"population": self.post.parent.label, "indices": _indices(self.post)},
            "connector": self.connector.describe(), "synapse": self.synapse_type.describe(),
            "receptor_type": self.receptor_type,
        }

    def __repr__(self) -> str:
        return f"Projection({self.label!r}, {type(self.connector).__name__}, {self.receptor_type})"


class Network:
    """A set of populations and projections, run with :meth:`run`.

    Parameters
    ----------
    dt : float
        Integration time step in ms (default 0.1).
    label : str
        A name stored in results provenance.
    scheme : str
        ``"exact"`` (default): each model's documented scheme (NEST's for the LIF models).
        ``"spinnaker"``: ``IF_curr_exp`` integrated as sPyNNaker does on its 1 ms tick
        (see :mod:`neuromem.engine.neurons`); use it to reproduce SpiNNaker runs.
    """

    def __init__(self, dt: float = 0.1, label: str = "network", scheme: str = "exact") -> None:
        if not float(dt) > 0:
            raise ModelError(f"Network.dt: must be > 0 ms, got {dt!r}")
        if scheme not in SCHEMES:
            raise ModelError(f"Network.scheme: {scheme!r} is not valid; use one of {list(SCHEMES)}")
        self.dt = float(dt)
        self.scheme = scheme
        self.label = label
        self.populations: list[Population] = []
        self.projections: list[Projection] = []
        self.source_description: dict[str, Any] | None = None
        self.hooks: list[Any] = []

    def add(self, item: Population | Projection) -> Any:
        """Add a population or projection; returns it. Population labels must be unique."""
        if isinstance(item, Population):
            if item.label is None:
                item.label = f"population{len(self.populations)}"
            if any(p.label == item.label for p in self.populations):
                raise ModelError(f"Network.add: a population labelled {item.label!r} already exists")
            self.populations.append(item)
        elif isinstance(item, Projection):
            for side in (item.pre.parent, item.post.parent):
                if not any(side is p for p in self.populations):
                    raise ModelError(f"Network.add: projection {item.label!r} refers to population "
                                     f"{side.label!r}, which is not in this network; add it first")
            taken = {p.label for p in self.projections}
            if item._auto_label:
                base = f"{item.pre.parent.label}->{item.post.parent.label}"
                item.label = base
                suffix = 2
                while item.label in taken:
                    item.label = f"{base}#{suffix}"
                    suffix += 1
            elif item.label in taken:
                raise ModelError(f"Network.add: a projection labelled {item.label!r} already exists; "
                                 "projection labels must be unique")
            self.projections.append(item)
        else:
            raise ModelError(f"Network.add: expected a Population or Projection, got {item!r}")
        return item

    def add_hook(self, hook: Any) -> Any:
        """Attach an engine hook (:class:`neuromem.engine.hooks.EngineHook`): a component that
        the embedded engine advances on its own clock beside the network, e.g. astrocytes or
        synaptic scaling. Returns the hook. PyNN back ends refuse networks with hooks."""
        from .engine.hooks import EngineHook

        if not isinstance(hook, EngineHook):
            raise ModelError(f"Network.add_hook: expected an EngineHook, got {hook!r}")
        self.hooks.append(hook)
        return hook

    def population(self, label: str) -> Population:
        """The population with this label."""
        for pop in self.populations:
            if pop.label == label:
                return pop
        raise KeyError(f"no population labelled {label!r}; have {[p.label for p in self.populations]}")

    def run(self, duration: float, seed: int = 0, backend: str = "engine",
            progress: bool | None = None) -> "Results":
        """Simulate for ``duration`` ms and return the recorded :class:`~neuromem.results.Results`.

        ``backend`` is ``"engine"`` (embedded numba engine) or a PyNN back end name where
        installed. ``progress`` shows a progress bar (default: on for runs expected to
        take more than a few seconds).
        """
        from .backends import get_backend

        return get_backend(backend).run(self, float(duration), int(seed), progress=progress)

    def describe(self) -> dict[str, Any]:
        """Plain-data description of the whole network (stored as provenance)."""
        return {
            "label": self.label, "dt": self.dt, "scheme": self.scheme,
            "populations": [p.describe() for p in self.populations],
            "projections": [p.describe() for p in self.projections],
            "source": self.source_description,
            "hooks": [h.describe() for h in self.hooks],
        }


def _select(size: int, index: int | slice | Sequence[int] | np.ndarray) -> np.ndarray:
    all_idx = np.arange(size)
    try:
        picked = np.atleast_1d(all_idx[index])
    except IndexError as exc:
        raise ModelError(f"population index {index!r} out of range for {size} cells") from exc
    return picked.astype(np.int64)


def _indices(cells: Cells) -> Any:
    if isinstance(cells, Population):
        return "all"
    return cells.indices.tolist()


def _describe_value(value: Any) -> Any:
    if isinstance(value, RandomDistribution):
        return value.describe()
    arr = np.asarray(value)
    return arr.tolist()
