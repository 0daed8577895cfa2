"""Published parameters of the CA3 content-addressable memory (Casanueva-Morato et al.).

Every number here is a fact of the published model (official code, commit 08b415b,
``config/network_config.json``); units are PyNN's (mV, ms, nF, nA).

* Eight memory populations of ``IF_curr_exp`` cells: "slow" cells (cm 0.27 nF,
  tau_m 3 ms) and "fast" cells (cm 0.14 nF, tau_m 0.5 ms), all with v_rest = v_reset
  = −60 mV, v_thresh −57 mV, tau_refrac 1 ms, tau_syn_E = tau_syn_I = 0.3 ms. The
  output layer of the published test script uses slow cells with v_thresh −57.5 mV.
* The connection table :data:`CONNECTIONS`; delays are whole milliseconds and carry
  the logic (signals travelling routes of different length meet in the same tick).
* Two plastic projections (cue→content and content→cue): additive pair STDP,
  tau± = 3 ms, weights in [0, 6] nA, initial weight 0, delay 1 ms.

STDP amplitude. The published script passes ``A_plus = A_minus = 6`` with
``w_max = 6`` to sPyNNaker. Replaying the published golden traces (all three
experiments of the official repository, every population, every tick) with
SpiNNaker's update order matches spike for spike only with a jump of 6 nA per
pre/post pair (6·e^{−Δt/3}); 36 nA jumps (A·w_max) do not match. In neuromem's (and
PyNN's) additive convention the jump is ``A·w_max``, so the faithful value is
:data:`STDP_A` = 1.0 (6 nA per pairing, still saturating in one learning operation).

Example
-------
>>> POPULATIONS[0].label, POPULATIONS[0].size(5, 10)
('cueCue', 5)
>>> round(STDP_A * STDP_W_MAX, 3)
6.0
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

DT_MS = 1.0

COMMON = {"v_rest": -60.0, "v_reset": -60.0, "v_thresh": -57.0, "tau_refrac": 1.0,
          "tau_syn_E": 0.3, "tau_syn_I": 0.3, "i_offset": 0.0}
SLOW = {**COMMON, "cm": 0.27, "tau_m": 3.0}
FAST = {**COMMON, "cm": 0.14, "tau_m": 0.5}
OUTPUT = {**SLOW, "v_thresh": -57.5}
V_INIT = -60.0

STDP_TAU = 3.0       # ms, tau_plus = tau_minus
STDP_W_MIN = 0.0     # nA
STDP_W_MAX = 6.0     # nA
STDP_A = 1.0         # dimensionless; jump per pairing = STDP_A * STDP_W_MAX nA (see module doc)


@dataclass(frozen=True)
class PopulationSpec:
    """One population: label, size as a function of (cues C, content bits M), parameters."""

    label: str
    size: Callable[[int, int], int]
    parameters: dict
    role: str


POPULATIONS: tuple[PopulationSpec, ...] = (
    PopulationSpec("cueCue", lambda c, m: c, SLOW, "cue neurons driven by the input cue"),
    PopulationSpec("cueCont", lambda c, m: c, FAST, "cue neurons driven by stored content"),
    PopulationSpec("contCue", lambda c, m: m, SLOW, "content neurons driven by the cue (recall)"),
    PopulationSpec("contCont", lambda c, m: m, SLOW, "content neurons relayed from contCond"),
    PopulationSpec("contCond", lambda c, m: m, FAST, "content relay, vetoed during recall by cue"),
    PopulationSpec("contCondInt", lambda c, m: 1, FAST, "interneuron: shared weak drive of contCond"),
    PopulationSpec("mergeCue", lambda c, m: c, SLOW, "OR of the two cue paths"),
    PopulationSpec("mergeCont", lambda c, m: m, SLOW, "OR of the two content paths"),
)
INPUT_LABEL = "IL"    # SpikeSourceArray, C + M cells: cues first, then content bits
OUTPUT_LABEL = "OL"   # IF_curr_exp (OUTPUT parameters), C + M cells, same order


@dataclass(frozen=True)
class ConnectionSpec:
    """One projection of the table. ``pattern``: 'one_to_one', 'all_to_all' or
    'all_but_same_index' (every pair i≠j, also across two populations); ``weight``
    in nA as a function of (C, M); ``delay`` in ms; ``receptor`` 'excitatory',
    'inhibitory' or 'stdp' (excitatory and plastic). ``pre_slice``/``post_slice``
    select the cue part ('cue') or content part ('content') of IL/OL."""

    pre: str
    post: str
    pattern: str
    weight: Callable[[int, int], float]
    delay: float
    receptor: str
    pre_slice: str | None = None
    post_slice: str | None = None


def _w(value: float) -> Callable[[int, int], float]:
    return lambda c, m: value


CONNECTIONS: tuple[ConnectionSpec, ...] = (
    ConnectionSpec("IL", "cueCue", "one_to_one", _w(6.0), 1.0, "excitatory", pre_slice="cue"),
    ConnectionSpec("IL", "contCue", "one_to_one", _w(6.0), 1.0, "excitatory", pre_slice="content"),
    ConnectionSpec("cueCue", "cueCont", "one_to_one", _w(6.0), 2.0, "excitatory"),
    ConnectionSpec("cueCue", "cueCont", "all_but_same_index", lambda c, m: 6.0 * m, 3.0, "inhibitory"),
    ConnectionSpec("cueCue", "contCond", "all_to_all", _w(6.0), 2.0, "inhibitory"),
    ConnectionSpec("contCue", "contCond", "one_to_one", _w(9.0), 1.0, "excitatory"),
    ConnectionSpec("contCue", "contCondInt", "all_to_all", _w(6.0), 1.0, "excitatory"),
    ConnectionSpec("contCondInt", "contCond", "all_to_all", _w(2.0), 1.0, "excitatory"),
    ConnectionSpec("contCond", "contCont", "one_to_one", _w(6.0), 1.0, "excitatory"),
    ConnectionSpec("cueCue", "contCue", "all_to_all", _w(0.0), 1.0, "stdp"),
    ConnectionSpec("contCont", "cueCont", "all_to_all", _w(0.0), 1.0, "stdp"),
    ConnectionSpec("cueCont", "cueCont", "all_but_same_index", lambda c, m: 6.0 * m, 2.0, "inhibitory"),
    ConnectionSpec("cueCue", "mergeCue", "one_to_one", _w(6.0), 3.0, "excitatory"),
    ConnectionSpec("cueCont", "mergeCue", "one_to_one", _w(6.0), 1.0, "excitatory"),
    ConnectionSpec("contCue", "mergeCont", "one_to_one", _w(6.0), 3.0, "excitatory"),
    ConnectionSpec("contCont", "mergeCont", "one_to_one", _w(6.0), 1.0, "excitatory"),
    ConnectionSpec("mergeCue", "OL", "one_to_one", _w(6.0), 1.0, "excitatory", post_slice="cue"),
    ConnectionSpec("mergeCont", "OL", "one_to_one", _w(6.0), 1.0, "excitatory", post_slice="content"),
)
CUE_TO_CONTENT = "cueCue->contCue"     # label of the plastic cue→content projection
CONTENT_TO_CUE = "contCont->cueCont"   # label of the plastic content→cue projection


def memory_neuron_count(cues: int, content_bits: int) -> int:
    """Neurons of the memory proper (without IL/OL): 3C + 4M + 1."""
    return 3 * cues + 4 * content_bits + 1


def synapse_count(cues: int, content_bits: int) -> int:
    """Synapses including IL→memory and memory→OL: 3CM + 2C(C−1) + 5C + 8M (2CM plastic)."""
    c, m = cues, content_bits
    return 3 * c * m + 2 * c * (c - 1) + 5 * c + 8 * m
