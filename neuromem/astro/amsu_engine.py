"""AM-SU in the engine: a slow astrocyte state that modulates a spiking population.

:class:`AMSUModulator` is an engine hook (neuromem's AM-SU formulation, the same loop as
:mod:`neuromem.astro.amsu`, on the hook clock Δ = ``interval`` ms, not the AstroSNN
paper's model). Every Δ, for each astrocyte j watching a domain of ``domain_size``
consecutive cells of the population::

    m_j = spikes of the domain in the last Δ / (domain_size · Δ)      (Hz)
    a_j ← γ·a_j + (1 − γ)·m_j,   γ = exp(−Δ/τ_a)                        (Hz)
    c_j = a_j² / (a_j² + K²)                                            (1, Ca-like)

and until the next exchange each cell i of domain j receives

    I_SIC,i = κ_s·c_j                         extra injected current (nA)
    w_k     = w_k,0 · (1 + κ_g·c_j)           every synapse k onto cell i of the
                                              ``gain_projections`` (gliotransmitter gain)

κ_g = α/U_0* − 1 as in the tripartite derivation (κ_g < 0 release-decreasing). The
modulation lags the activity by one interval. With κ_s = κ_g = 0 the hook still runs
and writes, but every write adds exactly 0.0 or multiplies by exactly 1.0, so the
network computes exactly what the plain network computes (tested bit for bit).

Results: population ``label`` with trace ``c`` (1) and ``a`` (Hz) per astrocyte.

Example
-------
>>> import neuromem as nm
>>> from neuromem.astro.amsu_engine import AMSUModulator
>>> net = nm.Network(dt=0.1)
>>> cells = net.add(nm.Population(8, nm.IF_curr_exp(i_offset=1.0), label="lif"))
>>> hook = net.add_hook(AMSUModulator("astro", cells, kappa_sic=-0.2, domain_size=4))
>>> net.run(300.0, seed=0)["astro"].traces["c"].values.shape
(300, 2)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.hooks import EngineHook, EngineView
from ..errors import ModelError
from ..results import PopulationData, Trace


@dataclass(eq=False)
class AMSUModulator(EngineHook):
    """Astrocytes modulating ``population`` (a :class:`~neuromem.network.Population`).

    ``interval`` (ms) the astrocyte step; ``tau_a`` (ms) the astrocyte time constant;
    ``K`` (Hz) the half-activation rate; ``kappa_sic`` (nA) and ``kappa_gain`` (1, ≥ −1)
    the couplings; ``gain_projections``: projections onto ``population`` whose weights
    are scaled; ``domain_size`` cells per astrocyte (must divide the population size).
    """

    label: str
    population: Any
    interval: float = 1.0
    tau_a: float = 1000.0
    K: float = 5.0
    kappa_sic: float = 0.0
    kappa_gain: float = 0.0
    gain_projections: tuple[Any, ...] = ()
    domain_size: int = 1

    def __post_init__(self) -> None:
        size = self.population.size
        if self.domain_size < 1 or size % self.domain_size:
            raise ModelError(f"AMSUModulator.domain_size: must divide the population size {size}, "
                             f"got {self.domain_size!r}")
        if self.interval <= 0 or self.tau_a <= 0 or self.K <= 0:
            raise ModelError(f"AMSUModulator: interval, tau_a (ms) and K (Hz) must be > 0, got "
                             f"{self.interval!r}, {self.tau_a!r}, {self.K!r}")
        if self.kappa_gain < -1.0:
            raise ModelError(f"AMSUModulator.kappa_gain: must be >= -1 (weights stay >= 0), got {self.kappa_gain!r}")
        for proj in self.gain_projections:
            if proj.post.parent is not self.population:
                raise ModelError(f"AMSUModulator.gain_projections: {proj.label!r} does not end on "
                                 f"population {self.population.label!r}")
        self.gain_projections = tuple(self.gain_projections)
        self.n_astrocytes = size // self.domain_size

    def start(self, view: EngineView) -> None:
        label = self.population.label
        self._domain = np.arange(self.population.size) // self.domain_size
        self._last_counts = view.spike_counts(label).copy()
        self._base = {p.label: view.weights(p.label) for p in self.gain_projections}
        self._post = {p.label: view.connections(p.label)[1] for p in self.gain_projections}
        self._applied = np.zeros(self.population.size)
        self.a = np.zeros(self.n_astrocytes)
        self._times: list[float] = []
        self._a: list[np.ndarray] = []
        self._c: list[np.ndarray] = []

    def exchange(self, view: EngineView) -> None:
        label = self.population.label
        counts = view.spike_counts(label)
        new = counts - self._last_counts
        self._last_counts = counts.copy()
        rate = np.bincount(self._domain, weights=new, minlength=self.n_astrocytes) / (
            self.domain_size * self.interval * 1e-3)
        gamma = np.exp(-self.interval / self.tau_a)
        self.a = gamma * self.a + (1.0 - gamma) * rate
        c = self.a * self.a / (self.a * self.a + self.K * self.K)
        cell_c = c[self._domain]
        current = self.kappa_sic * cell_c
        view.add_current(label, current - self._applied)
        self._applied = current
        for name, base in self._base.items():
            view.set_weights(name, base * (1.0 + self.kappa_gain * cell_c[self._post[name]]))
        self._times.append(view.t)
        self._a.append(self.a.copy())
        self._c.append(c)

    def results(self) -> dict[str, PopulationData]:
        times = np.array(self._times)
        ids = np.arange(self.n_astrocytes)
        shape = (0, self.n_astrocytes)
        traces = {"a": Trace(times, ids, np.array(self._a).reshape(-1, self.n_astrocytes) if self._a
                             else np.zeros(shape), "Hz"),
                  "c": Trace(times, ids, np.array(self._c).reshape(-1, self.n_astrocytes) if self._c
                             else np.zeros(shape), "1")}
        return {self.label: PopulationData(self.label, self.n_astrocytes, "AMSU_astrocyte", np.zeros(0),
                                           np.zeros(0, np.int64), traces)}

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out.update(label=self.label, population=self.population.label, tau_a=self.tau_a, K=self.K,
                   kappa_sic=self.kappa_sic, kappa_gain=self.kappa_gain, domain_size=self.domain_size,
                   gain_projections=[p.label for p in self.gain_projections])
        return out
