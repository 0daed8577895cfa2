"""Homeostasis rules that run beside the embedded engine as hooks on a coarse clock.

:class:`SynapticScalingHook` applies van Rossum et al.'s multiplicative PI scaling
(:mod:`.scaling`) to the static excitatory projections onto a population: every
``interval`` ms it reads the cells' spike counts, advances sensor, integral and scale
with :func:`~neuromem.homeostasis.scaling.scaling_step`, and sets every afferent weight
to its initial value times its post cell's scale. The weights therefore lag the activity
by at most one interval (10 ms by default, tiny against τ_a = 100 s).

Example
-------
>>> import neuromem as nm
>>> from neuromem.homeostasis import SynapticScaling
>>> from neuromem.homeostasis.engine_hooks import SynapticScalingHook
>>> net = nm.Network(dt=0.1)
>>> src = net.add(nm.Population(20, nm.SpikeSourcePoisson(rate=10.0), label="in"))
>>> cell = net.add(nm.Population(1, nm.IF_curr_delta(v_rest=0.0, v_reset=0.0, v_thresh=15.0), label="cell"))
>>> _ = net.add(nm.Projection(src, cell, nm.AllToAllConnector(), nm.StaticSynapse(1.0, 0.1), label="ff"))
>>> hook = SynapticScalingHook("cell", ["ff"], SynapticScaling(a_goal=5.0, tau_a=1000.0, beta=1e-3, gamma=0.0))
>>> _ = net.add_hook(hook)
>>> _ = net.run(200.0, seed=1, progress=False)
>>> hook.scale.shape
(1,)
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..engine.hooks import EngineHook, EngineView
from ..errors import ModelError
from .scaling import SynapticScaling, scaling_step


class SynapticScalingHook(EngineHook):
    """Multiplicative PI synaptic scaling of static ``projections`` onto ``population``.

    ``interval`` (ms): update period; ``initial_rate`` (Hz): start of the activity sensor
    (the goal when None). After the run, ``scale`` holds each cell's final factor and
    ``history`` one row of scales per interval.
    """

    def __init__(self, population: str, projections: Sequence[str], rule: SynapticScaling,
                 interval: float = 10.0, initial_rate: float | None = None) -> None:
        if not projections:
            raise ModelError("SynapticScalingHook: name at least one projection to scale")
        if not interval > 0:
            raise ModelError(f"SynapticScalingHook.interval: must be > 0 ms, got {interval!r}")
        self.population, self.projections, self.rule = population, list(projections), rule
        self.interval, self.initial_rate = float(interval), initial_rate
        self.history: list[np.ndarray] = []

    def start(self, view: EngineView) -> None:
        cells = view.cells(self.population)
        self.sensor, self.integral, self.scale = self.rule.initial(cells.stop - cells.start, self.initial_rate)
        self.initial_weights = {p: view.weights(p) for p in self.projections}
        self.post = {p: view.connections(p)[1] for p in self.projections}
        self.last_counts = view.spike_counts(self.population).copy()
        self.constants = self.rule.step_constants(self.interval)

    def exchange(self, view: EngineView) -> None:
        counts = view.spike_counts(self.population)
        scaling_step(self.sensor, self.integral, self.scale, (counts - self.last_counts).astype(np.float64),
                     *self.constants)
        self.last_counts = counts.copy()
        for p in self.projections:
            view.set_weights(p, self.initial_weights[p] * self.scale[self.post[p]])
        self.history.append(self.scale.copy())

    def describe(self) -> dict:
        return {**super().describe(), "population": self.population, "projections": self.projections,
                "a_goal": self.rule.a_goal, "tau_a": self.rule.tau_a, "beta": self.rule.beta,
                "gamma": self.rule.gamma, "s_max": self.rule.s_max}
