"""Spatiotemporal event recognition on synthetic edge video (the protocol of Rinkus's
noisy-Weizmann test, reference §4.5.6, on data generated here).

Data: :func:`neuromem.sparsey.data.moving_edges` — 10 classes of moving edge shapes,
9 clips each, 16–24 frames of 16×16 binary edge pixels. All 90 clips are learned once
(single trial), the class nodes learn from the last frame's codes (reference §4.3: "the
weights from the last code to class nodes are increased"); recognition runs on copies in
which 40 % of every frame's active pixels are moved to random positions.

Model (two levels, Sparsey_Alt sigmoid, no freezing): level 1 = one mac (Q=20, K=256,
λ_U=10) on the whole 16×16 frame; level 2 = one mac (Q=20, K=128, λ_U=3, λ_H=1) on the
level-1 code with code persistence 3 — it steps every third frame on the union of the
three level-1 codes (a temporal receptive field) with H from its own previous code
(sequence chaining). Whether level 1 also chains (H from its own previous code, λ_H=3),
the variant sizes, the read-out levels and the class-node reading are chosen by
``select_on_tuning_seeds``.

Selection discipline: every choice is made on clip sets, noise and model seeds that the
reported run never uses — clips ``moving_edges(seed=100+s)``, noise
``default_rng(200+s)``, model seed ``100+s`` for s = 0, 1, 2. The candidate with the best
mean noisy accuracy there (first in ``VARIANTS``/``READOUTS`` order on ties) is then run
once on the reported data: clips ``moving_edges(seed=0)``, noise ``default_rng(1)``,
model seeds 0, 1, 2. The selection chose level 1 unchained, level-2 persistence 4,
class nodes on the last codes of both levels with the binary reading (99.6 % noisy on the
tuning seeds; the unchained variants reading both levels scored 94–99.6 %, the
chained ones 72–76 % with any read-out); the reported run gave 99.3 ± 0.5 % noisy, 100 % clean.

History: the first configuration (4×4 level-1 macs on 7×7 fields, freezing at 30 %
saturation) reached 40 % (the small macs froze after a few clips); one chained level-1
mac of K=64 saturated (~12 %); K=256 with level-1 chaining and level-2 persistence gave
75.2 ± 4.1 % with clean recall only 74–86 %. Why chaining at level 1 hurts here: the
synthetic frames recur across clips and classes, so a chained level 1 meets a novel H
context at every frame after the first, learns each clip at G ≈ 0 as a fresh random
code chain, and recall must retrace that chain from a first frame whose U input ties
among the codes of every clip that showed it (about half the CMs of the last code were
recalled). Unchained, level 1 gives a recurring frame (nearly) the same code at G ≈ 0.9,
and the chained, persistent level 2 carries the order.
The spiking view of one clip (winners as spikes, G as trace) is saved as a results file.

Usage: ``python experiments/sparsey_video.py`` → ``experiments/results/sparsey_video/``.
"""
from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuromem.plotting import raster, save_figure, traces  # noqa: E402
from neuromem.sparsey import SPARSEY_ALT_SIGMOID, Hierarchy, LevelSpec, MacParams, episode_results  # noqa: E402
from neuromem.sparsey.classifier import SparseyClassifier  # noqa: E402
from neuromem.sparsey.data import add_noise, moving_edges  # noqa: E402
from sparsey_common import out_dir, write_json, write_text  # noqa: E402

NOISE = 0.4
REPORTED_SEEDS = (0, 1, 2)
REPORTED_DATA = {"clips_seed": 0, "noise_seed": 1}
TUNING_SEEDS = (100, 101, 102)

#: Hierarchy variants tried on the tuning seeds (keyword overrides of ``hierarchy``).
VARIANTS = {
    "L1 chained (previous)": {"chain_level1": True},
    "L1 unchained": {},
    "L1 unchained, persistence 2": {"persistence": 2},
    "L1 unchained, persistence 4": {"persistence": 4},
    "L1 unchained, L2 λ_U=1": {"lambda_U2": 1.0},
    "L1 unchained, L2 λ_U=10": {"lambda_U2": 10.0},
    "L1 unchained, L2 K=64": {"K2": 64},
    "L1 unchained, L2 K=256": {"K2": 256},
    "L1 unchained, L1 K=128": {"K1": 128},
    "L1 unchained, Q=10": {"Q": 10},
}
#: Class-node read-outs tried: (read-out levels, score, prior α).
READOUTS = [((0, 1), "log", 1.0), ((0, 1), "log", 1e-4), ((0, 1), "binary", 1.0),
            ((1,), "log", 1.0), ((1,), "log", 1e-4), ((1,), "binary", 1.0)]


