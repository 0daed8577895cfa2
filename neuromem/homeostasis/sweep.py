"""Run a grid of learner trainings (condition × regulator × seed) with resumable HDF5 storage, and summarise it.

Every finished run is saved at once (atomically), and runs already in the file are
skipped, so a long sweep can be stopped and restarted. :func:`summarise` turns the runs
into mean/final validation accuracy with spread over seeds, and paired gaps of the
homeostatic regulator to each baseline (same seed = same initial network, sample
order and swaps, so the gap is paired).

Example
-------
>>> import tempfile, os
>>> from neuromem.datasets import load_digits
>>> from neuromem.homeostasis import ConstantShift
>>> path = os.path.join(tempfile.mkdtemp(), "runs.h5")
>>> runs = run_sweep(load_digits(), {"swaps_1": ConstantShift(1)}, ["constant"], [0], 1, path, {})
>>> summarise(runs)[("swaps_1", "constant")]["n"]
1
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import numpy as np

from ..datasets import ImageDataset
from .concept_shift import ConstantShift, SeasonalShift
from .learner import LearnerConfig, LearningHistory, train
from ..errors import ModelError
from .store import RunKey, file_attrs, load_runs, save_runs


def run_sweep(data: ImageDataset, conditions: dict[str, ConstantShift | SeasonalShift], regulators: Sequence[str],
              seeds: Sequence[int], epochs: int, path: str | PathLike[str],
              attrs: dict[str, str | int | float], log: bool = False) -> dict[RunKey, LearningHistory]:
    """Train every (condition, regulator, seed) not yet in ``path``; return all runs of the grid.

    An existing file is resumed only if its attributes equal ``attrs`` (same settings)."""
    runs = {}
    if Path(path).exists():
        old = file_attrs(path)
        changed = sorted(k for k in attrs if k in old and str(old[k]) != str(attrs[k]))
        if changed:
            raise ModelError(f"run_sweep: {str(path)!r} was made with other settings ({', '.join(changed)}); "
                             "delete it or choose another output to start afresh")
        runs = load_runs(path)
    for condition, shift in conditions.items():
        for seed in seeds:
            for regulator in regulators:
                key = (condition, regulator, seed)
                if key in runs:
                    continue
                start = time.perf_counter()
                runs[key] = train(data, LearnerConfig(regulator=regulator, epochs=epochs, shift=shift), seed)
                save_runs(path, runs, attrs)
                if log:
                    print(f"{condition} {regulator} seed {seed}: mean val "
                          f"{runs[key].val_accuracy.mean():.4f} ({time.perf_counter() - start:.1f} s)", flush=True)
    return {k: v for k, v in runs.items() if k[0] in conditions and k[1] in regulators and k[2] in seeds}


def summarise(runs: dict[RunKey, LearningHistory],
              reference: str = "homeostatic") -> dict[tuple[str, str], dict[str, float]]:
    """Per (condition, regulator): mean over seeds ± SD of the epoch-mean and final validation accuracy,
    and, for baselines, the paired gap ``reference − baseline`` of the epoch-mean accuracy (mean ± SD)."""
    table: dict[tuple[str, str], dict[str, float]] = {}
    groups = sorted({(c, r) for c, r, _ in runs})
    for condition, regulator in groups:
        seeds = sorted(s for c, r, s in runs if (c, r) == (condition, regulator))
        mean_acc = np.array([runs[(condition, regulator, s)].val_accuracy.mean() for s in seeds])
        final_acc = np.array([runs[(condition, regulator, s)].val_accuracy[-1] for s in seeds])
        row = {"n": len(seeds), "mean_acc": mean_acc.mean(), "mean_acc_sd": _sd(mean_acc),
               "final_acc": final_acc.mean(), "final_acc_sd": _sd(final_acc),
               "eta_mean": float(np.mean([runs[(condition, regulator, s)].eta.mean() for s in seeds]))}
        paired = [s for s in seeds if (condition, reference, s) in runs]
        if regulator != reference and paired:
            gap = np.array([runs[(condition, reference, s)].val_accuracy.mean()
                            - runs[(condition, regulator, s)].val_accuracy.mean() for s in paired])
            row.update(gap=gap.mean(), gap_sd=_sd(gap), gap_wins=int(np.sum(gap > 0)), gap_n=len(paired))
        table[(condition, regulator)] = row
    return table


def _sd(values: np.ndarray) -> float:
    return float(values.std(ddof=1)) if values.size > 1 else 0.0
