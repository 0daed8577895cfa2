"""Similarity-in / similarity-out (SISC) curve of one Sparsey mac (reference §4.5.3).

A mac (Q=20, K=8, 400 inputs) stores 30 random background patterns and a base pattern
of 20 active inputs; variants keeping 0..20 of the base's inputs (the rest fresh
lines) are coded by the learning CSA (sampling, nothing stored) 200 times each. The
mean intersection with the base code is plotted against input overlap for the two
V→μ forms (dcc defaults λ=4, φ=0.5) and the Sparsey_Alt preset (published form,
λ=32, φ=0.424, λ_U=10), together with the closed-form expectation for a mac that
stores only the base.

Usage: ``python experiments/sparsey_sisc.py`` → ``experiments/results/sparsey_sisc/``.
"""
from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from neuromem.plotting import save_figure  # noqa: E402
from neuromem.sparsey import SPARSEY_ALT_SIGMOID, MacParams, Macrocolumn  # noqa: E402
from sparsey_common import out_dir, write_json, write_text  # noqa: E402

CONFIGS = {"reference (λ=4, φ=0.5)": {},
           "published (λ=4, φ=0.5)": {"sigmoid": "published"},
           "Sparsey_Alt preset": {**SPARSEY_ALT_SIGMOID, "lambda_U": 10.0}}
N_ACTIVE, N_INPUTS, TRIALS = 20, 400, 400


def curve(params: MacParams, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    mac = Macrocolumn(params, n_u=N_INPUTS, seed=seed)
    base = np.arange(N_ACTIVE)
    for _ in range(30):
        mac.learn(rng.choice(np.arange(N_ACTIVE, 300), N_ACTIVE, replace=False))
    base_code = mac.learn(base)
    kept = np.arange(0, N_ACTIVE + 1, 2)
    mean, sd, G, closed = [], [], [], []
    for k in kept:
        u = np.concatenate([base[:k], 300 + np.arange(N_ACTIVE - k)])
        codes = [mac.sample(u) for _ in range(TRIALS)]
        ov = np.array([c.overlap(base_code) for c in codes])
        mean.append(ov.mean())
        sd.append(ov.std())
        G.append(codes[0].G)
        f = k / N_ACTIVE
        mu_b, mu_o = params.mu(f ** params.lambda_U, f ** params.lambda_U), params.mu(0.0, f ** params.lambda_U)
        closed.append(params.Q * mu_b / (mu_b + (params.K - 1) * mu_o))
    return {"input_overlap": (kept / N_ACTIVE).tolist(), "code_overlap_mean": mean, "code_overlap_sd": sd,
            "G": G, "closed_form_base_only": closed,
            "strictly_monotone": bool(np.all(np.diff(mean) > 0)),
            "monotone_within_2se": bool(np.all(np.diff(mean) >= -2 * np.hypot(sd[1:], sd[:-1]) / np.sqrt(TRIALS))),
            "Q": params.Q}


def main() -> None:
    out = out_dir("sisc")
    report = {name: curve(MacParams(Q=20, K=8, **kw)) for name, kw in CONFIGS.items()}
    write_json(out / "sisc.json", report)
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for name, r in report.items():
        line, = ax.plot(r["input_overlap"], r["code_overlap_mean"], "o-", label=name)
        ax.plot(r["input_overlap"], r["closed_form_base_only"], ":", color=line.get_color())
    ax.axhline(20 / 8, color="k", lw=0.8, ls="--", label="chance Q/K")
    ax.set_xlabel("input overlap with the stored base pattern")
    ax.set_ylabel("mean code intersection (CMs of 20)")
    ax.set_title("SISC (dotted: closed form, base pattern alone)")
    ax.legend(fontsize=8)
    save_figure(fig, out / "sisc.png")
    lines = ["# Sparsey SISC curve", "", "Command: `python experiments/sparsey_sisc.py` "
             f"(Q=20, K=8, {N_INPUTS} inputs, 30 background patterns + base of {N_ACTIVE}, {TRIALS} samples/point).",
             "", "| input overlap | " + " | ".join(report) + " |", "|---" * (len(report) + 1) + "|"]
    for i, x in enumerate(report[next(iter(report))]["input_overlap"]):
        lines.append(f"| {x:.1f} | " + " | ".join(f"{r['code_overlap_mean'][i]:.2f} (G={r['G'][i]:.2f})"
                                                for r in report.values()) + " |")
    lines += ["", "Non-decreasing within 2 standard errors of the difference: "
              + ", ".join(f"{k}: {r['monotone_within_2se']}" for k, r in report.items()),
              "Strictly increasing at every step: " + ", ".join(f"{k}: {r['strictly_monotone']}" for k, r in report.items()),
              "Below G⁻ = 0.1 (η = 1) every code is drawn uniformly, so the curve is flat at chance Q/K there "
              "and only sampling noise separates the first points.", "",
              "With the dcc default λ=4, φ=0.5 the sigmoid is shallow: even at G = 1 the stored cell has "
              "μ only ≈7× that of a V=0 cell, so sampling reinstates about half of the code (exact "
              "reinstatement needs max-V retrieval). The Sparsey_Alt preset (steeper curve) reinstates almost "
              "the whole code when sampling."]
    write_text(out / "sisc.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
