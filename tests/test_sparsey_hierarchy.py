"""Sparsey hierarchy, class readout, spiking view and data transforms."""
import numpy as np
import pytest

from neuromem.errors import ModelError
from neuromem.results import Results
from neuromem.sparsey import ClassReadout, Hierarchy, LevelSpec, MacParams, episode_results
from neuromem.sparsey.classifier import SparseyClassifier
from neuromem.sparsey.data import add_noise, mnist_16x24
from neuromem.sparsey.hierarchy import receptive_fields


def small_hierarchy(seed=0, **level1):
    return Hierarchy((8, 8), [LevelSpec(MacParams(Q=4, K=6, pi_min=2), grid=(3, 3), rf=(4, 4), **level1),
                              LevelSpec(MacParams(Q=6, K=8), grid=(1, 1), rf=(3, 3), h_radius=0)], seed=seed)


def test_receptive_fields_tile_the_input():
    fields = receptive_fields((8, 8), (3, 3), (4, 4))
    assert len(fields) == 9 and all(f.size == 16 for f in fields)
    assert set(np.concatenate(fields)) == set(range(64))


def test_gate_and_codes_shapes():
    h = small_hierarchy()
    frame = np.zeros((8, 8), dtype=bool)
    frame[0, :2] = True  # two pixels, both in the top-left macs only
    steps = h.present(frame, learn=True)
    active = (steps[0].winners >= 0).all(axis=1)
    assert active.sum() >= 1 and (~active).sum() >= 1   # the π⁻ = 2 gate switched the empty macs off
    assert steps[1].winners.shape == (1, 6)


def test_learned_clip_is_recalled_with_high_familiarity():
    rng = np.random.default_rng(0)
    clip = rng.random((5, 8, 8)) < 0.2
    h = small_hierarchy(h_radius=1)
    learned = h.run(clip, learn=True)
    recalled = h.run(clip, learn=False)
    np.testing.assert_array_equal(recalled.winners[1], learned.winners[1])
    assert recalled.G[1].min() == pytest.approx(1.0)


def test_top_down_fields_are_wired():
    h = small_hierarchy(top_down=True)
    assert "D" in h.grids[0].bundles
    h.run(np.random.default_rng(1).random((3, 8, 8)) < 0.3, learn=True)
    assert h.grids[0].weights("D").sum() > 0


def test_spiking_view_round_trips_through_hdf5(tmp_path):
    h = small_hierarchy(h_radius=1)
    episode = h.run(np.random.default_rng(2).random((4, 8, 8)) < 0.3, learn=True)
    res = episode_results(h, episode, dt=2.0)
    top = res["L1"]
    assert top.n_spikes == 4 * 6                       # one winner per CM per frame
    np.testing.assert_allclose(np.unique(top.spike_times), [2.0, 4.0, 6.0, 8.0])
    np.testing.assert_allclose(top.traces["G"].values[:, 0], episode.G[1][:, 0])
    res.save(tmp_path / "view.h5")
    back = Results.load(tmp_path / "view.h5")
    np.testing.assert_array_equal(back["L1"].spike_ids, top.spike_ids)


def test_readout_and_classifier_learn_in_one_trial():
    r = ClassReadout(6, 3, score="count")
    r.learn(np.array([1, 1, 0, 0, 0, 0]), 0)
    r.learn(np.array([0, 0, 1, 1, 0, 0]), 1)
    assert r.predict(np.array([0, 0, 1, 0, 0, 0])) == 1
    with pytest.raises(ModelError, match="score"):
        ClassReadout(6, 3, score="svm")
    rng = np.random.default_rng(3)
    items = rng.random((6, 8, 8)) < 0.25
    clf = SparseyClassifier(small_hierarchy(), n_classes=6).fit(items, np.arange(6))
    predicted, G = clf.predict(items)
    np.testing.assert_array_equal(predicted, np.arange(6))
    # level-1 max-V ties can move a few lower cells, so the top G of a learned item is high, not always 1
    assert G.min() > 0.8


