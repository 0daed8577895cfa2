"""Workloads for sweeps and benchmarks: random memories and a store-then-recall schedule.

:func:`random_contents` draws C contents of M bits with ``round(density·M)`` bits each
(at least one); :func:`store_and_recall` builds the schedule that stores them all,
recalls every cue by cue, then recalls every memory from a random fragment of its
content (by content, OR semantics). Operations are ``gap_ms`` apart (default 14 ms,
the spacing of the published stress testbench: at 7–10 ms the STDP window of one
learn still pairs with the next one, leaving spurious ≈0.7 nA content→cue weights at
10 ms that add up over many-bit fragments; see docs/ca3.md).

Example
-------
>>> import numpy as np
>>> contents = random_contents(4, 10, 0.3, np.random.default_rng(1))
>>> [len(c) for c in contents]
[3, 3, 3, 3]
>>> s, fragments = store_and_recall(contents, 0.5, np.random.default_rng(2))
>>> len(s.ops), [len(f) for f in fragments]
(12, [2, 2, 2, 2])
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..errors import ModelError
from .schedule import Schedule

DEFAULT_GAP_MS = 14


def random_contents(cues: int, content_bits: int, density: float, rng: np.random.Generator
                    ) -> list[list[int]]:
    """``cues`` random contents, each ``max(1, round(density · content_bits))`` distinct bits."""
    if not 0.0 < density <= 1.0:
        raise ModelError(f"density: must lie in (0, 1], got {density!r}")
    k = max(1, round(density * content_bits))
    return [sorted(rng.choice(content_bits, size=k, replace=False).tolist()) for _ in range(cues)]


def store_and_recall(contents: Sequence[Sequence[int]], fragment: float, rng: np.random.Generator,
                     content_bits: int | None = None, gap_ms: int = DEFAULT_GAP_MS
                     ) -> tuple[Schedule, list[list[int]]]:
    """Schedule: learn ``contents[c]`` at every cue c, recall every cue by cue, then recall by
    content from a random fragment of each content (``ceil(fragment · len)`` of its bits).
    Returns (schedule, fragments). ``content_bits`` defaults to the largest bit index + 1."""
    if not 0.0 < fragment <= 1.0:
        raise ModelError(f"fragment: must lie in (0, 1], got {fragment!r}")
    m = content_bits if content_bits is not None else max(max(c) for c in contents if c) + 1
    s = Schedule(len(contents), m)
    fragments = [sorted(rng.choice(c, size=math.ceil(fragment * len(c)), replace=False).tolist())
                 for c in contents]
    t = 0
    for cue, content in enumerate(contents):
        s.learn(cue, content, at=t)
        t += gap_ms
    for cue in range(len(contents)):
        s.recall_cue(cue, at=t)
        t += gap_ms
    for bits in fragments:
        s.recall_content(bits, at=t)
        t += gap_ms
    return s, fragments
