"""Astrocytes beside a running engine network: :class:`AstrocyteLayer`, an engine hook.

The layer integrates ``n`` astrocytes (G-ChI or Li–Rinzel) on their own clock,
``interval`` ms, next to the network's 0.1 ms clock, and exchanges with one
Tsodyks–Markram projection after every interval (see :mod:`neuromem.engine.hooks`):

* **tripartite wiring** — each synapse of the projection is assigned to at most one
  astrocyte (:class:`SynapseAssignment`: random or block pools per postsynaptic cell,
  like NEST's ``TripartiteConnect``, or by position on a grid); astrocytes sit on a
  square grid of side ``side`` µm and are coupled by IP3 gap junctions when closer
  than ``gap_junction_distance`` µm (G-ChI);
* **sensing** — the transmitter released by the assigned synapses (the engine's u·x
  per spike, summed over the interval). G-ChI: spill-over
  Y_a ← Y_a·e^{−Ω_c·Δ} + ρ_c·Y_T·f·Σ r_S, with f = 1 when releases are taken at the
  end of the interval (``release_timing="end"``; exact when presynaptic spikes fall on
  exchange times) and f = (1 − e^{−Ω_c·Δ})/(Ω_c·Δ), the mean decay of releases spread
  uniformly over the interval (``"uniform"``, default); with ``sense_mean`` the sum over
  the astrocyte's synapses becomes their mean. Li–Rinzel: IP3 += δ_IP3 ·
  ``sense_weight`` · Σ r_S (NEST: a ``tsodyks_synapse`` onto ``astrocyte_lr_1994``);
* **gliotransmission** (G-ChI) — Γ_S of each assigned synapse follows
  dΓ_S/dt = O_G·G_A·(1 − Γ_S) − Ω_G·Γ_S exactly over the interval (G_A of its astrocyte
  held), and the engine's U of that synapse becomes U_0 = (1 − Γ_S)·U_0* + α·Γ_S, with
  U_0* the projection's U (α = 0 release-decreasing, α = 1 release-increasing);
* **slow inward current** — SIC = ``sic_weight`` · SIC_scale · ln((Ca − SIC_th)/1 nM)
  (0 when the argument is ≤ 1) from each astrocyte to every postsynaptic cell of its
  synapses (one SIC connection per astrocyte–cell pair), added to the cells' injected
  current (nA) with ``EngineView.add_current``; Ca is C for G-ChI.

Clocks (Δ = ``interval``). G-ChI, as :func:`neuromem.astro.tripartite.run_tripartite`:
at exchange time t the astrocytes sense Y(t) and advance to t + Δ, so U and SIC for
(t, t + Δ] come from the state at t + Δ (``start`` does the step from 0 to Δ).
Li–Rinzel, as :func:`neuromem.astro.li_rinzel.simulate_li_rinzel`: at t they integrate
from t − Δ to t, then take the interval's IP3 kicks; the SIC from Ca(t) acts on
(t, t + Δ] (from the initial Ca on (0, Δ]). Either way the network sees the astrocytes with a lag of at most one
interval, and with Δ = dt and releases at exchange times the layer reproduces the
standalone kernels step for step.

Results: population ``label`` with the astrocyte traces (``record``; µM for
concentrations, nA for SIC, 1 for fractions) sampled every ``record_every`` exchanges,
and gliotransmitter release events as its "spikes" (G-ChI).

Example
-------
>>> import neuromem as nm
>>> from neuromem.astro.layer import AstrocyteLayer
>>> net = nm.Network(dt=0.1)
>>> pre = net.add(nm.Population(20, nm.SpikeSourcePoisson(rate=20.0), label="pre"))
>>> post = net.add(nm.Population(20, nm.IF_cond_exp(), label="post"))
>>> proj = net.add(nm.Projection(pre, post, nm.OneToOneConnector(),
...                              nm.TsodyksMarkramSynapse(U=0.6, tau_rec=500.0, tau_facil=300.3,
...                                                       weight=0.001, delay=0.1), label="syn"))
>>> layer = net.add_hook(AstrocyteLayer("astro", 4, proj, side=100.0))
>>> res = net.run(200.0, seed=1)
>>> res["astro"].traces["C"].unit
'uM'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.hooks import EngineHook, EngineView
from ..errors import ModelError
from ..results import PopulationData, Trace
from .gchi import (STATE_NAMES, STATE_UNITS, GChIParameters, gap_junction_flux, gchi_advance, initial_state,
                   release_gliotransmitter)
from .li_rinzel import NEST_INITIAL_CA, NEST_INITIAL_H, LiRinzelParameters, li_rinzel_rk4, sic_current
from .tsodyks_markram import TsodyksMarkramParameters
from .wiring import gap_junctions_by_distance, grid_positions, nearest_assignment, no_gap_junctions, pool_assignment

MODELS = ("gchi", "li_rinzel")
ASSIGNMENT_KINDS = ("random", "block", "grid", "explicit")
RELEASE_TIMINGS = ("uniform", "end")
LI_RINZEL_STATES = ("IP3", "Ca", "h")
LI_RINZEL_UNITS = ("uM", "uM", "1")


@dataclass
class SynapseAssignment:
    """Which astrocyte each synapse of a projection belongs to (−1: none).

    ``kind``: ``"random"`` / ``"block"`` — every postsynaptic cell owns a pool of
    ``pool_size`` astrocytes (random draw / contiguous block) and each synapse is paired,
    with probability ``p``, with one astrocyte of its post cell's pool (NEST
    ``TripartiteConnect``, ``third_factor_bernoulli_with_pool``); ``"grid"`` — the
    astrocyte nearest to the postsynaptic cell, with cells at ``post_positions`` (µm,
    n_post × 2) or, if not given, drawn uniformly over the astrocytes' square;
    ``"explicit"`` — ``indices``, one astrocyte per synapse. ``seed`` seeds the draws.
    """

    kind: str = "random"
    p: float = 1.0
    pool_size: int = 1
    post_positions: np.ndarray | None = None
    indices: np.ndarray | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ASSIGNMENT_KINDS:
            raise ModelError(f"SynapseAssignment.kind: {self.kind!r} is not valid; use one of "
                             f"{list(ASSIGNMENT_KINDS)}")
        if self.kind == "explicit" and self.indices is None:
            raise ModelError("SynapseAssignment.indices: kind 'explicit' needs one astrocyte index per synapse")

    def assign(self, post: np.ndarray, n_post: int, n_astrocytes: int, side: float) -> np.ndarray:
        """Astrocyte index (or −1) per synapse with postsynaptic cell ``post``."""
        rng = np.random.default_rng(self.seed)
        if self.kind in ("random", "block"):
            return pool_assignment(post, n_post, n_astrocytes, rng, self.p, self.pool_size, self.kind)
        if self.kind == "grid":
            positions = (rng.uniform(0.0, side, (n_post, 2)) if self.post_positions is None
                         else np.asarray(self.post_positions, dtype=np.float64))
            if positions.shape != (n_post, 2):
                raise ModelError(f"SynapseAssignment.post_positions: expected {n_post} × 2 positions (µm), "
                                 f"got shape {positions.shape}")
            return nearest_assignment(post, positions, grid_positions(n_astrocytes, side=side))
        indices = np.asarray(self.indices, dtype=np.int64)
        if indices.shape != post.shape or (indices.size and (indices.min() < -1 or indices.max() >= n_astrocytes)):
            raise ModelError(f"SynapseAssignment.indices: need {post.size} astrocyte indices in "
                             f"-1..{n_astrocytes - 1}")
        return indices


@dataclass(eq=False)
class AstrocyteLayer(EngineHook):
    """``n`` astrocytes coupled to the Tsodyks–Markram projection ``projection`` (a
    :class:`~neuromem.network.Projection`). See the module docstring for the equations.

    ``model``: ``"gchi"`` (``params``: :class:`GChIParameters`) or ``"li_rinzel"``
    (:class:`LiRinzelParameters`); ``synapse_params``: the spill-over and presynaptic
    receptor part of :class:`TsodyksMarkramParameters` (ρ_c, Y_T, Ω_c, O_G, Ω_G, α;
    U_0*, Ω_f, Ω_d come from the projection's synapse type). ``interval`` (ms) is the
    astrocyte step; ``sense_mean``: an astrocyte senses the mean of its synapses' release
    instead of the sum (Stimberg et al. example 6 divides by N_incoming); ``side`` (µm)
    the extent of the astrocyte grid; ``i_bias`` (µM) the exogenous IP3 target (G-ChI);
    ``sic_weight`` (1) scales the SIC (0: none); ``sic_threshold`` (µM) / ``sic_scale``
    (nA) default to the Li–Rinzel values.
    ``record``: state names (G-ChI: Gamma_A, I, C, h, x_A, G_A; Li–Rinzel: IP3, Ca, h;
    both: SIC), ``record_ids`` the astrocytes to record (default all).
    """

    label: str
    n: int
    projection: Any
    model: str = "gchi"
    params: GChIParameters | LiRinzelParameters | None = None
    synapse_params: TsodyksMarkramParameters | None = None
    assignment: SynapseAssignment = field(default_factory=SynapseAssignment)
    interval: float = 10.0
    side: float = 1.0
    gap_junction_distance: float | None = None
    gliotransmission: bool = True
    sense_weight: float = 1.0
    sense_mean: bool = False
    sic_weight: float = 0.0
    sic_threshold: float | None = None
    sic_scale: float | None = None
    i_bias: float = 0.0
    release_timing: str = "uniform"
    substeps: int = 1
    record: tuple[str, ...] = ("C",)
    record_ids: np.ndarray | None = None
    record_every: int = 1
    initial: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ModelError(f"AstrocyteLayer.model: {self.model!r} is not valid; use one of {list(MODELS)}")
        if self.n < 1:
            raise ModelError(f"AstrocyteLayer.n: need at least one astrocyte, got {self.n!r}")
        if self.interval <= 0 or self.side <= 0:
            raise ModelError(f"AstrocyteLayer: interval (ms) and side (µm) must be > 0, got "
                             f"{self.interval!r}, {self.side!r}")
        if self.release_timing not in RELEASE_TIMINGS:
            raise ModelError(f"AstrocyteLayer.release_timing: {self.release_timing!r} is not valid; use one "
                             f"of {list(RELEASE_TIMINGS)}")
        if self.record_every < 1 or self.substeps < 1:
            raise ModelError("AstrocyteLayer: record_every and substeps must be >= 1")
        default = GChIParameters if self.model == "gchi" else LiRinzelParameters
        self.params = self.params or default()
        if not isinstance(self.params, default):
            raise ModelError(f"AstrocyteLayer.params: model {self.model!r} needs {default.__name__}, "
                             f"got {type(self.params).__name__}")
        self.synapse_params = self.synapse_params or TsodyksMarkramParameters()
        names = (STATE_NAMES if self.model == "gchi" else LI_RINZEL_STATES) + ("SIC",)
        self.record = tuple(self.record)
        for name in self.record:
            if name not in names:
                raise ModelError(f"AstrocyteLayer.record: {name!r} is not a state of model {self.model!r}; "
                                 f"valid are {list(names)}")
        lr = self.params if isinstance(self.params, LiRinzelParameters) else LiRinzelParameters()
        self.sic_threshold = lr.SIC_th if self.sic_threshold is None else float(self.sic_threshold)
        self.sic_scale = lr.SIC_scale if self.sic_scale is None else float(self.sic_scale)
        if self.gap_junction_distance is not None and self.model != "gchi":
            raise ModelError("AstrocyteLayer.gap_junction_distance: gap junctions couple IP3 of G-ChI "
                             "astrocytes; use model 'gchi'")
        self.positions = grid_positions(self.n, side=self.side)

    # -- engine hook -----------------------------------------------------------------

    def start(self, view: EngineView) -> None:
        proj = self.projection
        self._proj = proj.label
        self._post_label = proj.post.parent.label
        _, post = view.connections(self._proj)
        self.synapse_astrocyte = self.assignment.assign(post, proj.post.parent.size, self.n, self.side)
        self._linked = np.nonzero(self.synapse_astrocyte >= 0)[0]
        self._u0_star = view.utilisation(self._proj)
        counts = np.bincount(self.synapse_astrocyte[self._linked], minlength=self.n).astype(float)
        self._sense_norm = np.maximum(counts, 1.0) if self.sense_mean else np.ones(self.n)
        pairs = np.unique(np.column_stack([self.synapse_astrocyte[self._linked], post[self._linked]]), axis=0)
        self._sic_astro, self._sic_post = pairs[:, 0], pairs[:, 1]
        self._n_post = proj.post.parent.size
        self._sic_applied = np.zeros(self._n_post)
        self.gap_junctions = (gap_junctions_by_distance(self.positions, self.gap_junction_distance)
                              if self.gap_junction_distance is not None else no_gap_junctions(self.n))
        self._packed = self.params.packed()
        self._times: list[float] = []
        self._samples: list[np.ndarray] = []
        self._events: list[tuple[float, np.ndarray]] = []
        self._exchanges = 0
        self._t_last = 0.0
        self.released_total = np.zeros(post.size)    # Σ u·x sensed per synapse
        if self.model == "gchi":
            self.state = (initial_state(self.n) if self.initial is None
                          else np.array(self.initial, dtype=np.float64).reshape(self.n, 6))
            self.spillover = np.zeros(self.n)          # Y per astrocyte (µM)
            self.gamma_astro = np.zeros(self.n)          # Γ_S of the synapses of each astrocyte
            self._ready = np.ones(self.n, dtype=np.bool_)
            self._advance_gchi(view, 0.0)
        else:
            self.state = (np.tile([self.params.IP3_0, NEST_INITIAL_CA, NEST_INITIAL_H], (self.n, 1))
                          if self.initial is None else np.array(self.initial, dtype=np.float64).reshape(self.n, 3))
            self._apply_sic(view)

    def exchange(self, view: EngineView) -> None:
        t = view.t
        released = view.released(self._proj)
        self.released_total += released
        per_astro = np.bincount(self.synapse_astrocyte[self._linked], weights=released[self._linked],
                                minlength=self.n) / self._sense_norm
        self._exchanges += 1
        self._t_last = t
        if self.model == "gchi":
            if self._exchanges % self.record_every == 0:
                self._sample(t)
            sp = self.synapse_params
            decay = np.exp(-sp.Omega_c * self.interval * 1e-3)
            spread = 1.0 if self.release_timing == "end" else (1.0 - decay) / (sp.Omega_c * self.interval * 1e-3)
            self.spillover = self.spillover * decay + sp.rho_c * sp.Y_T * spread * per_astro
            self._advance_gchi(view, t)
        else:
            li_rinzel_rk4(self.state, self._packed, float(self.interval), int(self.substeps))
            self.state[:, 0] += self.params.delta_IP3 * self.sense_weight * per_astro
            self._apply_sic(view)
            if self._exchanges % self.record_every == 0:
                self._sample(t)

    def results(self) -> dict[str, PopulationData]:
        keep = [k for k, t in enumerate(self._times) if t <= self._t_last + 1e-9]
        times = np.array([self._times[k] for k in keep])
        ids = np.arange(self.n) if self.record_ids is None else np.asarray(self.record_ids, dtype=np.int64)
        data = (np.stack([self._samples[k] for k in keep]) if keep
                else np.zeros((0, len(self.record), self.n)))
        units = dict(zip(STATE_NAMES, (u.replace("µ", "u") for u in STATE_UNITS)))
        units.update(zip(LI_RINZEL_STATES, LI_RINZEL_UNITS), SIC="nA")
        traces = {name: Trace(times, ids, data[:, j, ids], units[name]) for j, name in enumerate(self.record)}
        events = [(t, i) for t, cells in self._events if t <= self._t_last + 1e-9 for i in cells]
        events.sort()
        cell_type = "GChI_astrocyte" if self.model == "gchi" else "astrocyte_lr_1994"
        return {self.label: PopulationData(self.label, self.n, cell_type,
                                           np.array([e[0] for e in events]),
                                           np.array([e[1] for e in events], dtype=np.int64), traces)}

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out.update(label=self.label, n=self.n, model=self.model, projection=self.projection.label,
                   params=self.params.describe(), synapse_params=self.synapse_params.describe(),
                   assignment=self.assignment.kind, side=self.side,
                   gap_junction_distance=self.gap_junction_distance, gliotransmission=self.gliotransmission,
                   sense_weight=self.sense_weight, sense_mean=self.sense_mean, sic_weight=self.sic_weight,
                   i_bias=self.i_bias,
                   release_timing=self.release_timing)
        return out

    @property
    def gamma_s(self) -> np.ndarray:
        """Γ_S (1) of each synapse that has an astrocyte (G-ChI with gliotransmission)."""
        return self.gamma_astro[self.synapse_astrocyte[self._linked]]

    # -- internals -------------------------------------------------------------------

    def _advance_gchi(self, view: EngineView, t: float) -> None:
        """Sense Y(t), advance the astrocytes to t + Δ, release, then set U and the SIC."""
        indptr, neighbours = self.gap_junctions
        coupling = (gap_junction_flux(self.state[:, 1].copy(), indptr, neighbours, self._packed)
                    if neighbours.size else np.zeros(self.n))
        c_before = self.state[:, 2].copy()
        gchi_advance(self.state, self._packed, float(self.interval), float(t), self.spillover, coupling,
                     np.full(self.n, float(self.i_bias)), 0.0, 0.0, np.zeros(self.n), True)
        released = np.zeros(self.n, dtype=np.bool_)
        release_gliotransmitter(self.state, c_before, self._ready, self._packed, released)
        if released.any():
            self._events.append((t + self.interval, np.nonzero(released)[0]))
        if self.gliotransmission and self._linked.size:
            # Γ_S depends only on the astrocyte's G_A (all synapses start at 0): one value per astrocyte
            sp = self.synapse_params
            drive = sp.O_G * self.state[:, 5]
            rate = drive + sp.Omega_G
            target = np.divide(drive, rate, out=np.zeros_like(drive), where=rate > 0)
            self.gamma_astro = target + (self.gamma_astro - target) * np.exp(-rate * self.interval * 1e-3)
            gamma = self.gamma_astro[self.synapse_astrocyte[self._linked]]
            u = self._u0_star.copy()
            u[self._linked] = (1.0 - gamma) * u[self._linked] + sp.alpha * gamma
            view.set_utilisation(self._proj, u)
        self._apply_sic(view)

    def _calcium(self) -> np.ndarray:
        return self.state[:, 2] if self.model == "gchi" else self.state[:, 1]

    def _sic(self) -> np.ndarray:
        """SIC of each astrocyte (nA) from its current Ca."""
        return self.sic_weight * sic_current(self._calcium().copy(), self.sic_threshold, self.sic_scale)

    def _apply_sic(self, view: EngineView) -> None:
        if self.sic_weight == 0.0 or not self._sic_astro.size:
            return
        total = np.bincount(self._sic_post, weights=self._sic()[self._sic_astro], minlength=self._n_post)
        view.add_current(self._post_label, total - self._sic_applied)
        self._sic_applied = total

    def _sample(self, t: float) -> None:
        """Record the current state; G-ChI samples are the state at exchange time t."""
        columns = STATE_NAMES if self.model == "gchi" else LI_RINZEL_STATES
        rows = [self._sic() if name == "SIC" else self.state[:, columns.index(name)] for name in self.record]
        self._times.append(t)
        self._samples.append(np.array(rows))
