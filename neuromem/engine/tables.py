"""Synapse tables of the engine: static, plastic (STDP) and short-term plastic (TM).

All three are pre-major so a spike touches one contiguous block per table:

* static synapses are grouped by (pre cell, delay, delivery queue); a spike appends
  each group to the event queue as one contiguous copy (see :mod:`.kernel`);
* plastic synapses form a CSR table by pre cell plus a post-major index (for
  potentiation at post spikes) and a row per rule in ``rules``;
* Tsodyks–Markram synapses form a CSR table by pre cell with per-synapse u, x.

Weights are stored as magnitudes; the receptor (0 excitatory, 1 inhibitory) chooses
the row of the synaptic state they add to: ``sink = receptor·n + post``. The delivery
queue is 0 for voltage-jump targets (input added before the membrane update) and 1
otherwise (after it). ``projection_index`` maps each projection label to where its
connections live, in the order of :func:`~neuromem.engine.build.realise_connections`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..cells import IF_curr_delta, IF_curr_exp, Izhikevich
from ..errors import ModelError
from ..synapses import PrePostIncrementRule, STDPMechanism, TsodyksMarkramSynapse

VOLTAGE_JUMP_MODELS = (IF_curr_delta, Izhikevich)
RULE_COLUMNS = ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max",
                "multiplicative", "increment_pre", "increment_post", "rate", "dendritic")


@dataclass
class ProjectionIndex:
    """Where a projection's synapses live: ``table`` ("static", "plastic" or "tm") and the
    position of each connection in that table's arrays; ``pre``/``post`` are local indices."""

    table: str
    positions: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    rule: int = -1


def synapse_tables(network, connections, offset: dict, n: int, h: float) -> dict:
    """All synapse arrays of the engine model plus ``projection_index`` and ``n_slots``."""
    parts: dict[str, list[dict]] = {"static": [], "plastic": [], "tm": []}
    rules: list[list[float]] = []
    max_delay = 1
    for k, (proj, conn) in enumerate(zip(network.projections, connections)):
        receptor = 0 if proj.receptor_type == "excitatory" else 1
        _check_signs(proj, conn.weight, receptor)
        delay = _steps(conn.delay, h, f"projections.{proj.label}.delay")
        if delay.size:
            max_delay = max(max_delay, int(delay.max()))
        size = conn.pre.size
        columns = {
            "pre": conn.pre + offset[id(proj.pre.parent)],
            "sink": receptor * n + conn.post + offset[id(proj.post.parent)],
            "weight": np.abs(conn.weight).astype(float),
            "delay": delay.astype(np.int64),
            "queue": np.full(size, _delivery_queue(network, proj.post.cell_type)),
            "projection": np.full(size, k), "local_pre": conn.pre, "local_post": conn.post,
        }
        syn = proj.synapse_type
        if isinstance(syn, STDPMechanism):
            rules.append(_rule_row(syn))
            columns["rule"] = np.full(size, len(rules) - 1)
            parts["plastic"].append(columns)
        elif isinstance(syn, TsodyksMarkramSynapse):
            columns.update(U=np.full(size, syn.U), tau_rec=np.full(size, syn.tau_rec),
                           tau_facil=np.full(size, syn.tau_facil))
            parts["tm"].append(columns)
        else:
            parts["static"].append(columns)

    index: dict[str, ProjectionIndex] = {}
    static = _static(parts["static"], n, index, network)
    plastic = _plastic(parts["plastic"], n, index, network)
    tm = _tm(parts["tm"], n, index, network)
    rule_table = np.array(rules, dtype=float).reshape(-1, len(RULE_COLUMNS))
    return dict(n_slots=max_delay + 1, rules=rule_table, projection_index=index,
                **static, **plastic, **tm)


def _delivery_queue(network, cell) -> int:
    """0: input added before the membrane update (voltage jumps; IF_curr_exp under the
    SpiNNaker scheme), 1: after it."""
    if type(cell) in VOLTAGE_JUMP_MODELS:
        return 0
    if network.scheme == "spinnaker" and type(cell) is IF_curr_exp:
        return 0
    return 1


def _rule_row(syn: STDPMechanism) -> list[float]:
    td, wd = syn.timing_dependence, syn.weight_dependence
    dendritic = syn.dendritic_delay_fraction
    if isinstance(td, PrePostIncrementRule):
        return [1.0, 1.0, 0.0, 0.0, wd.w_min, wd.w_max, 0.0, td.increment_pre, td.increment_post,
                1.0, dendritic]
    return [td.tau_plus, td.tau_minus, td.A_plus, td.A_minus, wd.w_min, wd.w_max,
            1.0 if wd.multiplicative else 0.0, 0.0, 0.0, 1.0, dendritic]


