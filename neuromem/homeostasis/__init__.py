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
* :mod:`.bench` — a small compiled bench that runs these rules on a few LIF cells.

Hooks the embedded engine needs to run them inside any network (one call each, per step):
after the membrane update, a population with an adaptive threshold tests
``crosses_threshold(v, v_thresh, θ, offset)`` instead of ``v ≥ v_thresh``, calls
``theta_on_spike`` for its spiking cells and ``decay_theta`` once per step; a population with
scaling calls ``scaling_step`` with its 0/1 spike flags and multiplies excitatory arrivals
by ``scale[cell]``; a plastic synapse of the homeostatic kind transmits ``w`` and then calls
``on_pre`` on arrival, and ``on_post`` for each of its post cell's spikes; need-regulated
STDP multiplies a rule row's A₊/A₋ by a gain the driver sets between presentations.

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
from .homeostatic_synapse import HomeostaticSynapse
from .learner import LearnerConfig, LearningHistory, train
from .mlp import MLP
from .need_rate import NeedRegulatedRate
from .regulators import (ConstantRegulator, Decision, EtaEffect, HomeostaticRegulator, RandomRegulator,
                         make_regulator)
from .scaling import SynapticScaling
from .threshold import AdaptiveThreshold

__all__ = [
    "AdaptiveThreshold", "ConstantRegulator", "ConstantShift", "Decision", "EtaEffect", "HomeostaticRegulator",
    "HomeostaticSynapse", "LIFParameters", "LabelMap", "LearnerConfig", "LearningHistory", "MLP",
    "NeedRegulatedRate", "RandomRegulator", "SeasonalShift", "SpikingBench", "SynapticScaling",
    "make_regulator", "swap_counts", "train",
]
