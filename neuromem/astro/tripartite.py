"""Tripartite circuits: Tsodyks–Markram synapses + G-ChI astrocytes on two clocks.

Synapses advance on the fast clock ``dt`` (ms); astrocytes on their own clock
``astro_dt`` (ms, a whole multiple of ``dt``). Closed loop: an astrocyte senses the
summed Y_S of the synapses assigned to it (``sense``) and its G_A reaches the synapses
listed in ``glio`` (open loop: ``glio`` without ``sense``). Gap junctions couple IP3
between astrocytes. Units: ms for times, µM for concentrations, Hz for rates.

Order of one fast step k (times (k·dt, (k+1)·dt]):

1. if k is the first fast step of an astrocyte step: sum Y_S per astrocyte, compute
   gap-junction fluxes, advance the astrocytes by ``astro_dt``, detect gliotransmitter
   releases, hand G_A to the synapses (held until the next astrocyte step);
2. exact decay of Y_S and exact Γ_S update over dt;
3. presynaptic spikes of the step (u_S/x_S relax exactly since their last spike);
4. record (time (k+1)·dt).

Example
-------
>>> import numpy as np
>>> from neuromem.astro.tripartite import TripartiteWiring, run_tripartite
>>> wiring = TripartiteWiring(n_astrocytes=1, syn_pre=np.array([0]), sense=np.array([0]),
...                           glio=np.array([0]))
>>> run = run_tripartite(wiring, duration=2000.0, dt=1.0, astro_dt=1.0,
...                      spike_times=np.array([100.0, 600.0]), spike_sources=np.array([0, 0]))
>>> run.n_spikes.tolist()
[2]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ModelError
from .clock import clock_ratio, event_steps
from .gchi import (STATE_NAMES, GChIParameters, check_method, gap_junction_flux, gchi_advance, initial_state,
                   release_gliotransmitter)
from .tsodyks_markram import (R_S, SYNAPSE_STATE_NAMES, U_S, X_S, TsodyksMarkramParameters,
                              decay_between_steps, presynaptic_spike, relaxed_u_x)
from .wiring import no_gap_junctions


@dataclass
class TripartiteWiring:
    """Who talks to whom. Per synapse: presynaptic source index (``syn_pre``), the
    astrocyte that senses its Y_S (``sense``, −1 none) and the astrocyte whose G_A
    modulates it (``glio``, −1 none). ``gap_junctions`` is CSR ``(indptr, neighbours)``."""

    n_astrocytes: int
    syn_pre: np.ndarray
    sense: np.ndarray
    glio: np.ndarray
    gap_junctions: tuple[np.ndarray, np.ndarray] | None = None

    def __post_init__(self) -> None:
        self.syn_pre = np.asarray(self.syn_pre, dtype=np.int64)
        self.sense = np.asarray(self.sense, dtype=np.int64)
        self.glio = np.asarray(self.glio, dtype=np.int64)
        n = self.syn_pre.size
        if self.n_astrocytes < 0:
            raise ModelError(f"TripartiteWiring.n_astrocytes: must be >= 0, got {self.n_astrocytes}")
        for name in ("sense", "glio"):
            arr = getattr(self, name)
            if arr.size != n:
                raise ModelError(f"TripartiteWiring.{name}: {arr.size} entries for {n} synapses")
            if arr.size and (arr.min() < -1 or arr.max() >= self.n_astrocytes):
                raise ModelError(f"TripartiteWiring.{name}: astrocyte indices must lie in "
                                 f"-1..{self.n_astrocytes - 1} (-1 = none)")
        if n and self.syn_pre.min() < 0:
            raise ModelError("TripartiteWiring.syn_pre: source indices must be >= 0")
        if self.gap_junctions is None:
            self.gap_junctions = no_gap_junctions(self.n_astrocytes)
        indptr, neighbours = (np.asarray(a, dtype=np.int64) for a in self.gap_junctions)
        if indptr.size != self.n_astrocytes + 1:
            raise ModelError(f"TripartiteWiring.gap_junctions: indptr needs {self.n_astrocytes + 1} "
                             f"entries, got {indptr.size}")
        self.gap_junctions = (indptr, neighbours)

    @property
    def n_synapses(self) -> int:
        return int(self.syn_pre.size)


@dataclass
class TripartiteRun:
    """Results. ``times`` (ms) of the recorded samples; ``astro[name]`` (T × recorded
    astrocytes; names/units in :data:`neuromem.astro.gchi.STATE_NAMES`/``STATE_UNITS``);
    ``synapse[name]`` (T × recorded synapses: u_S, x_S, r_S, Y_S µM, Gamma_S);
    ``release_times`` (ms, end of the astrocyte step) and ``release_astrocytes``;
    per synapse ``n_spikes``, ``release_sum`` (Σ r_S over spikes) and ``mean_held_r``
    (time average of the last released fraction, sampled every step — the quantity
    plotted in Stimberg et al.'s Fig. 4C); final states."""

    times: np.ndarray
    astro: dict[str, np.ndarray]
    synapse: dict[str, np.ndarray]
    release_times: np.ndarray
    release_astrocytes: np.ndarray
    n_spikes: np.ndarray
    release_sum: np.ndarray
    mean_held_r: np.ndarray
    astro_state: np.ndarray
    synapse_state: np.ndarray

    @property
    def mean_release_per_spike(self) -> np.ndarray:
        """Σ r_S / number of spikes per synapse (NaN without spikes)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.release_sum / self.n_spikes


@njit(cache=True)
def _seed(seed: int) -> None:
    np.random.seed(seed)


@njit(cache=True)
def _kernel(n_steps: int, ratio: int, dt: float, astro: np.ndarray, pa: np.ndarray, syn: np.ndarray,
            ps: np.ndarray, sense: np.ndarray, glio: np.ndarray, gj_ptr: np.ndarray, gj_nb: np.ndarray,
            i_bias: np.ndarray, gate_period: float, gate_on: float, noise: np.ndarray, use_rk4: bool,
            sp_step: np.ndarray, sp_src: np.ndarray, src_ptr: np.ndarray, src_syn: np.ndarray,
            rec_astro: np.ndarray, rec_syn: np.ndarray, record_every: int, out_a: np.ndarray,
            out_s: np.ndarray, ev_time: np.ndarray, ev_astro: np.ndarray, n_spk: np.ndarray,
            r_sum: np.ndarray, r_held: np.ndarray) -> int:
    n_astro = astro.shape[0]
    n_syn = syn.shape[0]
    y_in = np.zeros(n_astro)
    coupling = np.zeros(n_astro)
    g_syn = np.zeros(n_syn)
    ready = np.ones(n_astro, dtype=np.bool_)
    released = np.zeros(n_astro, dtype=np.bool_)
    last = np.zeros(n_syn)
    has_gj = gj_nb.size > 0
    astro_dt = dt * ratio
    n_ev = 0
    k_sp = 0
    row = 0
    for k in range(n_steps):
        if k % ratio == 0 and n_astro > 0:
            y_in[:] = 0.0
            for s in range(n_syn):
                if sense[s] >= 0:
                    y_in[sense[s]] += syn[s, 3]
            if has_gj:
                coupling = gap_junction_flux(astro[:, 1].copy(), gj_ptr, gj_nb, pa)
            c_before = astro[:, 2].copy()
            gchi_advance(astro, pa, astro_dt, k * dt, y_in, coupling, i_bias, gate_period, gate_on,
                         noise, use_rk4)
            release_gliotransmitter(astro, c_before, ready, pa, released)
            for i in range(n_astro):
                if released[i]:
                    if n_ev < ev_time.size:
                        ev_time[n_ev] = k * dt + astro_dt
                        ev_astro[n_ev] = i
                    n_ev += 1
            for s in range(n_syn):
                g_syn[s] = astro[glio[s], 5] if glio[s] >= 0 else 0.0
        decay_between_steps(syn, g_syn, ps, dt)
        now = (k + 1) * dt
        while k_sp < sp_step.size and sp_step[k_sp] == k:
            src = sp_src[k_sp]
            if src + 1 < src_ptr.size:
                for j in range(src_ptr[src], src_ptr[src + 1]):
                    s = src_syn[j]
                    r_sum[s] += presynaptic_spike(syn, s, now - last[s], ps)
                    last[s] = now
                    n_spk[s] += 1
            k_sp += 1
        for s in range(n_syn):
            r_held[s] += syn[s, R_S]
        if (k + 1) % record_every == 0:
            for j in range(rec_astro.size):
                for v in range(6):
                    out_a[row, j, v] = astro[rec_astro[j], v]
            for j in range(rec_syn.size):
                s = rec_syn[j]
                u, x = relaxed_u_x(syn, s, now - last[s], ps)
                out_s[row, j, 0] = u
                out_s[row, j, 1] = x
                for v in range(2, 5):
                    out_s[row, j, v] = syn[s, v]
            row += 1
    for s in range(n_syn):
        u, x = relaxed_u_x(syn, s, n_steps * dt - last[s], ps)
        syn[s, U_S] = u
        syn[s, X_S] = x
        r_held[s] /= n_steps
    return n_ev


def run_tripartite(wiring: TripartiteWiring, duration: float, dt: float = 1.0, astro_dt: float = 1.0,
                   astro_params: GChIParameters | None = None,
                   synapse_params: TsodyksMarkramParameters | None = None,
                   spike_times: np.ndarray | None = None, spike_sources: np.ndarray | None = None,
                   astro_initial: np.ndarray | None = None, synapse_initial: np.ndarray | None = None,
                   i_bias: np.ndarray | float = 0.0, gate_period: float = 0.0, gate_on: float = 0.0,
                   noise: np.ndarray | float = 0.0, method: str = "rk4", seed: int = 0,
                   record_astrocytes: np.ndarray | None = None, record_synapses: np.ndarray | None = None,
                   record_every: int = 1, max_releases: int = 1_000_000) -> TripartiteRun:
    """Run a tripartite circuit for ``duration`` ms.

    ``spike_times`` (ms, NEST-style step ends) with ``spike_sources`` (index into the
    presynaptic sources of ``wiring.syn_pre``) drive the synapses. ``i_bias`` (µM per
    astrocyte) with the optional square-wave gate (``gate_period``/``gate_on`` in ms) is
    the exogenous IP3 target; ``noise`` (per astrocyte, dimensionless) needs
    ``method="milstein"``; ``seed`` seeds the h-noise. ``astro_initial`` is N × 6 (see
    :func:`neuromem.astro.gchi.initial_state`), ``synapse_initial`` n_syn × 5 (u_S, x_S,
    r_S, Y_S µM, Γ_S; default 0, 1, 0, 0, 0).
    """
    astro_params = astro_params or GChIParameters()
    synapse_params = synapse_params or TsodyksMarkramParameters()
    use_rk4 = check_method(method)
    ratio = clock_ratio(astro_dt, dt, "run_tripartite.astro_dt")
    if duration <= 0:
        raise ModelError(f"run_tripartite.duration: must be > 0 ms, got {duration!r}")
    if record_every < 1:
        raise ModelError(f"run_tripartite.record_every: must be >= 1, got {record_every!r}")
    n_a, n_s = wiring.n_astrocytes, wiring.n_synapses
    noise_arr = np.broadcast_to(np.asarray(noise, dtype=np.float64), (n_a,)).copy()
    if np.any(noise_arr != 0) and use_rk4:
        raise ModelError("run_tripartite.noise: h-noise needs method='milstein' (RK4 is deterministic)")
    bias = np.broadcast_to(np.asarray(i_bias, dtype=np.float64), (n_a,)).copy()
    astro = initial_state(n_a) if astro_initial is None else np.array(astro_initial, np.float64).reshape(n_a, 6)
    syn = np.tile([0.0, 1.0, 0.0, 0.0, 0.0], (n_s, 1))
    if synapse_initial is not None:
        syn = np.array(synapse_initial, dtype=np.float64).reshape(n_s, 5)
    times = np.zeros(0) if spike_times is None else np.asarray(spike_times, np.float64)
    sources = np.zeros(0, np.int64) if spike_sources is None else np.asarray(spike_sources, np.int64)
    if times.size != sources.size:
        raise ModelError("run_tripartite: spike_times and spike_sources differ in length")
    steps = event_steps(times, dt)
    order = np.argsort(steps, kind="stable")
    n_src = int(max(wiring.syn_pre.max(initial=-1), sources.max(initial=-1)) + 1)
    by_src = np.argsort(wiring.syn_pre, kind="stable")
    src_ptr = np.searchsorted(wiring.syn_pre[by_src], np.arange(n_src + 1)).astype(np.int64)
    rec_a = np.arange(n_a) if record_astrocytes is None else np.asarray(record_astrocytes, np.int64)
    rec_s = np.arange(n_s) if record_synapses is None else np.asarray(record_synapses, np.int64)
    n_steps = int(round(duration / dt))
    n_rec = n_steps // record_every
    out_a = np.zeros((n_rec, rec_a.size, 6))
    out_s = np.zeros((n_rec, rec_s.size, 5))
    ev_time = np.zeros(max_releases)
    ev_astro = np.zeros(max_releases, np.int64)
    n_spk = np.zeros(n_s, np.int64)
    r_sum = np.zeros(n_s)
    r_held = np.zeros(n_s)
    _seed(int(seed) % (2**32))
    indptr, neighbours = wiring.gap_junctions
    n_ev = _kernel(n_steps, ratio, float(dt), astro, astro_params.packed(), syn, synapse_params.packed(),
                   wiring.sense, wiring.glio, indptr, neighbours, bias, float(gate_period),
                   float(gate_on), noise_arr, use_rk4, steps[order], sources[order], src_ptr,
                   by_src.astype(np.int64), rec_a, rec_s, int(record_every), out_a, out_s, ev_time,
                   ev_astro, n_spk, r_sum, r_held)
    if n_ev > max_releases:
        raise ModelError(f"run_tripartite.max_releases: {n_ev} gliotransmitter releases happened, "
                         f"only {max_releases} can be stored; raise max_releases")
    return TripartiteRun(
        times=np.arange(1, n_rec + 1) * record_every * dt,
        astro={name: out_a[:, :, i] for i, name in enumerate(STATE_NAMES)},
        synapse={name: out_s[:, :, i] for i, name in enumerate(SYNAPSE_STATE_NAMES)},
        release_times=ev_time[:n_ev], release_astrocytes=ev_astro[:n_ev], n_spikes=n_spk,
        release_sum=r_sum, mean_held_r=r_held, astro_state=astro, synapse_state=syn)
