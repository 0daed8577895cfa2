"""A spiking supervised classifier on the embedded engine whose STDP rate is regulated by need.

The homeostatic learner's idea (:mod:`.regulators`) carried into a spiking network. One
output cell per class; each cell's afferents from the Poisson input layer form their own
plastic projection ``ff<c>`` (pair STDP, additive), so each cell has its own learning rate;
the output cells carry a negative bias current and inhibit one another (all to all).
Every presentation of an image has three phases (ms, :class:`PresentationTiming`):

1. *rest* — inputs silent, membranes relax;
2. *test* — inputs fire at ``pixel·max_rate``, STDP off (rate 0); the output cell with the
   most spikes is the network's guess (ties broken at random, no spike: no guess);
3. *train* — the same input, STDP on for the cell of the image's current label only; a
   teacher Poisson cell drives that cell and silencer cells inhibit all others. Afterwards
   the taught cell's afferent weights are rescaled to sum ``weight_sum`` (nA), so the
   weights move towards the images the cell is taught with (a moving prototype).

The need (:class:`ClassNeed`): each class ``c`` has a gain ``g_c`` (dimensionless, starts at
``g0``), used as the STDP rate of ``ff<c>`` via ``view.set_learning_rate``. Perceiving an image
of current label ``c`` is of the *excitatory* class when the guess was wrong (``g_c += g0/10``)
and of the *inhibitory* class when it was right (``g_c −= g0/10``), floor ``1e-8·g0`` — the
η rule of :class:`~neuromem.homeostasis.regulators.EtaEffect`. The regulator decides whether
the effect is taken: ``need`` always, ``random`` with probability 1/2 (LRR), ``fixed`` never
(fixed-rate STDP at ``g0``). No take-it / leave-it simulation: the spiking network cannot be
rerun on its recent samples per presentation within the engine's single run.

The hook exchanges state every ``timing.step`` ms, so phase switches and weight rescaling
happen at chunk boundaries (exact here: every phase is a whole number of chunks).

Example
-------
>>> import numpy as np
>>> images = np.random.default_rng(0).random((4, 16))
>>> net, hook = build_classifier(images, labels=np.array([0, 1, 0, 1]), n_classes=2,
...                              need=ClassNeed(2, "need"), seed=0)
>>> _ = net.run(hook.duration, seed=0, progress=False)
>>> hook.guesses.shape, hook.gains.shape
((4,), (4, 2))
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import neuromem as nm

from ..engine.hooks import EngineHook, EngineView
from ..errors import ModelError
from .regulators import EtaEffect

REGULATORS = ("need", "random", "fixed")


class ClassNeed:
    """Per-class STDP gains (dimensionless) moved by right / wrong guesses; see the module text."""

    def __init__(self, n_classes: int, regulator: str = "need", g0: float = 1.0, seed: int = 0) -> None:
        if regulator not in REGULATORS:
            raise ModelError(f"ClassNeed.regulator: {regulator!r} is unknown; valid are {list(REGULATORS)}")
        self.regulator = regulator
        self.effect = EtaEffect(eta0=g0, floor=1e-8 * g0, excitatory_from=1)
        self.gains = np.full(n_classes, float(g0))
        self.rng = np.random.default_rng(seed)

    def perceive(self, label: int, correct: bool) -> None:
        """Update the gain of class ``label`` after a guess that was ``correct`` or not."""
        take = self.regulator == "need" or (self.regulator == "random" and self.rng.random() > 0.5)
        if take:
            self.gains[label] = self.effect.apply(self.gains[label], label=0 if correct else 1)


@dataclass(frozen=True)
class PresentationTiming:
    """Phase lengths of one presentation (ms) and the hook's exchange step (ms)."""

    rest: float = 40.0
    test: float = 80.0
    train: float = 40.0
    step: float = 40.0

    def steps(self) -> tuple[int, int, int]:
        """Chunks per phase; every phase must be a whole number of ``step``."""
        counts = [phase / self.step for phase in (self.rest, self.test, self.train)]
        if any(abs(c - round(c)) > 1e-9 or round(c) < 1 for c in counts):
            raise ModelError(f"PresentationTiming: rest/test/train ({self.rest}, {self.test}, {self.train} ms) "
                             f"must be positive whole multiples of step={self.step} ms")
        return tuple(int(round(c)) for c in counts)

    @property
    def total(self) -> float:
        """Length of one presentation (ms)."""
        return self.rest + self.test + self.train


@dataclass(frozen=True)
class ClassifierConstants:
    """Network constants. Rates Hz, weights nA, time constants ms; ``A_*`` dimensionless."""

    max_rate: float = 100.0
    teacher_rate: float = 200.0
    teacher_weight: float = 3.0
    silencer_rate: float = 200.0
    silencer_weight: float = 5.0
    lateral_weight: float = 1.0
    bias: float = 2.0
    weight_sum: float = 16.0
    w_max: float = 4.0
    A_plus: float = 0.004
    A_minus: float = 0.002
    tau: float = 20.0


