"""Parameters of a Sparsey macrocolumn (mac) and of its Code Selection Algorithm (CSA).

A mac has ``Q`` competitive modules (CMs) of ``K`` binary cells; a code is one winner
per CM. Every quantity here is dimensionless (Sparsey has no physical units): inputs
and weights are binary, ``V`` and ``G`` lie in [0, 1], ``μ`` and ``η`` are relative
weights.

The CSA, per mac (reference ``shared/reference/sparsey.md`` §4.2):

* normalised input of type X ∈ {U, H, D}: ``X(i) = u_X(i) / (n_X · w_max)``, set to 0
  below ``cutoff_min`` and to 1 at or above ``cutoff_max``;
* local support ``V(i) = Π_X X(i)^λ_X`` over the types with active inputs;
* familiarity ``G = mean over CMs of max V``;
* expansivity ``η = 1 + max(0, (G − G⁻)/(1 − G⁻))^γ · χ · K``;
* the V→μ sigmoid, in one of two forms:

  - ``"reference"`` (SparseyCore): ``μ = max(η / (1 + exp(−λ(V − φ))), μ_min)``;
  - ``"published"`` (papers, Sparsey_Alt): ``μ = (η − 1) / (1 + exp(−λ(V − φ))) + 1``.
    Sparsey_Alt's ``(η−1)/(1 + (0.1·e^{−4(V−1)})^8) + 1`` is this form with
    ``λ = 32`` and ``φ = 1 − ln(10)/4 ≈ 0.424`` (see :data:`SPARSEY_ALT_SIGMOID`);

* win probability in each CM ``ρ(i) = μ(i) / Σ_CM μ``, one winner sampled per CM
  when learning, the max-V cell (ties at random) when recognising.

Weights are binary latch-once (``weights="binary"``, Sparsey_Alt and the papers,
w_max = 1) or SparseyCore's graded weights (``weights="graded"``, w_max = 127): a
synapse keeps the learning step of its last pre-post coincidence and a stiffness;
its weight is ``decay_weights[t]`` (127/120/50) while its age (learning steps since
that coincidence) is below ``decay_ages[stiffness][t]`` (2000/3000/4000 at stiffness
0, 4000/6000/8000 at stiffness 1) and 0 after; a re-coincidence before the first
threshold raises the stiffness, and stiffness ``len(decay_ages)`` (2) is permanent
(127, no decay). A bundle that freezes makes its non-zero weights permanent.

Example
-------
>>> from neuromem.sparsey.params import MacParams
>>> p = MacParams(Q=5, K=8)
>>> round(p.expansivity(1.0), 1)      # η(G=1, K=8) with χ=100, γ=2, G⁻=0.1
801.0
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..errors import ModelError

SIGMOID_FORMS = ("reference", "published")
WEIGHT_MODES = ("binary", "graded")
#: SparseyCore's maximum (and permanent) graded weight.
GRADED_W_MAX = 127

#: λ and φ that make the "published" form equal Sparsey_Alt's V→μ curve.
SPARSEY_ALT_SIGMOID = {"sigmoid": "published", "sigmoid_lambda": 32.0,
                       "sigmoid_phi": 1.0 - math.log(10.0) / 4.0}


@dataclass(frozen=True)
class MacParams:
    """Size and CSA parameters of one mac (all dimensionless).

    Q, K              CMs per mac and cells per CM (code size Q, Q·K cells).
    lambda_U/H/D      exponents of the normalised U, H, D inputs in V.
    cutoff_min/max    normalised inputs below ``cutoff_min`` count as 0, at or above
                      ``cutoff_max`` as 1.
    g_floor           G⁻: familiarity below which η = 1 (pure noise).
    gamma, chi        exponent and gain of the expansivity η.
    sigmoid           ``"reference"`` or ``"published"`` V→μ form (see module doc).
    sigmoid_lambda    λ, steepness of the V→μ sigmoid.
    sigmoid_phi       φ, its inflection point in V.
    mu_min            floor of μ in the ``"reference"`` form.
    pi_min, pi_max    π⁻/π⁺: the mac computes a code only when its number of active
                      U inputs lies in [pi_min, pi_max] (pi_max ``None``: no bound).
    freeze_fraction   an afferent bundle (one mac, one input type) stops learning once
                      this fraction of its weights is set; ``None``: never freezes.
    weights           ``"binary"`` (latch-once) or ``"graded"`` (SparseyCore's decay and
                      permanence table; see the module doc).
    decay_ages        graded weights: per stiffness below permanence, the ages (learning
                      steps) up to which each of ``decay_weights`` holds.
    decay_weights     graded weights: the weight values (≤ 127) of the table's steps.
    """

    Q: int = 5
    K: int = 8
    lambda_U: float = 1.0
    lambda_H: float = 1.0
    lambda_D: float = 1.0
    cutoff_min: float = 0.0
    cutoff_max: float = 1.0
    g_floor: float = 0.1
    gamma: float = 2.0
    chi: float = 100.0
    sigmoid: str = "reference"
    sigmoid_lambda: float = 4.0
    sigmoid_phi: float = 0.5
    mu_min: float = 1.0
    pi_min: int = 1
    pi_max: int | None = None
    freeze_fraction: float | None = None
    weights: str = "binary"
    decay_ages: tuple[tuple[int, ...], ...] = ((2000, 3000, 4000), (4000, 6000, 8000))
    decay_weights: tuple[int, ...] = (127, 120, 50)

    def __post_init__(self) -> None:
        for name in ("Q", "K"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ModelError(f"MacParams.{name}: expected a positive integer, got {value!r}")
        if self.sigmoid not in SIGMOID_FORMS:
            raise ModelError(f"MacParams.sigmoid: {self.sigmoid!r} is not a known form; "
                             f"use one of {SIGMOID_FORMS}")
        for name in ("lambda_U", "lambda_H", "lambda_D", "gamma", "chi", "sigmoid_lambda", "mu_min"):
            if not getattr(self, name) >= 0.0:
                raise ModelError(f"MacParams.{name}: expected a value >= 0, got {getattr(self, name)!r}")
        if not 0.0 <= self.g_floor < 1.0:
            raise ModelError(f"MacParams.g_floor: expected 0 <= G⁻ < 1, got {self.g_floor!r}")
        if not 0.0 <= self.cutoff_min < self.cutoff_max <= 1.0:
            raise ModelError("MacParams.cutoff_min/cutoff_max: expected 0 <= cutoff_min < cutoff_max <= 1, "
                             f"got {self.cutoff_min!r}, {self.cutoff_max!r}")
        if self.pi_min < 0 or (self.pi_max is not None and self.pi_max < self.pi_min):
            raise ModelError(f"MacParams.pi_min/pi_max: expected 0 <= pi_min <= pi_max, "
                             f"got {self.pi_min!r}, {self.pi_max!r}")
        if self.freeze_fraction is not None and not 0.0 < self.freeze_fraction <= 1.0:
            raise ModelError("MacParams.freeze_fraction: expected a fraction in (0, 1] or None, "
                             f"got {self.freeze_fraction!r}")
        if self.weights not in WEIGHT_MODES:
            raise ModelError(f"MacParams.weights: {self.weights!r} is not one of {WEIGHT_MODES}")
        self._check_decay_table()

    def _check_decay_table(self) -> None:
        n = len(self.decay_weights)
        if n < 1 or self.decay_weights[0] != GRADED_W_MAX or not all(0 < w <= GRADED_W_MAX for w in self.decay_weights):
            raise ModelError(f"MacParams.decay_weights: expected {GRADED_W_MAX} (a fresh or permanent weight) "
                             f"then values in 1..{GRADED_W_MAX}, got {self.decay_weights!r}")
        if len(self.decay_ages) < 1 or any(len(row) != n or list(row) != sorted(set(row)) or row[0] < 1
                                           for row in self.decay_ages):
            raise ModelError(f"MacParams.decay_ages: expected rows of {n} increasing positive ages "
                             f"(one per decay_weights value), got {self.decay_ages!r}")

    @property
    def w_max(self) -> int:
        """Largest weight: 1 for binary weights, 127 for graded ones."""
        return GRADED_W_MAX if self.weights == "graded" else 1

    @property
    def n_cells(self) -> int:
        """Cells in the mac (Q·K)."""
        return self.Q * self.K

    def expansivity(self, G: float) -> float:
        """η for familiarity ``G`` (dimensionless)."""
        x = max(0.0, (G - self.g_floor) / (1.0 - self.g_floor))
        return 1.0 + x ** self.gamma * self.chi * self.K

    def mu(self, V: np.ndarray | float, G: float) -> np.ndarray:
        """Closed-form μ of cells with local support ``V`` in a mac of familiarity ``G``
        (for analysis; the CSA kernel computes the same per cell)."""
        s = 1.0 / (1.0 + np.exp(-self.sigmoid_lambda * (np.asarray(V, dtype=float) - self.sigmoid_phi)))
        eta = self.expansivity(G)
        if self.sigmoid == "reference":
            return np.maximum(eta * s, self.mu_min)
        return (eta - 1.0) * s + 1.0

    def describe(self) -> dict[str, Any]:
        """Plain-data description (for provenance and results files)."""
        return asdict(self)
