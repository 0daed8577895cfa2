"""Reference runs of the same astrocyte protocols in NEST 3.10 and Brian2 2.9 (really run).

Used by the cross-simulator tests and experiments. The simulators are imported lazily;
a missing one raises :class:`neuromem.errors.BackendUnavailableError` naming the extra.
Everything returned is in neuromem units: ms, µM, nA. Brian2 runs use the runtime
``numpy`` code-generation target (no compiler needed).

Example
-------
>>> from neuromem.astro.reference_runs import nest_li_rinzel        # doctest: +SKIP
>>> ref = nest_li_rinzel(spike_times=[100.0], duration=1000.0)      # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import BackendUnavailableError
from .gchi import GChIParameters
from .li_rinzel import LiRinzelParameters, to_nest_parameters
from .protocols import FIGURE3_SPIKES
from .tsodyks_markram import TsodyksMarkramParameters


def _import(name: str, extra: str):
    try:
        return __import__(name)
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise BackendUnavailableError(f"{name} is not installed; install it with "
                                      f"`pip install neuromem[{extra}]`") from err


@dataclass
class ReferenceTraces:
    """Traces of a reference simulator: ``times`` (ms) and named arrays (T × cells),
    plus named event lists (times in ms, NEST-style: end of the step)."""

    times: np.ndarray
    traces: dict[str, np.ndarray]
    events: dict[str, np.ndarray] = field(default_factory=dict)


def nest_li_rinzel(spike_times: np.ndarray, duration: float, resolution: float = 0.1,
                   delay: float = 1.0, params: LiRinzelParameters | None = None,
                   sic_delay: float = 1.0) -> ReferenceTraces:
    """One NEST ``astrocyte_lr_1994`` driven by a ``spike_generator`` (weight 1, ``delay`` ms),
    with its SIC sent by ``sic_connection`` (weight 1, ``sic_delay`` ms) to an
    ``aeif_cond_alpha_astro``. Traces: IP3, Ca (µM), h, and the neuron's I_SIC (pA → nA),
    sampled every ``resolution`` ms. Spike arrival time at the astrocyte = emission + delay.
    """
    nest = _import("nest", "nest")
    params = params or LiRinzelParameters()
    nest.ResetKernel()
    nest.set(resolution=resolution, print_time=False)
    astro = nest.Create("astrocyte_lr_1994", params=to_nest_parameters(params))
    gen = nest.Create("spike_generator", params={"spike_times": np.round(np.asarray(spike_times, float), 6)})
    post = nest.Create("aeif_cond_alpha_astro")
    nest.Connect(gen, astro, syn_spec={"weight": 1.0, "delay": delay})
    nest.Connect(astro, post, syn_spec={"synapse_model": "sic_connection", "weight": 1.0, "delay": sic_delay})
    rec_a = nest.Create("multimeter", params={"record_from": ["IP3", "Ca_astro", "h_IP3R"],
                                              "interval": resolution})
    rec_n = nest.Create("multimeter", params={"record_from": ["I_SIC"], "interval": resolution})
    nest.Connect(rec_a, astro)
    nest.Connect(rec_n, post)
    nest.Simulate(float(duration))
    ea, en = rec_a.events, rec_n.events
    oa, on = np.argsort(ea["times"], kind="stable"), np.argsort(en["times"], kind="stable")
    return ReferenceTraces(np.asarray(ea["times"])[oa], {
        "IP3": np.asarray(ea["IP3"])[oa, None], "Ca": np.asarray(ea["Ca_astro"])[oa, None],
        "h": np.asarray(ea["h_IP3R"])[oa, None],
        "I_SIC_times": np.asarray(en["times"])[on, None],
        "I_SIC": np.asarray(en["I_SIC"])[on, None] * 1e-3})


def _brian2_namespace(b2, astro: GChIParameters, syn: TsodyksMarkramParameters | None) -> dict:
    """Parameter names → Brian2 quantities (µM, s)."""
    units = {"µM": b2.umolar, "µM/s": b2.umolar / b2.second, "1/s": 1 / b2.second,
             "1/(µM·s)": 1 / (b2.umolar * b2.second), "1": 1}
    ns = {k: v * units[astro.units[k]] for k, v in astro.describe().items()}
    if syn is not None:
        ns.update({k: v * units[syn.units[k]] for k, v in syn.describe().items()})
    return ns


_B2_ASTRO_EQS = """
dGamma_A/dt = O_N*Y_S*(1 - Gamma_A) - Omega_N*(1 + zeta*C/(C + K_KC))*Gamma_A : 1
dI/dt = J_beta + J_delta - J_3K - J_5P + J_ex : mmolar
J_beta = O_beta*Gamma_A : mmolar/second
J_delta = O_delta/(1 + I/kappa_delta)*C**2/(C**2 + K_delta**2) : mmolar/second
J_3K = O_3K*C**4/(C**4 + K_D**4)*I/(I + K_3K) : mmolar/second
J_5P = Omega_5P*I : mmolar/second
J_ex = -F_ex/2*(1 + tanh((abs(I - I_bias) - I_Theta)/omega_I))*sign(I - I_bias) : mmolar/second
dC/dt = (Omega_C*m_inf**3*hc**3 + Omega_L)*(C_T - (1 + rho_A)*C) - O_P*C**2/(C**2 + K_P**2) : mmolar
dh/dt = (h_inf - hc)/tau_h*(1 + noise*xi*tau_h**0.5) : 1
hc = clip(h, 0, 1) : 1
m_inf = I/(I + d_1)*C/(C + d_5) : 1
h_inf = Q_2/(Q_2 + C) : 1
tau_h = 1/(O_2*(Q_2 + C)) : second
Q_2 = d_2*(I + d_1)/(I + d_3) : mmolar
dx_A/dt = Omega_A*(1 - x_A) : 1
dG_A/dt = -Omega_e*G_A : mmolar
Y_S : mmolar
I_bias : mmolar (constant)
noise : 1 (constant)
"""


def _deterministic(equations: str) -> str:
    """The astrocyte equations without the h-noise term and its flag."""
    return equations.replace("*(1 + noise*xi*tau_h**0.5)", "").replace("noise : 1 (constant)\n", "")


def brian2_figure2(duration: float = 30_000.0) -> ReferenceTraces:
    """Stimberg et al. Fig. 2, deterministic astrocyte: a regular 0.5 Hz 'neuron'
    (dx/dt = 0.5 Hz, spike at x > 1, Euler) drives one synapse whose Y_S is sensed by a
    G-ChI astrocyte (example-2 parameters), dt 1 ms. The example integrates both of its
    astrocytes with Brian2's ``milstein``; for the deterministic one (noise 0) that
    scheme is x + dt·f(x) exactly, so this run drops the noise term and uses ``euler``
    (the same arithmetic, ~10× faster with the numpy target).
    Traces Gamma_A, I, C, h at times (k+1)·dt; event ``source`` holds the presynaptic
    spike times (ms, NEST-style)."""
    b2 = _import("brian2", "brian2")
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 1 * b2.ms
    ns = _brian2_namespace(b2, GChIParameters.stimberg_example(2),
                           TsodyksMarkramParameters(rho_c=0.001))
    ns["f_0"] = 0.5 * b2.Hz
    source = b2.NeuronGroup(1, "dx/dt = f_0 : 1", threshold="x>1", reset="x=0", method="euler",
                            namespace=ns)
    target = b2.NeuronGroup(1, "")
    synapse = b2.Synapses(source, target, "dY_S/dt = -Omega_c*Y_S : mmolar (clock-driven)",
                          on_pre="Y_S += rho_c*Y_T", method="exact", namespace=ns)
    synapse.connect()
    astro = b2.NeuronGroup(1, _deterministic(_B2_ASTRO_EQS), method="euler", namespace=ns)
    astro.h = 0.9
    sensing = b2.Synapses(synapse, astro, "Y_S_post = Y_S_pre : mmolar (summed)")
    sensing.connect()
    mon = b2.StateMonitor(astro, ["Gamma_A", "I", "C", "h"], record=True)
    spikes = b2.SpikeMonitor(source)
    net = b2.Network(source, target, synapse, astro, sensing, mon, spikes)
    net.run(duration * b2.ms, namespace=ns)
    dt = 1.0
    # the monitor samples at the start of each step, i.e. the state after step k−1
    times = np.asarray(mon.t / b2.ms)[1:]
    traces = {"Gamma_A": np.asarray(mon.Gamma_A).T[1:], "I": np.asarray(mon.I / b2.umolar).T[1:],
              "C": np.asarray(mon.C / b2.umolar).T[1:], "h": np.asarray(mon.h).T[1:]}
    return ReferenceTraces(times, traces, {"source": np.asarray(spikes.t / b2.ms) + dt})


def brian2_figure3(transient: float = 16_500.0, after: float = 600.0) -> ReferenceTraces:
    """Stimberg et al. Fig. 3: three synapses (none / open-loop astrocyte with I_bias
    0.8 µM / with 1.25 µM), example-3 parameters, RK4 astrocytes, dt 1 ms. Traces C, G_A
    (astrocytes) and u_S, x_S, r_S, Y_S (synapses); event ``release`` = gliotransmitter
    release times (ms, NEST-style), ``release_astrocyte`` their astrocyte."""
    b2 = _import("brian2", "brian2")
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 1 * b2.ms
    ns = _brian2_namespace(b2, GChIParameters.stimberg_example(3), TsodyksMarkramParameters())
    times = (FIGURE3_SPIKES + transient) * b2.ms
    source = b2.SpikeGeneratorGroup(1, np.zeros(times.size, dtype=int), times)
    target = b2.NeuronGroup(1, "")
    syn_eqs = """
    dY_S/dt = -Omega_c*Y_S : mmolar (clock-driven)
    dGamma_S/dt = O_G*G_A*(1 - Gamma_S) - Omega_G*Gamma_S : 1 (clock-driven)
    du_S/dt = -Omega_f*u_S : 1 (clock-driven)
    dx_S/dt = Omega_d*(1 - x_S) : 1 (clock-driven)
    r_S : 1
    G_A : mmolar
    """
    on_pre = """
    U_0 = (1 - Gamma_S)*U_0_star + alpha*Gamma_S
    u_S += U_0*(1 - u_S)
    r_S = u_S*x_S
    x_S -= r_S
    Y_S += rho_c*Y_T*r_S
    """
    synapses = b2.Synapses(source, target, syn_eqs, on_pre=on_pre, method="exact", namespace=ns)
    synapses.connect(True, n=3)
    astro = b2.NeuronGroup(2, _deterministic(_B2_ASTRO_EQS),
                           threshold="C>C_Theta", refractory="C>C_Theta",
                           reset="G_A += rho_e*G_T*U_A*x_A\nx_A -= U_A*x_A", method="rk4", namespace=ns)
    astro.x_A = 1.0
    astro.h = 0.9
    astro.I = 0.4 * b2.umolar
    astro.I_bias = np.array([0.8, 1.25]) * b2.umolar
    glio = b2.Synapses(astro, synapses, "G_A_post = G_A_pre : mmolar (summed)")
    glio.connect(j="i+1")
    syn_mon = b2.StateMonitor(synapses, ["u_S", "x_S", "r_S", "Y_S"], record=[0, 1, 2])
    ast_mon = b2.StateMonitor(astro, ["C", "G_A"], record=True)
    releases = b2.SpikeMonitor(astro)
    net = b2.Network(source, target, synapses, astro, glio, syn_mon, ast_mon, releases)
    net.run((transient + after) * b2.ms, namespace=ns)
    t = np.asarray(ast_mon.t / b2.ms)[1:]
    traces = {"C": np.asarray(ast_mon.C / b2.umolar).T[1:], "G_A": np.asarray(ast_mon.G_A / b2.umolar).T[1:],
              "u_S": np.asarray(syn_mon.u_S).T[1:], "x_S": np.asarray(syn_mon.x_S).T[1:],
              "r_S": np.asarray(syn_mon.r_S).T[1:], "Y_S": np.asarray(syn_mon.Y_S / b2.umolar).T[1:]}
    return ReferenceTraces(t, traces, {"release": np.asarray(releases.t / b2.ms) + 1.0,
                                       "release_astrocyte": np.asarray(releases.i, dtype=np.int64)})
