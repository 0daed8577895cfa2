"""sPyNNaker's synaptic-row limit: how many synapses one pre cell may have on one core.

sPyNNaker stores a projection's synapses as *rows*: one row per pre-synaptic cell and
per core of the post-synaptic population, holding every synapse from that cell to the
cells on that core. A row may be at most 256 words long (``POP_TABLE_MAX_ROW_LENGTH``
in sPyNNaker 1!7.4.1), which is 256 static synapses (one word each) but only 254
plastic ones with pair-based STDP (one header word plus two half-words per synapse,
``SynapseDynamicsSTDP.get_max_synapses(256)``). A longer row makes sPyNNaker stop with
``SynapseRowTooBigException`` during mapping. The limits live in the SpiNNaker profiles
(``max_row_synapses``: ``static`` and ``plastic``).

A row can only be long when many cells of one core receive from the same pre cell, so
the fix is fewer neurons per core for the post population; :func:`check_row_lengths`
names the largest cap that fits, and :func:`fitting_neurons_per_core` returns caps for
every population that remove all row problems (to pass as ``neurons_per_core=``).

The count covers every synapse of a row whatever its delay. sPyNNaker moves synapses
whose delay exceeds what the post core supports into separate delay-extension rows, so
for projections with such long delays the check is conservative.

Example
-------
>>> import numpy as np
>>> longest_row(np.array([0, 0, 0, 1]), np.array([0, 1, 300, 5]), neurons_per_core=256)
2
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..network import Network
from ..synapses import STDPMechanism


def longest_row(pre: np.ndarray, post: np.ndarray, neurons_per_core: int) -> int:
    """The most synapses from one pre cell to the post cells of one core, when the post
    population is cut into cores of ``neurons_per_core`` cells (0 without synapses)."""
    if pre.size == 0:
        return 0
    post_core = post.astype(np.int64) // int(neurons_per_core)
    keys = pre.astype(np.int64) * (int(post_core.max()) + 1) + post_core
    return int(np.unique(keys, return_counts=True)[1].max())


def largest_fitting_cap(pre: np.ndarray, post: np.ndarray, below: int, limit: int) -> int:
    """The largest neurons-per-core cap under ``below`` whose longest row is ≤ ``limit``
    (0 when even one cell per core does not fit: multapses beyond the limit)."""
    for cap in range(below - 1, 0, -1):
        if longest_row(pre, post, cap) <= limit:
            return cap
    return 0


def fitting_neurons_per_core(network: Network, connections: list, profile: Any,
                             neurons_per_core: dict[str, int]) -> dict[str, int]:
    """``neurons_per_core`` (caps by population label) lowered where a projection's rows
    are too long, to the largest cap that fits every projection into that population.
    Raises :class:`~neuromem.errors.ModelError` when no cap fits (multapses beyond the limit)."""
    from ..errors import ModelError

    limits = profile.get("max_row_synapses") or {}
    caps = dict(neurons_per_core)
    changed = bool(limits)
    while changed:
        changed = False
        for proj, conn in zip(network.projections, connections):
            limit = int(limits["plastic" if isinstance(proj.synapse_type, STDPMechanism) else "static"])
            post = proj.post.parent.label
            if longest_row(conn.pre, conn.post, caps[post]) <= limit:
                continue
            fits = largest_fitting_cap(conn.pre, conn.post, caps[post], limit)
            if not fits:
                raise ModelError(f"projection {proj.label!r}: more than {limit} synapses between one "
                                 "pre cell and one post cell; no neurons-per-core cap fits")
            caps[post], changed = fits, True
    return caps


def check_row_lengths(network: Network, connections: list, profile: Any,
                      neurons_per_core: dict[str, int], report: Any) -> None:
    """Add a problem to ``report`` (a :class:`~neuromem.backends.fitcheck.FitReport`) for
    every projection with a row longer than the profile's ``max_row_synapses`` allows,
    naming the post population, the row length, the limit and a cap that fits."""
    limits = profile.get("max_row_synapses")
    if not limits:
        return
    for proj, conn in zip(network.projections, connections):
        kind = "plastic" if isinstance(proj.synapse_type, STDPMechanism) else "static"
        limit = int(limits[kind])
        post = proj.post.parent.label
        cap = neurons_per_core[post]
        longest = longest_row(conn.pre, conn.post, cap)
        if longest <= limit:
            continue
        fits = largest_fitting_cap(conn.pre, conn.post, cap, limit)
        fix = (f"set neurons_per_core={{{post!r}: {fits}}} (or lower)" if fits else
               "reduce the synapses between one pre/post pair")
        report.problems.append(
            f"projection {proj.label!r}: a {kind} synaptic row (one {proj.pre.parent.label!r} cell to "
            f"the {cap} cells of one {post!r} core) holds {longest} synapses, more than the {limit} "
            f"sPyNNaker allows for {kind} rows; {fix}")
