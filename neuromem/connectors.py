"""Connectors: rules that decide which pre cells connect to which post cells.

Names and semantics follow PyNN. A connector only decides *which* pairs connect;
weights and delays come from the synapse type (or, for :class:`FromListConnector`,
optionally from the list). Random connectors draw from the run's ``connectivity``
stream (one independent child stream per projection), so connectivity is fixed by
the seed.

``allow_self_connections`` matters only when pre and post are the same population
(or views of it): then the pair (i, i) of the same cell is excluded if it is False.

Example
-------
>>> import numpy as np
>>> from neuromem.connectors import FixedProbabilityConnector
>>> pre, post = FixedProbabilityConnector(0.5).connect(10, 10, np.random.default_rng(1), None)
>>> bool(pre.size > 0)
True
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .errors import ModelError

Pairs = tuple[np.ndarray, np.ndarray]


class Connector:
    """Base class. ``connect`` returns (pre indices, post indices) as int64 arrays."""

    allow_self_connections: bool = True

    def connect(self, n_pre: int, n_post: int, rng: np.random.Generator,
                same_cells: np.ndarray | None) -> Pairs:
        """Return the connected pairs.

        ``same_cells`` is None when pre and post are different populations; otherwise
        a boolean matrix-free description: an int array ``m`` of length n_pre where
        ``m[i]`` is the post index of the same cell as pre ``i`` (or -1).
        """
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """Plain-data description."""
        return {"type": type(self).__name__, **{k: v for k, v in vars(self).items()}}

    def _drop_self(self, pre: np.ndarray, post: np.ndarray, same_cells: np.ndarray | None) -> Pairs:
        if self.allow_self_connections or same_cells is None or pre.size == 0:
            return pre, post
        keep = same_cells[pre] != post
        return pre[keep], post[keep]


class AllToAllConnector(Connector):
    """Every pre cell connects to every post cell."""

    def __init__(self, allow_self_connections: bool = True) -> None:
        self.allow_self_connections = bool(allow_self_connections)

    def connect(self, n_pre, n_post, rng, same_cells):
        pre = np.repeat(np.arange(n_pre, dtype=np.int64), n_post)
        post = np.tile(np.arange(n_post, dtype=np.int64), n_pre)
        return self._drop_self(pre, post, same_cells)


class OneToOneConnector(Connector):
    """Pre cell i connects to post cell i; both sides must have the same size."""

    def connect(self, n_pre, n_post, rng, same_cells):
        if n_pre != n_post:
            raise ModelError(
                f"OneToOneConnector: pre has {n_pre} cells and post {n_post}; "
                "they must have the same size"
            )
        idx = np.arange(n_pre, dtype=np.int64)
        return idx, idx.copy()

    def describe(self):
        return {"type": "OneToOneConnector"}


class FixedProbabilityConnector(Connector):
    """Each (pre, post) pair connects independently with probability ``p_connect``."""

    def __init__(self, p_connect: float, allow_self_connections: bool = True) -> None:
        if not 0.0 <= float(p_connect) <= 1.0:
            raise ModelError(f"FixedProbabilityConnector.p_connect: {p_connect!r} is not in [0, 1]")
        self.p_connect = float(p_connect)
        self.allow_self_connections = bool(allow_self_connections)

    def connect(self, n_pre, n_post, rng, same_cells):
        # Draw the number of targets of each pre cell, then the targets without
        # replacement: exactly Bernoulli(p) per pair, but O(connections) memory.
        counts = rng.binomial(n_post, self.p_connect, n_pre)
        pre = np.repeat(np.arange(n_pre, dtype=np.int64), counts)
        post = np.empty(pre.size, dtype=np.int64)
        pos = 0
        for c in counts:
            post[pos:pos + c] = np.sort(_choose(rng, n_post, int(c)))
            pos += c
        return self._drop_self(pre, post, same_cells)


class FixedNumberPostConnector(Connector):
    """Each pre cell connects to exactly ``n`` post cells chosen at random."""

    def __init__(self, n: int, allow_self_connections: bool = True,
                 with_replacement: bool = False) -> None:
        self.n = _count("FixedNumberPostConnector.n", n)
        self.allow_self_connections = bool(allow_self_connections)
        self.with_replacement = bool(with_replacement)

    def connect(self, n_pre, n_post, rng, same_cells):
        pre, post = _fixed_number(self.n, n_pre, n_post, rng, same_cells,
                                  self.allow_self_connections, self.with_replacement,
                                  "FixedNumberPostConnector")
        return pre, post


class FixedNumberPreConnector(Connector):
    """Each post cell receives exactly ``n`` connections from random pre cells."""

    def __init__(self, n: int, allow_self_connections: bool = True,
                 with_replacement: bool = False) -> None:
        self.n = _count("FixedNumberPreConnector.n", n)
        self.allow_self_connections = bool(allow_self_connections)
        self.with_replacement = bool(with_replacement)

    def connect(self, n_pre, n_post, rng, same_cells):
        inverse = None
        if same_cells is not None:
            inverse = np.full(n_post, -1, dtype=np.int64)
            valid = same_cells >= 0
            inverse[same_cells[valid]] = np.nonzero(valid)[0]
        post, pre = _fixed_number(self.n, n_post, n_pre, rng, inverse,
                                  self.allow_self_connections, self.with_replacement,
                                  "FixedNumberPreConnector")
        order = np.lexsort((post, pre))
        return pre[order], post[order]


class FromListConnector(Connector):
    """Explicit connections: rows ``(i, j)``, ``(i, j, weight)`` or ``(i, j, weight, delay)``.

    Weight in nA (current synapses) or µS (conductance synapses), delay in ms; when a
    list carries them they override the synapse type's weight and delay.
    """

    def __init__(self, conn_list: Sequence[Sequence[float]] | np.ndarray) -> None:
        arr = np.asarray(conn_list, dtype=float)
        if arr.size == 0:
            arr = np.zeros((0, 2))
        if arr.ndim != 2 or arr.shape[1] not in (2, 3, 4):
            raise ModelError(
                f"FromListConnector.conn_list: rows must be (i, j), (i, j, weight) or "
                f"(i, j, weight, delay); got an array of shape {arr.shape}"
            )
        if np.any(arr[:, :2] < 0) or np.any(arr[:, :2] != np.round(arr[:, :2])):
            raise ModelError("FromListConnector.conn_list: indices must be non-negative integers")
        self.conn_list = arr

    def connect(self, n_pre, n_post, rng, same_cells):
        pre = self.conn_list[:, 0].astype(np.int64)
        post = self.conn_list[:, 1].astype(np.int64)
        if pre.size and (pre.max() >= n_pre or post.max() >= n_post):
            raise ModelError(
                f"FromListConnector.conn_list: index out of range (pre max {pre.max()}, "
                f"post max {post.max()}) for populations of {n_pre} and {n_post} cells"
            )
        return pre, post

    @property
    def weights(self) -> np.ndarray | None:
        """Per-connection weights from the list, or None."""
        return self.conn_list[:, 2].copy() if self.conn_list.shape[1] >= 3 else None

    @property
    def delays(self) -> np.ndarray | None:
        """Per-connection delays (ms) from the list, or None."""
        return self.conn_list[:, 3].copy() if self.conn_list.shape[1] == 4 else None

    def describe(self):
        return {"type": "FromListConnector", "conn_list": self.conn_list.tolist()}


def _count(what: str, n: Any) -> int:
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ModelError(f"{what}: expected a non-negative integer, got {n!r}")
    return int(n)


def _choose(rng: np.random.Generator, population: int, k: int) -> np.ndarray:
    return rng.choice(population, size=k, replace=False)


def _fixed_number(n: int, n_src: int, n_tgt: int, rng: np.random.Generator,
                  same_cells: np.ndarray | None, allow_self: bool, with_replacement: bool,
                  name: str) -> Pairs:
    """Each of n_src cells picks n targets among n_tgt (excluding itself if asked)."""
    exclude_self = same_cells is not None and not allow_self
    available = n_tgt - (1 if exclude_self else 0)
    if not with_replacement and n > available:
        raise ModelError(
            f"{name}.n: {n} connections per cell asked from only {available} candidates; "
            "lower n or set with_replacement=True"
        )
    src = np.repeat(np.arange(n_src, dtype=np.int64), n)
    tgt = np.empty(src.size, dtype=np.int64)
    for i in range(n_src):
        own = same_cells[i] if exclude_self else -1
        if with_replacement:
            picks = rng.integers(0, n_tgt - (1 if own >= 0 else 0), n)
        else:
            picks = _choose(rng, n_tgt - (1 if own >= 0 else 0), n)
        if own >= 0:
            picks = picks + (picks >= own)
        tgt[i * n:(i + 1) * n] = np.sort(picks)
    return src, tgt


CONNECTORS = {
    cls.__name__: cls
    for cls in (AllToAllConnector, OneToOneConnector, FixedProbabilityConnector,
                FixedNumberPreConnector, FixedNumberPostConnector, FromListConnector)
}