def _concat(parts: list[dict], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    if not parts:
        return {name: (np.zeros(0) if name in ("weight", "U", "tau_rec", "tau_facil")
                       else np.zeros(0, dtype=np.int64)) for name in names}
    return {name: np.concatenate([p[name] for p in parts]) for name in names}


_COMMON = ("pre", "sink", "weight", "delay", "queue", "projection", "local_pre", "local_post")


def _register(index: dict, table: str, cols: dict, order: np.ndarray, network) -> None:
    """Record, per projection, the table positions of its connections (realise order)."""
    position = np.empty(order.size, dtype=np.int64)
    position[order] = np.arange(order.size)
    for k in np.unique(cols["projection"]):
        mine = np.nonzero(cols["projection"] == k)[0]
        rule = int(cols["rule"][mine[0]]) if "rule" in cols and mine.size else -1
        index[network.projections[k].label] = ProjectionIndex(
            table, position[mine], cols["local_pre"][mine].astype(np.int64),
            cols["local_post"][mine].astype(np.int64), rule)


def _static(parts: list[dict], n: int, index: dict, network) -> dict:
    cols = _concat(parts, _COMMON)
    codes, group = np.unique(2 * cols["delay"].astype(np.int64) + cols["queue"], return_inverse=True)
    groups = np.stack([codes // 2, codes % 2], axis=1) if codes.size else np.array([[1, 1]])
    key = cols["pre"].astype(np.int64) * groups.shape[0] + group.ravel()
    order = np.argsort(key, kind="stable")
    _register(index, "static", cols, order, network)
    return dict(
        s_ptr=np.searchsorted(key[order], np.arange(n * groups.shape[0] + 1)).astype(np.int64),
        s_groups=np.ascontiguousarray(groups, dtype=np.int64),
        s_sink=cols["sink"][order].astype(np.int64),
        s_weight=cols["weight"][order].astype(np.float64),
    )


def _by_pre(cols: dict[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(cols["pre"], kind="stable")
    ptr = np.searchsorted(cols["pre"][order], np.arange(n + 1)).astype(np.int64)
    return order, ptr


def _plastic(parts: list[dict], n: int, index: dict, network) -> dict:
    cols = _concat(parts, _COMMON + ("rule",))
    order, ptr = _by_pre(cols, n)
    _register(index, "plastic", cols, order, network)
    post = (cols["sink"][order] % n).astype(np.int64)
    by_post = np.argsort(post, kind="stable")
    return dict(
        p_ptr=ptr, p_sink=cols["sink"][order].astype(np.int64),
        p_queue=cols["queue"][order].astype(np.int64), p_weight=cols["weight"][order].astype(float),
        p_delay=cols["delay"][order].astype(np.int64), p_rule=cols["rule"][order].astype(np.int64),
        p_in_ptr=np.searchsorted(post[by_post], np.arange(n + 1)).astype(np.int64),
        p_in_syn=by_post.astype(np.int64),
    )


def _tm(parts: list[dict], n: int, index: dict, network) -> dict:
    cols = _concat(parts, _COMMON + ("U", "tau_rec", "tau_facil"))
    order, ptr = _by_pre(cols, n)
    _register(index, "tm", cols, order, network)
    return dict(
        t_ptr=ptr, t_sink=cols["sink"][order].astype(np.int64),
        t_queue=cols["queue"][order].astype(np.int64), t_weight=cols["weight"][order].astype(float),
        t_delay=cols["delay"][order].astype(np.int64), t_U=cols["U"][order].astype(float),
        t_tau_rec=cols["tau_rec"][order].astype(float),
        t_tau_facil=cols["tau_facil"][order].astype(float),
    )


def _steps(delays: np.ndarray, h: float, what: str) -> np.ndarray:
    steps = np.round(delays / h)
    bad = (np.abs(steps * h - delays) > 1e-9 * np.maximum(1.0, np.abs(delays))) | (steps < 1)
    if np.any(bad):
        value = float(delays[np.argmax(bad)])
        lower = max(np.floor(value / h), 1) * h
        raise ModelError(f"{what}: delay {value!r} ms is not a whole multiple (>= 1) of dt = {h} ms; "
                         f"use e.g. {lower:g} or {lower + h:g} ms")
    return steps.astype(np.int64)


def _check_signs(proj, weight: np.ndarray, receptor: int) -> None:
    if weight.size == 0 or weight.min() >= 0:
        return
    cell = proj.post.cell_type
    if receptor == 0 or cell.conductance_based:
        unit = "µS" if cell.conductance_based else "nA/mV"
        raise ModelError(
            f"projections.{proj.label}.weight: negative weight {weight.min():g} {unit} on a "
            f"{proj.receptor_type} {cell.name} synapse; weights must be >= 0 there "
            "(inhibition is chosen with receptor_type='inhibitory')")
