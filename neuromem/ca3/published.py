"""The published experiments of the CA3 memory as schedules, with their reference outputs.

Inputs and outputs are those of the official repository's golden traces
(Casanueva-Morato et al., 2024, ``test_CA3_content_addressable.py`` experiments 1 and
3; see ``../shared/reference/ca3-cam.md`` §2.4). Times are paper time (ms).

* :func:`functional_schedule` — experiment 1 (C = 5, M = 10, 90 ms): three learns, a
  recall by cue, two recalls by content, an overwrite of cue 3, and recalls that
  show the old content forgotten. :data:`FUNCTIONAL_REFERENCE` is the published
  output table: (cue set, content set) per operation at the model's output ticks.
* :func:`state_map_schedule` — experiment 3 (C = 16 cells of a 4×4 grid, M = 6 state
  flags, 140 ms): each cell learns its flag every 7 ms, then four recalls by
  content. :data:`STATE_MAP_REFERENCE` holds the four published cue sets.

Example
-------
>>> len(functional_schedule().ops), len(state_map_schedule().ops)
(9, 20)
>>> STATE_MAP_FLAGS[STATE_MAP[12]]
'goal'
"""
from __future__ import annotations

from .schedule import Schedule

FUNCTIONAL_REFERENCE = (
    ({0}, {0, 1, 8, 9}), ({4}, {1, 5, 6}), ({3}, {4, 5, 6}), ({0}, {0, 1, 8, 9}),
    ({3, 4}, {6}), ({0, 3}, {0, 4}), ({3}, {1, 3, 4, 8}), ({3}, {1, 3, 4, 8}), ({4}, {6}),
)
FUNCTIONAL_OVERWRITE_LEAK = {(66, 5), (66, 6)}   # old content {5, 6} re-evoked on OUTcont at 66 ms

STATE_MAP_FLAGS = ("unknown", "init", "goal", "free", "path", "obstacle")
STATE_MAP = (0, 5, 1, 3, 0, 3, 4, 5, 0, 5, 4, 3, 2, 4, 4, 3)    # 4×4 grid, row-major
STATE_MAP_QUERIES = ((1, 2, 4), (3,), (5,), (0,))
STATE_MAP_REFERENCE = ({2, 6, 10, 12, 13, 14}, {3, 5, 11, 15}, {1, 7, 9}, {0, 4, 8})


def functional_schedule() -> Schedule:
    """Experiment 1 of the paper (C = 5, M = 10), operations at 0, 10, …, 80 ms."""
    s = Schedule(5, 10)
    s.learn(0, [0, 1, 8, 9], at=0).learn(4, [1, 5, 6], at=10).learn(3, [4, 5, 6], at=20)
    s.recall_cue(0, at=30).recall_content([6], at=40).recall_content([0, 4], at=50)
    s.learn(3, [1, 3, 4, 8], at=60).recall_cue(3, at=70).recall_content([6], at=80)
    return s


def state_map_schedule() -> Schedule:
    """Experiment 3: learn every cell's flag (7 ms apart from 0 ms), then the four
    queries of :data:`STATE_MAP_QUERIES` 6 ms apart (112 … 130 ms)."""
    s = Schedule(len(STATE_MAP), len(STATE_MAP_FLAGS))
    for cell, flag in enumerate(STATE_MAP):
        s.learn(cell, [flag])
    for query in STATE_MAP_QUERIES:
        s.recall_content(query)
    return s
