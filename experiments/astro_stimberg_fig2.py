"""Stimberg et al. (2019) Fig. 2: a synaptically driven G-ChI astrocyte, deterministic and stochastic.

A regular 0.5 Hz train drives one synapse (Y_S) sensed by two astrocytes (example-2
parameters, dt 1 ms, 30 s): noise 0 (deterministic) and noise 1 (Milstein h-noise, seed
790824). Brian2 2.9 (numpy target) runs the deterministic astrocyte side by side.

Run: ``python experiments/astro_stimberg_fig2.py``
"""
from __future__ import annotations

import numpy as np

from astro_common import output_dir, plt, save_figure, write_summary
from neuromem.astro.analysis import relative_rms
from neuromem.astro.protocols import figure2_astrocyte, regular_train
from neuromem.astro.reference_runs import brian2_figure2
from neuromem.astro.results_io import tripartite_results

DURATION = 30_000.0


def main() -> None:
    out = output_dir("stimberg_fig2")
    train = regular_train(0.5, DURATION)
    det = figure2_astrocyte(train, DURATION)
    sto = figure2_astrocyte(train, DURATION, noise=1.0, seed=790824)
    ref = brian2_figure2(DURATION)
    n = ref.times.size
    errors = {k: relative_rms(det.astro[k][:n, 0], ref.traces[k][:, 0]) for k in ("Gamma_A", "I", "C", "h")}
    tripartite_results(det, 1.0, DURATION, 790824, provenance={"figure": 2, "noise": 0}).save(out / "deterministic.h5")
    tripartite_results(sto, 1.0, DURATION, 790824, provenance={"figure": 2, "noise": 1}).save(out / "stochastic.h5")
    fig, ax = plt.subplots(4, 1, figsize=(7, 7), sharex=True)
    for i, (name, label) in enumerate((("Gamma_A", "Γ_A"), ("I", "I (µM)"), ("C", "C (µM)"), ("h", "h"))):
        ax[i].plot(det.times / 1000, det.astro[name][:, 0], label="deterministic")
        ax[i].plot(sto.times / 1000, sto.astro[name][:, 0], label="stochastic", alpha=0.8)
        ax[i].plot(ref.times / 1000, ref.traces[name][:, 0], "k:", label="Brian2 (deterministic)")
        ax[i].set(ylabel=label)
    ax[0].legend(fontsize=7)
    ax[-1].set(xlabel="time (s)")
    fig.tight_layout()
    save_figure(fig, out / "fig2.png")
    body = f"""
Input: {train.size} presynaptic spikes (first at {train[0]:.0f} ms, period {np.diff(train)[0]:.0f} ms — Euler
integration of dx/dt = 0.5 Hz with threshold x > 1, as in the example).

Deterministic astrocyte vs Brian2 (relative RMS over {n} samples, 1–{ref.times[-1]/1000:.3f} s):

| variable | relative RMS |
|---|---|
{chr(10).join(f"| {k} | {v:.2e} |" for k, v in errors.items())}

Deterministic: max C {det.astro['C'][:, 0].max():.4f} µM, max I {det.astro['I'][:, 0].max():.4f} µM, min h {det.astro['h'][:, 0].min():.4f}.
Stochastic (seed 790824): max C {sto.astro['C'][:, 0].max():.4f} µM, max I {sto.astro['I'][:, 0].max():.4f} µM, min h {sto.astro['h'][:, 0].min():.4f}.
The stochastic trace cannot match Brian2's sample by sample (different random streams).
"""
    write_summary(out / "fig2.md", "Stimberg et al. Fig. 2 — G-ChI astrocyte",
                  "python experiments/astro_stimberg_fig2.py", body)
    print(body)


if __name__ == "__main__":
    main()
