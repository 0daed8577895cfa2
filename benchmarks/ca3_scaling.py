"""Benchmark: the largest CA3 sweep point (C = 256 cues, M = 100 bits) on one core.

Stores 256 random contents (30 bits each, seed 256100), recalls every cue by cue and
every memory from a 50 % fragment — 768 operations, 14 ms apart, 10 752 ms simulated —
in one engine simulation with numba limited to one thread, and prints wall time
(build + simulate), simulated time, wall time per operation, peak resident memory and
recall accuracy. Target (issue 5): under one minute of wall time on one core.

Run: ``python benchmarks/ca3_scaling.py [--repeat N]``. The first call after a code
change also compiles the engine's kernels (numba cache); the best of N repeats is
reported with the first one.
"""
from __future__ import annotations

import os

os.environ["NUMBA_NUM_THREADS"] = "1"   # one core, before numba is imported

import argparse  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from neuromem.ca3 import CA3Memory, expected_outputs  # noqa: E402
from neuromem.ca3.workloads import random_contents, store_and_recall  # noqa: E402

CUES, BITS, SEED = 256, 100, 256100


def once() -> tuple[float, int, int, int]:
    """(wall s, operations, simulated ms, exact outputs) of one full run."""
    rng = np.random.default_rng(SEED)
    schedule, _ = store_and_recall(random_contents(CUES, BITS, 0.3, rng), 0.5, rng, content_bits=BITS)
    started = time.perf_counter()
    run = CA3Memory(CUES, BITS).run(schedule)
    wall = time.perf_counter() - started
    exact = sum((o.cues, o.content) == e for o, e in zip(run.outputs, expected_outputs(schedule)))
    return wall, len(schedule.ops), schedule.duration(), exact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    walls = []
    for _ in range(args.repeat):
        wall, ops, sim_ms, exact = once()
        walls.append(wall)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"CA3 C={CUES} M={BITS}: {ops} operations, {sim_ms} ms simulated, one numba thread")
    print(f"wall time: first {walls[0]:.2f} s, best {min(walls):.2f} s of {args.repeat} "
          f"({1000 * min(walls) / ops:.2f} ms per operation); peak RSS {peak_mib:.0f} MiB")
    print(f"exact outputs (sequential run, fragment queries are plastic): {exact}/{ops}")
    print("target < 60 s:", "met" if max(walls) < 60.0 else "NOT met")


if __name__ == "__main__":
    main()
