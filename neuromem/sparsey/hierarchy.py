"""A Sparsey hierarchy: levels of mac grids with receptive fields.

Level 0 reads a binary input image (rows × cols); level ℓ > 0 reads the codes of
level ℓ − 1, each lower mac counting as one unit of its receptive field. A level's
H input is its own previous code within ``h_radius`` macs (sequence chaining); with
``top_down=True`` it also reads, as D input, the previous code of the macs of the
level above whose receptive fields contain it. Each mac runs only when its number of
active U inputs lies within its π⁻/π⁺ band (``MacParams.pi_min/pi_max``).

Example
-------
>>> import numpy as np
>>> from neuromem.sparsey import Hierarchy, LevelSpec, MacParams
>>> h = Hierarchy((8, 8), [LevelSpec(MacParams(Q=4, K=4), grid=(3, 3), rf=(4, 4)),
...                        LevelSpec(MacParams(Q=6, K=6), grid=(1, 1), rf=(3, 3))], seed=0)
>>> steps = h.present(np.eye(8, dtype=bool), learn=True)
>>> [s.winners.shape for s in steps]
[(9, 4), (1, 6)]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..errors import ModelError
from .grid import GridStep, MacGrid
from .params import MacParams


@dataclass(frozen=True)
class LevelSpec:
    """One level: mac ``params``, mac ``grid`` (rows, cols), receptive field ``rf``
    (rows, cols) in units of the level below (pixels for level 0, macs above),
    ``h_radius`` (macs; ``None``: no H input), ``top_down`` (D input from the level
    above) and ``persistence`` (frames each code persists; the level's temporal
    receptive field)."""

    params: MacParams
    grid: tuple[int, int]
    rf: tuple[int, int]
    h_radius: int | None = None
    top_down: bool = False
    persistence: int = 1


@dataclass
class Episode:
    """What a hierarchy did over T frames: per level, ``winners`` (T × M × Q) and ``G``
    (T × M)."""

    winners: list[np.ndarray] = field(default_factory=list)
    G: list[np.ndarray] = field(default_factory=list)


def _spread(n_in: int, n_out: int, size: int) -> np.ndarray:
    """Start offsets of ``n_out`` windows of ``size`` spread evenly over ``n_in`` units."""
    if n_out == 1:
        return np.array([max(0, (n_in - size) // 2)])
    return np.round(np.linspace(0, n_in - size, n_out)).astype(int)


def receptive_fields(below: tuple[int, int], grid: tuple[int, int], rf: tuple[int, int]) -> list[np.ndarray]:
    """Lower-grid units (row-major indices) in each mac's window, macs in row-major order."""
    rows, cols = below
    rr, rc = min(rf[0], rows), min(rf[1], cols)
    fields = []
    for top in _spread(rows, grid[0], rr):
        for left in _spread(cols, grid[1], rc):
            r, c = np.meshgrid(np.arange(top, top + rr), np.arange(left, left + rc), indexing="ij")
            fields.append((r * cols + c).ravel())
    return fields


def _expand(units: np.ndarray, unit_size: int) -> np.ndarray:
    """Input lines of the given units, each unit owning ``unit_size`` consecutive lines."""
    return (units[:, None] * unit_size + np.arange(unit_size)[None, :]).ravel()


