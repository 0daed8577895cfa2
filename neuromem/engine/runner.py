"""Drive the compiled loop in chunks and assemble :class:`~neuromem.results.Results`.

The run advances in chunks of simulated time (``CHUNK_MS``, or the engine hooks'
exchange interval when the network has hooks). Between chunks Python empties the
spike-record buffer, enlarges the event queues if they spilled, updates the progress
bar and lets the hooks exchange state; nothing runs in Python per time step.
"""
from __future__ import annotations

import math
import time

import numpy as np

from ..errors import ModelError
from ..network import Network
from ..random import streams
from ..results import PopulationData, Results, Trace, WeightData
from .build import EngineModel, build
from .hooks import EngineView
from .kernel import probe_value, run_chunk

CHUNK_MS = 50.0
QUEUE_START = 1 << 14  # events per step and delivery queue before the first enlargement
PROGRESS_AFTER_S = 3.0


class EngineBackend:
    """The embedded numba engine as a back end (``network.run(..., backend="engine")``)."""

    name = "engine"

    def run(self, network: Network, duration: float, seed: int,
            progress: bool | None = None) -> Results:
        return simulate(network, duration, seed, progress)


def simulate(network: Network, duration: float, seed: int = 0,
             progress: bool | None = None) -> Results:
    """Simulate ``network`` for ``duration`` ms with random seed ``seed``.

    ``progress``: True always shows a progress bar, False never; None shows one when
    the run is expected to take longer than a few seconds.
    """
    if not duration > 0:
        raise ModelError(f"duration: must be > 0 ms, got {duration!r}")
    t_build = time.perf_counter()
    model = build(network, seed, duration)
    n_steps = int(round(duration / model.dt))
    state = _RunState(model, n_steps, seed)
    build_s = time.perf_counter() - t_build

    t_run, cpu_run = time.perf_counter(), time.process_time()
    _loop(network, model, state, n_steps, progress)
    run_s, run_cpu_s = time.perf_counter() - t_run, time.process_time() - cpu_run
    return _results(network, model, state, n_steps, seed,
                    {"build_s": build_s, "run_s": run_s, "run_cpu_s": run_cpu_s})


