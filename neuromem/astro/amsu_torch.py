"""AM-SU and LIF as PyTorch layers trainable with surrogate gradients (extra ``snn``).

Same equations as :mod:`neuromem.astro.amsu` (neuromem's formulation, not the AstroSNN
paper's). Shaped like snnTorch/Norse layers: pure step functions (:func:`lif_step`,
:func:`amsu_step`) plus modules that run a time-major sequence (T × B × N) and return
(spikes, final state). The spike nonlinearity is a Heaviside step whose gradient is the
fast-sigmoid surrogate 1/(1 + slope·|v − θ|)² (Zenke & Ganguli 2018).

Example
-------
>>> import torch
>>> from neuromem.astro.amsu_torch import AMSU, LIF
>>> x = torch.rand(50, 2, 8)
>>> s_lif, _ = LIF(8)(x)
>>> s_am, _ = AMSU(8, domain_size=4, coupling=False)(x)
>>> torch.equal(s_lif, s_am)
True
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..errors import ModelError


class _SpikeFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, u: torch.Tensor, slope: float) -> torch.Tensor:  # u = v − θ
        ctx.save_for_backward(u)
        ctx.slope = slope
        return (u >= 0).to(u.dtype)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (u,) = ctx.saved_tensors
        return grad / (1.0 + ctx.slope * u.abs()) ** 2, None


def spike(u: torch.Tensor, slope: float = 25.0) -> torch.Tensor:
    """H(u) forward, fast-sigmoid surrogate gradient backward."""
    return _SpikeFn.apply(u, slope)


def lif_step(x: torch.Tensor, v: torch.Tensor, s: torch.Tensor, beta: torch.Tensor, theta: float,
             slope: float = 25.0) -> tuple[torch.Tensor, torch.Tensor]:
    """One LIF step: v ← β·v + x − θ·s; s ← H(v − θ). Returns (v, s)."""
    v = beta * v + x - theta * s
    return v, spike(v - theta, slope)


def amsu_step(x: torch.Tensor, v: torch.Tensor, s: torch.Tensor, a: torch.Tensor, beta: torch.Tensor,
              gamma: torch.Tensor, k: torch.Tensor, kappa_gain: torch.Tensor, kappa_sic: torch.Tensor,
              theta: float, domain_size: int, slope: float = 25.0
              ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One AM-SU step (B × N units, B × A astrocytes, N = A·domain_size). Returns (v, s, a)."""
    m = s.reshape(s.shape[0], -1, domain_size).mean(-1)
    a = gamma * a + (1.0 - gamma) * m
    c = (a * a / (a * a + k * k)).repeat_interleave(domain_size, dim=-1)
    v = beta * v + (1.0 + kappa_gain * c) * x + kappa_sic * c - theta * s
    return v, spike(v - theta, slope), a


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


class LIF(nn.Module):
    """A layer of LIF units (reset by subtraction); β = sigmoid(trainable logit) if ``learn_beta``."""

    def __init__(self, size: int, beta: float = 0.95, threshold: float = 1.0, learn_beta: bool = True,
                 slope: float = 25.0) -> None:
        super().__init__()
        if size < 1 or not 0.0 < beta < 1.0:
            raise ModelError(f"LIF: size must be >= 1 and 0 < beta < 1, got {size}, {beta}")
        self.size, self.threshold, self.slope = size, float(threshold), slope
        logit = torch.full((size,), _logit(beta))
        self.beta_logit = nn.Parameter(logit) if learn_beta else nn.Buffer(logit)

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, ...] | None = None):
        """``x``: T × B × N input (threshold units). Returns spikes T × B × N and (v, s)."""
        v, s = state if state is not None else (x.new_zeros(x.shape[1:]), x.new_zeros(x.shape[1:]))
        beta = torch.sigmoid(self.beta_logit)
        out = []
        for x_t in x:
            v, s = lif_step(x_t, v, s, beta, self.threshold, self.slope)
            out.append(s)
        return torch.stack(out), (v, s)


class AMSU(nn.Module):
    """A layer of AM-SU units; ``size`` units share astrocytes in domains of ``domain_size``.

    ``coupling=False`` fixes κ_g = κ_s = 0 (buffers, not trained): the layer then computes
    exactly what :class:`LIF` computes. Otherwise κ_g, κ_s, γ and K are trained with β.
    """

    def __init__(self, size: int, domain_size: int = 1, beta: float = 0.95, gamma: float = 0.99,
                 K: float = 0.1, kappa_gain: float = -0.5, kappa_sic: float = 0.2, threshold: float = 1.0,
                 coupling: bool = True, slope: float = 25.0) -> None:
        super().__init__()
        if domain_size < 1 or size % domain_size:
            raise ModelError(f"AMSU.domain_size: must divide size {size}, got {domain_size}")
        if not 0.0 < gamma < 1.0 or not 0.0 < beta < 1.0 or K <= 0:
            raise ModelError(f"AMSU: need 0 < beta, gamma < 1 and K > 0, got {beta}, {gamma}, {K}")
        self.size, self.domain_size, self.threshold, self.slope = size, domain_size, float(threshold), slope
        n_astro = size // domain_size
        self.beta_logit = nn.Parameter(torch.full((size,), _logit(beta)))
        self.gamma_logit = nn.Parameter(torch.full((n_astro,), _logit(gamma)))
        self.log_k = nn.Parameter(torch.full((n_astro,), math.log(K)))
        kg = torch.full((size,), float(kappa_gain) if coupling else 0.0)
        ks = torch.full((size,), float(kappa_sic) if coupling else 0.0)
        self.kappa_gain = nn.Parameter(kg) if coupling else nn.Buffer(kg)
        self.kappa_sic = nn.Parameter(ks) if coupling else nn.Buffer(ks)

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, ...] | None = None):
        """``x``: T × B × N. Returns spikes T × B × N and the state (v, s, a)."""
        batch = x.shape[1]
        if state is None:
            state = (x.new_zeros(batch, self.size), x.new_zeros(batch, self.size),
                     x.new_zeros(batch, self.size // self.domain_size))
        v, s, a = state
        beta, gamma, k = torch.sigmoid(self.beta_logit), torch.sigmoid(self.gamma_logit), self.log_k.exp()
        out = []
        for x_t in x:
            v, s, a = amsu_step(x_t, v, s, a, beta, gamma, k, self.kappa_gain, self.kappa_sic,
                                self.threshold, self.domain_size, self.slope)
            out.append(s)
        return torch.stack(out), (v, s, a)
