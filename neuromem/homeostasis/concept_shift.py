"""Concept shift by label swaps, and schedules of how many swaps each epoch has.

A swap picks two distinct classes at random and exchanges their labels everywhere, in
the training and in the validation data (Man, Damasio & Neven 2022, ``swap_labels``).
:class:`LabelMap` keeps the composition of all swaps so far as a permutation of the
classes; ``label_map.apply(original_labels)`` gives the current labels of any split.

``k`` swaps per epoch happen at evenly spaced batch boundaries (:func:`swap_counts`):
after batch ``b`` of ``n`` come ``⌊(b+1)k/n⌋ − ⌊bk/n⌋`` swaps, exactly ``k`` in all. When
``n`` is a multiple of ``k`` this is the paper's rule (a swap after every ``n/k`` batches,
the last one after the epoch's final batch); when ``k > n`` some boundaries carry
several swaps.

A schedule says how many swaps each epoch has: :class:`ConstantShift` (first-order
shift) or :class:`SeasonalShift` (second-order shift: the rate alternates between seasons).

Example
-------
>>> import numpy as np
>>> swap_counts(n_batches=6, swaps=3).tolist()
[0, 1, 0, 1, 0, 1]
>>> lm = LabelMap(10)
>>> a, b = lm.swap(np.random.default_rng(0))
>>> bool(lm.apply(np.array([a]))[0] == b)
True
>>> SeasonalShift(rates=(1, 100), season_epochs=2).swaps_in_epoch(2)
100
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ModelError


def swap_counts(n_batches: int, swaps: int) -> np.ndarray:
    """Number of swaps after each of ``n_batches`` batches, evenly spaced, summing to ``swaps``."""
    if n_batches < 1:
        raise ModelError(f"swap_counts: n_batches={n_batches} must be at least 1")
    if swaps < 0:
        raise ModelError(f"swap_counts: swaps={swaps} must be non-negative")
    b = np.arange(n_batches + 1, dtype=np.int64)
    return np.diff((b * swaps) // n_batches)


class LabelMap:
    """Current label of every original class: a permutation of ``0..n_classes-1`` changed by swaps."""

    def __init__(self, n_classes: int = 10) -> None:
        if n_classes < 2:
            raise ModelError(f"LabelMap: n_classes={n_classes} must be at least 2 to swap labels")
        self.mapping = np.arange(n_classes, dtype=np.int64)

    def swap(self, rng: np.random.Generator) -> tuple[int, int]:
        """Exchange two distinct current labels chosen uniformly at random; return them."""
        a, b = (int(c) for c in rng.choice(self.mapping.size, 2, replace=False))
        was_a, was_b = self.mapping == a, self.mapping == b
        self.mapping[was_a], self.mapping[was_b] = b, a
        return a, b

    def apply(self, original_labels: np.ndarray) -> np.ndarray:
        """Current labels of samples whose original labels are ``original_labels``."""
        return self.mapping[original_labels]


@dataclass(frozen=True)
class ConstantShift:
    """First-order concept shift: the same number of swaps in every epoch."""

    swaps_per_epoch: int

    def __post_init__(self) -> None:
        if self.swaps_per_epoch < 0:
            raise ModelError(f"ConstantShift: swaps_per_epoch={self.swaps_per_epoch} must be non-negative")

    def swaps_in_epoch(self, epoch: int) -> int:
        """Swaps during epoch ``epoch`` (0-based)."""
        return self.swaps_per_epoch


@dataclass(frozen=True)
class SeasonalShift:
    """Second-order concept shift: the swap rate cycles through ``rates``, each held ``season_epochs`` epochs."""

    rates: Sequence[int]
    season_epochs: int

    def __post_init__(self) -> None:
        if len(self.rates) < 2 or any(int(r) < 0 for r in self.rates):
            raise ModelError(f"SeasonalShift: rates={list(self.rates)} must list at least two non-negative "
                             "swap counts per epoch")
        if self.season_epochs < 1:
            raise ModelError(f"SeasonalShift: season_epochs={self.season_epochs} must be at least 1")

    def season(self, epoch: int) -> int:
        """Index into ``rates`` of the season epoch ``epoch`` belongs to."""
        return (epoch // self.season_epochs) % len(self.rates)

    def swaps_in_epoch(self, epoch: int) -> int:
        """Swaps during epoch ``epoch`` (0-based)."""
        return int(self.rates[self.season(epoch)])
