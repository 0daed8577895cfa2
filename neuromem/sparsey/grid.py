"""A grid of M macs sharing one size: bottom-up (U), horizontal (H) and top-down (D)
afferent bundles, the CSA, single-trial learning and freezing.

Inputs are binary vectors: U and D are given at each step, H is the grid's own code
of the previous step (cleared by :meth:`MacGrid.reset`, the start of an episode).
Each mac m reads the inputs listed in its field of each type.

Example
-------
>>> import numpy as np
>>> from neuromem.sparsey.grid import MacGrid
>>> from neuromem.sparsey.params import MacParams
>>> grid = MacGrid(MacParams(Q=4, K=4), u_fields=[np.arange(8)], n_u=8, seed=1)
>>> step = grid.step(np.eye(8, dtype=bool)[0] | np.eye(8, dtype=bool)[1], learn=True)
>>> step.winners.shape, float(step.G[0])
((1, 4), 0.0)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import ModelError
from . import kernels
from .params import MacParams

_TYPES = ("U", "H", "D")


@dataclass
class GridStep:
    """Outcome of one step of a grid: ``winners`` (M × Q, −1 for a gated-off mac),
    familiarity ``G`` (M, dimensionless), local support ``V`` and win probabilities
    ``rho`` (M × Q × K), and the active U-input count of each mac (M)."""

    winners: np.ndarray
    G: np.ndarray
    V: np.ndarray
    rho: np.ndarray
    n_active_u: np.ndarray


def _decay_table(params: MacParams) -> tuple[np.ndarray, np.ndarray]:
    """The graded-weight table in kernel form: ``ages`` (one row of age bounds per
    stiffness, in learning steps, plus a permanent row that is never passed) and
    ``levels`` (the weight after passing 0, 1, … of a row's bounds).

    >>> ages, levels = _decay_table(MacParams(weights="graded"))
    >>> ages[:2].tolist(), levels.tolist()
    ([[2000, 3000, 4000], [4000, 6000, 8000]], [127, 120, 50, 0])
    """
    rows = [list(row) for row in params.decay_ages]
    ages = np.array(rows + [[np.iinfo(np.int64).max] * len(params.decay_weights)], dtype=np.int64)
    return ages, np.array(list(params.decay_weights) + [0], dtype=np.int64)


class _Bundle:
    """Fields and weights of one input type for all macs of a grid: binary weights
    ``W``, or graded synapses (``stiffness``, ``stamp``; see :mod:`.kernels`) when
    ``params.weights == "graded"``."""

    def __init__(self, fields: Sequence[np.ndarray], n_inputs: int, n_macs: int, params: MacParams,
                 what: str) -> None:
        if len(fields) != n_macs:
            raise ModelError(f"{what}: {len(fields)} fields given for {n_macs} macs")
        width = max((len(f) for f in fields), default=0)
        self.rf = np.full((n_macs, max(width, 1)), -1, dtype=np.int32)
        for m, field in enumerate(fields):
            field = np.asarray(field, dtype=np.int64)
            if field.size and (field.min() < 0 or field.max() >= n_inputs):
                raise ModelError(f"{what}: field of mac {m} indexes outside 0..{n_inputs - 1}")
            self.rf[m, :field.size] = field
        self.n_inputs = n_inputs
        n_cells = params.n_cells
        shape = (n_macs, self.rf.shape[1], n_cells)
        self.graded = params.weights == "graded"
        if self.graded:
            self.stiffness = np.zeros(shape, dtype=np.int8)
            self.stamp = np.full(shape, kernels.NEVER, dtype=np.int32)
            self.ages, self.levels = _decay_table(params)
        else:
            self.W = np.zeros(shape, dtype=np.uint8)
        self.capacity = np.array([len(f) * n_cells for f in fields], dtype=np.float64)
        self.n_set = np.zeros(n_macs, dtype=np.int64)
        self.frozen = np.zeros(n_macs, dtype=np.bool_)

    def saturation(self) -> np.ndarray:
        """Fraction of each mac's weights that are set (M)."""
        return np.divide(self.n_set, self.capacity, out=np.zeros_like(self.capacity),
                         where=self.capacity > 0)

    def sum(self, active: np.ndarray, clock: int, u: np.ndarray, n_active: np.ndarray) -> None:
        """Raw input sums ``u`` (M × N) and active counts (M) at learning step ``clock``."""
        if self.graded:
            kernels.sum_graded_inputs(self.stiffness, self.stamp, self.rf, active, clock, self.ages,
                                      self.levels, u, n_active)
        else:
            kernels.sum_inputs(self.W, self.rf, active, u, n_active)

    def learn(self, active: np.ndarray, winners: np.ndarray, K: int, clock: int) -> None:
        """Single-trial learning from ``active`` onto ``winners`` at learning step ``clock``."""
        if self.graded:
            kernels.learn_graded_bundle(self.stiffness, self.stamp, self.rf, active, winners, K,
                                        self.frozen, self.n_set, clock, self.ages)
        else:
            kernels.learn_bundle(self.W, self.rf, active, winners, K, self.frozen, self.n_set)

    def freeze(self, macs: np.ndarray, clock: int) -> None:
        """Freeze the bundles of ``macs`` (M bool); graded weights become permanent."""
        if self.graded:
            kernels.make_permanent(self.stiffness, self.stamp, macs & ~self.frozen, clock, self.ages)
        self.frozen |= macs

    def weights(self, clock: int) -> np.ndarray:
        """Weights at learning step ``clock`` (M × R × N uint8): binary (a view) or graded
        0..127 (a copy)."""
        if not self.graded:
            return self.W
        out = np.empty(self.stiffness.shape, dtype=np.uint8)
        kernels.graded_weights(self.stiffness, self.stamp, clock, self.ages, self.levels, out)
        return out


class MacGrid:
    """M macs with identical :class:`MacParams`.

    ``u_fields[m]`` lists the U inputs (indices into a vector of length ``n_u``) of mac
    m; ``h_fields[m]`` the cells of this grid (indices into its M·Q·K code vector) that
    reach mac m one step later; ``d_fields[m]`` the inputs of a top-down vector of
    length ``n_d``. ``seed`` fixes the sampling.
    """

    def __init__(self, params: MacParams, u_fields: Sequence[np.ndarray], n_u: int,
                 h_fields: Sequence[np.ndarray] | None = None,
                 d_fields: Sequence[np.ndarray] | None = None, n_d: int = 0, seed: int = 0) -> None:
        self.params = params
        self.n_macs = len(u_fields)
        if self.n_macs == 0:
            raise ModelError("MacGrid.u_fields: at least one mac is needed")
        n = params.n_cells
        self.n_cells = self.n_macs * n
        self.bundles: dict[str, _Bundle] = {"U": _Bundle(u_fields, n_u, self.n_macs, params, "MacGrid.u_fields")}
        if h_fields is not None:
            self.bundles["H"] = _Bundle(h_fields, self.n_cells, self.n_macs, params, "MacGrid.h_fields")
        if d_fields is not None:
            self.bundles["D"] = _Bundle(d_fields, n_d, self.n_macs, params, "MacGrid.d_fields")
        self._lambdas = np.array([getattr(params, f"lambda_{t}") for t in self.bundles])
        self._rng = np.random.Generator(np.random.PCG64(seed))
        self._u = np.zeros((len(self.bundles), self.n_macs, n), dtype=np.int32)
        self._n = np.zeros((len(self.bundles), self.n_macs), dtype=np.int32)
        self.previous = np.zeros(self.n_cells, dtype=np.uint8)
        self.clock = 0  # learning steps so far: the age unit of graded weights

    def reset(self) -> None:
        """Start a new episode: forget the previous code (no H input at the next step)."""
        self.previous[:] = 0

    def freeze(self, kind: str = "U") -> None:
        """Stop learning in every mac's bundle of input type ``kind`` ("U", "H" or "D")."""
        self._bundle(kind).freeze(np.ones(self.n_macs, dtype=np.bool_), self.clock)

    def saturation(self, kind: str = "U") -> np.ndarray:
        """Fraction of set weights in each mac's bundle of type ``kind`` (M)."""
        return self._bundle(kind).saturation()

    def weights(self, kind: str = "U") -> np.ndarray:
        """Weights of type ``kind`` (M × field length × Q·K, uint8): binary (a view) or,
        for graded weights, their values 0..127 now (a copy)."""
        return self._bundle(kind).weights(self.clock)

    def step(self, u: np.ndarray, d: np.ndarray | None = None, learn: bool = True,
             sample: bool | None = None) -> GridStep:
        """One CSA step on binary U input ``u`` (length n_u) and top-down ``d``.

        ``sample`` (default: ``learn``) chooses one winner per CM by sampling ρ; otherwise
        the max-V cell of each CM is taken (ties at random). ``learn=True`` then sets the
        weights from the active inputs to the winners. The code becomes the H input of
        the next step.
        """
        sample = learn if sample is None else sample
        p = self.params
        inputs = {"U": self._as_input(u, self.bundles["U"].n_inputs, "u"), "H": self.previous}
        if "D" in self.bundles:
            inputs["D"] = (np.zeros(self.bundles["D"].n_inputs, dtype=np.uint8) if d is None
                           else self._as_input(d, self.bundles["D"].n_inputs, "d"))
        elif d is not None:
            raise ModelError("MacGrid.step: d given but the grid has no top-down fields (d_fields)")
        for x, (kind, bundle) in enumerate(self.bundles.items()):
            bundle.sum(inputs[kind], self.clock, self._u[x], self._n[x])
        M, N = self.n_macs, p.n_cells
        V = np.empty((M, N))
        rho = np.empty((M, N))
        G = np.empty(M)
        winners = np.empty((M, p.Q), dtype=np.int32)
        pi_max = np.iinfo(np.int32).max if p.pi_max is None else p.pi_max
        kernels.select_codes(
            self._u, self._n, p.w_max, self._lambdas, self._n[0].copy(), p.Q, p.K, p.cutoff_min, p.cutoff_max,
            p.pi_min, pi_max, p.g_floor, p.gamma, p.chi,
            kernels.SIGMOID_REFERENCE if p.sigmoid == "reference" else kernels.SIGMOID_PUBLISHED,
            p.sigmoid_lambda, p.sigmoid_phi, p.mu_min,
            kernels.MODE_SAMPLE if sample else kernels.MODE_MAX_V, self._rng.random((M, p.Q)),
            V, rho, G, winners)
        if learn:
            for kind, bundle in self.bundles.items():
                bundle.learn(inputs[kind], winners, p.K, self.clock)
                if p.freeze_fraction is not None:
                    bundle.freeze(bundle.saturation() >= p.freeze_fraction, self.clock)
            self.clock += 1
        kernels.code_mask(winners, p.K, self.previous)
        return GridStep(winners, G, V.reshape(M, p.Q, p.K), rho.reshape(M, p.Q, p.K), self._n[0].copy())

    def _bundle(self, kind: str) -> _Bundle:
        if kind not in self.bundles:
            raise ModelError(f"MacGrid: no {kind!r} input; this grid has {list(self.bundles)}")
        return self.bundles[kind]

    @staticmethod
    def _as_input(x: np.ndarray, n: int, what: str) -> np.ndarray:
        x = np.asarray(x)
        if x.shape != (n,):
            raise ModelError(f"MacGrid.step: {what} has shape {x.shape}, expected ({n},) (a binary vector)")
        return (x != 0).astype(np.uint8)
