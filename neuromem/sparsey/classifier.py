"""Single-trial classification with a Sparsey hierarchy and class nodes.

An item is a binary image (rows × cols) or a clip (T × rows × cols). Learning
presents each item once: the hierarchy chooses and stores its codes (sampling),
then the class nodes raise their weights from the active cells of the read-out
levels — for a clip, the codes of its last frame. Recognition presents the item with
max-V retrieval and reads the class nodes; it also reports the top level's mean
familiarity G (dimensionless) of the item's last frame.

Example
-------
>>> import numpy as np
>>> from neuromem.sparsey import Hierarchy, LevelSpec, MacParams
>>> from neuromem.sparsey.classifier import SparseyClassifier
>>> h = Hierarchy((4, 4), [LevelSpec(MacParams(Q=4, K=4), grid=(1, 1), rf=(4, 4))], seed=0)
>>> clf = SparseyClassifier(h, n_classes=2)
>>> items = np.array([np.eye(4, dtype=bool), np.eye(4, dtype=bool)[::-1]])
>>> clf.fit(items, np.array([0, 1])).predict(items)[0].tolist()
[0, 1]
"""
from __future__ import annotations

import time
from typing import Sequence

import numpy as np

from ..errors import ModelError
from .hierarchy import Hierarchy
from .readout import ClassReadout


class SparseyClassifier:
    """A :class:`Hierarchy` plus :class:`ClassReadout` (``score``, ``prior``) on the codes
    of ``readout_levels`` (default: the top level)."""

    def __init__(self, hierarchy: Hierarchy, n_classes: int, readout_levels: Sequence[int] | None = None,
                 score: str = "log", prior: float = 1.0) -> None:
        n_levels = len(hierarchy.grids)
        self.levels = [n_levels - 1] if readout_levels is None else [int(x) % n_levels for x in readout_levels]
        if not self.levels:
            raise ModelError("SparseyClassifier.readout_levels: name at least one level")
        self.hierarchy = hierarchy
        self.readout = ClassReadout(sum(hierarchy.grids[x].n_cells for x in self.levels), n_classes, score, prior)
        self.learn_seconds = 0.0

    def code(self, item: np.ndarray, learn: bool) -> tuple[np.ndarray, float]:
        """Present one image or clip; the read-out levels' code of its last frame and the
        top level's mean G on that frame."""
        item = np.asarray(item)
        frames = item[None] if item.ndim == 2 else item
        self.hierarchy.reset()
        for frame in frames:
            steps = self.hierarchy.present(frame, learn=learn)
        code = np.concatenate([self.hierarchy.grids[x].previous for x in self.levels])
        return code, float(steps[-1].G.mean())

    def fit(self, items: Sequence[np.ndarray], labels: Sequence[int]) -> "SparseyClassifier":
        """Learn every item once, in order; adds the wall time (s) to ``learn_seconds``."""
        if len(items) != len(labels):
            raise ModelError(f"SparseyClassifier.fit: {len(items)} items but {len(labels)} labels")
        start = time.perf_counter()
        for item, label in zip(items, labels):
            code, _ = self.code(item, learn=True)
            self.readout.learn(code, int(label))
        self.learn_seconds += time.perf_counter() - start
        return self

    def predict(self, items: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Predicted classes and top-level mean G of each item (max-V retrieval)."""
        labels, familiarity = [], []
        for item in items:
            code, G = self.code(item, learn=False)
            labels.append(self.readout.predict(code))
            familiarity.append(G)
        return np.array(labels), np.array(familiarity)
