"""Need-regulated STDP gain in a spiking classifier on the embedded engine (neuromem.homeostasis.need_spiking)."""
import numpy as np
import pytest

from neuromem.errors import ModelError
from neuromem.homeostasis.need_spiking import ClassNeed, PresentationTiming, build_classifier


def two_patterns(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Images of two classes on 16 pixels: class 0 lights the first half, class 1 the second."""
    labels = np.random.default_rng(seed).integers(0, 2, n)
    images = np.zeros((n, 16))
    for k, label in enumerate(labels):
        images[k, 8 * label:8 * label + 8] = 1.0
    return images, labels


def test_need_gain_moves_in_steps_of_g0_over_10_with_floor():
    need = ClassNeed(3, "need", g0=0.5)
    need.perceive(1, correct=False)
    assert need.gains.tolist() == [0.5, 0.55, 0.5]
    for _ in range(12):
        need.perceive(2, correct=True)
    assert need.gains[2] == 0.5e-8  # 12 steps of 0.05 from 0.5 would go below zero: clipped at the floor


def test_fixed_never_moves_and_random_takes_about_half():
    fixed = ClassNeed(2, "fixed", g0=1.0)
    for _ in range(50):
        fixed.perceive(0, correct=False)
    assert fixed.gains.tolist() == [1.0, 1.0]
    coin = ClassNeed(1, "random", g0=1.0, seed=3)
    for _ in range(400):
        coin.perceive(0, correct=False)
    # 400 fair coins: taken count 200 ± 3 SD (SD = 10) → gain 1 + 0.1·taken in [18, 24]
    assert 18.0 <= coin.gains[0] <= 24.0


def test_bad_inputs_name_the_field():
    with pytest.raises(ModelError, match="regulator"):
        ClassNeed(2, "sometimes")
    with pytest.raises(ModelError, match="whole multiples"):
        PresentationTiming(rest=30.0, step=20.0).steps()


def test_classifier_learns_two_patterns_and_normalises_weights():
    images, labels = two_patterns(60)
    net, hook = build_classifier(images, labels, 2, ClassNeed(2, "fixed"), seed=1)
    results = net.run(hook.duration, seed=1, progress=False)
    # separable patterns, each taught ~30 times: the last 20 guesses are all right (seed fixed)
    assert hook.correct[-20:].mean() == 1.0
    for name in ("ff0", "ff1"):
        # each taught cell's weights are rescaled to sum 16 nA after each training phase
        assert results.weights[name].weight.sum() == pytest.approx(16.0, rel=1e-9)


def test_floor_gain_freezes_learning_of_that_class():
    images, labels = two_patterns(20)
    need = ClassNeed(2, "fixed", g0=1.0)
    need.gains[0] = 0.0  # class 0 frozen: its STDP rate is set to 0 in every training phase
    net, hook = build_classifier(images, labels, 2, need, seed=2)
    before = {p.label: np.asarray(p.synapse_type.weight).copy() for p in net.projections if p.label in ("ff0", "ff1")}
    results = net.run(hook.duration, seed=2, progress=False)
    # frozen class: weights only renormalised (already at the sum), so unchanged up to rounding
    np.testing.assert_allclose(results.weights["ff0"].weight, before["ff0"], rtol=1e-9)
    assert not np.allclose(results.weights["ff1"].weight, before["ff1"])
    assert np.all(hook.gains[:, 0] == 0.0)
