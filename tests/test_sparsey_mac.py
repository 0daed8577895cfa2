"""Sparsey macrocolumn: the behavioural invariants of the reference (§4.5.1–3)."""
import numpy as np
import pytest

from neuromem.errors import ModelError
from neuromem.sparsey import SPARSEY_ALT_SIGMOID, MacParams, Macrocolumn

FIXTURE = {"A": [0, 1, 2], "B": [6, 7, 8], "C": [11, 12, 13], "D": [3, 4, 14]}
NOVEL = [5, 9, 10, 15]


@pytest.mark.parametrize("form", ["reference", "published"])
def test_fixture_four_codes_reinstated_and_familiarity(form):
    mac = Macrocolumn(MacParams(Q=5, K=8, sigmoid=form), n_u=16, seed=42)
    codes = {name: mac.learn(u) for name, u in FIXTURE.items()}
    distinct = {tuple(c.winners) for c in codes.values()}
    assert len(distinct) == 4
    for name, u in FIXTURE.items():
        recalled = mac.recognise(u)
        np.testing.assert_array_equal(recalled.winners, codes[name].winners)
        assert recalled.G == pytest.approx(1.0)
    # the novel input shares no line with the stored ones: no support anywhere
    assert mac.recognise(NOVEL).G == 0.0


@pytest.mark.parametrize("form", ["reference", "published"])
def test_zero_familiarity_gives_uniform_choice(form):
    mac = Macrocolumn(MacParams(Q=6, K=8, sigmoid=form), n_u=20, seed=1)
    code = mac.learn([0, 1, 2, 3])
    assert code.G == 0.0
    np.testing.assert_allclose(code.rho, 1.0 / 8)


def test_unrelated_novel_codes_overlap_at_chance():
    Q, K, n = 20, 8, 300
    mac = Macrocolumn(MacParams(Q=Q, K=K), n_u=3 * n, seed=7)
    codes = np.array([mac.learn([3 * i, 3 * i + 1, 3 * i + 2]).winners for i in range(n)])
    same = (codes[:, None, :] == codes[None, :, :]).sum(axis=2)
    mean_overlap = same[np.triu_indices(n, 1)].mean()
    # 44,850 pairs of 20 Bernoulli(1/8) CMs: standard error of the mean < 0.02 even
    # with the correlation between pairs sharing a code; 0.1 is 5 standard errors
    assert mean_overlap == pytest.approx(Q / K, abs=0.1)


def test_sisc_matches_closed_form_and_is_monotone():
    """Code overlap with a stored base code vs input overlap, against the closed form
    Q·μ(f)/(μ(f) + (K−1)·μ(0)) of a mac that stores only the base pattern."""
    p = MacParams(Q=10, K=8)
    n_active, trials = 20, 60
    mac = Macrocolumn(p, n_u=200, seed=3)
    base = np.arange(n_active)
    base_code = mac.learn(base)
    curve, expected = [], []
    for kept in range(0, n_active + 1, 4):
        u = np.concatenate([base[:kept], 100 + np.arange(n_active - kept)])
        overlaps = [mac.sample(u).overlap(base_code) for _ in range(trials)]
        curve.append(np.mean(overlaps))
        f = kept / n_active
        mu_base, mu_other = p.mu(f, f), p.mu(0.0, f)
        expected.append(p.Q * mu_base / (mu_base + (p.K - 1) * mu_other))
    # 600 CM draws per point: binomial standard error <= sqrt(0.25/600)·Q ≈ 0.2 → 0.7 is 3.5 SE
    np.testing.assert_allclose(curve, expected, atol=0.7)
    assert np.all(np.diff(expected) > 0)
    assert np.all(np.diff(curve) > 0)


def test_sparsey_alt_preset_reproduces_its_sigmoid():
    p = MacParams(Q=2, K=4, **SPARSEY_ALT_SIGMOID)
    V = np.linspace(0, 1, 11)
    eta = p.expansivity(0.7)
    alt = (eta - 1) / (1 + (0.1 * np.exp(-4 * (V - 1))) ** 8) + 1
    np.testing.assert_allclose(p.mu(V, 0.7), alt, rtol=1e-12)
    assert MacParams(K=8).expansivity(1.0) == pytest.approx(801.0)


