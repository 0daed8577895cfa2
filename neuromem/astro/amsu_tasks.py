"""Data for the AM-SU experiments: a delayed-recall task and a character-level corpus.

Delayed recall (one trial, time-major, one step per symbol)::

    store  : ``length`` symbols from an alphabet of ``n_symbols``, store flag on
    delay  : ``delay`` distractor symbols drawn from the same alphabet, flags off
    recall : ``length`` steps with the recall cue on and no symbol;
             target at recall step j = the j-th stored symbol

Input channels: one-hot symbol (n_symbols), store flag, recall cue. Only the recall
steps are scored; chance accuracy is 1/n_symbols.

The corpus loader reads any UTF-8 text file, builds the character vocabulary of the
whole file (sorted), and splits it into a training head and a validation tail.

Example
-------
>>> import numpy as np
>>> from neuromem.astro.amsu_tasks import delayed_recall_batch
>>> x, y, mask = delayed_recall_batch(np.random.default_rng(0), batch=2, delay=5)
>>> x.shape, y.shape, int(mask.sum())
((11, 2, 6), (11, 2), 3)
"""
from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np

from ..errors import ModelError


def delayed_recall_batch(rng: np.random.Generator, batch: int, delay: int, n_symbols: int = 4,
                         length: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs T × B × (n_symbols + 2) (float32), targets T × B (int64), scored-step mask T (bool)."""
    if delay < 0 or length < 1 or n_symbols < 2 or batch < 1:
        raise ModelError(f"delayed_recall_batch: need delay >= 0, length >= 1, n_symbols >= 2, "
                         f"batch >= 1; got {delay}, {length}, {n_symbols}, {batch}")
    steps = 2 * length + delay
    x = np.zeros((steps, batch, n_symbols + 2), dtype=np.float32)
    y = np.zeros((steps, batch), dtype=np.int64)
    stored = rng.integers(0, n_symbols, (length, batch))
    distractors = rng.integers(0, n_symbols, (delay, batch))
    cols = np.arange(batch)
    for t in range(length):
        x[t, cols, stored[t]] = 1.0
        x[t, :, n_symbols] = 1.0
    for t in range(delay):
        x[length + t, cols, distractors[t]] = 1.0
    recall = slice(length + delay, steps)
    x[recall, :, n_symbols + 1] = 1.0
    y[recall] = stored
    mask = np.zeros(steps, dtype=bool)
    mask[recall] = True
    return x, y, mask


@dataclass
class CharCorpus:
    """A text as integer ids: ``train`` and ``valid`` (int64 arrays) and the sorted ``vocab``."""

    vocab: list[str]
    train: np.ndarray
    valid: np.ndarray

    @classmethod
    def load(cls, path: str | PathLike[str], valid_fraction: float = 0.1) -> "CharCorpus":
        """Read a UTF-8 text file; the last ``valid_fraction`` of it is the validation split."""
        file = Path(path)
        if not file.is_file():
            raise ModelError(f"CharCorpus.load: no text file at {str(path)!r}")
        if not 0.0 < valid_fraction < 1.0:
            raise ModelError(f"CharCorpus.load.valid_fraction: must lie in (0, 1), got {valid_fraction!r}")
        text = file.read_text(encoding="utf-8")
        if len(text) < 100:
            raise ModelError(f"CharCorpus.load: {str(path)!r} has only {len(text)} characters (need >= 100)")
        vocab = sorted(set(text))
        lookup = {ch: i for i, ch in enumerate(vocab)}
        ids = np.fromiter((lookup[ch] for ch in text), dtype=np.int64, count=len(text))
        split = int(len(ids) * (1.0 - valid_fraction))
        return cls(vocab, ids[:split], ids[split:])

    def batch(self, rng: np.random.Generator, batch: int, length: int) -> tuple[np.ndarray, np.ndarray]:
        """Random training windows: inputs and next-character targets, each length × batch."""
        starts = rng.integers(0, self.train.size - length - 1, batch)
        idx = starts[None, :] + np.arange(length)[:, None]
        return self.train[idx], self.train[idx + 1]
