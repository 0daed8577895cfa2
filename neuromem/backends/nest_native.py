"""neuromem ↔ NEST-native names and units for the cell types NEST runs.

NEST uses pF, pA and nS where PyNN and neuromem use nF, nA and µS:
capacitance ×1000 (nF → pF), currents ×1000 (nA → pA), conductances ×1000
(µS → nS); times (ms) and voltages (mV) are unchanged. ``tau_m`` of
conductance-based models becomes a leak conductance ``g_L = 1000·cm/tau_m`` nS.

The PyNN NEST back end uses these tables where it talks to NEST directly:

* :func:`apply_state` sets every cell's initial state on the NEST nodes. PyNN 0.13
  cannot set ``v`` of ``IF_curr_delta`` (``iaf_psc_delta`` then starts at NEST's
  −70 mV instead of the cell's value), so the back end sets the state itself.
* :func:`check_parameters` reads the parameters back from NEST after PyNN built the
  population and refuses a mismatch, so a translation error cannot pass silently.

Example
-------
>>> to_nest("IF_cond_exp", {"cm": 0.2, "tau_m": 20.0, "i_offset": 0.2})
{'C_m': 200.0, 'g_L': 10.0, 'I_e': 200.0}
>>> state_to_nest("IF_cond_exp", {"v": -60.0, "gsyn_exc": 0.006})
{'V_m': -60.0, 'g_ex': 6.0}
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import NeuromemError, UnsupportedFeatureError

NEST_MODELS = {"IF_curr_exp": "iaf_psc_exp", "IF_cond_exp": "iaf_cond_exp",
               "IF_curr_delta": "iaf_psc_delta", "Izhikevich": "izhikevich",
               "EIF_cond_exp_isfa_ista": "aeif_cond_exp"}
# The precise-timing models PyNN 0.13 uses with spike_precision="off_grid" (same
# parameter and state names); every other cell type keeps its grid-constrained model.
NEST_PRECISE_MODELS = {"IF_curr_exp": "iaf_psc_exp_ps", "IF_curr_delta": "iaf_psc_delta_ps"}

_LIF = {"tau_refrac": ("t_ref", 1.0), "v_reset": ("V_reset", 1.0), "v_rest": ("E_L", 1.0),
        "v_thresh": ("V_th", 1.0), "i_offset": ("I_e", 1000.0), "cm": ("C_m", 1000.0)}
_SYN = {"tau_syn_E": ("tau_syn_ex", 1.0), "tau_syn_I": ("tau_syn_in", 1.0)}
_REV = {"e_rev_E": ("E_ex", 1.0), "e_rev_I": ("E_in", 1.0)}
# neuromem parameter -> (NEST name, factor); tau_m of conductance models is handled apart
PARAMETERS: dict[str, dict[str, tuple[str, float]]] = {
    "IF_curr_exp": {**_LIF, **_SYN, "tau_m": ("tau_m", 1.0)},
    "IF_curr_delta": {**_LIF, "tau_m": ("tau_m", 1.0)},
    "IF_cond_exp": {**_LIF, **_SYN, **_REV},
    "Izhikevich": {"a": ("a", 1.0), "b": ("b", 1.0), "c": ("c", 1.0), "d": ("d", 1.0),
                   "i_offset": ("I_e", 1000.0)},
    "EIF_cond_exp_isfa_ista": {**_LIF, **_SYN, **_REV, "v_spike": ("V_peak", 1.0),
                               "a": ("a", 1.0), "b": ("b", 1000.0), "delta_T": ("Delta_T", 1.0),
                               "tau_w": ("tau_w", 1.0)},
}
# neuromem state variable -> (NEST name, factor). NEST 3.10 does not let the synaptic
# currents of iaf_psc_exp be set, so isyn_exc/isyn_inh can only start at 0 there.
STATE: dict[str, dict[str, tuple[str, float]]] = {
    "IF_curr_exp": {"v": ("V_m", 1.0)},
    "IF_curr_delta": {"v": ("V_m", 1.0)},
    "IF_cond_exp": {"v": ("V_m", 1.0), "gsyn_exc": ("g_ex", 1000.0), "gsyn_inh": ("g_in", 1000.0)},
    "Izhikevich": {"v": ("V_m", 1.0), "u": ("U_m", 1.0)},
    "EIF_cond_exp_isfa_ista": {"v": ("V_m", 1.0), "w": ("w", 1000.0), "gsyn_exc": ("g_ex", 1000.0),
                               "gsyn_inh": ("g_in", 1000.0)},
}
_CONDUCTANCE_LEAK = ("IF_cond_exp", "EIF_cond_exp_isfa_ista")


def to_nest(cell: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """neuromem parameters (nF, nA, µS, ms, mV) → NEST names and units (pF, pA, nS, ms, mV)."""
    table = PARAMETERS[cell]
    out = {}
    for name, value in parameters.items():
        if name == "tau_m" and cell in _CONDUCTANCE_LEAK:
            out["g_L"] = 1000.0 * np.asarray(parameters["cm"]) / np.asarray(value)
        else:
            nest_name, factor = table[name]
            out[nest_name] = factor * np.asarray(value)
    return {k: (float(v) if np.ndim(v) == 0 else v) for k, v in out.items()}


def state_to_nest(cell: str, values: dict[str, Any]) -> dict[str, Any]:
    """neuromem state (mV, nA, µS) → NEST state names and units (mV, pA, nS)."""
    out = {}
    for name, value in values.items():
        if name not in STATE[cell]:
            if np.any(np.asarray(value) != 0):
                raise UnsupportedFeatureError(f"{cell}: NEST cannot start {name} at a nonzero value; "
                                              f"settable state: {sorted(STATE[cell])}")
            continue
        nest_name, factor = STATE[cell][name]
        out[nest_name] = factor * np.asarray(value, dtype=float)
    return {k: (float(v) if np.ndim(v) == 0 else v) for k, v in out.items()}


def apply_state(nodes: Any, cell: str, values: dict[str, np.ndarray]) -> None:
    """Set the per-cell state ``values`` (neuromem names and units) on NEST ``nodes``."""
    for name, value in state_to_nest(cell, values).items():
        nodes.set({name: np.broadcast_to(value, (len(nodes),)).tolist()})


def check_parameters(nodes: Any, cell: str, parameters: dict[str, Any]) -> None:
    """Raise if the NEST ``nodes`` do not hold ``parameters`` (neuromem units) after conversion."""
    expected = to_nest(cell, parameters)
    held = nodes.get(list(expected))
    wrong = []
    for name, value in expected.items():
        got = np.asarray(held[name], dtype=float)
        if not np.allclose(got, value, rtol=1e-9, atol=1e-12):
            wrong.append(f"{name}: NEST holds {np.ravel(got)[:3].tolist()}, expected "
                         f"{np.ravel(value)[:3].tolist()}")
    if wrong:
        model = nodes[0].get("model")
        raise NeuromemError(f"{cell} on NEST ({model}) was built with wrong parameters: "
                            + "; ".join(wrong))
