"""Operations on the CA3 memory and the timing rules a schedule must respect.

Times are whole milliseconds of the model's 1-ms tick ("paper time": the first
possible operation starts at 0 ms, as in the published experiments).

* ``learn``: the cue (one-hot) and the content bits spike together on 3 consecutive
  ticks (t0, t0+1, t0+2); the next operation may start at t0 + 7 ms.
* ``recall_cue``: one spike of the cue at t0; next operation at t0 + 6 ms or later.
* ``recall_content``: one spike on each given content bit at t0; next at t0 + 6 ms.

Outputs (OL) appear at fixed latencies (:data:`OUTPUT_TICKS`): a learn shows cue and
content at t0+5 (and again at t0+7); a recall by cue shows the cue at t0+5 and the
content at t0+6; a recall by content shows the fragment at t0+5 and the set of cues
whose stored content shares a bit with it at t0+6.

Example
-------
>>> s = Schedule(cues=5, content_bits=10)
>>> s.learn(0, [0, 1]).recall_cue(0).ops[-1].t0
7
>>> s.recall_content([0], at=8)
Traceback (most recent call last):
...
neuromem.errors.ModelError: operation 3 (recall_content at 8 ms): starts 1 ms after the recall_cue at 7 ms; a recall_cue needs 6 ms before the next operation — start it at 13 ms or later
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from ..errors import ModelError

HOLD_TICKS = {"learn": 3, "recall_cue": 1, "recall_content": 1}
SPACING_MS = {"learn": 7, "recall_cue": 6, "recall_content": 6}
# (cue output tick, content output tick) after t0, for each kind
OUTPUT_TICKS = {"learn": (5, 5), "recall_cue": (5, 6), "recall_content": (6, 5)}
KINDS = tuple(HOLD_TICKS)


@dataclass(frozen=True)
class Operation:
    """One operation: ``kind`` in :data:`KINDS`, start ``t0`` (ms), ``cue`` (index or
    None) and content ``bits`` (sorted tuple of indices)."""

    kind: str
    t0: int
    cue: int | None = None
    bits: tuple[int, ...] = ()

    def describe(self) -> str:
        """Human-readable, e.g. ``learn cue 3 <- {1, 3, 4, 8}``."""
        bits = "{" + ", ".join(str(b) for b in self.bits) + "}"
        if self.kind == "learn":
            return f"learn cue {self.cue} <- {bits}"
        if self.kind == "recall_cue":
            return f"recall by cue {self.cue}"
        return f"recall by content {bits}"


@dataclass
class Schedule:
    """A validated sequence of operations for a memory of ``cues`` × ``content_bits``.

    Each method appends one operation, at ``at`` ms or, by default, at the earliest
    time the previous operation allows; it returns the schedule (chainable).
    ``strict=False`` accepts violations of the timing rules (for experiments that
    show how the memory degrades); the default refuses them with a message.
    """

    cues: int
    content_bits: int
    strict: bool = True
    ops: list[Operation] = field(default_factory=list)

    def learn(self, cue: int, bits: Iterable[int], at: int | None = None) -> "Schedule":
        """Store ``bits`` at address ``cue`` (overwriting what the cue held)."""
        return self._add(Operation("learn", self._start(at), self._cue(cue), self._bits(bits, True)))

    def recall_cue(self, cue: int, at: int | None = None) -> "Schedule":
        """Recall the content stored at ``cue``."""
        return self._add(Operation("recall_cue", self._start(at), self._cue(cue)))

    def recall_content(self, bits: Iterable[int], at: int | None = None) -> "Schedule":
        """Recall every cue whose content has at least one of ``bits`` (OR semantics)."""
        return self._add(Operation("recall_content", self._start(at), None, self._bits(bits, False)))

    def without(self, index: int) -> "Schedule":
        """A copy without operation ``index`` (0-based), the others at their times; e.g.
        to see what one operation does to the ones after it."""
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < len(self.ops):
            raise ModelError(f"without: operation index must be in [0, {len(self.ops) - 1}], got {index!r}")
        return Schedule(self.cues, self.content_bits, self.strict,
                        [op for k, op in enumerate(self.ops) if k != index])

    def next_free(self) -> int:
        """Earliest start (ms) allowed for the next operation."""
        if not self.ops:
            return 0
        last = self.ops[-1]
        return last.t0 + SPACING_MS[last.kind]

    def duration(self) -> int:
        """Simulated time (ms) that covers every operation and its outputs."""
        if not self.ops:
            return 0
        return max(op.t0 for op in self.ops) + 10

    def input_trains(self, shift: float = 0.0) -> list[list[float]]:
        """Spike times (ms, + ``shift``) of the C + M input cells (cues first)."""
        trains: list[list[float]] = [[] for _ in range(self.cues + self.content_bits)]
        for op in self.ops:
            ticks = [op.t0 + k for k in range(HOLD_TICKS[op.kind])]
            cells = ([op.cue] if op.cue is not None else []) + [self.cues + b for b in op.bits]
            for cell in cells:
                trains[cell].extend(t + shift for t in ticks)
        return [sorted(t) for t in trains]

    # -- validation -------------------------------------------------------------------
    def _start(self, at: int | None) -> int:
        if at is None:
            return self.next_free()
        if isinstance(at, bool) or int(at) != at or at < 0:
            raise ModelError(f"operation {len(self.ops) + 1}: start time must be a whole number "
                             f"of ms >= 0 (the model ticks every 1 ms), got {at!r}")
        return int(at)

    def _add(self, op: Operation) -> "Schedule":
        if self.ops and op.t0 < self.next_free():
            last = self.ops[-1]
            message = (f"operation {len(self.ops) + 1} ({op.kind} at {op.t0} ms): starts "
                       f"{op.t0 - last.t0} ms after the {last.kind} at {last.t0} ms; a {last.kind} "
                       f"needs {SPACING_MS[last.kind]} ms before the next operation — start it at "
                       f"{self.next_free()} ms or later")
            if self.strict or op.t0 < last.t0:
                raise ModelError(message)
        self.ops.append(op)
        return self

    def _cue(self, cue: int) -> int:
        if isinstance(cue, bool) or not isinstance(cue, (int, np.integer)) or not 0 <= cue < self.cues:
            raise ModelError(f"cue: expected an integer in [0, {self.cues - 1}], got {cue!r}")
        return int(cue)

    def _bits(self, bits: Iterable[int], allow_empty: bool) -> tuple[int, ...]:
        out = sorted({int(b) for b in bits})
        if not out and not allow_empty:
            raise ModelError("bits: a recall by content needs at least one content bit")
        bad = [b for b in out if not 0 <= b < self.content_bits]
        if bad:
            raise ModelError(f"bits: {bad} out of range; content bits are 0 … {self.content_bits - 1}")
        return tuple(out)
