"""Stimberg et al. (2019) Fig. 6: the COBA network with a closed-loop astrocyte grid, in the engine.

Built by :func:`neuromem.astro.protocols.figure6_network` (example-6 parameters, scaled
cell counts with the full network's in-degrees); astrocytes run as an
:class:`~neuromem.astro.layer.AstrocyteLayer` on a 10 ms clock beside the 0.1 ms network.
The same network without astrocytes is run as the control (same seed, same connectivity
and initial state). 8 s, drive 0.1 nA × [1, 1.2, 1, 1] in 2-s epochs.

Writes ``experiments/results/astro_stimberg_fig6/``: fig6.h5 (neurons and astrocytes as
one Results file), fig6_control.h5, fig6.png and fig6.md.

Usage: ``python experiments/astro_stimberg_fig6.py [--scale 1.0] [--duration 8000]`` (the full
size runs in about a minute per network on one core here).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from astro_common import output_dir, plt, save_figure, write_summary
from neuromem.astro.protocols import FIGURE6_FULL, figure6_network

EPOCHS = ((0.0, 2000.0), (2000.0, 4000.0), (4000.0, 6000.0), (6000.0, 8000.0))


def epoch_rates(res, n_exc: int, n_inh: int, duration: float) -> list[tuple[float, float]]:
    """Mean excitatory and inhibitory rates (Hz) per 2-s epoch."""
    pop = res["neurons"]
    out = []
    for start, stop in EPOCHS:
        if start >= duration:
            break
        stop = min(stop, duration)
        sel = (pop.spike_times > start) & (pop.spike_times <= stop)
        ids = pop.spike_ids[sel]
        seconds = (stop - start) / 1000.0
        out.append((np.sum(ids < n_exc) / n_exc / seconds, np.sum(ids >= n_exc) / n_inh / seconds))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=8000.0)
    parser.add_argument("--seed", type=int, default=28371)
    args = parser.parse_args()
    out = output_dir("stimberg_fig6")
    runs = {}
    for with_astro in (True, False):
        net, layer = figure6_network(args.scale, astrocytes=with_astro, seed=args.seed)
        started = time.perf_counter()
        res = net.run(args.duration, seed=args.seed)
        runs[with_astro] = (res, layer, time.perf_counter() - started, net)
        res.save(out / ("fig6.h5" if with_astro else "fig6_control.h5"))
    n_exc = int(round(FIGURE6_FULL["n_exc"] * args.scale))
    n_inh = int(round(FIGURE6_FULL["n_inh"] * args.scale))
    res, layer, seconds, net = runs[True]
    ctrl, _, ctrl_seconds, _ = runs[False]
    astro = res["astrocytes"]
    rates, ctrl_rates = (epoch_rates(r, n_exc, n_inh, args.duration) for r in (res, ctrl))
    u = 0.6 * (1.0 - layer.gamma_s) if layer.gamma_s.size else np.zeros(0)
    n_syn = layer.synapse_astrocyte.size
    figure(res, ctrl, n_exc, args, out)
    rows = "\n".join(f"| {a:.0f}–{b:.0f} | {r[0]:.2f} | {r[1]:.2f} | {c[0]:.2f} | {c[1]:.2f} |"
                     for (a, b), r, c in zip(EPOCHS, rates, ctrl_rates))
    per_astro = np.bincount(astro.spike_ids, minlength=layer.n)
    a_pairs = set(zip(res["neurons"].spike_times.round(4), res["neurons"].spike_ids))
    c_pairs = set(zip(ctrl["neurons"].spike_times.round(4), ctrl["neurons"].spike_ids))
    shared = len(a_pairs & c_pairs)
    largest = max(abs(r[k] - q[k]) for r, q in zip(rates, ctrl_rates) for k in (0, 1))
    release_t = astro.spike_times
    c = astro.traces["C"].values
    body = f"""
