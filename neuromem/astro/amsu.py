"""AM-SU, the astrocyte-modulated spiking unit — neuromem's formulation (numba kernel).

The equations of arXiv:2312.07625 (AstroSNN) could not be obtained; this unit is
derived by neuromem from the tripartite-synapse models in this package and is *not*
the paper's model. Discrete time, step dt (ms); units are dimensionless (input x in
units of the threshold θ), time constants in ms::

    β = exp(−dt/τ_m),  γ = exp(−dt/τ_a)
    a_t = γ·a_{t−1} + (1 − γ)·m_{t−1}         astrocyte trace (IP3/Γ_A-like): m = mean spike of
                                             the astrocyte's domain of units at the previous step
    c_t = a_t² / (a_t² + K²)                 Ca-like activation (Hill, n = 2; cf. the C_Θ threshold)
    v_t = β·v_{t−1} + (1 + κ_g·c_t)·x_t + κ_s·c_t − θ·s_{t−1}
    s_t = H(v_t − θ)

κ_g is the gliotransmitter gain on the synaptic input (from U_0 = (1 − Γ_S)·U_0* + α·Γ_S,
i.e. κ_g = α/U_0* − 1 with Γ_S ≈ c: negative = release-decreasing, positive =
release-increasing); κ_s is the slow inward current (Li–Rinzel SIC) onto the membrane.
With κ_g = κ_s = 0 the update is, operation for operation, the LIF unit
``v_t = β·v_{t−1} + x_t − θ·s_{t−1}`` (reset by subtraction), so outputs are identical.

Example
-------
>>> import numpy as np
>>> from neuromem.astro.amsu import AMSUParameters, run_amsu, run_lif
>>> x = np.random.default_rng(0).uniform(0, 0.5, (100, 4))
>>> out = run_amsu(x, AMSUParameters(kappa_gain=0.0, kappa_sic=0.0), domain=np.array([0, 0, 1, 1]))
>>> bool(np.array_equal(out.spikes, run_lif(x, AMSUParameters()).spikes))
True
"""
from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
from numba import njit

from ..errors import ModelError
from .parameters import ParameterTable


@dataclasses.dataclass(frozen=True)
class AMSUParameters(ParameterTable):
    """AM-SU parameters.

    ==========  =======  =====  ===========================================
    name        default  unit   meaning
    ==========  =======  =====  ===========================================
    dt          1.0      ms     step
    tau_m       20.0     ms     membrane time constant
    tau_a       1000.0   ms     astrocyte trace time constant (slow)
    K           0.1      1      half-activation of c (in mean spikes/step)
    kappa_gain  −0.5     1      gliotransmitter gain coupling κ_g
    kappa_sic   0.2      θ      slow-inward-current coupling κ_s
    threshold   1.0      1      firing threshold θ
    ==========  =======  =====  ===========================================
    """

    dt: float = 1.0
    tau_m: float = 20.0
    tau_a: float = 1000.0
    K: float = 0.1
    kappa_gain: float = -0.5
    kappa_sic: float = 0.2
    threshold: float = 1.0

    units: ClassVar[dict[str, str]] = {"dt": "ms", "tau_m": "ms", "tau_a": "ms", "K": "1",
                                       "kappa_gain": "1", "kappa_sic": "threshold units", "threshold": "1"}
    positive: ClassVar[tuple[str, ...]] = ("dt", "tau_m", "tau_a", "K", "threshold")
    signed: ClassVar[tuple[str, ...]] = ("kappa_gain", "kappa_sic")

    @property
    def beta(self) -> float:
        """Membrane decay per step, exp(−dt/τ_m)."""
        return float(np.exp(-self.dt / self.tau_m))

    @property
    def gamma(self) -> float:
        """Astrocyte trace decay per step, exp(−dt/τ_a)."""
        return float(np.exp(-self.dt / self.tau_a))


@dataclasses.dataclass
class AMSURun:
    """``spikes`` (T × N, bool), ``v`` (T × N, threshold units), ``activation`` c (T × A)."""

    spikes: np.ndarray
    v: np.ndarray
    activation: np.ndarray


@njit(cache=True)
def _lif_kernel(x: np.ndarray, beta: float, theta: float, spikes: np.ndarray, v_out: np.ndarray) -> None:
    n = x.shape[1]
    v = np.zeros(n)
    s = np.zeros(n)
    for t in range(x.shape[0]):
        for i in range(n):
            v[i] = beta * v[i] + x[t, i] - theta * s[i]
            s[i] = 1.0 if v[i] - theta >= 0.0 else 0.0
            v_out[t, i] = v[i]
            spikes[t, i] = s[i] > 0.0


@njit(cache=True)
def _amsu_kernel(x: np.ndarray, beta: float, gamma: float, k: float, kg: float, ks: float, theta: float,
                 domain: np.ndarray, n_astro: int, spikes: np.ndarray, v_out: np.ndarray,
                 c_out: np.ndarray) -> None:
    n = x.shape[1]
    v = np.zeros(n)
    s = np.zeros(n)
    a = np.zeros(n_astro)
    c = np.zeros(n_astro)
    mean_s = np.zeros(n_astro)
    count = np.zeros(n_astro)
    for i in range(n):
        count[domain[i]] += 1.0
    for t in range(x.shape[0]):
        mean_s[:] = 0.0
        for i in range(n):
            mean_s[domain[i]] += s[i]
        for j in range(n_astro):
            a[j] = gamma * a[j] + (1.0 - gamma) * (mean_s[j] / count[j])
            c[j] = a[j] * a[j] / (a[j] * a[j] + k * k)
            c_out[t, j] = c[j]
        for i in range(n):
            cj = c[domain[i]]
            v[i] = beta * v[i] + (1.0 + kg * cj) * x[t, i] + ks * cj - theta * s[i]
            s[i] = 1.0 if v[i] - theta >= 0.0 else 0.0
            v_out[t, i] = v[i]
            spikes[t, i] = s[i] > 0.0


def _check_input(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ModelError(f"AM-SU input: expected a T × N array (threshold units), got shape {x.shape}")
    return x


def run_lif(x: np.ndarray, params: AMSUParameters) -> AMSURun:
    """The plain LIF unit (β, θ of ``params``) on input ``x`` (T × N)."""
    x = _check_input(x)
    spikes = np.zeros(x.shape, dtype=np.bool_)
    v = np.zeros(x.shape)
    _lif_kernel(x, params.beta, params.threshold, spikes, v)
    return AMSURun(spikes, v, np.zeros((x.shape[0], 0)))


def run_amsu(x: np.ndarray, params: AMSUParameters, domain: np.ndarray | None = None) -> AMSURun:
    """AM-SU units on input ``x`` (T × N); ``domain[i]`` is unit i's astrocyte (default: one
    astrocyte per unit)."""
    x = _check_input(x)
    n = x.shape[1]
    domain = np.arange(n) if domain is None else np.asarray(domain, dtype=np.int64)
    if domain.shape != (n,) or (n and domain.min() < 0):
        raise ModelError(f"run_amsu.domain: expected {n} non-negative astrocyte indices, got {domain!r}")
    n_astro = int(domain.max()) + 1 if n else 0
    spikes = np.zeros(x.shape, dtype=np.bool_)
    v = np.zeros(x.shape)
    c = np.zeros((x.shape[0], n_astro))
    _amsu_kernel(x, params.beta, params.gamma, params.K, params.kappa_gain, params.kappa_sic,
                 params.threshold, domain, n_astro, spikes, v, c)
    return AMSURun(spikes, v, c)
