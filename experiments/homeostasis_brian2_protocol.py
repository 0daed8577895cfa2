"""Brian2's spike-based homeostasis protocol, run with neuromem's rule and in Brian2, rates compared.

Two LIF cells (τ 10 ms, threshold v > 1, reset −1, refractory 1 ms, Euler, dt 0.1 ms). A
Poisson source whose rate steps through 25, 50, 0, 35, 0 Hz (10 s each) drives both with a
fixed weight 2. The *homeostatic* cell also receives a steady 50 Hz Poisson source through
the pre/post-increment synapse (+0.05 per pre spike, −0.05 per post spike, w ∈ [0, 2],
w₀ = 0); the *control* cell does not. Prediction: the homeostatic cell settles at
50 Hz · 0.05/0.05 = 50 Hz in every phase where its weight is not clipped; the control
follows its input. (Brian2's example runs 40 s and so stops before the last 0 Hz phase;
here all five phases run, 50 s.)

neuromem runs it twice: in :class:`neuromem.homeostasis.bench.SpikingBench` with the rule
kernels of :mod:`neuromem.homeostasis.homeostatic_synapse` (Brian2's semantics), and as a
Network on the embedded engine (``PrePostIncrementRule``). Brian2 side: the same model
written with Brian2's own API, runtime ``numpy`` target. Rates are measured over the second half of
each phase (5 s), per seed; the weight is sampled every 10 ms.

Usage: ``python experiments/homeostasis_brian2_protocol.py [--seeds 5] [--brian2-seeds 3]``.
Output: ``experiments/results/homeostasis_brian2_protocol/`` (rates.h5, protocol.png,
brian2_protocol.md).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuromem.homeostasis.homeostatic_synapse import HomeostaticSynapse  # noqa: E402
from neuromem.homeostasis.store import atomic_h5  # noqa: E402
from neuromem.homeostasis.bench import LIFParameters, SpikingBench  # noqa: E402
from neuromem.plotting import save_figure  # noqa: E402
from common import write_text  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "experiments" / "results" / "homeostasis_brian2_protocol"
PHASES_HZ = (25.0, 50.0, 0.0, 35.0, 0.0)
PHASE_MS = 10_000.0
STEADY_HZ = 50.0
BIN_MS = 10.0
RULE = HomeostaticSynapse(dw_plus=0.05, dw_minus=0.05, w_min=0.0, w_max=2.0)


def run_neuromem(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Spike counts per 10-ms bin (bins × [homeostatic, control]) and the plastic weight per bin."""
    rates = np.array([[STEADY_HZ, r] for r in PHASES_HZ])  # sources: steady, varying
    weights = np.array([[0.0, 0.0], [2.0, 2.0]])
    plastic = np.array([[True, False], [False, False]])
    out = SpikingBench(dt=0.1, neuron=LIFParameters(), synapse=RULE).run(
        rates, PHASE_MS, weights, seed, plastic=plastic, bin_ms=BIN_MS)
    return out.counts, out.weights[:, 0, 0]


