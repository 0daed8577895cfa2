"""Concept-shift generator: exactly k swaps per epoch, evenly spaced, two distinct labels, train and validation."""
import numpy as np
import pytest

from neuromem.datasets import load_digits
from neuromem.errors import ModelError
from neuromem.homeostasis import ConstantShift, LabelMap, LearnerConfig, SeasonalShift, swap_counts, train


@pytest.mark.parametrize("n_batches", [143, 6000])
@pytest.mark.parametrize("k", [0, 1, 10, 100, 1000])
def test_swap_counts_sum_to_k_and_are_evenly_spaced(n_batches, k):
    counts = swap_counts(n_batches, k)
    assert counts.shape == (n_batches,) and counts.sum() == k
    # evenly spaced: the cumulative number of swaps never strays a whole swap from the straight line
    done = np.cumsum(counts)
    ideal = np.arange(1, n_batches + 1) * k / n_batches
    assert np.all(np.abs(done - ideal) < 1.0)


def test_swap_points_are_the_papers_when_k_divides_the_batches():
    # lrh.py: a swap whenever the samples seen reach a multiple of N/k (N = 60000, m = 10)
    after = np.nonzero(swap_counts(6000, 100))[0]
    np.testing.assert_array_equal((after + 1) * 10, np.arange(1, 101) * 600)
    assert swap_counts(6000, 1)[-1] == 1  # k = 1: after the epoch's last batch


def test_label_map_swaps_two_distinct_labels_in_train_and_validation():
    rng = np.random.default_rng(7)
    train_labels = np.random.default_rng(1).integers(0, 10, 500)
    val_labels = np.random.default_rng(2).integers(0, 10, 200)
    lm = LabelMap(10)
    for _ in range(50):
        before_train, before_val = lm.apply(train_labels), lm.apply(val_labels)
        a, b = lm.swap(rng)
        assert a != b
        for before, after in ((before_train, lm.apply(train_labels)), (before_val, lm.apply(val_labels))):
            np.testing.assert_array_equal(after[before == a], b)
            np.testing.assert_array_equal(after[before == b], a)
            untouched = (before != a) & (before != b)
            np.testing.assert_array_equal(after[untouched], before[untouched])
    assert sorted(lm.mapping) == list(range(10))


@pytest.mark.parametrize("k", [3, 1000])
def test_learner_applies_exactly_k_swaps_per_epoch(k):
    data = load_digits(seed=0).subset(300, 60)  # 30 batches: k = 1000 puts several swaps on one boundary
    hist = train(data, LearnerConfig(regulator="constant", epochs=2, shift=ConstantShift(k)), seed=4)
    assert np.bincount(hist.swaps[:, 0], minlength=2).tolist() == [k, k]
    assert np.all(hist.swaps[:, 2] != hist.swaps[:, 3])
    np.testing.assert_array_equal(np.bincount(hist.swaps[hist.swaps[:, 0] == 0, 1], minlength=30),
                                  swap_counts(30, k))


def test_seasonal_schedule_alternates_rates():
    shift = SeasonalShift(rates=(1, 100), season_epochs=3)
    assert [shift.swaps_in_epoch(e) for e in range(8)] == [1, 1, 1, 100, 100, 100, 1, 1]
    with pytest.raises(ModelError, match="season_epochs"):
        SeasonalShift(rates=(1, 100), season_epochs=0)
    with pytest.raises(ModelError, match="swaps_per_epoch"):
        ConstantShift(-1)
