"""One Sparsey macrocolumn: Q CMs × K binary cells, U/H/D inputs, the Code Selection
Algorithm, single-trial learning and max-V retrieval.

Inputs are given as the indices of the active input lines (or as binary masks). With
``sequence=True`` the mac's own previous code is its H input (temporal chaining);
:meth:`Macrocolumn.reset` starts a new sequence.

Example (the four-input fixture of the reference, §4.5.1)
-------
>>> from neuromem.sparsey import Macrocolumn, MacParams
>>> mac = Macrocolumn(MacParams(Q=5, K=8), n_u=16, seed=42)
>>> code = mac.learn([0, 1, 2])
>>> again = mac.recognise([0, 1, 2])
>>> bool((again.winners == code.winners).all()), round(again.G, 3)
(True, 1.0)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from ..errors import ModelError
from .grid import GridStep, MacGrid
from .params import MacParams


@dataclass
class Code:
    """A mac's code: ``winners`` (Q; winning cell index in each CM, −1 if the π gate
    switched the mac off), familiarity ``G``, local support ``V`` and win
    probabilities ``rho`` (Q × K). All dimensionless."""

    winners: np.ndarray
    G: float
    V: np.ndarray
    rho: np.ndarray

    def cells(self, K: int) -> np.ndarray:
        """Indices (within the mac, q·K + k) of the active cells."""
        q = np.nonzero(self.winners >= 0)[0]
        return q * K + self.winners[q]

    def overlap(self, other: "Code") -> int:
        """Number of CMs in which both codes have the same winner (code intersection)."""
        return int(np.sum((self.winners == other.winners) & (self.winners >= 0)))


class Macrocolumn:
    """A single mac with ``n_u`` bottom-up inputs, ``n_d`` top-down inputs and, with
    ``sequence=True``, its own previous code as H input. ``seed`` fixes the sampling."""

    def __init__(self, params: MacParams, n_u: int, n_d: int = 0, sequence: bool = False,
                 seed: int = 0) -> None:
        if n_u < 1:
            raise ModelError(f"Macrocolumn.n_u: expected at least one input line, got {n_u}")
        self.params = params
        self.n_u, self.n_d = n_u, n_d
        self.grid = MacGrid(params, [np.arange(n_u)], n_u,
                            h_fields=[np.arange(params.n_cells)] if sequence else None,
                            d_fields=[np.arange(n_d)] if n_d else None, n_d=n_d, seed=seed)

    def learn(self, u: Iterable[int] | np.ndarray, d: Iterable[int] | np.ndarray | None = None) -> Code:
        """Choose a code by sampling ρ in every CM and store it in one trial."""
        return self._step(u, d, learn=True)

    def sample(self, u: Iterable[int] | np.ndarray, d: Iterable[int] | np.ndarray | None = None) -> Code:
        """Choose a code by sampling ρ as :meth:`learn` does, but store nothing."""
        return self._step(u, d, learn=False, sample=True)

    def recognise(self, u: Iterable[int] | np.ndarray,
                  d: Iterable[int] | np.ndarray | None = None) -> Code:
        """Retrieve the best-matching code: the max-V cell of each CM; nothing is learned."""
        return self._step(u, d, learn=False)

    def reset(self) -> None:
        """Start a new sequence (clears the H input)."""
        self.grid.reset()

    def freeze(self, kind: str = "U") -> None:
        """Stop learning on input type ``kind`` ("U", "H" or "D")."""
        self.grid.freeze(kind)

    @property
    def weights(self) -> np.ndarray:
        """U weights (n_u × Q·K, uint8): binary (a view) or, with graded weights, their
        values 0..127 now (a copy)."""
        return self.grid.weights("U")[0]

    def _step(self, u, d, learn: bool, sample: bool | None = None) -> Code:
        d_mask = None if d is None else self._mask(d, self.n_d, "d")
        s: GridStep = self.grid.step(self._mask(u, self.n_u, "u"), d_mask, learn=learn, sample=sample)
        return Code(s.winners[0].copy(), float(s.G[0]), s.V[0], s.rho[0])

    @staticmethod
    def _mask(x, n: int, what: str) -> np.ndarray:
        arr = np.asarray(x if not isinstance(x, (set, frozenset)) else sorted(x))
        if arr.dtype == np.bool_:
            if arr.shape != (n,):
                raise ModelError(f"Macrocolumn: boolean {what} has shape {arr.shape}, expected ({n},)")
            return arr
        mask = np.zeros(n, dtype=bool)
        idx = arr.astype(np.int64).ravel()
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise ModelError(f"Macrocolumn: {what} indices must lie in 0..{n - 1}, got {idx.tolist()}")
        mask[idx] = True
        return mask
