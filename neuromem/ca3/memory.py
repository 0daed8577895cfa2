"""The user-facing CA3 content-addressable memory.

:class:`CA3Memory` keeps a validated :class:`~neuromem.ca3.schedule.Schedule` of the
operations asked of it and simulates the spiking network (built by
:func:`~neuromem.ca3.network.build_network`) from time 0 through all of them, on the
embedded engine (dt = 1 ms) or another back end. Each operation's answer is read from
the output layer OL at the latency the model defines (see ``schedule.OUTPUT_TICKS``).

Time convention: operations are given in the paper's time (first tick 0 ms). The
engine refuses source spikes before one step and time-stamps a spike at the end of
the step it was emitted in, so every input time is shifted by +1 ms on the way in
and every output time by −1 ms on the way out (:data:`INPUT_SHIFT_MS`); reported
times are then directly comparable with the published tables.

Example
-------
>>> mem = CA3Memory(cues=5, content_bits=10)
>>> mem.learn(0, [0, 1, 8, 9]).content == frozenset({0, 1, 8, 9})     # doctest: +SKIP
True
>>> mem.recall_by_cue(0)                                               # doctest: +SKIP
frozenset({0, 1, 8, 9})
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

from ..backends import backend_profile
from ..errors import ModelError
from ..results import Results
from .network import build_network, checked_weights
from .parameters import CONTENT_TO_CUE, CUE_TO_CONTENT, DT_MS, OUTPUT_LABEL, STDP_W_MAX
from .schedule import OUTPUT_TICKS, Operation, Schedule

INPUT_SHIFT_MS = DT_MS


@dataclass(frozen=True)
class OperationResult:
    """What the output layer showed for one operation.

    ``cues``/``content``: OL cue and content cells that spiked at the model's output
    ticks (``cue_time``/``content_time``, ms, paper time). ``answer`` is the part a
    user asked for: the content for a recall by cue, the cue set for a recall by
    content, and (cue set, content) for a learn. ``window`` lists every OL spike
    (time ms, OL index) between this operation's start and the next one's.
    """

    op: Operation
    cues: frozenset
    content: frozenset
    cue_time: int
    content_time: int
    window: tuple[tuple[float, int], ...]

    @property
    def answer(self):
        if self.op.kind == "recall_cue":
            return self.content
        if self.op.kind == "recall_content":
            return self.cues
        return self.cues, self.content


@dataclass
class CA3Run:
    """One simulation of a whole schedule: the raw results (paper time = results time
    − ``shift`` ms) and one :class:`OperationResult` per operation."""

    results: Results
    outputs: list[OperationResult]
    shift: float

    def final_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Plastic weights (nA) at the end of the run: cue→content (C×M) and
        content→cue (M×C), e.g. for :meth:`CA3Memory.preload_weights`."""
        c, m = self.results["cueCue"].size, self.results["contCue"].size
        return (self.results.weights[CUE_TO_CONTENT].matrix(c, m),
                self.results.weights[CONTENT_TO_CUE].matrix(m, c))


