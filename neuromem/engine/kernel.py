"""The compiled time loop of the embedded engine.

:func:`run_chunk` advances the whole network from step ``n0`` to ``n1`` without
returning to Python. Within one step n (see :mod:`neuromem.engine.neurons` for the
membrane schemes):

1. current-source changes due at this step are applied;
2. plastic synapses whose spikes arrive now are processed (depression from the
   post-synaptic trace and the rule's per-pre-spike increment, scaled by the rule's
   rate, clipped once; pre trace update) and their weights are queued for delivery;
3. voltage-jump inputs arriving now are delivered (``IF_curr_delta``, ``Izhikevich``);
4. every population advances (membrane, synaptic decay, threshold test marking
   spiking cells in a byte array); Poisson sources draw their spikes; the marked
   cells are collected in ascending order, then spike-array spikes are appended;
5. current and conductance inputs arriving now are delivered (after the decay);
6. plasticity at this step's spikes (see :func:`_plastic_spikes`): post spikes
   potentiate (axonal delays) or start back-propagating (dendritic delays), pre spikes
   are queued (axonal) or depress and deliver at once (dendritic); back-propagated
   post spikes reaching their synapses now potentiate first;
7. spikes propagate: each (cell, delay) group of static synapses is queued for step
   n + delay as one range of the synapse table (read once, at delivery),
   Tsodyks–Markram synapses update u, x and queue weight·u·x, and plastic synapses
   queue an arrival for that step;
8. spikes and sampled traces are recorded.

Event queues: ``rq_start/rq_stop[q, slot, :]`` hold the static-synapse ranges and
``ev_sink[q, slot, :]`` / ``ev_weight[q, slot, :]`` the single inputs (plastic and
Tsodyks–Markram synapses) due in the step with that ring slot; q = 0 for voltage-jump
targets (delivered before the update), q = 1 for the others (after it). Delivering a
step's inputs costs one scattered add per synapse and nothing per idle cell. A full
range queue falls back to single inputs; a full single-input queue spills into a dense
per-slot array (always correct), and the caller enlarges it for the next chunk.

It returns early (with the next step to run) when the spike-record buffer could
overflow, so the caller can empty it and continue.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .neurons import (KIND_ADEX, KIND_COND_EXP, KIND_CURR_DELTA, KIND_CURR_EXP,
                      KIND_IZHIKEVICH, KIND_POISSON, threshold_izhikevich,
                      threshold_lif_adaptive, update_adex, update_cond_exp,
                      update_curr_delta, update_curr_exp, update_izhikevich)
from .rng import uniform

# columns of the rule table (see tables.RULE_COLUMNS)
(TAU_PLUS, TAU_MINUS, A_PLUS, A_MINUS, W_MIN, W_MAX, MULTIPLICATIVE, INC_PRE, INC_POST, RATE,
 DENDRITIC) = range(11)
BEFORE_UPDATE, AFTER_UPDATE = 0, 1


@njit(cache=True, inline="always", error_model="numpy")
def _push(q, row, sink, weight, ev_sink, ev_weight, ev_count, spill, spilled):
    c = ev_count[q, row]
    if c < ev_sink.shape[2]:
        ev_sink[q, row, c] = sink
        ev_weight[q, row, c] = weight
        ev_count[q, row] = c + 1
    else:
        spill[q, row, sink] += weight
        spilled[q, row] += 1
        spilled[2, 0] += 1  # running total, read by the caller to enlarge the queues


@njit(cache=True, inline="always", error_model="numpy")
def _deliver(q, row, syn_flat, ev_sink, ev_weight, ev_count, spill, spilled):
    """Add the inputs queued for this step to the synaptic state."""
    sinks = ev_sink[q, row]
    weights = ev_weight[q, row]
    for j in range(ev_count[q, row]):
        syn_flat[sinks[j]] += weights[j]
    ev_count[q, row] = 0
    if spilled[q, row] > 0:
        dense = spill[q, row]
        for i in range(dense.size):
            syn_flat[i] += dense[i]
            dense[i] = 0.0
        spilled[q, row] = 0


@njit(cache=True, inline="always", error_model="numpy")
def _depress(k, n, h, p_weight, p_rule, rules, p_x, p_tx, p_y, p_ty):
    """A presynaptic spike at the synapse in step n: depression from the post trace plus
    the rule's per-pre-spike increment (scaled by the rule's rate, clipped once), then the
    pre trace jumps. Returns the new weight."""
    r = p_rule[k]
    y = p_y[k] * math.exp(-(n - p_ty[k]) * h / rules[r, TAU_MINUS])
    w = p_weight[k]
    if rules[r, MULTIPLICATIVE] > 0.0:
        change = rules[r, INC_PRE] - rules[r, A_MINUS] * (w - rules[r, W_MIN]) * y
    else:
        change = rules[r, INC_PRE] - rules[r, A_MINUS] * rules[r, W_MAX] * y
    w = min(max(w + rules[r, RATE] * change, rules[r, W_MIN]), rules[r, W_MAX])
    p_weight[k] = w
    p_x[k] = p_x[k] * math.exp(-(n - p_tx[k]) * h / rules[r, TAU_PLUS]) + 1.0
    p_tx[k] = n
    return w


@njit(cache=True, inline="always", error_model="numpy")
def _potentiate(k, n, h, p_weight, p_rule, rules, p_x, p_tx, p_y, p_ty):
    """A postsynaptic spike at the synapse in step n: potentiation from the pre trace plus
    the per-post-spike increment (scaled, clipped once), then the post trace jumps."""
    r = p_rule[k]
    x = p_x[k] * math.exp(-(n - p_tx[k]) * h / rules[r, TAU_PLUS])
    w = p_weight[k]
    if rules[r, MULTIPLICATIVE] > 0.0:
        change = rules[r, INC_POST] + rules[r, A_PLUS] * (rules[r, W_MAX] - w) * x
    else:
        change = rules[r, INC_POST] + rules[r, A_PLUS] * rules[r, W_MAX] * x
    p_weight[k] = min(max(w + rules[r, RATE] * change, rules[r, W_MIN]), rules[r, W_MAX])
    p_y[k] = p_y[k] * math.exp(-(n - p_ty[k]) * h / rules[r, TAU_MINUS]) + 1.0
    p_ty[k] = n


@njit(cache=True, error_model="numpy")
def _arrive(n, slot, h, queue, qcount, p_sink, p_queue, p_weight, p_rule, rules,
            p_x, p_tx, p_y, p_ty, ev_sink, ev_weight, ev_count, spill, spilled):
    """Axonal-delay synapses: presynaptic spikes reaching their synapse in step n."""
    for j in range(qcount[slot]):
        k = queue[slot, j]
        w = _depress(k, n, h, p_weight, p_rule, rules, p_x, p_tx, p_y, p_ty)
        _push(p_queue[k], slot, p_sink[k], w, ev_sink, ev_weight, ev_count, spill, spilled)
    qcount[slot] = 0


@njit(cache=True, error_model="numpy")
def _backpropagated(n, slot, h, bp_queue, bp_count, p_weight, p_rule, rules, p_x, p_tx, p_y, p_ty):
    """Dendritic-delay synapses: postsynaptic spikes reaching their synapse in step n."""
    for j in range(bp_count[slot]):
        _potentiate(bp_queue[slot, j], n, h, p_weight, p_rule, rules, p_x, p_tx, p_y, p_ty)
    bp_count[slot] = 0


@njit(cache=True, error_model="numpy")
def _plastic_spikes(spikes, n_spikes, n, slot, n_slots, h, p_ptr, p_sink, p_queue, p_weight,
                    p_delay, p_rule, p_in_ptr, p_in_syn, rules, p_x, p_tx, p_y, p_ty, queue,
                    qcount, bp_queue, bp_count, ev_sink, ev_weight, ev_count, spill, spilled):
    """Plasticity at this step's spikes, each cell as post (its inputs) and as pre (its
    outputs).

    Axonal delay (dendritic_delay_fraction 0): the post spike pairs at once; the pre
    spike is queued to reach the synapse after the delay. Dendritic delay (fraction 1):
    the post spike is queued to reach the synapse after the delay; the pre spike pairs at
    once (so a post spike reaching the synapse in the same step depresses) and its new
    weight is queued for delivery.
    """
    for s in range(n_spikes):
        cell = spikes[s]
        for idx in range(p_in_ptr[cell], p_in_ptr[cell + 1]):
            k = p_in_syn[idx]
            if rules[p_rule[k], DENDRITIC] > 0.0:
                row = slot + p_delay[k]
                row = row - n_slots if row >= n_slots else row
                bp_queue[row, bp_count[row]] = k
                bp_count[row] += 1
            else:
                _potentiate(k, n, h, p_weight, p_rule, rules, p_x, p_tx, p_y, p_ty)
        for k in range(p_ptr[cell], p_ptr[cell + 1]):
            row = slot + p_delay[k]
            row = row - n_slots if row >= n_slots else row
            if rules[p_rule[k], DENDRITIC] > 0.0:
                w = _depress(k, n, h, p_weight, p_rule, rules, p_x, p_tx, p_y, p_ty)
                _push(p_queue[k], row, p_sink[k], w, ev_sink, ev_weight, ev_count, spill, spilled)
            else:
                queue[row, qcount[row]] = k
                qcount[row] += 1


@njit(cache=True, error_model="numpy")
def _advance_populations(n, h, pop_start, pop_end, pop_kind, pop_uniform, pop_adaptive, params, v,
                         w, syn, refrac, theta, i_ext, rng_state, flags):
    """Advance every population by one step and mark the cells that spiked in ``flags``."""
    for p in range(pop_start.size):
        a = pop_start[p]
        b = pop_end[p]
        kind = pop_kind[p]
        if kind == KIND_COND_EXP or kind == KIND_CURR_EXP or kind == KIND_CURR_DELTA:
            fire = not pop_adaptive[p]
            if kind == KIND_COND_EXP:
                update_cond_exp(a, b, pop_uniform[p], fire, v, syn, refrac, params, i_ext, flags)
                rows = (9, 10, 12)
            elif kind == KIND_CURR_EXP:
                update_curr_exp(a, b, pop_uniform[p], fire, v, syn, refrac, params, i_ext, flags)
                rows = (7, 8, 10)
            else:
                update_curr_delta(a, b, pop_uniform[p], fire, v, syn, refrac, params, i_ext, flags)
                rows = (7, 8, 10)
            if not fire:
                threshold_lif_adaptive(a, b, v, refrac, theta, params, rows[0], rows[1], rows[2],
                                       flags)
        elif kind == KIND_IZHIKEVICH:
            update_izhikevich(a, b, h, v, w, syn, params, i_ext)
            threshold_izhikevich(a, b, v, w, params, flags)
        elif kind == KIND_ADEX:
            update_adex(a, b, h, v, w, syn, refrac, params, i_ext, flags)
        elif kind == KIND_POISSON:
            for i in range(a, b):
                if params[1, i] <= n < params[2, i] and uniform(rng_state) < params[0, i]:
                    flags[i] = 1


@njit(cache=True, inline="always", error_model="numpy")
def _array_spikes(n, arr_step, arr_cell, arr_pos, spikes, n_spikes):
    """Append the spike-array spikes of step n (table sorted by step; a time listed twice
    gives two spikes, as NEST's spike_generator does)."""
    while arr_pos[0] < arr_step.size and arr_step[arr_pos[0]] < n:
        arr_pos[0] += 1
    while arr_pos[0] < arr_step.size and arr_step[arr_pos[0]] == n:
        spikes[n_spikes] = arr_cell[arr_pos[0]]
        n_spikes += 1
        arr_pos[0] += 1
    return n_spikes


@njit(cache=True, inline="always", error_model="numpy")
def _collect_spikes(flags, flag_words, spikes):
    """Ids of the cells marked in ``flags`` (ascending), clearing the marks; the byte
    array is scanned eight cells at a time through its uint64 view ``flag_words``."""
    n_spikes = 0
    for word in range(flag_words.size):
        if flag_words[word] != 0:
            for i in range(8 * word, 8 * word + 8):
                if flags[i]:
                    spikes[n_spikes] = i
                    n_spikes += 1
            flag_words[word] = 0
    return n_spikes


@njit(cache=True, error_model="numpy")
def _propagate_static(spikes, n_spikes, slot, n_slots, s_ptr, s_groups, s_sink, s_weight,
                      rq_start, rq_stop, rq_count, ev_sink, ev_weight, ev_count, spill, spilled):
    """Queue the inputs of this step's spikes: each (cell, delay, queue) group of static
    synapses is queued as one range of the synapse table, read once at delivery; when the
    range queue of a step is full the group's events are queued one by one instead."""
    n_groups = s_groups.shape[0]
    capacity = rq_start.shape[2]
    for s in range(n_spikes):
        first = spikes[s] * n_groups
        for g in range(n_groups):
            a = s_ptr[first + g]
            b = s_ptr[first + g + 1]
            if a == b:
                continue
            row = slot + s_groups[g, 0]
            row = row - n_slots if row >= n_slots else row
            q = s_groups[g, 1]
            c = rq_count[q, row]
            if c < capacity:
                rq_start[q, row, c] = a
                rq_stop[q, row, c] = b
                rq_count[q, row] = c + 1
            else:
                for k in range(a, b):
                    _push(q, row, s_sink[k], s_weight[k], ev_sink, ev_weight, ev_count, spill,
                          spilled)


@njit(cache=True, error_model="numpy")
def _deliver_ranges(q, row, syn_flat, s_sink, s_weight, rq_start, rq_stop, rq_count):
    """Add the static-synapse ranges queued for this step to the synaptic state."""
    starts = rq_start[q, row]
    stops = rq_stop[q, row]
    for j in range(rq_count[q, row]):
        for k in range(starts[j], stops[j]):
            syn_flat[s_sink[k]] += s_weight[k]
    rq_count[q, row] = 0


@njit(cache=True, error_model="numpy")
def _propagate_tm(spikes, n_spikes, n, slot, n_slots, h, t_ptr, t_sink, t_queue, t_weight, t_delay,
                  t_U, t_tau_rec, t_tau_facil, t_u, t_x, t_last, t_release,
                  ev_sink, ev_weight, ev_count, spill, spilled):
    """Tsodyks–Markram update at this step's presynaptic spikes, then queue weight·u·x."""
    for s in range(n_spikes):
        _tm_spike(spikes[s], n, slot, n_slots, h, t_ptr, t_sink, t_queue, t_weight, t_delay, t_U,
                  t_tau_rec, t_tau_facil, t_u, t_x, t_last, t_release,
                  ev_sink, ev_weight, ev_count, spill, spilled)


@njit(cache=True, inline="always", error_model="numpy")
def _tm_spike(cell, n, slot, n_slots, h, t_ptr, t_sink, t_queue, t_weight, t_delay, t_U,
              t_tau_rec, t_tau_facil, t_u, t_x, t_last, t_release,
              ev_sink, ev_weight, ev_count, spill, spilled):
    for k in range(t_ptr[cell], t_ptr[cell + 1]):
        if t_last[k] >= 0:
            interval = (n - t_last[k]) * h
            x = 1.0 + (t_x[k] - t_u[k] * t_x[k] - 1.0) * math.exp(-interval / t_tau_rec[k])
            facil = math.exp(-interval / t_tau_facil[k]) if t_tau_facil[k] > 0.0 else 0.0
            u = t_U[k] + t_u[k] * (1.0 - t_U[k]) * facil
        else:
            x = 1.0
            u = t_U[k]
        t_x[k] = x
        t_u[k] = u
        t_last[k] = n
        t_release[k] += u * x
        row = slot + t_delay[k]
        row = row - n_slots if row >= n_slots else row
        _push(t_queue[k], row, t_sink[k], t_weight[k] * u * x, ev_sink, ev_weight, ev_count,
              spill, spilled)


@njit(cache=True, error_model="numpy")
def _sample(n, probe_code, probe_cell, samples, sample_every, v, w, syn, theta):
    """Record the probed variables at the end of step n."""
    row = (n + 1) // sample_every
    for j in range(probe_code.size):
        samples[row, j] = probe_value(probe_code[j], probe_cell[j], v, w, syn, theta)


@njit(cache=True, error_model="numpy")
def _count_and_record(spikes, n_spikes, n, spike_counts, record_spikes, spk_step, spk_cell,
                      spk_count):
    """Count every spike per cell; append the recorded ones (step, cell) to the record."""
    for s in range(n_spikes):
        cell = spikes[s]
        spike_counts[cell] += 1
        if record_spikes[cell]:
            spk_step[spk_count[0]] = n
            spk_cell[spk_count[0]] = cell
            spk_count[0] += 1


@njit(cache=True, error_model="numpy")
def run_chunk(n0, n1, h, pop_start, pop_end, pop_kind, pop_uniform, pop_adaptive, params, v, w,
              syn, refrac, theta, i_ext, cur_step, cur_cell, cur_delta, cur_pos, arr_step, arr_cell,
              arr_pos, rng_state, spike_counts,
              s_ptr, s_groups, s_sink, s_weight, rq_start, rq_stop, rq_count,
              p_ptr, p_sink, p_queue, p_weight, p_delay, p_rule, p_in_ptr, p_in_syn, rules,
              p_x, p_tx, p_y, p_ty, queue, qcount, bp_queue, bp_count,
              t_ptr, t_sink, t_queue, t_weight, t_delay, t_U, t_tau_rec, t_tau_facil,
              t_u, t_x, t_last, t_release,
              ev_sink, ev_weight, ev_count, spill, spilled,
              record_spikes, spk_step, spk_cell, spk_count,
              probe_code, probe_cell, samples, sample_every, spikes, flags, flag_words):
    """Advance steps n0 … n1−1; return the first step not run (n1 unless the spike
    record buffer needs emptying first)."""
    n_slots = ev_count.shape[1]
    syn_flat = syn.reshape(-1)
    for n in range(n0, n1):
        if spk_count[0] + spikes.size > spk_step.size:
            return n
        slot = n % n_slots
        while cur_pos[0] < cur_step.size and cur_step[cur_pos[0]] <= n:
            i_ext[cur_cell[cur_pos[0]]] += cur_delta[cur_pos[0]]
            cur_pos[0] += 1
        # (each call is guarded: a call costs reference counting of its array arguments)
        if qcount[slot]:
            _arrive(n, slot, h, queue, qcount, p_sink, p_queue, p_weight, p_rule, rules,
                    p_x, p_tx, p_y, p_ty, ev_sink, ev_weight, ev_count, spill, spilled)
        if rq_count[BEFORE_UPDATE, slot]:
            _deliver_ranges(BEFORE_UPDATE, slot, syn_flat, s_sink, s_weight, rq_start, rq_stop,
                            rq_count)
        if ev_count[BEFORE_UPDATE, slot] or spilled[BEFORE_UPDATE, slot]:
            _deliver(BEFORE_UPDATE, slot, syn_flat, ev_sink, ev_weight, ev_count, spill, spilled)
        _advance_populations(n, h, pop_start, pop_end, pop_kind, pop_uniform, pop_adaptive, params,
                             v, w, syn, refrac, theta, i_ext, rng_state, flags)
        n_spikes = _collect_spikes(flags, flag_words, spikes)
        if arr_pos[0] < arr_step.size:
            n_spikes = _array_spikes(n, arr_step, arr_cell, arr_pos, spikes, n_spikes)
        if rq_count[AFTER_UPDATE, slot]:
            _deliver_ranges(AFTER_UPDATE, slot, syn_flat, s_sink, s_weight, rq_start, rq_stop,
                            rq_count)
        if ev_count[AFTER_UPDATE, slot] or spilled[AFTER_UPDATE, slot]:
            _deliver(AFTER_UPDATE, slot, syn_flat, ev_sink, ev_weight, ev_count, spill, spilled)
        if bp_count[slot]:
            _backpropagated(n, slot, h, bp_queue, bp_count, p_weight, p_rule, rules,
                            p_x, p_tx, p_y, p_ty)
        if probe_code.size and (n + 1) % sample_every == 0:
            _sample(n, probe_code, probe_cell, samples, sample_every, v, w, syn, theta)
        if n_spikes == 0:
            continue
        _count_and_record(spikes, n_spikes, n, spike_counts, record_spikes, spk_step, spk_cell,
                          spk_count)
        if p_sink.size:
            _plastic_spikes(spikes, n_spikes, n, slot, n_slots, h, p_ptr, p_sink, p_queue, p_weight,
                            p_delay, p_rule, p_in_ptr, p_in_syn, rules, p_x, p_tx, p_y, p_ty,
                            queue, qcount, bp_queue, bp_count, ev_sink, ev_weight, ev_count,
                            spill, spilled)
        _propagate_static(spikes, n_spikes, slot, n_slots, s_ptr, s_groups, s_sink, s_weight,
                          rq_start, rq_stop, rq_count, ev_sink, ev_weight, ev_count, spill,
                          spilled)
        if t_sink.size:
            _propagate_tm(spikes, n_spikes, n, slot, n_slots, h, t_ptr, t_sink, t_queue, t_weight,
                          t_delay, t_U, t_tau_rec, t_tau_facil, t_u, t_x, t_last, t_release,
                          ev_sink, ev_weight, ev_count, spill, spilled)
    return n1


@njit(cache=True, error_model="numpy")
def probe_value(code, cell, v, w, syn, theta):
    """Value of recordable variable ``code`` (see ``PROBE_CODES``) of ``cell``."""
    if code == 0:
        return v[cell]
    if code == 1:
        return syn[0, cell]
    if code == 2:
        return syn[1, cell]
    if code == 3:
        return w[cell]
    return theta[cell]
