"""Supervised class nodes on top of Sparsey codes.

Training raises the weight from every active cell of a code to the node of the
item's class by one, so a weight counts how often its cell was active with its
class (an integer). Three ways of reading the class nodes out (all dimensionless):

* ``"count"``: score(c) = Σ_active w(i, c) / n_c — the summed weights, divided by the
  number n_c of training items of class c;
* ``"log"``: score(c) = Σ_active log((w(i, c) + α) / (n_c + 2α)) — each active cell
  votes with the smoothed log frequency of being active in class c, so a cell active
  in every class carries no weight (a naive-Bayes reading of the same weights). The
  pseudo-count α (``prior``, default 1: Laplace) sets how hard a cell never seen with
  class c counts against it: as α → 0 the reading ranks classes first by how many
  active cells they have ever co-occurred with, then by the log frequencies;
* ``"binary"``: score(c) = Σ_active [w(i, c) > 0] / n_active — the class node read
  like a Sparsey cell with latch-once binary weights: its V, the fraction of active
  cells whose weight to it is set.

Example
-------
>>> import numpy as np
>>> from neuromem.sparsey import ClassReadout
>>> r = ClassReadout(n_cells=4, n_classes=2)
>>> r.learn(np.array([1, 1, 0, 0]), 0); r.learn(np.array([0, 0, 1, 1]), 1)
>>> r.predict(np.array([0, 1, 1, 1]))
1
"""
from __future__ import annotations

import numpy as np

from ..errors import ModelError

SCORES = ("log", "count", "binary")


class ClassReadout:
    """Class nodes fed by ``n_cells`` code cells (weights: co-occurrence counts);
    ``score`` is ``"log"``, ``"count"`` or ``"binary"``, ``prior`` the pseudo-count α of
    the ``"log"`` reading (see the module doc)."""

    def __init__(self, n_cells: int, n_classes: int, score: str = "log", prior: float = 1.0) -> None:
        if n_cells < 1 or n_classes < 2:
            raise ModelError(f"ClassReadout: need n_cells >= 1 and n_classes >= 2, got {n_cells}, {n_classes}")
        if score not in SCORES:
            raise ModelError(f"ClassReadout.score: {score!r} is not one of {SCORES}")
        if not prior > 0.0:
            raise ModelError(f"ClassReadout.prior: expected a pseudo-count > 0, got {prior!r}")
        self.score = score
        self.prior = prior
        self.weights = np.zeros((n_cells, n_classes), dtype=np.int64)
        self.class_counts = np.zeros(n_classes, dtype=np.int64)

    def learn(self, code: np.ndarray, label: int) -> None:
        """Raise the weights from the active cells of binary ``code`` to class ``label``."""
        code = self._check(code)
        if not 0 <= label < self.weights.shape[1]:
            raise ModelError(f"ClassReadout.learn: label {label} outside 0..{self.weights.shape[1] - 1}")
        self.weights[code, label] += 1
        self.class_counts[label] += 1

    def scores(self, code: np.ndarray) -> np.ndarray:
        """Per-class support of binary ``code`` (n_classes, float)."""
        w = self.weights[self._check(code)]
        if self.score == "count":
            return w.sum(axis=0) / np.maximum(self.class_counts, 1)
        if self.score == "binary":
            return (w > 0).sum(axis=0) / max(len(w), 1)
        return np.log((w + self.prior) / (self.class_counts + 2.0 * self.prior)).sum(axis=0)

    def reading(self, score: str, prior: float = 1.0) -> "ClassReadout":
        """The same class nodes (weights shared, not copied) read with another ``score``
        and ``prior``."""
        other = ClassReadout(self.weights.shape[0], self.weights.shape[1], score, prior)
        other.weights, other.class_counts = self.weights, self.class_counts
        return other

    def predict(self, code: np.ndarray) -> int:
        """The class with the largest score (lowest index on ties)."""
        return int(np.argmax(self.scores(code)))

    def _check(self, code: np.ndarray) -> np.ndarray:
        code = np.asarray(code)
        if code.shape != (self.weights.shape[0],):
            raise ModelError(f"ClassReadout: code has shape {code.shape}, expected ({self.weights.shape[0]},)")
        return code != 0
