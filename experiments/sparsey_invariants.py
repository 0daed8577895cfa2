"""Behavioural invariants of one Sparsey mac (reference §4.5.1–2).

Fixture: K=8, Q=5, 16 inputs, seed 42; learn A={0,1,2}, B={6,7,8}, C={11,12,13},
D={3,4,14} with the probabilistic CSA, recall each by max-V, present the novel
{5,9,10,15}. Noise limit: on a fresh mac (G = 0) ρ is uniform, and the codes of
unrelated novel inputs overlap at chance (Q/K). Both V→μ forms are run.

Usage: ``python experiments/sparsey_invariants.py`` → ``experiments/results/sparsey_invariants/``.
"""
from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuromem.plotting import save_figure  # noqa: E402
from neuromem.sparsey import MacParams, Macrocolumn  # noqa: E402
from sparsey_common import out_dir, write_json, write_text  # noqa: E402

FIXTURE = {"A": [0, 1, 2], "B": [6, 7, 8], "C": [11, 12, 13], "D": [3, 4, 14]}
NOVEL = [5, 9, 10, 15]


def fixture(form: str) -> dict:
    mac = Macrocolumn(MacParams(Q=5, K=8, sigmoid=form), n_u=16, seed=42)
    learned = {k: mac.learn(u) for k, u in FIXTURE.items()}
    recalled = {k: mac.recognise(u) for k, u in FIXTURE.items()}
    return {"codes": {k: c.winners.tolist() for k, c in learned.items()},
            "distinct_codes": len({tuple(c.winners) for c in learned.values()}),
            "exact_recall": {k: bool(np.array_equal(recalled[k].winners, learned[k].winners)) for k in FIXTURE},
            "G_learned": {k: r.G for k, r in recalled.items()},
            "G_novel": mac.recognise(NOVEL).G}


def noise_limit(form: str, Q: int = 20, K: int = 8, n: int = 500) -> dict:
    mac = Macrocolumn(MacParams(Q=Q, K=K, sigmoid=form), n_u=3 * n, seed=1)
    codes = [mac.learn([3 * i, 3 * i + 1, 3 * i + 2]) for i in range(n)]
    rho = np.array([c.rho for c in codes])
    w = np.array([c.winners for c in codes])
    pairs = (w[:, None, :] == w[None, :, :]).sum(axis=2)[np.triu_indices(n, 1)]
    return {"Q": Q, "K": K, "n_codes": n, "max_abs_rho_minus_1_over_K": float(np.abs(rho - 1 / K).max()),
            "G_max": max(c.G for c in codes), "mean_overlap": float(pairs.mean()), "chance_Q_over_K": Q / K,
            "overlap_histogram": np.bincount(pairs, minlength=Q + 1).tolist()}


def main() -> None:
    out = out_dir("invariants")
    report = {form: {"fixture": fixture(form), "noise_limit": noise_limit(form)} for form in ("reference", "published")}
    write_json(out / "invariants.json", report)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for k, form in enumerate(report):
        f = report[form]["fixture"]
        axes[0].bar(np.arange(5) + 0.4 * k, [*f["G_learned"].values(), f["G_novel"]], 0.4, label=form)
        h = np.array(report[form]["noise_limit"]["overlap_histogram"], dtype=float)
        axes[1].plot(np.arange(h.size), h / h.sum(), "o-", label=form)
    axes[0].set_xticks(np.arange(5) + 0.2, [*FIXTURE, "novel"])
    axes[0].set_ylabel("familiarity G")
    axes[0].legend()
    axes[1].axvline(20 / 8, color="k", ls=":", label="chance Q/K")
    axes[1].set_xlabel("code overlap of two novel inputs (CMs)")
    axes[1].set_ylabel("fraction of pairs")
    axes[1].legend()
    save_figure(fig, out / "invariants.png")
    lines = ["# Sparsey behavioural invariants", "",
             "Command: `python experiments/sparsey_invariants.py` (one mac, Q=5, K=8, 16 inputs, seed 42).", ""]
    for form, r in report.items():
        f, nl = r["fixture"], r["noise_limit"]
        lines += [f"## V→μ form: {form}", "",
                  f"- distinct codes: {f['distinct_codes']} of 4; exact max-V recall: {f['exact_recall']}",
                  f"- G learned: {', '.join(f'{k}={v:.3f}' for k, v in f['G_learned'].items())}; "
                  f"G novel {{5,9,10,15}}: {f['G_novel']:.3f}",
                  f"- codes: {f['codes']}",
                  f"- noise limit (fresh inputs, Q={nl['Q']}, K={nl['K']}, {nl['n_codes']} codes): "
                  f"max |ρ − 1/K| = {nl['max_abs_rho_minus_1_over_K']:.2e}, max G = {nl['G_max']}, "
                  f"mean pairwise overlap {nl['mean_overlap']:.3f} vs chance Q/K = {nl['chance_Q_over_K']:.3f}", ""]
    write_text(out / "invariants.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