def hierarchy(seed: int, chain_level1: bool = False, K1: int = 256, K2: int = 128, Q: int = 20,
              lambda_U2: float = 3.0, persistence: int = 3) -> Hierarchy:
    """The two-level video model (see the module doc)."""
    return Hierarchy((16, 16), [
        LevelSpec(MacParams(Q=Q, K=K1, lambda_U=10.0, lambda_H=3.0, **SPARSEY_ALT_SIGMOID),
                  grid=(1, 1), rf=(16, 16), h_radius=0 if chain_level1 else None),
        LevelSpec(MacParams(Q=Q, K=K2, lambda_U=lambda_U2, lambda_H=1.0, **SPARSEY_ALT_SIGMOID),
                  grid=(1, 1), rf=(1, 1), h_radius=0, persistence=persistence)], seed=seed)


def dataset(clips_seed: int, noise_seed: int) -> tuple[list[np.ndarray], np.ndarray, list[np.ndarray]]:
    """Clips, labels and their 40 %-noise copies."""
    clips, labels = moving_edges(clips_per_class=9, seed=clips_seed)
    rng = np.random.default_rng(noise_seed)
    return clips, labels, [add_noise(c, NOISE, rng) for c in clips]


def evaluate(clf: SparseyClassifier, clips, labels, noisy) -> dict:
    """Clean and noisy accuracy and top-level mean G of a fitted classifier."""
    clean_pred, clean_G = clf.predict(clips)
    noisy_pred, noisy_G = clf.predict(noisy)
    return {"learn_seconds": clf.learn_seconds,
            "clean_accuracy": float(np.mean(clean_pred == labels)), "clean_mean_G": float(clean_G.mean()),
            "noisy_accuracy": float(np.mean(noisy_pred == labels)), "noisy_correct": int(np.sum(noisy_pred == labels)),
            "noisy_mean_G": float(noisy_G.mean())}


def fit(seed: int, variant: dict, readout: tuple, clips, labels) -> SparseyClassifier:
    """A classifier of ``variant`` with ``readout`` (levels, score, prior) that has learned ``clips``."""
    levels, score, prior = readout
    clf = SparseyClassifier(hierarchy(seed, **variant), n_classes=10, readout_levels=list(levels),
                            score=score, prior=prior)
    return clf.fit(clips, labels)


def select_on_tuning_seeds() -> tuple[list[dict], dict]:
    """Mean clean/noisy accuracy over the tuning seeds of every variant × read-out; the
    table and its best row (first of the best on ties)."""
    data = {s: dataset(clips_seed=s, noise_seed=s + 100) for s in TUNING_SEEDS}
    table = []
    for name, variant in VARIANTS.items():
        for readout in READOUTS:
            runs = [evaluate(fit(s, variant, readout, clips, labels), clips, labels, noisy)
                    for s, (clips, labels, noisy) in data.items()]
            table.append({"variant": name, "readout": readout,
                          **{k: float(np.mean([r[k] for r in runs])) for k in ("clean_accuracy", "noisy_accuracy",
                                                                              "noisy_mean_G")}})
            print(table[-1], flush=True)
    return table, max(table, key=lambda row: row["noisy_accuracy"])


def readout_name(readout: tuple) -> str:
    """E.g. ``L1+L2, log α=0.0001``."""
    levels, score, prior = readout
    return "+".join(f"L{x + 1}" for x in levels) + f", {score}" + (f" α={prior:g}" if score == "log" else "")


def spiking_view(clf: SparseyClassifier, clip: np.ndarray, noisy: np.ndarray, out) -> None:
    """Save the clean and noisy episodes of one clip as results files and a raster + G figure."""
    h = clf.hierarchy
    views = [(episode_results(h, h.run(x, learn=False), dt=1.0, seed=0), name)
             for x, name in ((clip, "clean"), (noisy, "40 % noise"))]
    views[0][0].save(out / "clip0_clean.h5")
    views[1][0].save(out / "clip0_noisy.h5")
    fig, axes = plt.subplots(2, 2, figsize=(11, 6), sharex=True)
    for col, (view, name) in enumerate(views):
        raster(view, ["L1"], ax=axes[0, col])
        axes[0, col].set_title(f"clip 0 ({name}): level-2 winners")
        traces(view, "L1", "G", ax=axes[1, col])
        axes[1, col].set_ylim(0, 1.05)
    save_figure(fig, out / "video_spiking_view.png")


