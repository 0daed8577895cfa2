"""Need-regulated plasticity rate: the homeostatic learner's internal state carried into a spiking network.

The vulnerable internal state is a gain ``g`` on a projection's STDP amplitudes (A₊ and A₋
are used as ``g·A₊``, ``g·A₋``; dimensionless, starts at ``g0``). Perceiving an input of an
excitatory class (label ≥ 5) raises it by ``g0/10``, an inhibitory class lowers it, floor
``1e-8·g0`` — the rule of :class:`~neuromem.homeostasis.regulators.EtaEffect`. After each
presented sample the driver reports the network's guess and the true label; which
effects are taken is decided by the same regulators as the MLP learner: ``homeostatic``
(take it when a simulated update with the changed gain scores better on recent samples;
the driver supplies that score), ``random`` (coin) or ``constant`` (fixed-rate STDP).

On the embedded engine, an engine hook applies the gain between presentations with
``view.set_learning_rate(projection, gain)``.

Example
-------
>>> need = NeedRegulatedRate("random", seed=0)
>>> gains = [need.after_sample(i, guess=7, label=7, memo_accuracy=None) for i in range(1, 4)]
>>> all(abs(g - 1.0) < 0.31 for g in gains)
True
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import ModelError
from .regulators import Decision, EtaEffect, make_regulator


class NeedRegulatedRate:
    """The STDP gain of one projection, regulated by the classes of the inputs it perceives."""

    def __init__(self, regulator: str = "homeostatic", g0: float = 1.0, n_memo: int = 20, seed: int = 0) -> None:
        self.effect = EtaEffect(eta0=g0, floor=1e-8 * g0)
        self.regulator = make_regulator(regulator, self.effect, n_memo)
        self.gain = g0
        self.rng = np.random.default_rng(seed)

    def after_sample(self, index: int, guess: int, label: int,
                     memo_accuracy: Callable[[float], float] | None) -> float:
        """Update the gain after sample ``index`` (counted from 0) and return it.

        ``memo_accuracy(gain)``: the accuracy on the recent samples after the network's pending
        update with this gain; needed only by the homeostatic regulator.
        """
        first = self.regulator.first_decision
        if first is None or index < first:
            return self.gain
        if memo_accuracy is None and self.regulator.name == "homeostatic":
            raise ModelError("NeedRegulatedRate.after_sample: the homeostatic regulator needs memo_accuracy "
                             "(a function gain -> accuracy on recent samples)")
        memo = np.arange(max(index - getattr(self.regulator, "n_memo", 0), 0), index)
        decision = Decision(index, guess, label, memo, memo_accuracy or (lambda g: 0.0))
        self.gain = self.regulator.decide(self.gain, decision, self.rng)
        return self.gain