def test_kernel_probabilities_match_closed_form():
    p = MacParams(Q=3, K=4, sigmoid_lambda=6.0, lambda_U=1.0)
    mac = Macrocolumn(p, n_u=10, seed=0)
    mac.learn([0, 1, 2, 3])
    code = mac.sample([0, 1, 5, 6])  # half the stored lines: V = 0.5 on the stored cells
    mu = p.mu(code.V, code.G)
    np.testing.assert_allclose(code.rho, mu / mu.sum(axis=1, keepdims=True), rtol=1e-12)
    assert code.G == pytest.approx(0.5)


def test_sequence_chaining_disambiguates_shared_frame():
    """Two sequences share their middle frame; the H input gives it two codes."""
    mac = Macrocolumn(MacParams(Q=8, K=8), n_u=12, sequence=True, seed=5)
    first = [[0, 1], [4, 5], [8, 9]]
    second = [[2, 3], [4, 5], [10, 11]]
    learned = []
    for seq in (first, second):
        mac.reset()
        learned.append([mac.learn(f).winners for f in seq])
    assert not np.array_equal(learned[0][1], learned[1][1])
    for seq, codes in zip((first, second), learned):
        mac.reset()
        for frame, code in zip(seq, codes):
            np.testing.assert_array_equal(mac.recognise(frame).winners, code)


def test_freezing_stops_learning():
    mac = Macrocolumn(MacParams(Q=4, K=4, freeze_fraction=0.05), n_u=20, seed=0)
    mac.learn(range(10))  # sets 10·4 of 20·16 = 12.5 % of the weights: frozen afterwards
    before = mac.weights.copy()
    mac.learn(range(10, 20))
    np.testing.assert_array_equal(mac.weights, before)


def test_pi_gate_switches_mac_off():
    mac = Macrocolumn(MacParams(Q=3, K=4, pi_min=2, pi_max=3), n_u=8, seed=0)
    assert (mac.learn([0]).winners == -1).all()
    assert (mac.learn([0, 1, 2, 3]).winners == -1).all()
    assert (mac.learn([0, 1]).winners >= 0).all()
    assert mac.weights.sum() == 2 * 3


def test_same_seed_same_codes():
    runs = []
    for _ in range(2):
        mac = Macrocolumn(MacParams(Q=6, K=6), n_u=30, seed=11)
        runs.append([mac.learn(np.arange(i, i + 5)).winners for i in range(20)])
    np.testing.assert_array_equal(runs[0], runs[1])


@pytest.mark.parametrize("kwargs, field", [({"K": 0}, "K"), ({"sigmoid": "tanh"}, "sigmoid"),
                                           ({"g_floor": 1.0}, "g_floor"), ({"pi_min": 5, "pi_max": 2}, "pi_min"),
                                           ({"freeze_fraction": 0.0}, "freeze_fraction"),
                                           ({"weights": "analog"}, "weights"),
                                           ({"decay_weights": (100, 50, 20)}, "decay_weights"),
                                           ({"decay_ages": ((30, 20, 10),)}, "decay_ages")])
def test_bad_parameters_name_the_field(kwargs, field):
    with pytest.raises(ModelError, match=field):
        MacParams(**kwargs)


def test_bad_input_is_refused():
    mac = Macrocolumn(MacParams(), n_u=4)
    with pytest.raises(ModelError, match="0..3"):
        mac.learn([4])


def test_tabulated_support_matches_closed_form_with_cutoffs():
    """V = (u/n)^λ_U with the cutoffs applied, from the kernel's lookup table."""
    p = MacParams(Q=3, K=4, lambda_U=10.0, cutoff_min=0.3, cutoff_max=0.8)
    mac = Macrocolumn(p, n_u=20, seed=0)
    mac.learn(range(10))
    for kept in range(0, 11):
        V = mac.recognise(list(range(kept)) + list(range(10, 20 - kept))).V
        s = kept / 10
        s = 0.0 if s < 0.3 else (1.0 if s >= 0.8 else s)
        assert V.max() == pytest.approx(s ** 10.0, rel=1e-12)


