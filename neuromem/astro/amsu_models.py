"""Sequence models for the AM-SU experiments: a recurrent AM-SU network, its coupling-0
ablation (the same network of plain LIF units) and an LSTM of equal parameter count.

All three map a time-major input (T × B one-hot or token ids) to T × B × n_out logits
and carry a fixed-size recurrent state, so inference memory does not grow with the
context. The spiking network, per step t (units dimensionless, threshold θ = 1)::

    i_t = W_in·x_t + W_rec·s_{t−1}                        input drive (threshold units)
    (v_t, s_t, a_t) = AM-SU step of :func:`neuromem.astro.amsu_torch.amsu_step`
    logits_t = W_out·v_t + b                              membrane readout

With ``coupling=False`` the AM-SU layer is the LIF layer bit for bit (κ_g = κ_s = 0), so
the ablation differs from AM-SU only in the astrocyte coupling. Needs the ``snn`` extra.

Example
-------
>>> import torch
>>> from neuromem.astro.amsu_models import SpikingRNN, parameter_count
>>> net = SpikingRNN(n_in=10, n_hidden=16, n_out=4)
>>> net(torch.zeros(5, 2, 10))[0].shape
torch.Size([5, 2, 4])
"""
from __future__ import annotations

import torch
from torch import nn

from ..errors import ModelError
from .amsu_torch import AMSU, amsu_step


def parameter_count(model: nn.Module) -> int:
    """Number of trainable scalars."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def state_bytes(state: tuple[torch.Tensor, ...]) -> int:
    """Bytes held by a recurrent state (what inference carries from token to token)."""
    return sum(t.numel() * t.element_size() for t in state)


class SpikingRNN(nn.Module):
    """Recurrent AM-SU layer (``coupling=False``: LIF ablation) with a membrane readout.

    ``n_in``: input size (one-hot width, or vocabulary size when ``tokens``); with
    ``tokens`` the input is T × B token ids and W_in is an embedding table.
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int, coupling: bool = True,
                 domain_size: int = 1, beta: float = 0.9, gamma: float = 0.99, K: float = 0.1,
                 kappa_gain: float = -0.5, kappa_sic: float = 0.2, tokens: bool = False) -> None:
        super().__init__()
        if min(n_in, n_hidden, n_out) < 1:
            raise ModelError(f"SpikingRNN: sizes must be >= 1, got {n_in}, {n_hidden}, {n_out}")
        self.tokens = tokens
        self.w_in = nn.Embedding(n_in, n_hidden) if tokens else nn.Linear(n_in, n_hidden)
        self.w_rec = nn.Linear(n_hidden, n_hidden, bias=False)
        nn.init.normal_(self.w_rec.weight, std=0.5 / n_hidden ** 0.5)
        self.cell = AMSU(n_hidden, domain_size=domain_size, beta=beta, gamma=gamma, K=K,
                         kappa_gain=kappa_gain, kappa_sic=kappa_sic, coupling=coupling)
        self.out = nn.Linear(n_hidden, n_out)

    def initial_state(self, batch: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Zero (v, s, a) for ``batch`` sequences."""
        n, a = self.cell.size, self.cell.size // self.cell.domain_size
        return torch.zeros(batch, n), torch.zeros(batch, n), torch.zeros(batch, a)

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, ...] | None = None):
        """Logits T × B × n_out and the final state (v, s, a)."""
        v, s, a = state if state is not None else self.initial_state(x.shape[1])
        cell = self.cell
        beta, gamma, k = torch.sigmoid(cell.beta_logit), torch.sigmoid(cell.gamma_logit), cell.log_k.exp()
        drive = self.w_in(x)
        outputs = []
        for d_t in drive:
            v, s, a = amsu_step(d_t + self.w_rec(s), v, s, a, beta, gamma, k, cell.kappa_gain,
                                cell.kappa_sic, cell.threshold, cell.domain_size, cell.slope)
            outputs.append(v)
        return self.out(torch.stack(outputs)), (v, s, a)


class LSTMNet(nn.Module):
    """Single-layer LSTM with a linear readout (embedding input when ``tokens``)."""

    def __init__(self, n_in: int, n_hidden: int, n_out: int, tokens: bool = False) -> None:
        super().__init__()
        self.tokens = tokens
        self.embed = nn.Embedding(n_in, n_hidden) if tokens else None
        self.lstm = nn.LSTM(n_hidden if tokens else n_in, n_hidden)
        self.out = nn.Linear(n_hidden, n_out)

    def initial_state(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        n = self.lstm.hidden_size
        return torch.zeros(1, batch, n), torch.zeros(1, batch, n)

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, ...] | None = None):
        """Logits T × B × n_out and the final state (h, c)."""
        inp = self.embed(x) if self.embed is not None else x
        out, state = self.lstm(inp, state if state is not None else self.initial_state(x.shape[1]))
        return self.out(out), state


def lstm_parameter_count(n_in: int, hidden: int, n_out: int, tokens: bool = False) -> int:
    """Trainable scalars of ``LSTMNet(n_in, hidden, n_out, tokens)`` (PyTorch keeps two bias vectors)."""
    width = hidden if tokens else n_in
    embed = n_in * hidden if tokens else 0
    return embed + 4 * (width * hidden + hidden * hidden + 2 * hidden) + hidden * n_out + n_out


def matched_lstm(n_in: int, n_out: int, target: int, tokens: bool = False) -> LSTMNet:
    """The LSTMNet whose parameter count is closest to ``target``."""
    hidden = min(range(1, 4096), key=lambda h: abs(lstm_parameter_count(n_in, h, n_out, tokens) - target))
    return LSTMNet(n_in, hidden, n_out, tokens)
