"""Stimberg et al. (2019) Fig. 5: an intercellular Ca²⁺ wave in a ring of 50 gap-junction-coupled astrocytes.

Cell 25 is driven towards I_bias 1 µM by a square wave (50 s period, 20 s on); IP3 diffuses
through gap junctions (F 0.09 µM/s); example-5 parameters, RK4, dt 50 ms, 4000 s. The first
wave's front arrival (C crossing 0.3 µM — chosen here) at each cell is compared with a
Brian2 2.9 run (numpy target) of the first ``BRIAN2_MS``.

Run: ``python experiments/astro_stimberg_fig5.py``
"""
from __future__ import annotations

import numpy as np

from astro_common import output_dir, plt, save_figure, write_summary
from neuromem.astro.protocols import figure5_ring
from neuromem.astro.results_io import tripartite_results

BRIAN2_MS, FRONT = 400_000.0, 0.3    # ms, µM


def arrivals(times: np.ndarray, c: np.ndarray) -> np.ndarray:
    """First time (ms) each cell's C exceeds FRONT (NaN if never)."""
    above = c > FRONT
    first = np.argmax(above, axis=0)
    return np.where(above.any(axis=0), times[first], np.nan)


def brian2_ring(duration: float) -> tuple[np.ndarray, np.ndarray]:
    import brian2 as b2

    from neuromem.astro.gchi import GChIParameters
    from neuromem.astro.reference_runs import _brian2_namespace

    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 50 * b2.ms
    ns = _brian2_namespace(b2, GChIParameters.stimberg_example(5), None)
    eqs = """
    dI/dt = J_delta - J_3K - J_5P + J_ex + J_coupling : mmolar
    J_delta = O_delta/(1 + I/kappa_delta)*C**2/(C**2 + K_delta**2) : mmolar/second
    J_3K = O_3K*C**4/(C**4 + K_D**4)*I/(I + K_3K) : mmolar/second
    J_5P = Omega_5P*I : mmolar/second
    stimulus = int((t % (50*second)) < 20*second) : 1
    J_ex = -F_ex/2*(1 + tanh((abs(I - I_bias*stimulus) - I_Theta)/omega_I))*sign(I - I_bias*stimulus) : mmolar/second
    J_coupling : mmolar/second
    dC/dt = (Omega_C*(I/(I + d_1)*C/(C + d_5))**3*h**3 + Omega_L)*(C_T - (1 + rho_A)*C) - O_P*C**2/(C**2 + K_P**2) : mmolar
    dh/dt = (Q_2/(Q_2 + C) - h)*O_2*(Q_2 + C) : 1
    Q_2 = d_2*(I + d_1)/(I + d_3) : mmolar
    I_bias : mmolar (constant)
    """
    cells = b2.NeuronGroup(50, eqs, method="rk4", namespace=ns)
    cells.h = 0.9
    cells.I_bias[25] = 1.0 * b2.umolar
    gj = b2.Synapses(cells, cells, """J_coupling_post = -F/2*(1 + tanh((abs(I_post - I_pre) - I_Theta)/omega_I))*sign(I_post - I_pre) : mmolar/second (summed)""", namespace=ns)
    gj.connect("j == (i + 1) % N_pre or j == (i + N_pre - 1) % N_pre")
    mon = b2.StateMonitor(cells, "C", record=True)
    net = b2.Network(cells, gj, mon)
    net.run(duration * b2.ms, namespace=ns)
    return np.asarray(mon.t / b2.ms)[1:], np.asarray(mon.C / b2.umolar).T[1:]


def main() -> None:
    out = output_dir("stimberg_fig5")
    run = figure5_ring()
    tripartite_results(run, 50.0, 4_000_000.0, 0, provenance={"figure": 5}).save(out / "fig5.h5")
    c = run.astro["C"]
    ours = arrivals(run.times, c)
    t_b, c_b = brian2_ring(BRIAN2_MS)
    n = t_b.size
    theirs = arrivals(t_b, c_b)
    ours_early = arrivals(run.times[:n], c[:n])
    both = ~np.isnan(ours_early) & ~np.isnan(theirs)
    diff = np.abs(ours_early - theirs)[both]
    fig, ax = plt.subplots(figsize=(7, 6))
    for i in range(50):
        ax.plot(run.times / 1000, c[:, i] / c.max() + i * 1.2, color="C0" if i == 25 else "k", lw=0.5)
    ax.set(xlabel="time (s)", ylabel="C/C_max + cell index")
    fig.tight_layout()
    save_figure(fig, out / "fig5.png")
    reached = np.count_nonzero(~np.isnan(ours))
    body = f"""
Over 4000 s, {reached} of 50 cells exceed C = {FRONT} µM at least once; max C {c.max():.4f} µM.
First-front arrival (C > {FRONT} µM) vs Brian2 over the first {BRIAN2_MS/1000:.0f} s: {both.sum()} cells reached in both runs,
max |Δt| = {diff.max() if diff.size else float('nan'):.1f} ms (one step = 50 ms), identical at {int(np.sum(diff == 0))} cells.
Cells reached only by neuromem: {int(np.sum(~np.isnan(ours_early) & np.isnan(theirs)))}, only by Brian2: {int(np.sum(np.isnan(ours_early) & ~np.isnan(theirs)))}.
Max |C − C_Brian2| over that window: {np.abs(c[:n] - c_b).max():.3e} µM.

Arrival times (s) of the first front, cells 20–30 (neuromem / Brian2):
{', '.join(f"{i}: {ours_early[i]/1000:.2f}/{theirs[i]/1000:.2f}" for i in range(20, 31))}
"""
    write_summary(out / "fig5.md", "Stimberg et al. Fig. 5 — Ca²⁺ wave on an astrocyte ring",
                  "python experiments/astro_stimberg_fig5.py", body)
    print(body)


if __name__ == "__main__":
    main()
