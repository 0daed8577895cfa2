"""Learning-rate regulators: the homeostatic one (LRH) and its two baselines.

The learning rate η is the learner's vulnerable internal state. Perceiving a sample of
an *excitatory* class (label ≥ 5) raises it by Δ = η₀/10, an *inhibitory* class
(label < 5) lowers it by Δ; η never falls below the floor 1e-8 (:class:`EtaEffect`).

Every ``interval`` samples the learner offers its regulator a :class:`Decision`:

- :class:`HomeostaticRegulator` (LRH, ``lrh.py``): simulate "leave it" (one update with η)
  and "take it" (one update with the η its *predicted* label would cause) on the
  ``n_memo`` most recent samples; if "take it" scores strictly better, take the sample,
  and η moves as the *true* label dictates — a wrong guess moves it the wrong way.
- :class:`RandomRegulator` (LRR, ``lrr.py``): take the sample with probability 1/2.
- :class:`ConstantRegulator`: never takes a sample; η stays η₀.

One deviation from the paper's code, on purpose: it resets η to 1e-8 only when η
becomes *negative*, so a step from exactly Δ can leave η at 0 (or at rounding noise
~1e-19) and stop learning; here any value below the floor becomes the floor, so the
stated floor holds.

Example
-------
>>> effect = EtaEffect(eta0=1e-3)
>>> effect.apply(1e-3, label=7), effect.apply(1e-4, label=2)
(0.0011, 1e-08)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import ModelError


@dataclass(frozen=True)
class EtaEffect:
    """How perceiving a class changes η: ±``eta0/10`` by class, floor ``floor`` (dimensionless)."""

    eta0: float = 1e-3
    floor: float = 1e-8
    excitatory_from: int = 5

    def __post_init__(self) -> None:
        if not self.eta0 > 0.0:
            raise ModelError(f"EtaEffect: eta0={self.eta0} must be positive")
        if not 0.0 < self.floor < self.eta0:
            raise ModelError(f"EtaEffect: floor={self.floor} must lie strictly between 0 and eta0={self.eta0}")

    @property
    def step(self) -> float:
        """Δ = η₀/10."""
        return self.eta0 / 10.0

    def apply(self, eta: float, label: int) -> float:
        """η after perceiving a sample of class ``label``: ±Δ, clipped at the floor."""
        moved = eta + self.step if label >= self.excitatory_from else eta - self.step
        return max(moved, self.floor)


@dataclass
class Decision:
    """What a regulator may use at one decision point.

    ``sample`` is the position of the current sample within the epoch, ``guess`` the
    network's prediction of it, ``label`` its true (current) label, ``memo`` the
    within-epoch positions of the recent samples that ``memo_accuracy(eta)`` scores on:
    the accuracy there of the network after one update of the current batch gradient
    with learning rate ``eta``.
    """

    sample: int
    guess: int
    label: int
    memo: np.ndarray
    memo_accuracy: Callable[[float], float]


class ConstantRegulator:
    """Constant learning rate: never changes η."""

    name = "constant"
    first_decision: int | None = None

    def __init__(self, effect: EtaEffect) -> None:
        self.effect = effect

    def decide(self, eta: float, decision: Decision, rng: np.random.Generator) -> float:
        """Return η unchanged."""
        return eta


class RandomRegulator:
    """LRR: at each decision point take the sample's effect with probability 1/2."""

    name = "random"
    first_decision = 1  # lrr.py decides at every interval-th sample except the first of an epoch

    def __init__(self, effect: EtaEffect) -> None:
        self.effect = effect

    def decide(self, eta: float, decision: Decision, rng: np.random.Generator) -> float:
        """η after a fair coin decides whether the true label's effect is taken."""
        return self.effect.apply(eta, decision.label) if rng.random() > 0.5 else eta


class HomeostaticRegulator:
    """LRH: take a sample's effect when simulating it helps on the ``n_memo`` most recent samples."""

    name = "homeostatic"

    def __init__(self, effect: EtaEffect, n_memo: int = 20) -> None:
        if n_memo < 1:
            raise ModelError(f"HomeostaticRegulator: n_memo={n_memo} must be at least 1")
        self.effect = effect
        self.n_memo = n_memo
        self.first_decision = n_memo + 1  # lrh.py: decisions once the sample index exceeds n_memo

    def decide(self, eta: float, decision: Decision, rng: np.random.Generator) -> float:
        """η after the take-it / leave-it comparison; the effect follows the true label."""
        leave = decision.memo_accuracy(eta)
        take = decision.memo_accuracy(self.effect.apply(eta, decision.guess))
        return self.effect.apply(eta, decision.label) if take > leave else eta


REGULATORS = {cls.name: cls for cls in (ConstantRegulator, RandomRegulator, HomeostaticRegulator)}


def make_regulator(name: str, effect: EtaEffect,
                   n_memo: int = 20) -> ConstantRegulator | RandomRegulator | HomeostaticRegulator:
    """The regulator called ``name`` ("constant", "random" or "homeostatic"); ``n_memo`` is LRH's memory."""
    if name not in REGULATORS:
        raise ModelError(f"regulator {name!r} is unknown; valid are {sorted(REGULATORS)}")
    return HomeostaticRegulator(effect, n_memo) if name == "homeostatic" else REGULATORS[name](effect)
