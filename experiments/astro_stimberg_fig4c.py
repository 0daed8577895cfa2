"""Stimberg et al. (2019) Fig. 4C: mean release ⟨r_S⟩ vs Poisson rate, with and without gliotransmission.

100 rates in logspace(0.1, 100 Hz); per rate one Poisson source drives a closed-loop, an
open-loop (I_bias 1 µM) and an unmodulated synapse; example-4 parameters, alpha 0, RK4,
dt 1 ms, 15 s transient + 180 s, seed 1929 (numpy's generator, not Brian2's: the trains
differ from Brian2's). ⟨r_S⟩ is the time average of the last released fraction sampled every
step, as Brian2's StateMonitor plot; the per-spike mean is reported too.

Run: ``python experiments/astro_stimberg_fig4c.py``
"""
from __future__ import annotations

import numpy as np

from astro_common import output_dir, plt, save_figure, write_summary
from neuromem.astro.protocols import figure4c_release
from neuromem.astro.results_io import tripartite_results


def main() -> None:
    out = output_dir("stimberg_fig4c")
    rates, run = figure4c_release()
    held = run.mean_held_r.reshape(3, -1)
    per_spike = run.mean_release_per_spike.reshape(3, -1)
    tripartite_results(run, 1.0, 195_000.0, 1929, provenance={"figure": "4C", "rates_Hz": rates.tolist(),
                                                               "mean_held_r": held.tolist()}).save(out / "fig4c.h5")
    names = ("closed loop", "open loop", "no gliotransmission")
    fig, ax = plt.subplots(3, 1, figsize=(4, 7), sharex=True)
    for i, order in enumerate((2, 1, 0)):
        ax[i].semilogx(rates, held[order], "o", ms=3)
        ax[i].set(ylabel="⟨r_S⟩", title=names[order], ylim=(0, 0.7 if order != 1 else 0.2))
    ax[-1].set(xlabel="rate (Hz)")
    fig.tight_layout()
    save_figure(fig, out / "fig4c.png")
    pick = [0, 33, 50, 66, 80, 90, 99]
    rows = "\n".join(f"| {rates[i]:.3f} | {held[0, i]:.4f} | {held[1, i]:.4f} | {held[2, i]:.4f} | "
                     f"{per_spike[1, i]:.4f} | {per_spike[2, i]:.4f} | {run.n_spikes[i]} |" for i in pick)
    body = f"""
Open loop lowers ⟨r_S⟩ below no-gliotransmission at {int(np.sum(held[1] < held[2]))} of {rates.size} rates
(smallest margin {float(np.min(held[2] - held[1])):.5f}); per spike at {int(np.sum(per_spike[1] < per_spike[2]))} of {rates.size}.
Closed loop is below no-gliotransmission at {int(np.sum(held[0] < held[2]))} of {rates.size} rates.
Gliotransmitter releases: {run.release_times.size} (closed-loop astrocytes {int(np.sum(run.release_astrocytes < rates.size))},
open-loop {int(np.sum(run.release_astrocytes >= rates.size))}).

| rate (Hz) | closed ⟨r_S⟩ | open ⟨r_S⟩ | none ⟨r_S⟩ | open per spike | none per spike | spikes |
|---|---|---|---|---|---|---|
{rows}

Observation: in this run the closed-loop synapse is already depressed at low rates (a single
spike releases Y_S ≈ 1500 µM, enough to trigger an astrocytic Ca²⁺ event), so closed and open
loop differ less at high rates than the reference's description ("mainly at high rates").
Not compared sample-by-sample with Brian2 (a 195 s run of 300 synapses with the numpy target
was too slow for this session).
"""
    write_summary(out / "fig4c.md", "Stimberg et al. Fig. 4C — release I/O curves",
                  "python experiments/astro_stimberg_fig4c.py", body)
    print(body)


if __name__ == "__main__":
    main()