class CA3Memory:
    """A spiking CA3 content-addressable memory of ``cues`` addresses (one-hot, C) and
    ``content_bits`` bits (M).

    Capacity: C memories; learning at a cue that already holds a memory overwrites it
    (forgetting). ``backend`` is passed to ``Network.run`` (``"engine"`` by default);
    ``seed`` only matters for provenance (the model is deterministic).
    """

    def __init__(self, cues: int, content_bits: int, seed: int = 0, backend: str = "engine") -> None:
        self.schedule = Schedule(cues, content_bits)
        self.cue_to_content = np.zeros((cues, content_bits))
        self.content_to_cue = np.zeros((content_bits, cues))
        self.seed, self.backend = seed, backend
        self._cache: CA3Run | None = None

    @property
    def cues(self) -> int:
        return self.schedule.cues

    @property
    def content_bits(self) -> int:
        return self.schedule.content_bits

    # -- operations -------------------------------------------------------------------
    def preload(self, memories: Mapping[int, Iterable[int]]) -> None:
        """Start with ``memories`` ({cue: content bits}) already stored (both plastic
        projections set to w_max = 6 nA on the stored pairs). Only before any operation."""
        if self.schedule.ops:
            raise ModelError("preload: memories can only be preloaded before the first operation; "
                             "use learn() afterwards")
        for cue, bits in memories.items():
            c = self.schedule._cue(cue)
            b = list(self.schedule._bits(bits, True))
            self.cue_to_content[c, :] = 0.0
            self.cue_to_content[c, b] = STDP_W_MAX
            self.content_to_cue[:, c] = 0.0
            self.content_to_cue[b, c] = STDP_W_MAX
        self._cache = None

    def preload_weights(self, cue_to_content: np.ndarray, content_to_cue: np.ndarray) -> None:
        """Start from given plastic weights (nA, in [0, 6]): cue→content (C×M) and
        content→cue (M×C), e.g. a previous run's :meth:`CA3Run.final_weights`. Only
        before any operation."""
        if self.schedule.ops:
            raise ModelError("preload_weights: only before the first operation")
        self.cue_to_content = checked_weights(cue_to_content, (self.cues, self.content_bits),
                                              "cue_to_content")
        self.content_to_cue = checked_weights(content_to_cue, (self.content_bits, self.cues),
                                              "content_to_cue")
        self._cache = None

    def learn(self, cue: int, content: Iterable[int], at: int | None = None) -> OperationResult:
        """Store ``content`` (bit indices) at ``cue``; returns what OL showed."""
        self.schedule.learn(cue, content, at)
        return self._last()

    def recall_by_cue(self, cue: int, at: int | None = None) -> frozenset:
        """The content bits stored at ``cue`` (empty if none)."""
        self.schedule.recall_cue(cue, at)
        return self._last().answer

    def recall_by_content(self, bits: Iterable[int], at: int | None = None) -> frozenset:
        """Every cue whose stored content contains at least one of ``bits`` (OR)."""
        self.schedule.recall_content(bits, at)
        return self._last().answer

    def complete(self, fragment: Iterable[int]) -> dict[int, frozenset]:
        """Pattern completion: recall by content, then recall every returned cue by cue.
        Returns {cue: its full stored content}."""
        cues = self.recall_by_content(fragment)
        return {cue: self.recall_by_cue(cue) for cue in sorted(cues)}

    # -- simulation -------------------------------------------------------------------
    def run(self, schedule: Schedule | None = None) -> CA3Run:
        """Simulate ``schedule`` (default: the operations asked so far) from time 0 with
        the preloaded memories; cached until the schedule changes."""
        own = schedule is None
        sched = self.schedule if own else schedule
        if (sched.cues, sched.content_bits) != (self.cues, self.content_bits):
            raise ModelError(f"schedule: built for C={sched.cues}, M={sched.content_bits}; this memory "
                             f"has C={self.cues}, M={self.content_bits}")
        key = (len(sched.ops), sched.ops[-1] if sched.ops else None)
        if own and self._cache is not None and getattr(self, "_cache_key", None) == key:
            return self._cache
        fraction, note = stdp_delay_fraction(self.backend)
        net = build_network(self.cues, self.content_bits, sched.input_trains(INPUT_SHIFT_MS),
                            self.cue_to_content, self.content_to_cue,
                            stdp_dendritic_delay_fraction=fraction)
        results = net.run(sched.duration() + INPUT_SHIFT_MS, seed=self.seed, backend=self.backend,
                          progress=False)
        if note:
            results.provenance.setdefault("warnings", []).append(note)
        run = CA3Run(results, decode(results, sched, INPUT_SHIFT_MS), INPUT_SHIFT_MS)
        if own:
            self._cache, self._cache_key = run, key
        return run

    def _last(self) -> OperationResult:
        return self.run().outputs[-1]


def stdp_delay_fraction(backend: str) -> tuple[float, str | None]:
    """The STDP delay convention to build the memory with on ``backend``, and a warning.

    The published model pairs spikes with a dendritic delay (fraction 1). A back end
    whose hardware profile offers only axonal delays (pyNN.brian2) gets fraction 0,
    with a warning saying so, so that the same memory still runs there.
    """
    profile = backend_profile(backend)
    offered = [1.0] if profile is None else [float(f) for f in profile.get("dendritic_delay_fractions", [1.0])]
    if 1.0 in offered:
        return 1.0, None
    return offered[0], (f"CA3 STDP on {backend!r}: the published dendritic delay is not offered "
                        f"(only dendritic_delay_fraction {offered}); built with {offered[0]:g}, "
                        "so pre/post pairs shift by 2 ms")


def decode(results: Results, schedule: Schedule, shift: float) -> list[OperationResult]:
    """Read each operation's output sets from OL spikes (see :class:`OperationResult`)."""
    ol = results[OUTPUT_LABEL]
    ticks = np.rint(ol.spike_times - shift).astype(np.int64)
    ids = ol.spike_ids.astype(np.int64)
    c = schedule.cues
    outputs = []
    for k, op in enumerate(schedule.ops):
        end = schedule.ops[k + 1].t0 if k + 1 < len(schedule.ops) else schedule.duration()
        cue_tick, content_tick = (op.t0 + d for d in OUTPUT_TICKS[op.kind])
        cues = frozenset(int(i) for i in ids[(ticks == cue_tick) & (ids < c)])
        content = frozenset(int(i - c) for i in ids[(ticks == content_tick) & (ids >= c)])
        inside = (ticks > op.t0) & (ticks <= end)
        outputs.append(OperationResult(op, cues, content, cue_tick, content_tick,
                                       tuple((int(t), int(i)) for t, i in zip(ticks[inside], ids[inside]))))
    return outputs
