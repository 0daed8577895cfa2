"""Li–Rinzel (NEST astrocyte_lr_1994 defaults) with IP3 clamped: oscillation band, period, amplitude.

Sweeps IP3 (µM), runs each value for 3000 s on a 10 ms astrocyte clock (RK4), and measures
over the last 600 s the Ca peak-to-peak amplitude and period. Reference (NEST 3.10):
band 0.3545–0.6369 µM, period 11.49 s and peak-to-peak 0.337 µM at 0.50, 11.27 s at 0.53,
steady Ca 0.4527 µM at 1.0, rest Ca 0.0722 µM / h 0.7924 at 0.16.

Run: ``python experiments/astro_li_rinzel_bifurcation.py``
"""
from __future__ import annotations

import numpy as np

from astro_common import output_dir, plt, save_figure, write_summary
from neuromem.astro.analysis import oscillation
from neuromem.astro.li_rinzel import LiRinzelParameters, simulate_li_rinzel
from neuromem.astro.results_io import li_rinzel_results

DURATION, WINDOW, DT = 3_000_000.0, 600_000.0, 10.0     # ms
OSCILLATING = 1e-3                                      # µM peak-to-peak that counts as sustained


def main() -> None:
    out = output_dir("li_rinzel_bifurcation")
    ip3 = np.round(np.concatenate([[0.16, 0.31], np.arange(0.33, 0.70001, 0.0025), [0.8, 1.0]]), 4)
    params = [LiRinzelParameters(IP3_0=x) for x in ip3]
    rows = []
    keep_trace = {}
    for x, p in zip(ip3, params):
        run = simulate_li_rinzel(DURATION, dt=DT, params=p)
        late = run.times > DURATION - WINDOW
        osc = oscillation(run.times[late], run.ca[late, 0])
        rows.append((x, osc.peak_to_peak, osc.period / 1000.0, float(run.ca[-1, 0]), float(run.h[-1, 0])))
        if x in (0.36, 0.5, 0.63):
            keep_trace[x] = run
    table = np.array(rows)
    amp = table[:, 1]
    inside = ip3[amp > OSCILLATING]
    # refine both edges by bisection on the clamped IP3 (1e-4 µM)
    def sustained(x: float) -> bool:
        run = simulate_li_rinzel(DURATION, dt=DT, params=LiRinzelParameters(IP3_0=x))
        late = run.times > DURATION - WINDOW
        return float(np.ptp(run.ca[late, 0])) > OSCILLATING
    edges = []
    for lo, hi, rising in ((inside.min() - 0.0025, inside.min(), True), (inside.max(), inside.max() + 0.0025, False)):
        for _ in range(5):
            mid = 0.5 * (lo + hi)
            if sustained(mid) == rising:
                hi = mid
            else:
                lo = mid
        edges.append(0.5 * (lo + hi))
    res = keep_trace[0.5]
    li_rinzel_results(res, DT, DURATION, provenance={"IP3_clamped_uM": 0.5}).save(out / "ip3_050.h5")

    fig, ax = plt.subplots(3, 1, figsize=(7, 8))
    ax[0].plot(ip3, amp, "o-", ms=3)
    ax[0].set(xlabel="clamped IP3 (µM)", ylabel="Ca peak-to-peak (µM)")
    ax[1].plot(ip3[amp > OSCILLATING], table[amp > OSCILLATING, 2], "o-", ms=3)
    ax[1].set(xlabel="clamped IP3 (µM)", ylabel="period (s)")
    for x, run in keep_trace.items():
        sel = run.times > DURATION - 60_000.0
        ax[2].plot((run.times[sel] - run.times[sel][0]) / 1000.0, run.ca[sel, 0], label=f"IP3 {x} µM")
    ax[2].set(xlabel="time (s)", ylabel="Ca (µM)")
    ax[2].legend()
    fig.tight_layout()
    save_figure(fig, out / "bifurcation.png")

    def row(x):
        i = int(np.argmin(np.abs(ip3 - x)))
        return table[i]
    r050, r053, r1, r016 = row(0.5), row(0.53), row(1.0), row(0.16)
    lines = "\n".join(f"| {x:.4f} | {a:.4f} | {('%.3f' % per) if a > OSCILLATING else '—'} | {c:.4f} | {h:.4f} |"
                      for x, a, per, c, h in table)
    body = f"""
Astrocyte clock {DT} ms (RK4), {DURATION/1000:.0f} s per IP3 value, measured over the last {WINDOW/1000:.0f} s.

| quantity | measured | reference (NEST 3.10) |
|---|---|---|
| lower Hopf edge (bisection, 1e-4 µM) | {edges[0]:.4f} µM | 0.3545 |
| upper edge | {edges[1]:.4f} µM | 0.6369 (abrupt) |
| period at 0.50 µM | {r050[2]:.3f} s | 11.49 ± 0.05 |
| peak-to-peak at 0.50 µM | {r050[1]:.4f} µM | 0.337 ± 0.005 |
| period at 0.53 µM | {r053[2]:.3f} s | 11.27 ± 0.05 |
| steady Ca at 1.0 µM | {r1[3]:.4f} µM (h {r1[4]:.4f}) | 0.4527 (h 0.574) |
| rest at 0.16 µM | Ca {r016[3]:.5f} µM, h {r016[4]:.5f} | 0.07222, 0.79242 |

"Oscillating" means a peak-to-peak amplitude above {OSCILLATING} µM in the last window. Near the upper
edge the reference notes transients lasting ≥ 2000 s, so the upper edge found in a 3000 s run is
approximate.

Full sweep:

| IP3 (µM) | Ca peak-to-peak (µM) | period (s) | final Ca (µM) | final h |
|---|---|---|---|---|
{lines}
"""
    write_summary(out / "li_rinzel_bifurcation.md", "Li–Rinzel bifurcation sweep (clamped IP3)",
                  "python experiments/astro_li_rinzel_bifurcation.py", body)
    print(body)


if __name__ == "__main__":
    main()