def run_engine(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The protocol as a neuromem Network on the embedded engine; same outputs as :func:`run_neuromem`.

    Engine semantics differ from Brian2's in three details: the membrane decays exactly (not by Euler),
    inputs arriving while refractory are dropped (as NEST's ``iaf_psc_delta``), and a pre spike
    transmits the weight *after* its increment."""
    import neuromem as nm
    from neuromem.engine.hooks import EngineHook

    class WeightSampler(EngineHook):
        interval = BIN_MS

        def __init__(self) -> None:
            self.samples: list[float] = []

        def exchange(self, view) -> None:
            self.samples.append(float(view.weights("homeostatic")[0]))

    net = nm.Network(dt=0.1)
    steady = net.add(nm.Population(1, nm.SpikeSourcePoisson(rate=STEADY_HZ), label="steady"))
    varying = net.add(nm.Population(len(PHASES_HZ), nm.SpikeSourcePoisson(
        rate=list(PHASES_HZ), start=[p * PHASE_MS for p in range(len(PHASES_HZ))], duration=PHASE_MS),
        label="varying"))  # one source per phase, together one Poisson train with a stepped rate
    cells = net.add(nm.Population(2, nm.IF_curr_delta(tau_m=10.0, v_rest=0.0, v_reset=-1.0, v_thresh=1.0,
                                                      tau_refrac=1.0), label="cells", initial_values={"v": 0.0}))
    rule = nm.STDPMechanism(nm.PrePostIncrementRule(increment_pre=RULE.dw_plus, increment_post=-RULE.dw_minus),
                            nm.AdditiveWeightDependence(w_min=RULE.w_min, w_max=RULE.w_max), weight=0.0, delay=0.1)
    net.add(nm.Projection(steady, cells[0:1], nm.AllToAllConnector(), rule, label="homeostatic"))
    net.add(nm.Projection(varying, cells, nm.AllToAllConnector(), nm.StaticSynapse(2.0, 0.1)))
    cells.record(["spikes"])
    sampler = WeightSampler()
    net.add_hook(sampler)
    res = net.run(len(PHASES_HZ) * PHASE_MS, seed=seed, progress=False)
    n_bins = int(round(len(PHASES_HZ) * PHASE_MS / BIN_MS))
    counts = np.zeros((n_bins, 2), np.int64)
    bins = np.minimum((res["cells"].spike_times / BIN_MS).astype(np.int64), n_bins - 1)
    np.add.at(counts, (bins, res["cells"].spike_ids), 1)
    return counts, np.array(sampler.samples[:n_bins])


def run_brian2(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The same protocol in Brian2 (numpy target); same outputs as :func:`run_neuromem`."""
    import brian2 as b2

    b2.prefs.codegen.target = "numpy"
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * b2.ms
    schedule = b2.TimedArray(np.array(PHASES_HZ) * b2.Hz, dt=PHASE_MS * b2.ms)
    steady = b2.PoissonGroup(1, STEADY_HZ * b2.Hz)
    varying = b2.PoissonGroup(1, rates="schedule(t)", namespace={"schedule": schedule})
    cells = b2.NeuronGroup(2, "dv/dt = -v / (10*ms) : 1 (unless refractory)", threshold="v > 1",
                           reset="v = -1", refractory=1 * b2.ms, method="euler")
    rule = {"dw_plus": RULE.dw_plus, "dw_minus": RULE.dw_minus, "w_lo": RULE.w_min, "w_hi": RULE.w_max}
    homeostatic = b2.Synapses(steady, cells, "w : 1", namespace=rule,
                              on_pre="v_post += w\nw = clip(w + dw_plus, w_lo, w_hi)",
                              on_post="w = clip(w - dw_minus, w_lo, w_hi)")
    homeostatic.connect(i=0, j=0)
    homeostatic.w = 0.0
    fixed = b2.Synapses(varying, cells, on_pre="v_post += 2")
    fixed.connect(i=[0, 0], j=[0, 1])
    spikes = b2.SpikeMonitor(cells)
    weight = b2.StateMonitor(homeostatic, "w", record=0, dt=BIN_MS * b2.ms)
    net = b2.Network(steady, varying, cells, homeostatic, fixed, spikes, weight)
    n_bins = int(round(len(PHASES_HZ) * PHASE_MS / BIN_MS))
    net.run(len(PHASES_HZ) * PHASE_MS * b2.ms)
    counts = np.zeros((n_bins, 2), np.int64)
    bins = np.minimum((np.asarray(spikes.t / b2.ms) / BIN_MS).astype(np.int64), n_bins - 1)
    np.add.at(counts, (bins, np.asarray(spikes.i)), 1)
    return counts, np.asarray(weight.w[0])[:n_bins]


def phase_stats(counts: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rates (Hz) over the second half of each phase (phases × cells), and the fraction of weight samples
    at a bound there (phases)."""
    per_phase = int(PHASE_MS / BIN_MS)
    half = slice(per_phase // 2, per_phase)
    rates = np.array([counts[p * per_phase:(p + 1) * per_phase][half].sum(axis=0) / (PHASE_MS / 2000.0)
                      for p in range(len(PHASES_HZ))])
    clipped = np.array([np.mean((w[p * per_phase:(p + 1) * per_phase][half] <= RULE.w_min)
                                | (w[p * per_phase:(p + 1) * per_phase][half] >= RULE.w_max))
                        for p in range(len(PHASES_HZ))])
    return rates, clipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="neuromem seeds")
    parser.add_argument("--brian2-seeds", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    runners = (("neuromem", run_neuromem, args.seeds), ("engine", run_engine, args.seeds),
               ("brian2", run_brian2, args.brian2_seeds))
    for sim, runner, n in runners:
        for seed in range(n):
            start = time.perf_counter()
            results[(sim, seed)] = runner(seed) + (time.perf_counter() - start,)
            print(f"{sim} seed {seed}: {results[(sim, seed)][2]:.1f} s", flush=True)
    with atomic_h5(OUT / "rates.h5") as f:
        f.attrs["phases_hz"] = PHASES_HZ
        f.attrs["bin_ms"] = BIN_MS
        for (sim, seed), (counts, w, seconds) in results.items():
            g = f.create_group(f"{sim}/seed_{seed}")
            g["counts"], g["w"] = counts, w
            g.attrs["wall_s"] = seconds
    stats = {key: phase_stats(c, w) for key, (c, w, _) in results.items()}
    def mean_sd(sim: str, p: int, c: int) -> tuple[float, str]:
        values = np.array([stats[k][0][p, c] for k in stats if k[0] == sim])
        sd = values.std(ddof=1) if values.size > 1 else 0.0
        return values.mean(), f"{values.mean():.1f} ± {sd:.1f}"

    lines = ["# Brian2 spike-based homeostasis protocol: neuromem vs Brian2", "",
             "Generated by `experiments/homeostasis_brian2_protocol.py`; measured numbers. Rates in Hz over the "
             "second half (5 s) of each 10-s phase, mean ± SD over seeds "
             f"(bench and engine seeds 0..{args.seeds - 1}, Brian2 seeds 0..{args.brian2_seeds - 1}; the "
             "simulators draw different Poisson spikes, so agreement is statistical). *bench*: the rule kernels "
             "of `neuromem.homeostasis` in the compiled bench with Brian2's semantics; *engine*: the same "
             "protocol as a neuromem Network (PrePostIncrementRule, IF_curr_delta) on the embedded engine, "
             "which integrates exactly, drops inputs during refractoriness and transmits the weight after the "
             "pre increment. 'at bound' = fraction of 10-ms weight samples at 0 or 2.", "",
             "| phase | input Hz | cell | bench | engine | Brian2 | bench − Brian2 | engine − Brian2 | "
             "at bound (bench / engine / Brian2) |", "|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for p, hz in enumerate(PHASES_HZ):
        for c, cell in enumerate(("homeostatic", "control")):
            (ours, ours_s), (eng, eng_s), (theirs, theirs_s) = (mean_sd(sim, p, c)
                                                                for sim in ("neuromem", "engine", "brian2"))
            bound = " / ".join(f"{np.mean([stats[k][1][p] for k in stats if k[0] == sim]):.2f}"
                               for sim in ("neuromem", "engine", "brian2")) if c == 0 else ""
            lines.append(f"| {p + 1} | {hz:g} | {cell} | {ours_s} | {eng_s} | {theirs_s} | "
                         f"{ours - theirs:+.1f} | {eng - theirs:+.1f} | {bound} |")
    walls = {sim: np.mean([v[2] for k, v in results.items() if k[0] == sim]) for sim, _, _ in runners}
    lines += ["", f"Wall time per 50-s run (mean; the first run of each includes compilation): bench "
              f"{walls['neuromem']:.2f} s, engine {walls['engine']:.2f} s, Brian2 numpy target "
              f"{walls['brian2']:.1f} s.", "", "![protocol](protocol.png)", ""]
    fig, axes = plt.subplots(2, 1, figsize=(11, 6), sharex=True)
    t = np.arange(results[("neuromem", 0)][0].shape[0]) * BIN_MS / 1000.0
    kernel = np.ones(50) / 50  # 500-ms moving average of 10-ms bins
    for sim, style in (("neuromem", "-"), ("engine", ":"), ("brian2", "--")):
        counts, w, _ = results[(sim, 0)]
        for c, colour in ((0, "tab:red"), (1, "tab:blue")):
            axes[0].plot(t, np.convolve(counts[:, c], kernel, "same") / (BIN_MS / 1000.0), style, color=colour,
                         lw=0.8, label=f"{'bench' if sim == 'neuromem' else sim} {('homeostatic', 'control')[c]}")
        axes[1].plot(t, w, style, lw=0.8, label="bench" if sim == "neuromem" else sim)
    axes[0].axhline(50.0, color="0.5", lw=0.5)
    axes[0].set_ylabel("rate (Hz, 0.5-s average, seed 0)")
    axes[0].legend(fontsize=7, ncol=2)
    axes[1].set_ylabel("plastic weight")
    axes[1].set_xlabel("time (s); input 25 / 50 / 0 / 35 / 0 Hz, 10 s each")
    axes[1].legend()
    fig.tight_layout()
    save_figure(fig, OUT / "protocol.png", dpi=110)
    text = "\n".join(lines)
    write_text(OUT / "brian2_protocol.md", text)
    print(text)


if __name__ == "__main__":
    main()
