"""Homeostatic learners: need-regulated learning under concept shift, and spiking homeostasis.

Learner (Man, Damasio & Neven 2022, "Need is all you need"): an MLP whose learning rate
is a vulnerable internal state pushed up or down by the classes it perceives, regulated
by a take-it / leave-it simulation (:mod:`.regulators`), trained under label-swap concept
shift (:mod:`.concept_shift`) by :func:`train` (:mod:`.learner`); sweeps and storage in
:mod:`.sweep` and :mod:`.store`.

Spiking rules, as compiled kernels with small parameter classes:

* :mod:`.threshold` — Diehl & Cook (2015) adaptive threshold θ;
* :mod:`.scaling` — van Rossum, Bi & Turrigiano (2000) multiplicative synaptic scaling, PI form;
* :mod:`.homeostatic_synapse` — the pre/post-increment synapse of Brian2's
  ``spike_based_homeostasis`` example;
* :mod:`.need_rate` — a need-regulated STDP gain driven by the classes perceived;
* :mod:`.bench` — a small compiled bench that runs these rules on a few LIF cells;
* :mod:`.diehl_cook` — a compiled Diehl & Cook (2015) style STDP network with adaptive thresholds.

In the embedded engine (``network.run``): the adaptive threshold is
``Population(..., adaptive_threshold=nm.AdaptiveThreshold(...))`` (θ starts at 0 there, i.e. the
Diehl & Cook θ minus its 20 mV offset); the pre/post synapse is
``STDPMechanism(PrePostIncrementRule(...), AdditiveWeightDependence(...))``; synaptic scaling
is :class:`.engine_hooks.SynapticScalingHook`; a need-regulated STDP rate is an engine hook
that calls ``view.set_learning_rate(projection, gain)`` with the gain of
:class:`.need_rate.NeedRegulatedRate`.

Example
-------
>>> from neuromem.datasets import load_digits
>>> from neuromem.homeostasis import ConstantShift, LearnerConfig, train
>>> cfg = LearnerConfig(regulator="random", epochs=1, shift=ConstantShift(10))
>>> len(train(load_digits(), cfg, seed=1).swaps)
10
"""
from .bench import LIFParameters, SpikingBench
from .concept_shift import ConstantShift, LabelMap, SeasonalShift, swap_counts
from .engine_hooks import SynapticScalingHook
from .homeostatic_synapse import HomeostaticSynapse
from .learner import LearnerConfig, LearningHistory, train
from .mlp import MLP
from .need_rate import NeedRegulatedRate
from .need_spiking import ClassNeed, PresentationHook, build_classifier
from .regulators import (ConstantRegulator, Decision, EtaEffect, HomeostaticRegulator, RandomRegulator,
                         make_regulator)
from .scaling import SynapticScaling
from .threshold import DiehlCookThreshold

__all__ = [
    "ClassNeed", "ConstantRegulator", "ConstantShift", "Decision", "DiehlCookThreshold", "EtaEffect",
    "HomeostaticRegulator",
    "HomeostaticSynapse", "LIFParameters", "LabelMap", "LearnerConfig", "LearningHistory", "MLP",
    "NeedRegulatedRate", "PresentationHook", "RandomRegulator", "SeasonalShift", "SpikingBench",
    "SynapticScaling", "SynapticScalingHook", "build_classifier", "make_regulator", "swap_counts", "train",
]
