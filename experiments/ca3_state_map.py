"""CA3 memory, flag-based state-map application of the paper (C = 16, M = 6, 140 ms).

Replays experiment 3 of the official repository: the 16 cells of a 4×4 grid each
learn one of six state flags (unknown, init, goal, free, path, obstacle) 7 ms apart,
then four recalls by content ask which cells carry given flags. Every operation's
output is compared with the expected output (learn: cue + flag; query: the published
cell sets, reference §2.4).

Run: ``python experiments/ca3_state_map.py`` (about 2 s). Writes
``experiments/results/ca3_state_map/``: ``state_map.h5``, ``state_map.png``, ``state_map.md``.
"""
from __future__ import annotations

import time

from ca3_common import compare, markdown_table, output_dir, run_figure, write_summary

from neuromem.ca3 import CA3Memory, expected_outputs
from neuromem.ca3.published import (STATE_MAP, STATE_MAP_FLAGS, STATE_MAP_QUERIES,
                                    STATE_MAP_REFERENCE, state_map_schedule)


def main() -> None:
    out = output_dir("state_map")
    schedule = state_map_schedule()
    started = time.perf_counter()
    run = CA3Memory(16, 6).run(schedule)
    wall = time.perf_counter() - started
    rows = compare(run.outputs, expected_outputs(schedule))
    queries = run.outputs[-len(STATE_MAP_QUERIES):]
    published_ok = [set(q.cues) == ref for q, ref in zip(queries, STATE_MAP_REFERENCE)]
    run.results.save(out / "state_map.h5")
    run_figure(run, out / "state_map.png", "CA3 memory, state-map application (C=16, M=6), engine")
    grid = "\n".join("    " + " ".join(f"{STATE_MAP_FLAGS[f]:>9}" for f in STATE_MAP[r * 4:r * 4 + 4])
                     for r in range(4))
    query_lines = "\n".join(
        f"| {q.op.t0} | {{{', '.join(STATE_MAP_FLAGS[b] for b in q.op.bits)}}} | {sorted(q.cues)} @"
        f"{q.cue_time} | {sorted(ref)} | {'yes' if ok else '**no**'} |"
        for q, ref, ok in zip(queries, STATE_MAP_REFERENCE, published_ok))
    body = f"""
Map (row-major, cells 0–15):

{grid}

Engine (`scheme="spinnaker"`, dendritic-delay STDP); wall time {wall:.2f} s,
{run.results.total_spikes} spikes. **{sum(r['ok'] for r in rows)} of {len(rows)} operations give
exactly the expected output sets** at the reference ticks; the four published queries:
{sum(published_ok)} of 4 exact.

| t0 (ms) | query flags | cells returned (@ms) | published | match |
|---|---|---|---|---|
{query_lines}

All operations:

{markdown_table(rows)}
"""
    write_summary(out / "state_map.md", "CA3 state-map application (engine)",
                  "python experiments/ca3_state_map.py", body)
    print(f"{sum(r['ok'] for r in rows)}/{len(rows)} operations, {sum(published_ok)}/4 queries; wrote {out}")


if __name__ == "__main__":
    main()