class PresentationHook(EngineHook):
    """Shows ``images`` in order with their current ``labels``; records guesses and gains.

    After the run: ``guesses`` (−1: no output spike), ``correct`` (bool) and ``gains``
    (presentations × classes, the gains in force during each train phase).
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, need: ClassNeed, timing: PresentationTiming,
                 constants: ClassifierConstants, seed: int) -> None:
        if images.ndim != 2 or len(images) != len(labels) or len(images) == 0:
            raise ModelError(f"PresentationHook: images {images.shape} must be (N, pixels) with N = "
                             f"len(labels) = {len(labels)} > 0")
        self.images, self.labels, self.need = images, np.asarray(labels, np.int64), need
        self.timing, self.constants = timing, constants
        self.interval = timing.step
        self.phase_chunks = timing.steps()
        self.n_classes = need.gains.size
        self.rng = np.random.default_rng(seed)
        self.guesses = np.full(len(labels), -1, np.int64)
        self.gains = np.zeros((len(labels), self.n_classes))

    @property
    def duration(self) -> float:
        """Simulated time (ms) to show every image once."""
        return len(self.labels) * self.timing.total

    @property
    def correct(self) -> np.ndarray:
        """Whether each presentation's test-phase guess equalled its current label."""
        return self.guesses == self.labels

    def start(self, view: EngineView) -> None:
        self.chunk = 0
        self._enter(view, 0, "rest")

    def exchange(self, view: EngineView) -> None:
        self.chunk += 1
        rest, test, train = self.phase_chunks
        per = rest + test + train
        k, within = divmod(self.chunk, per)
        if within == rest:
            self._enter(view, k, "test")
        elif within == rest + test:
            self._judge(view, k)
            self._enter(view, k, "train")
        elif within == 0:
            self._normalise(view, k - 1)
            if k < len(self.labels):
                self._enter(view, k, "rest")

    def _enter(self, view: EngineView, k: int, phase: str) -> None:
        c = self.constants
        on = phase != "rest"
        view.set_rates("input", self.images[k] * c.max_rate if on else 0.0)
        teach = np.zeros(self.n_classes)
        silence = np.zeros(self.n_classes)
        if phase == "train":
            label = self.labels[k]
            teach[label] = c.teacher_rate
            silence[:] = c.silencer_rate
            silence[label] = 0.0
            self.gains[k] = self.need.gains
        view.set_rates("teacher", teach)
        view.set_rates("silencer", silence)
        for cls in range(self.n_classes):
            rate = self.need.gains[cls] if phase == "train" and cls == self.labels[k] else 0.0
            view.set_learning_rate(f"ff{cls}", rate)
        if phase == "test":
            self.counts_before = view.spike_counts("out").copy()

    def _judge(self, view: EngineView, k: int) -> None:
        counts = (view.spike_counts("out") - self.counts_before).astype(float)
        if counts.max() > 0:
            best = np.flatnonzero(counts == counts.max())
            self.guesses[k] = best[self.rng.integers(best.size)]
        label = int(self.labels[k])
        self.need.perceive(label, bool(self.guesses[k] == label))

    def _normalise(self, view: EngineView, k: int) -> None:
        name = f"ff{self.labels[k]}"
        w = view.weights(name)
        view.set_weights(name, w * (self.constants.weight_sum / max(w.sum(), 1e-12)))

    def describe(self) -> dict:
        return {**super().describe(), "regulator": self.need.regulator, "g0": self.need.effect.eta0,
                "presentations": int(len(self.labels))}


def build_classifier(images: np.ndarray, labels: np.ndarray, n_classes: int, need: ClassNeed, seed: int,
                     timing: PresentationTiming | None = None,
                     constants: ClassifierConstants | None = None) -> tuple[nm.Network, PresentationHook]:
    """The network and its presentation hook; run with ``net.run(hook.duration, seed=...)``.

    ``images``: (N, pixels) in [0, 1]; ``labels``: the current label of each presentation.
    Cells: ``IF_curr_exp`` (defaults, refractory 2 ms, ``i_offset = −bias``); dt 0.5 ms.
    """
    timing = timing or PresentationTiming()
    c = constants or ClassifierConstants()
    rng = np.random.default_rng(seed)
    net = nm.Network(dt=0.5, label="need_spiking_classifier")
    inputs = net.add(nm.Population(images.shape[1], nm.SpikeSourcePoisson(rate=0.0), label="input"))
    teacher = net.add(nm.Population(n_classes, nm.SpikeSourcePoisson(rate=0.0), label="teacher"))
    silencer = net.add(nm.Population(n_classes, nm.SpikeSourcePoisson(rate=0.0), label="silencer"))
    out = net.add(nm.Population(n_classes, nm.IF_curr_exp(tau_refrac=2.0, i_offset=-c.bias), label="out"))
    for cls in range(n_classes):
        w = rng.random(images.shape[1])
        stdp = nm.STDPMechanism(nm.SpikePairRule(c.tau, c.tau, c.A_plus, c.A_minus),
                                nm.AdditiveWeightDependence(0.0, c.w_max),
                                weight=w * c.weight_sum / w.sum(), delay=0.5)
        net.add(nm.Projection(inputs, out[cls:cls + 1], nm.AllToAllConnector(), stdp, label=f"ff{cls}"))
    net.add(nm.Projection(teacher, out, nm.OneToOneConnector(), nm.StaticSynapse(c.teacher_weight, 0.5),
                          label="teach"))
    net.add(nm.Projection(silencer, out, nm.OneToOneConnector(), nm.StaticSynapse(c.silencer_weight, 0.5),
                          receptor_type="inhibitory", label="silence"))
    net.add(nm.Projection(out, out, nm.AllToAllConnector(allow_self_connections=False),
                          nm.StaticSynapse(c.lateral_weight, 0.5), receptor_type="inhibitory", label="lateral"))
    hook = net.add_hook(PresentationHook(images, labels, need, timing, c, seed))
    return net, hook
