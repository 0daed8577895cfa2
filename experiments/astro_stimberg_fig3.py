"""Stimberg et al. (2019) Fig. 3: release-decreasing gliotransmission on a TM synapse.

Three synapses share a presynaptic train (16.5 s transient, then spikes at 0–200 ms every 50 ms
and 300–400 ms every 10 ms): no astrocyte / open-loop astrocyte with I_bias 0.8 µM / 1.25 µM.
Example-3 parameters, RK4, dt 1 ms. Brian2 2.9 (numpy target) runs the same circuit.

Run: ``python experiments/astro_stimberg_fig3.py``
"""
from __future__ import annotations

import numpy as np

from astro_common import output_dir, plt, save_figure, write_summary
from neuromem.astro.analysis import relative_rms
from neuromem.astro.protocols import figure3_synapses
from neuromem.astro.reference_runs import brian2_figure3
from neuromem.astro.results_io import tripartite_results

TRANSIENT, AFTER = 16_500.0, 600.0


def main() -> None:
    out = output_dir("stimberg_fig3")
    run = figure3_synapses(TRANSIENT, AFTER)
    ref = brian2_figure3(TRANSIENT, AFTER)
    n = ref.times.size
    tripartite_results(run, 1.0, TRANSIENT + AFTER, 0, provenance={"figure": 3}).save(out / "fig3.h5")
    errs = {k: relative_rms(run.synapse[k][:n], ref.traces[k]) for k in ("u_S", "x_S", "r_S", "Y_S")}
    errs.update({k: relative_rms(run.astro[k][:n], ref.traces[k]) for k in ("C", "G_A")})
    fig, ax = plt.subplots(5, 1, figsize=(7, 9))
    t_s = run.times / 1000 - TRANSIENT / 1000
    ax[0].plot(t_s, run.astro["C"])
    ax[0].axhline(0.5, color="gray", ls=":")
    ax[0].set(ylabel="C (µM)", xlim=(-TRANSIENT / 1000, 0))
    ax[1].plot(t_s, run.astro["G_A"])
    ax[1].set(ylabel="G_A (µM)", xlim=(-TRANSIENT / 1000, 0), xlabel="time (s)")
    after = run.times > TRANSIENT
    t_ms = run.times[after] - TRANSIENT
    for i, (name, label) in enumerate((("u_S", "u_S"), ("x_S", "x_S"), ("Y_S", "Y_S (µM)"))):
        ax[2 + i].plot(t_ms, run.synapse[name][after])
        ax[2 + i].set(ylabel=label)
    ax[-1].legend(["no gliotransmission", "weak (0.8 µM)", "stronger (1.25 µM)"], fontsize=7)
    ax[-1].set(xlabel="time after transient (ms)")
    fig.tight_layout()
    save_figure(fig, out / "fig3.png")
    released = run.synapse["r_S"][after]
    body = f"""
Gliotransmitter releases (ms, NEST-style step ends):

| astrocyte | neuromem | Brian2 |
|---|---|---|
{chr(10).join(f"| {a} | {t:.0f} | {tb:.0f} |" for a, t, tb in zip(run.release_astrocytes, run.release_times, ref.events['release']))}

neuromem {run.release_times.size} releases, Brian2 {ref.events['release'].size}; max |Δt| =
{np.abs(run.release_times - ref.events['release']).max() if run.release_times.size == ref.events['release'].size else float('nan'):.1f} ms.

Relative RMS against Brian2 over {n} samples:

| variable | relative RMS |
|---|---|
{chr(10).join(f"| {k} | {v:.2e} |" for k, v in errs.items())}

Released fraction r_S at the last spike (400 ms): no glio {released[-1, 0]:.4f}, weak {released[-1, 1]:.4f},
stronger {released[-1, 2]:.4f}; total released over the 16 spikes: {run.release_sum.round(4).tolist()}.
"""
    write_summary(out / "fig3.md", "Stimberg et al. Fig. 3 — gliotransmission on a TM synapse",
                  "python experiments/astro_stimberg_fig3.py", body)
    print(body)


if __name__ == "__main__":
    main()
