"""Training loop of the homeostatic learner (Man, Damasio & Neven 2022), vectorised per minibatch.

The loop follows the paper's ``lrh.py``/``lrr.py``: minibatch SGD (batch ``m``), the
regulator is offered a :class:`~neuromem.homeostasis.regulators.Decision` at every
within-epoch sample index ``i`` with ``i % interval == 0`` and ``i ≥ first_decision``,
using the gradient accumulated in the current batch up to and including sample ``i``
and the ``n_memo`` samples ``i−n_memo … i−1``; the batch update then uses the η the
regulator returns. Concept-shift swaps follow each batch as the schedule dictates, and
relabel training and validation data. The data are reshuffled after every epoch.

Within a batch the weights do not change, so a whole batch is one matrix product per
layer; the result is the same as the paper's sample-by-sample loop.

Random streams (independent, derived from ``seed``): ``init`` (weights), ``shuffle``,
``shift`` (which labels swap) and ``regulator`` (LRR's coin). The same seed therefore
gives every regulator the same initial network, sample order and swaps.

Example
-------
>>> from neuromem.datasets import load_digits
>>> from neuromem.homeostasis import LearnerConfig, train
>>> hist = train(load_digits(), LearnerConfig(regulator="homeostatic", epochs=1), seed=0)
>>> hist.val_accuracy.shape, float(hist.eta.min()) >= 1e-8
((1,), True)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..datasets import ImageDataset
from ..errors import ModelError
from .concept_shift import ConstantShift, LabelMap, SeasonalShift, swap_counts
from .mlp import MLP
from .regulators import Decision, EtaEffect, make_regulator

_STREAMS = ("init", "shuffle", "shift", "regulator")


@dataclass(frozen=True)
class LearnerConfig:
    """Settings of one training run; defaults are those of the paper's code.

    ``hidden``: hidden layer sizes (input and output sizes follow the data);
    ``eta0``: initial learning rate; ``batch_size``: m; ``interval``: samples between
    decision points; ``n_memo``: recent samples a homeostatic decision scores on;
    ``shift``: concept-shift schedule. All quantities are dimensionless counts or rates.
    """

    regulator: str = "homeostatic"
    epochs: int = 50
    hidden: tuple[int, ...] = (80, 60)
    eta0: float = 1e-3
    eta_floor: float = 1e-8
    batch_size: int = 10
    interval: int = 10
    n_memo: int = 20
    alpha: float = 1.0
    shift: ConstantShift | SeasonalShift = field(default_factory=lambda: ConstantShift(0))

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "interval"):
            if getattr(self, name) < 1:
                raise ModelError(f"LearnerConfig: {name}={getattr(self, name)} must be at least 1")


@dataclass
class LearningHistory:
    """What a run produced, like the paper's npz files.

    ``train_accuracy``/``val_accuracy``: per epoch (fraction correct; training accuracy
    counts each sample's prediction before its batch update). ``eta``: learning rate
    after every batch, shape (epochs, batches per epoch). ``swaps``: one row
    (epoch, batch, label a, label b) per swap. ``decisions``/``changes``: decision
    points offered and η changes taken.
    """

    regulator: str
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray
    eta: np.ndarray
    swaps: np.ndarray
    decisions: int
    changes: int


def _rngs(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(_STREAMS, children)}


def train(data: ImageDataset, config: LearnerConfig, seed: int) -> LearningHistory:
    """Train the MLP on ``data`` (validating on its test part) under ``config``; deterministic in ``seed``."""
    effect = EtaEffect(config.eta0, config.eta_floor)
    regulator = make_regulator(config.regulator, effect, config.n_memo)
    rng = _rngs(seed)
    x, y_train = data.flat("train"), data.train_labels
    x_val, y_val0 = data.flat("test"), data.test_labels
    m = config.batch_size
    n_batches = len(y_train) // m
    if n_batches < 1:
        raise ModelError(f"train: {len(y_train)} training samples make no batch of batch_size={m}")
    net = MLP.he_normal((data.n_pixels, *config.hidden, data.n_classes), rng["init"], config.alpha)
    onehot = np.eye(data.n_classes)
    labels = LabelMap(data.n_classes)
    eta = config.eta0
    first = regulator.first_decision
    hist = LearningHistory(config.regulator, np.zeros(config.epochs), np.zeros(config.epochs),
                           np.zeros((config.epochs, n_batches)), np.zeros((0, 4), dtype=np.int64), 0, 0)
    swaps: list[tuple[int, int, int, int]] = []
    order = np.arange(len(y_train))  # epoch position -> training sample
    for epoch in range(config.epochs):
        counts = swap_counts(n_batches, config.shift.swaps_in_epoch(epoch))
        correct = 0
        for b in range(n_batches):
            rows = order[b * m:(b + 1) * m]
            y = labels.apply(y_train[rows])
            pres, acts = net.forward(x[rows])
            guesses = np.argmax(acts[-1], axis=1)
            correct += int(np.count_nonzero(guesses == y))
            deltas = net.errors(pres, acts, onehot[y])
            if first is not None:
                for r in range(m):
                    i = b * m + r
                    if i % config.interval or i < first:
                        continue
                    memo = np.arange(max(i - config.n_memo, 0), i)
                    samples = order[memo]
                    decision = Decision(i, int(guesses[r]), int(y[r]), memo,
                                        _memo_scorer(net, lambda s=samples: (x[s], labels.apply(y_train[s])),
                                                     acts, deltas, r, m))
                    new_eta = regulator.decide(eta, decision, rng["regulator"])
                    hist.decisions += 1
                    hist.changes += new_eta != eta
                    eta = new_eta
            net.apply_update(acts, deltas, eta / m)
            hist.eta[epoch, b] = eta
            for _ in range(counts[b]):
                swaps.append((epoch, b, *labels.swap(rng["shift"])))
        hist.train_accuracy[epoch] = correct / (n_batches * m)
        hist.val_accuracy[epoch] = np.mean(net.predict(x_val) == labels.apply(y_val0))
        order = order[rng["shuffle"].permutation(len(order))]
    hist.swaps = np.array(swaps, dtype=np.int64).reshape(-1, 4)
    return hist


def _memo_scorer(net: MLP, memo_data: Callable[[], tuple[np.ndarray, np.ndarray]], acts: list[np.ndarray],
                 deltas: list[np.ndarray], r: int, m: int) -> Callable[[float], float]:
    """``memo_accuracy(eta)`` for a decision at batch row ``r`` (gradient of rows 0..r), scored on the
    (inputs, current labels) that ``memo_data()`` gathers — only if a regulator asks."""
    cache: list[tuple[np.ndarray, np.ndarray]] = []
    part_acts = [a[: r + 1] for a in acts[:-1]]
    part_deltas = [d[: r + 1] for d in deltas]

    def memo_accuracy(eta: float) -> float:
        if not cache:
            cache.append(memo_data())
        x_memo, y_memo = cache[0]
        guesses = net.predict_after_update(x_memo, part_acts, part_deltas, eta / m)
        return float(np.mean(guesses == y_memo))

    return memo_accuracy