def test_readout_prior_and_binary_reading():
    """Test code {0, 2}. Class 0 had cell 0 in all 10 items and never cell 2; class 1 had
    each cell once in 10 items. Laplace (α = 1) favours class 0: log(11/12) + log(1/12)
    = -2.57 against 2·log(2/12) = -3.58; α = 0.01 lets the never-seen cell veto class 0:
    log(10.01/10.02) + log(0.01/10.02) = -6.91 against 2·log(1.01/10.02) = -4.59; the
    binary reading gives class 0 V = 1/2 and class 1 V = 2/2."""
    readouts = {"laplace": ClassReadout(3, 2), "small prior": ClassReadout(3, 2, prior=0.01),
                "binary": ClassReadout(3, 2, score="binary")}
    for r in readouts.values():
        for k in range(10):
            r.learn(np.array([1, 0, 0]), 0)
            r.learn(np.array([int(k == 0), 0, int(k == 1)]), 1)
    code = np.array([1, 0, 1])
    np.testing.assert_allclose(readouts["laplace"].scores(code),
                               [np.log(11 / 12) + np.log(1 / 12), 2 * np.log(2 / 12)], rtol=1e-12)
    np.testing.assert_allclose(readouts["small prior"].scores(code),
                               [np.log(10.01 / 10.02) + np.log(0.01 / 10.02), 2 * np.log(1.01 / 10.02)], rtol=1e-12)
    np.testing.assert_allclose(readouts["binary"].scores(code), [0.5, 1.0])
    assert [r.predict(code) for r in readouts.values()] == [0, 1, 1]
    np.testing.assert_array_equal(readouts["laplace"].reading("binary").scores(code), [0.5, 1.0])
    with pytest.raises(ModelError, match="prior"):
        ClassReadout(3, 2, prior=0.0)


def test_mnist_transform_and_noise():
    img = np.zeros((2, 28, 28), dtype=np.uint8)
    img[:, 4:24, 10:16] = 255   # a thick vertical stroke
    out = mnist_16x24(img)
    assert out.shape == (2, 24, 16) and out.any()
    assert out[0].sum(axis=1).max() <= 2     # thinned to about one pixel per row
    with pytest.raises(ModelError, match="28, 28"):
        mnist_16x24(np.zeros((1, 16, 16)))
    frames = np.zeros((3, 8, 8), dtype=bool)
    frames[:, 2, :] = True
    noisy = add_noise(frames, 0.5, np.random.default_rng(0))
    assert (noisy.sum(axis=(1, 2)) == 8).all() and (noisy[:, 2, :].sum(axis=1) == 4).all()


def test_persistent_level_steps_every_p_frames_on_pooled_input():
    h = Hierarchy((4, 4), [LevelSpec(MacParams(Q=3, K=4), grid=(1, 1), rf=(4, 4)),
                           LevelSpec(MacParams(Q=2, K=4), grid=(1, 1), rf=(1, 1), h_radius=0, persistence=3)], seed=0)
    frames = np.zeros((6, 4, 4), dtype=bool)
    for t in range(6):
        frames[t, t % 4, :] = True
    h.reset()
    union = np.zeros(h.grids[0].n_cells, dtype=bool)
    top = []
    for t, frame in enumerate(frames):
        steps = h.present(frame, learn=True)
        union |= h.grids[0].previous != 0
        top.append(steps[1].winners[0].copy())
        if t == 2:   # the first window closes: level 2 saw the union of three level-1 codes
            assert steps[1].n_active_u[0] == union.sum()
    assert (top[0] == -1).all() and (top[1] == -1).all()   # no code before the first full window
    np.testing.assert_array_equal(top[2], top[3])           # the code persists between steps
    np.testing.assert_array_equal(top[3], top[4])
    with pytest.raises(ModelError, match="persistence"):
        Hierarchy((4, 4), [LevelSpec(MacParams(), grid=(1, 1), rf=(4, 4), persistence=0)])