SHORT_TABLE = {"weights": "graded", "decay_ages": ((3, 5, 7), (6, 9, 12))}


def _stored_weights(mac, lines, code):
    """Graded weights from ``lines`` onto the cells of ``code`` (lines × Q)."""
    return mac.weights[np.ix_(lines, code.cells(mac.params.K))]


def test_graded_weights_decay_along_the_table():
    """A synapse used once holds 127/120/50 for ages < 3/5/7 learning steps, then 0
    (ages 1..8 here: the first reading is one step after the learning step)."""
    mac = Macrocolumn(MacParams(Q=2, K=4, **SHORT_TABLE), n_u=40, seed=0)
    code = mac.learn([0, 1])
    seen = []
    for step in range(8):
        seen.append(np.unique(_stored_weights(mac, [0, 1], code)).tolist())
        mac.learn([10 + 2 * step, 11 + 2 * step])  # unrelated lines: only the clock moves
    assert seen == [[127], [127], [120], [120], [50], [50], [0], [0]]


def test_graded_recoincidence_stiffens_then_makes_permanent():
    mac = Macrocolumn(MacParams(Q=1, K=1, **SHORT_TABLE), n_u=40, seed=0)
    mac.learn([0])                     # K=1: every item reaches the same cell
    mac.learn([0])                     # re-coincidence at age 1 < 3: stiffness 1
    for step in range(6):
        assert mac.weights[0, 0] == (127 if step < 5 else 120)  # ages 1..6; stiffness 0 would drop at 3
        mac.learn([10 + step])
    mac.learn([0])                     # age 7, not < 6: no promotion, weight back to 127
    mac.learn([0])                     # age 1 < 6: stiffness 2 = permanent
    for step in range(20):
        mac.learn([20 + step])
    assert mac.weights[0, 0] == 127


def test_graded_support_is_normalised_by_127():
    """V = (u / (n·127))^λ: two lines at 120 and one at 127 give ((2·120 + 127)/381)^λ."""
    p = MacParams(Q=2, K=4, lambda_U=3.0, decay_ages=((2, 5, 9), (4, 8, 12)), weights="graded")
    mac = Macrocolumn(p, n_u=40, seed=0)
    mac.learn([0, 1])
    mac.learn([20, 21])
    mac.learn([2])                      # line 2 only: fresh weights, possibly onto other cells
    V = mac.recognise([0, 1]).V         # lines 0, 1 are 2 steps old: weight 120
    assert V.max() == pytest.approx((120 / 127) ** 3, rel=1e-12)


def test_graded_freezing_makes_weights_permanent():
    mac = Macrocolumn(MacParams(Q=2, K=4, freeze_fraction=0.05, **SHORT_TABLE), n_u=40, seed=0)
    code = mac.learn(range(4))          # 4·2 of 40·8 weights = 2.5 %: not yet frozen
    mac.learn(range(4, 8))              # 5 %: frozen, its non-zero weights permanent
    for step in range(10):
        mac.learn([20 + step])
    assert (_stored_weights(mac, [0, 1, 2, 3], code) == 127).all()


def test_sparseycore_table_equals_binary_before_the_first_threshold():
    """Below age 2000 every SparseyCore weight is 127: graded and binary macs choose the
    same codes and V (the table only matters for runs longer than 2000 learning steps)."""
    rng = np.random.default_rng(4)
    items = [rng.choice(30, size=4, replace=False) for _ in range(60)]
    runs = {}
    for mode in ("binary", "graded"):
        mac = Macrocolumn(MacParams(Q=4, K=4, lambda_U=10.0, weights=mode), n_u=30, seed=9)
        runs[mode] = [mac.learn(u).winners for u in items] + [mac.recognise(u).V for u in items[:10]]
    for a, b in zip(runs["binary"], runs["graded"]):
        np.testing.assert_array_equal(a, b)
