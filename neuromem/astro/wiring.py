"""Tripartite wiring: which astrocyte senses / modulates each synapse, and gap junctions.

Positions are in µm. Assignment functions return one astrocyte index per synapse
(−1 = no astrocyte). Gap junctions are returned as CSR arrays ``(indptr, neighbours)``
where row i lists the astrocytes coupled to astrocyte i (each pair appears in both rows).

* :func:`pool_assignment` — like NEST's ``TripartiteConnect`` with
  ``third_factor_bernoulli_with_pool``: each postsynaptic cell owns a pool of
  ``pool_size`` astrocytes (``"random"``: drawn without replacement; ``"block"``:
  contiguous astrocytes, pools tiling the astrocyte population in order), and each
  synapse is paired with probability ``p`` with one astrocyte drawn from its post
  cell's pool.
* :func:`nearest_assignment` — by position: the astrocyte nearest to the synapse's
  postsynaptic cell (Stimberg et al. example 6).
* :func:`gap_junctions_by_distance`, :func:`ring_gap_junctions`.

Example
-------
>>> import numpy as np
>>> from neuromem.astro.wiring import grid_positions, gap_junctions_by_distance
>>> pos = grid_positions(9, spacing=50.0)            # 3 × 3 lattice, 50 µm apart
>>> indptr, nb = gap_junctions_by_distance(pos, max_distance=60.0)
>>> np.diff(indptr).tolist()                          # neighbours per astrocyte
[2, 3, 2, 3, 4, 3, 2, 3, 2]
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from ..errors import ModelError

POOL_TYPES = ("random", "block")


def pool_assignment(post: np.ndarray, n_post: int, n_astrocytes: int, rng: np.random.Generator,
                    p: float = 1.0, pool_size: int = 1, pool_type: str = "random") -> np.ndarray:
    """Astrocyte index per synapse (−1 when the Bernoulli(p) draw fails).

    ``post`` holds each synapse's postsynaptic cell index (0 … n_post−1).
    """
    post = np.asarray(post, dtype=np.int64)
    if pool_type not in POOL_TYPES:
        raise ModelError(f"pool_assignment.pool_type: {pool_type!r} is not valid; use one of {list(POOL_TYPES)}")
    if not 0.0 <= p <= 1.0:
        raise ModelError(f"pool_assignment.p: must lie in [0, 1], got {p!r}")
    if not 1 <= pool_size <= n_astrocytes:
        raise ModelError(f"pool_assignment.pool_size: must lie in 1..{n_astrocytes} (the number of "
                         f"astrocytes), got {pool_size!r}")
    if post.size and (post.min() < 0 or post.max() >= n_post):
        raise ModelError(f"pool_assignment.post: indices must lie in 0..{n_post - 1}")
    if pool_type == "random":
        pools = np.array([rng.choice(n_astrocytes, pool_size, replace=False) for _ in range(n_post)],
                         dtype=np.int64).reshape(n_post, pool_size)
    else:
        starts = (np.arange(n_post) * n_astrocytes) // n_post
        pools = (starts[:, None] + np.arange(pool_size)[None, :]) % n_astrocytes
    chosen = pools[post, rng.integers(0, pool_size, post.size)]
    keep = rng.random(post.size) < p
    return np.where(keep, chosen, -1).astype(np.int64)


def grid_positions(n: int, spacing: float | None = None, side: float | None = None) -> np.ndarray:
    """Positions (µm, n × 2) on the smallest square lattice holding n points, row by row.

    Give ``spacing`` (µm between neighbours) or ``side`` (µm, extent of the square).
    """
    if n < 1:
        raise ModelError(f"grid_positions.n: must be >= 1, got {n!r}")
    per_row = int(np.ceil(np.sqrt(n)))
    if (spacing is None) == (side is None):
        raise ModelError("grid_positions: give exactly one of spacing (µm) or side (µm)")
    step = float(spacing) if spacing is not None else float(side) / per_row
    idx = np.arange(n)
    return np.column_stack([(idx % per_row) * step, (idx // per_row) * step]).astype(np.float64)


def nearest_assignment(post: np.ndarray, post_positions: np.ndarray,
                       astro_positions: np.ndarray) -> np.ndarray:
    """For each synapse (postsynaptic cell ``post``), the astrocyte nearest to that cell (µm)."""
    tree = cKDTree(np.asarray(astro_positions, dtype=np.float64))
    _, nearest = tree.query(np.asarray(post_positions, dtype=np.float64))
    return np.asarray(nearest, dtype=np.int64)[np.asarray(post, dtype=np.int64)]


def _csr(n: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    both = np.concatenate([pairs, pairs[:, ::-1]]) if pairs.size else np.zeros((0, 2), np.int64)
    order = np.lexsort((both[:, 1], both[:, 0]))
    both = both[order]
    indptr = np.searchsorted(both[:, 0], np.arange(n + 1)).astype(np.int64)
    return indptr, both[:, 1].astype(np.int64)


def gap_junctions_by_distance(positions: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray]:
    """Couple every pair of astrocytes closer than ``max_distance`` µm (CSR, symmetric)."""
    positions = np.asarray(positions, dtype=np.float64)
    if max_distance <= 0:
        raise ModelError(f"gap_junctions_by_distance.max_distance: must be > 0 µm, got {max_distance!r}")
    pairs = np.array(sorted(cKDTree(positions).query_pairs(max_distance)), dtype=np.int64).reshape(-1, 2)
    return _csr(positions.shape[0], pairs)


def ring_gap_junctions(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each astrocyte coupled to its two ring neighbours (Stimberg et al. example 5)."""
    if n < 3:
        raise ModelError(f"ring_gap_junctions.n: a ring needs >= 3 astrocytes, got {n!r}")
    i = np.arange(n)
    return _csr(n, np.column_stack([i, (i + 1) % n]))


def no_gap_junctions(n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR arrays for ``n`` uncoupled astrocytes."""
    return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