Scale {args.scale} of the full example: {n_exc} excitatory + {n_inh} inhibitory neurons,
{layer.n} astrocytes on a {layer.side:.0f} µm grid, {n_syn} excitatory TM synapses (each with an
astrocyte), {int(np.diff(layer.gap_junctions[0]).sum()) // 2} gap junctions
({np.diff(layer.gap_junctions[0]).mean():.2f} per astrocyte), {args.duration / 1000:.0f} s, seed {args.seed}.
Wall time: {seconds:.0f} s with astrocytes, {ctrl_seconds:.0f} s without (engine, this machine,
shared with other jobs).

| epoch (ms) | E rate (Hz) | I rate (Hz) | E rate, no astrocytes | I rate, no astrocytes |
|---|---|---|---|---|
{rows}

Spikes: {len(a_pairs)} with astrocytes, {len(c_pairs)} without; {shared} (time, cell) pairs are
identical in both runs; largest epoch-rate difference {largest:.3f} Hz.

Astrocytes: {astro.n_spikes} gliotransmitter releases (times: first {release_t.min() if release_t.size else float('nan'):.0f} ms,
median {np.median(release_t) if release_t.size else float('nan'):.0f} ms, last {release_t.max() if release_t.size else float('nan'):.0f} ms), {int(np.sum(per_astro > 0))} of {layer.n} astrocytes
released at least once (at most {int(per_astro.max()) if per_astro.size else 0} times); Ca²⁺ C: mean
{c.mean():.3f} µM, max {c.max():.3f} µM, fraction of samples (every 100 ms) above C_Θ = 0.5 µM {np.mean(c > 0.5):.3f}.
Release probability U of the excitatory synapses at the end: mean {u.mean():.4f} (U_0* = 0.6),
min {u.min():.4f}; mean Γ_S {layer.gamma_s.mean():.4f}. Released transmitter summed over the run
(Σ u·x): {layer.released_total.sum():.1f}.

Notes. The drive sits at rheobase (0.1 nA against g_l·(V_th − E_l) = 0.0999 nA: v relaxes to
−49.99 mV), so rates are low and set mostly by the drive epoch, and an excitatory input
(0.05 nS × r_S) is weak; gliotransmission (α = 0, release-decreasing) lowers U sharply but
changes the rates only by the difference listed above. The astrocytes are driven by the
sensed transmitter: the same astrocytes without input, from the same C = I = 0.01 µM start,
stay below 0.04 µM and never release in 8 s (checked with `run_tripartite`). Here releases
come when the activity rises in the 1.2 × drive epoch (times above); C then stays above C_Θ
(no new upward crossing, so at most one release per astrocyte in 8 s). The astrocytes' sensing and
U feedback lag the network by one 10 ms step (hook exchange); released transmitter within a
step is weighted by the mean spill-over decay (release_timing="uniform"). Brian2's example
was not run here (its README quotes ~15 min for the full size in C++ standalone), so the
comparison is with the no-astrocyte control only. Assignment: excitatory cells on a grid as
in the example, inhibitory cells (no position in the example) uniformly at random; each
excitatory synapse goes to the astrocyte nearest its postsynaptic cell (the example's index
formula with centred coordinates maps part of the synapses outside 0…N_a − 1; neuromem does
not reproduce that).
"""
    write_summary(out / "fig6.md", "Stimberg et al. Fig. 6 — COBA network with astrocytes (engine)",
                  f"python experiments/astro_stimberg_fig6.py --scale {args.scale} --duration {args.duration}",
                  body)
    print(body)


def figure(res, ctrl, n_exc: int, args, out) -> None:
    pop, astro = res["neurons"], res["astrocytes"]
    fig, ax = plt.subplots(4, 1, figsize=(7, 8), sharex=True)
    show = pop.spike_ids < min(n_exc, 400)
    ax[0].plot(pop.spike_times[show], pop.spike_ids[show], ",k")
    ax[0].set(ylabel="E cell", title="excitatory neurons (first 400)")
    inh = pop.spike_ids >= n_exc
    ax[1].plot(pop.spike_times[inh], pop.spike_ids[inh] - n_exc, ",r")
    ax[1].set(ylabel="I cell")
    ax[2].plot(astro.spike_times, astro.spike_ids, "|g", ms=3)
    ax[2].set(ylabel="astrocyte", title="gliotransmitter releases")
    bins = np.arange(0.0, args.duration + 1.0, 50.0)
    for r, label in ((res, "with astrocytes"), (ctrl, "no astrocytes")):
        p = r["neurons"]
        exc = p.spike_ids < n_exc
        counts, _ = np.histogram(p.spike_times[exc], bins)
        ax[3].plot(bins[1:], counts / n_exc / 0.05, label=label)
    ax[3].set(xlabel="time (ms)", ylabel="E rate (Hz)")
    ax[3].legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, out / "fig6.png")


if __name__ == "__main__":
    main()