class Hierarchy:
    """Levels of :class:`MacGrid` on a binary input of ``input_shape`` (rows, cols)."""

    def __init__(self, input_shape: tuple[int, int], levels: Sequence[LevelSpec], seed: int = 0) -> None:
        if not levels:
            raise ModelError("Hierarchy.levels: at least one LevelSpec is needed")
        self.input_shape = tuple(input_shape)
        self.specs = list(levels)
        unit_fields = []
        below, unit_size = self.input_shape, 1
        for ell, spec in enumerate(self.specs):
            if min(spec.grid) < 1 or min(spec.rf) < 1:
                raise ModelError(f"Hierarchy.levels[{ell}]: grid and rf need positive sizes, "
                                 f"got grid={spec.grid}, rf={spec.rf}")
            if spec.persistence < 1:
                raise ModelError(f"Hierarchy.levels[{ell}].persistence: expected >= 1 frame, "
                                 f"got {spec.persistence}")
            units = receptive_fields(below, spec.grid, spec.rf)
            unit_fields.append((units, [_expand(u, unit_size) for u in units],
                                below[0] * below[1] * unit_size))
            below, unit_size = spec.grid, spec.params.n_cells
        self.grids: list[MacGrid] = []
        for ell, spec in enumerate(self.specs):
            _, u_fields, n_u = unit_fields[ell]
            h_fields = None if spec.h_radius is None else self._h_fields(spec)
            d_fields, n_d = None, 0
            if spec.top_down and ell + 1 < len(self.specs):
                above_units, _, _ = unit_fields[ell + 1]
                d_fields = [_expand(np.array([a for a, units in enumerate(above_units) if m in units]),
                                    self.specs[ell + 1].params.n_cells)
                            for m in range(len(u_fields))]
                n_d = len(above_units) * self.specs[ell + 1].params.n_cells
            self.grids.append(MacGrid(spec.params, u_fields, n_u, h_fields, d_fields, n_d, seed=seed * 1009 + ell))
        self._pooled = [np.zeros(n_u, dtype=np.uint8) for _, _, n_u in unit_fields]
        self._last: list[GridStep | None] = [None] * len(self.grids)
        self._frame = 0

    @staticmethod
    def _h_fields(spec: LevelSpec) -> list[np.ndarray]:
        rows, cols = spec.grid
        r, c = np.divmod(np.arange(rows * cols), cols)
        fields = []
        for m in range(rows * cols):
            near = np.nonzero((np.abs(r - r[m]) <= spec.h_radius) & (np.abs(c - c[m]) <= spec.h_radius))[0]
            fields.append(_expand(near, spec.params.n_cells))
        return fields

    def reset(self) -> None:
        """Start a new episode: clear H and D inputs and the persistence windows of every level."""
        for grid in self.grids:
            grid.reset()
        for pooled in self._pooled:
            pooled[:] = 0
        self._last = [None] * len(self.grids)
        self._frame = 0

    def freeze(self, level: int) -> None:
        """End the critical period of ``level``: none of its bundles learns any more."""
        for kind in self.grids[level].bundles:
            self.grids[level].freeze(kind)

    def present(self, frame: np.ndarray, learn: bool | Sequence[bool] = True) -> list[GridStep]:
        """Run every level once on a binary ``frame`` (input_shape).

        ``learn`` (one flag, or one per level): sample and store codes (True) or
        retrieve max-V codes (False). A level with persistence P steps on every P-th
        frame of the episode; on the other frames its entry is its persisting last step
        (all winners −1 and G = 0 before its first step).
        """
        frame = np.asarray(frame)
        if frame.shape != self.input_shape:
            raise ModelError(f"Hierarchy.present: frame has shape {frame.shape}, expected {self.input_shape}")
        flags = [learn] * len(self.grids) if isinstance(learn, (bool, np.bool_)) else list(learn)
        if len(flags) != len(self.grids):
            raise ModelError(f"Hierarchy.present: learn has {len(flags)} flags for {len(self.grids)} levels")
        above_previous = [g.previous.copy() for g in self.grids]
        steps, x = [], frame.ravel()
        self._frame += 1
        for ell, (grid, spec) in enumerate(zip(self.grids, self.specs)):
            self._pooled[ell] |= x != 0
            if self._frame % spec.persistence == 0:
                d = above_previous[ell + 1] if "D" in grid.bundles else None
                self._last[ell] = grid.step(self._pooled[ell], d, learn=bool(flags[ell]))
                self._pooled[ell][:] = 0
            steps.append(self._last[ell] if self._last[ell] is not None else self._idle(grid))
            x = grid.previous
        return steps

    @staticmethod
    def _idle(grid: MacGrid) -> GridStep:
        """The step of a level that has not computed a code yet in this episode."""
        M, p = grid.n_macs, grid.params
        return GridStep(np.full((M, p.Q), -1, dtype=np.int32), np.zeros(M), np.zeros((M, p.Q, p.K)),
                        np.zeros((M, p.Q, p.K)), np.zeros(M, dtype=np.int32))

    def top_code(self) -> np.ndarray:
        """Binary vector of the top level's current code (M·Q·K, uint8; a copy)."""
        return self.grids[-1].previous.copy()

    def run(self, frames: Sequence[np.ndarray], learn: bool | Sequence[bool] = True,
            reset: bool = True) -> Episode:
        """Present ``frames`` in order (after :meth:`reset` unless ``reset=False``) and
        record every level's winners and G."""
        if reset:
            self.reset()
        episode = Episode([[] for _ in self.grids], [[] for _ in self.grids])
        for frame in frames:
            for ell, s in enumerate(self.present(frame, learn)):
                episode.winners[ell].append(s.winners.copy())
                episode.G[ell].append(s.G.copy())
        episode.winners = [np.array(w) for w in episode.winners]
        episode.G = [np.array(g) for g in episode.G]
        return episode