class _RunState:
    """Mutable arrays of one run that are not part of the model description."""

    def __init__(self, model: EngineModel, n_steps: int, seed: int) -> None:
        n = model.n_cells
        n_plastic, n_tm = model.p_sink.size, model.t_sink.size
        self.i_ext = np.zeros(n)
        self.spike_counts = np.zeros(n, dtype=np.int64)
        self.ev_count = np.zeros((2, model.n_slots), dtype=np.int64)
        # static ranges due in one step: one per (spiking cell, synapse group), bounded
        # (beyond the bound the events go to the event queue one by one)
        ranges = max(n * min(model.s_groups.shape[0], 4), 1)
        self.rq_start = np.zeros((2, model.n_slots, ranges), dtype=np.int64)
        self.rq_stop = np.zeros((2, model.n_slots, ranges), dtype=np.int64)
        self.rq_count = np.zeros((2, model.n_slots), dtype=np.int64)
        self.spill = np.zeros((2, model.n_slots, 2 * n))
        self.spilled = np.zeros((3, model.n_slots), dtype=np.int64)
        self._allocate_queues(QUEUE_START)
        self.cur_pos = np.zeros(1, dtype=np.int64)
        self.arr_pos = np.zeros(1, dtype=np.int64)
        self.rng_state = np.array([streams(seed).integer_seed("poisson")], dtype=np.uint64)
        self.p_x, self.p_y = np.zeros(n_plastic), np.zeros(n_plastic)
        self.p_tx = np.zeros(n_plastic, dtype=np.int64)
        self.p_ty = np.zeros(n_plastic, dtype=np.int64)
        self.queue = np.zeros((model.n_slots, max(n_plastic, 1)), dtype=np.int64)
        self.qcount = np.zeros(model.n_slots, dtype=np.int64)
        self.bp_queue = np.zeros((model.n_slots, max(n_plastic, 1)), dtype=np.int64)
        self.bp_count = np.zeros(model.n_slots, dtype=np.int64)
        self.t_u, self.t_x = np.zeros(n_tm), np.ones(n_tm)
        self.t_last = np.full(n_tm, -1, dtype=np.int64)
        self.t_release = np.zeros(n_tm)
        self.spk_count = np.zeros(1, dtype=np.int64)
        self.spike_chunks: list[tuple[np.ndarray, np.ndarray]] = []
        self.samples = np.zeros((n_steps // model.sample_every + 1, model.probe_code.size))
        for j in range(model.probe_code.size):
            self.samples[0, j] = probe_value(model.probe_code[j], model.probe_cell[j],
                                             model.v, model.w, model.syn, model.theta)
        # spikes of one step: every cell once, plus every spike-array spike at most
        self.scratch = np.zeros(n + max(model.arr_step.size, 1), dtype=np.int64)
        capacity = max(64 * n, 2 * self.scratch.size, 1 << 16)
        self.spk_step = np.zeros(capacity, dtype=np.int64)
        self.spk_cell = np.zeros(capacity, dtype=np.int64)
        self.flags = np.zeros(-(-n // 8) * 8, dtype=np.uint8)  # padded to whole 8-byte words
        self.flag_words = self.flags.view(np.uint64)

    def _allocate_queues(self, capacity: int) -> None:
        self.ev_sink = np.zeros((2, self.ev_count.shape[1], capacity), dtype=np.int64)
        self.ev_weight = np.zeros((2, self.ev_count.shape[1], capacity))

    def grow_queues_if_spilled(self) -> None:
        """Between chunks: if events spilled into the dense fallback, enlarge the queues."""
        if self.spilled[2, 0] == 0:
            return
        old_sink, old_weight = self.ev_sink, self.ev_weight
        self._allocate_queues(2 * old_sink.shape[2])
        self.ev_sink[:, :, :old_sink.shape[2]] = old_sink
        self.ev_weight[:, :, :old_weight.shape[2]] = old_weight
        self.spilled[2, 0] = 0

    def flush_spikes(self) -> None:
        count = int(self.spk_count[0])
        if count:
            self.spike_chunks.append((self.spk_step[:count].copy(), self.spk_cell[:count].copy()))
        self.spk_count[0] = 0


def _chunk_steps(network: Network, dt: float) -> int:
    """Steps per chunk: CHUNK_MS, or the greatest common divisor of the hooks' intervals."""
    if not network.hooks:
        return max(1, int(round(CHUNK_MS / dt)))
    steps = []
    for hook in network.hooks:
        k = int(round(hook.interval / dt))
        if k < 1 or abs(k * dt - hook.interval) > 1e-9 * max(1.0, hook.interval):
            raise ModelError(f"{type(hook).__name__}.interval: {hook.interval} ms is not a whole "
                             f"multiple of dt = {dt} ms")
        steps.append(k)
    return math.gcd(*steps)


def _loop(network: Network, model: EngineModel, state: _RunState, n_steps: int,
          progress: bool | None) -> None:
    chunk = _chunk_steps(network, model.dt)
    view = EngineView(model, state)
    hook_steps = [int(round(h.interval / model.dt)) for h in network.hooks]
    for hook in network.hooks:
        hook.start(view)
    bar = None
    step = 0
    try:
        while step < n_steps:
            target = min(step + chunk, n_steps)
            started = time.perf_counter()
            reached = _run(model, state, step, target)
            state.flush_spikes()
            state.grow_queues_if_spilled()
            view.step = reached
            for hook, every in zip(network.hooks, hook_steps):
                if reached % every == 0:
                    hook.exchange(view)
            first_chunk = step == 0  # includes loading or compiling the kernel: no estimate
            if bar is None and _want_bar(progress, None if first_chunk else
                                         time.perf_counter() - started,
                                         reached - step, n_steps - reached):
                from tqdm.auto import tqdm

                bar = tqdm(total=round(n_steps * model.dt, 3), unit="ms", desc="neuromem engine",
                           initial=round(reached * model.dt, 3))
            elif bar is not None:
                bar.update(round((reached - step) * model.dt, 3))
            step = reached
    finally:
        if bar is not None:
            bar.close()


def _want_bar(progress: bool | None, chunk_s: float | None, chunk_steps: int,
              remaining: int) -> bool:
    """Show a bar when asked, or when the remaining steps would take > PROGRESS_AFTER_S
    at the speed of the chunk just run (``chunk_s`` None: no estimate yet)."""
    if progress is not None:
        return progress and remaining > 0
    if chunk_s is None:
        return False
    return remaining > 0 and chunk_s / max(chunk_steps, 1) * remaining > PROGRESS_AFTER_S


def _run(model: EngineModel, s: _RunState, n0: int, n1: int) -> int:
    return run_chunk(
        n0, n1, model.dt, model.pop_start, model.pop_end, model.pop_kind, model.pop_uniform,
        model.pop_adaptive, model.params, model.v, model.w, model.syn, model.refrac, model.theta,
        s.i_ext, model.cur_step, model.cur_cell, model.cur_delta, s.cur_pos,
        model.arr_step, model.arr_cell, s.arr_pos, s.rng_state, s.spike_counts,
        model.s_ptr, model.s_groups, model.s_sink, model.s_weight, s.rq_start, s.rq_stop,
        s.rq_count,
        model.p_ptr, model.p_sink, model.p_queue, model.p_weight, model.p_delay,
        model.p_rule, model.p_in_ptr, model.p_in_syn, model.rules,
        s.p_x, s.p_tx, s.p_y, s.p_ty, s.queue, s.qcount, s.bp_queue, s.bp_count,
        model.t_ptr, model.t_sink, model.t_queue, model.t_weight, model.t_delay, model.t_U,
        model.t_tau_rec, model.t_tau_facil, s.t_u, s.t_x, s.t_last, s.t_release,
        s.ev_sink, s.ev_weight, s.ev_count, s.spill, s.spilled,
        model.record_spikes, s.spk_step, s.spk_cell, s.spk_count,
        model.probe_code, model.probe_cell, s.samples, model.sample_every, s.scratch,
        s.flags, s.flag_words,
    )


def _results(network: Network, model: EngineModel, state: _RunState, n_steps: int, seed: int,
             timings: dict[str, float]) -> Results:
    h = model.dt
    if state.spike_chunks:
        steps = np.concatenate([c[0] for c in state.spike_chunks])
        cells = np.concatenate([c[1] for c in state.spike_chunks])
    else:
        steps = cells = np.zeros(0, dtype=np.int64)
    sample_times = np.arange(state.samples.shape[0]) * model.sample_every * h
    populations = {}
    for k, pop in enumerate(network.populations):
        a, b = model.pop_start[k], model.pop_end[k]
        mine = (cells >= a) & (cells < b)
        times = (steps[mine] + 1) * h
        ids = cells[mine] - a
        order = np.lexsort((ids, times))
        traces = {}
        for var in pop.recording:
            if var == "spikes":
                continue
            cols = [j for j, (label, v, _) in enumerate(model.probe_labels)
                    if label == pop.label and v == var]
            unit = "mV" if var == "theta" else pop.cell_type.units.get(var, "")
            traces[var] = Trace(sample_times.copy(),
                                np.array([model.probe_labels[j][2] for j in cols], dtype=np.int64),
                                state.samples[:, cols].copy(), unit)
        recorded = pop.recording.get("spikes")
        populations[pop.label] = PopulationData(
            pop.label, pop.size, pop.cell_type.name, times[order], ids[order], traces,
            recorded_ids=recorded if recorded is not None else np.zeros(0, dtype=np.int64))
    for hook in network.hooks:
        populations.update(hook.results())
    return Results(populations, dt=h, duration=n_steps * h, seed=seed, backend="engine",
                   model=network.describe(), weights=_plastic_weights(network, model),
                   provenance={
                       "engine": "neuromem numba engine",
                       "n_cells": model.n_cells,
                       "n_static_synapses": int(model.s_weight.size),
                       "n_plastic_synapses": int(model.p_weight.size),
                       "n_tsodyks_markram_synapses": int(model.t_weight.size),
                       "n_steps": n_steps,
                       **timings,
                   })


def _plastic_weights(network: Network, model: EngineModel) -> dict[str, WeightData]:
    """Final weights of every plastic projection, in connection order."""
    out = {}
    for proj in network.projections:
        index = model.projection_index.get(proj.label)
        if index is None or index.table != "plastic":
            continue
        cell = proj.post.cell_type
        unit = "uS" if cell.conductance_based else ("nA" if "isyn_exc" in cell.units else "mV")
        out[proj.label] = WeightData(index.pre, index.post, model.p_weight[index.positions].copy(),
                                     model.p_delay[index.positions] * model.dt, unit)
    return out
