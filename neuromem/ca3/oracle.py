"""What an ideal content-addressable memory answers: the expected output of every operation.

:func:`expected_outputs` replays a :class:`~neuromem.ca3.schedule.Schedule` on a plain
dictionary {cue: content bits} with the model's rules — a learn replaces the cue's
content (forgetting by overwrite), a recall by cue returns the stored bits, and a
recall by content returns every cue whose stored content shares at least one bit with
the query (OR semantics). It gives, per operation, the (cue set, content set) the
output layer must show at the model's output ticks
(:data:`~neuromem.ca3.schedule.OUTPUT_TICKS`): a learn shows its cue and its new
content, a recall by cue shows the cue and its content, a recall by content shows
the matching cues and the query bits themselves.

Example
-------
>>> from neuromem.ca3 import Schedule
>>> s = Schedule(3, 4).learn(0, [0, 1]).learn(2, [1, 3]).recall_content([1]).learn(2, [2])
>>> s = s.recall_content([1])
>>> [(sorted(c), sorted(b)) for c, b in expected_outputs(s)]
[([0], [0, 1]), ([2], [1, 3]), ([0, 2], [1]), ([2], [2]), ([0], [1])]
"""
from __future__ import annotations

from typing import Iterable, Mapping

from .schedule import Schedule


def expected_outputs(schedule: Schedule, preloaded: Mapping[int, Iterable[int]] | None = None
                     ) -> list[tuple[frozenset, frozenset]]:
    """(cue set, content set) expected for each operation of ``schedule``, starting from
    the ``preloaded`` memories ({cue: bits})."""
    stored = {int(c): frozenset(int(b) for b in bits) for c, bits in (preloaded or {}).items()}
    out = []
    for op in schedule.ops:
        if op.kind == "learn":
            stored[op.cue] = frozenset(op.bits)
            out.append((frozenset({op.cue}), stored[op.cue]))
        elif op.kind == "recall_cue":
            out.append((frozenset({op.cue}), stored.get(op.cue, frozenset())))
        else:
            query = frozenset(op.bits)
            out.append((frozenset(c for c, bits in stored.items() if bits & query), query))
    return out