def summary(table: list[dict], best: dict, rows: dict, clips) -> str:
    """The markdown summary: tuning table, chosen model, reported runs."""
    acc = np.array([r["noisy_accuracy"] for r in rows.values()])
    variant = VARIANTS[best["variant"]]
    lines = ["# Sparsey spatiotemporal event recognition (synthetic edge video)", "",
             "Command: `python experiments/sparsey_video.py` (10 classes × 9 clips, "
             f"{min(map(len, clips))}–{max(map(len, clips))} frames of 16×16, 40 % of active pixels moved at test).", "",
             "## Selection on tuning seeds", "",
             "Every choice below was made on data the reported runs never see: clips `moving_edges(seed=100+s)`, "
             "noise `default_rng(200+s)`, model seed `100+s`, s = 0, 1, 2 (mean over the three). The best mean noisy "
             "accuracy (first on ties) was then run once on the reported data (clips seed 0, noise seed 1, model "
             "seeds 0, 1, 2). Class nodes always read the codes of the clip's last frame.", "",
             "| variant | read-out | tuning clean | tuning noisy | tuning noisy mean G |", "|---|---|---|---|---|"]
    lines += [f"| {r['variant']} | {readout_name(r['readout'])} | {100 * r['clean_accuracy']:.1f} % | "
              f"{100 * r['noisy_accuracy']:.1f} % | {r['noisy_mean_G']:.3f} |" for r in table]
    lines += ["", f"Chosen: **{best['variant']}, {readout_name(best['readout'])}** "
              f"({100 * best['noisy_accuracy']:.1f} % noisy on the tuning seeds). One clip of 90 is 1.1 points per "
              "seed, so differences of a point or two between the unchained variants are within seed noise.", "",
              "## Reported runs", "",
              "| seed | clean accuracy | clean mean G | noisy accuracy | noisy correct / 90 | noisy mean G | learn time (s) |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {s} | {100 * r['clean_accuracy']:.1f} % | {r['clean_mean_G']:.3f} | {100 * r['noisy_accuracy']:.1f} % | "
              f"{r['noisy_correct']} | {r['noisy_mean_G']:.3f} | {r['learn_seconds']:.2f} |" for s, r in rows.items()]
    lines += ["", f"Noisy accuracy over seeds: {100 * acc.mean():.1f} ± {100 * acc.std():.1f} %. Published on Weizmann "
              "edge snippets (different data): 98 % (88/90), mean G 0.67. Mean G is the top level's on the last frame.", "",
              "Base model: level 1 one mac Q=20, K=256 (λ_U=10) on the full frame, no H input; level 2 one mac Q=20, "
              "K=128 (λ_U=3, λ_H=1) with code persistence 3 (temporal receptive field of 3 frames) and H chaining. "
              f"The chosen variant overrides `hierarchy` with `{variant}` and reads {readout_name(best['readout'])}. Level-1 H chaining (the previous model, 75.2 ± 4.1 % on the "
              "reported seeds) stores each clip as a fresh code chain at G ≈ 0 because the synthetic frames recur across "
              "clips and classes, and recall from a tied first frame retraces only about half of the last code; without "
              "it, level 1 codes each frame by its content and the persistent, chained level 2 carries the order.", "",
              "Spiking view of clip 0 (top-level winners as spikes, G as trace): `clip0_clean.h5`, `clip0_noisy.h5`, "
              "`video_spiking_view.png`; the tuning table is also in `video.json`."]
    return "\n".join(lines) + "\n"


def main() -> None:
    out = out_dir("video")
    table, best = select_on_tuning_seeds()
    variant = VARIANTS[best["variant"]]
    clips, labels, noisy = dataset(REPORTED_DATA["clips_seed"], REPORTED_DATA["noise_seed"])
    rows, learned = {}, {}
    for seed in REPORTED_SEEDS:
        learned[seed] = fit(seed, variant, best["readout"], clips, labels)
        rows[seed] = evaluate(learned[seed], clips, labels, noisy)
        print(seed, rows[seed], flush=True)
    spiking_view(learned[REPORTED_SEEDS[0]], clips[0], noisy[0], out)
    write_json(out / "video.json", {"noise_fraction": NOISE, "n_clips": len(clips), "tuning_seeds": TUNING_SEEDS,
                                    "tuning": table, "chosen": best, "reported_data": REPORTED_DATA, "runs": rows,
                                    "frames_per_clip": [len(c) for c in clips]})
    text = summary(table, best, rows, clips)
    write_text(out / "video.md", text)
    print(text)


if __name__ == "__main__":
    main()
