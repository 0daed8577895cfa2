"""AM-SU: coupling 0 is the plain LIF unit bit for bit (numba kernel and PyTorch layer)."""
import numpy as np
import pytest

from neuromem.astro.amsu import AMSUParameters, run_amsu, run_lif
from neuromem.errors import ModelError


def drive(seed=0, steps=400, n=12):
    return np.random.default_rng(seed).uniform(0.0, 0.3, (steps, n))


def test_kernel_coupling_zero_equals_lif_bit_for_bit():
    x = drive()
    p = AMSUParameters(kappa_gain=0.0, kappa_sic=0.0)
    am, lif = run_amsu(x, p, domain=np.repeat(np.arange(3), 4)), run_lif(x, p)
    assert lif.spikes.sum() > 50
    assert np.array_equal(am.spikes, lif.spikes)
    assert np.array_equal(am.v, lif.v)


def test_kernel_coupling_changes_activity():
    x = drive()
    lif = run_lif(x, AMSUParameters())
    up = run_amsu(x, AMSUParameters(kappa_gain=0.5, kappa_sic=0.2))
    down = run_amsu(x, AMSUParameters(kappa_gain=-0.9, kappa_sic=0.0))
    assert up.spikes.sum() > lif.spikes.sum() > down.spikes.sum()
    assert 0.0 < up.activation.max() < 1.0


def test_kernel_rejects_bad_domain():
    with pytest.raises(ModelError, match="domain"):
        run_amsu(drive(n=4), AMSUParameters(), domain=np.array([0, 1]))


def test_torch_coupling_zero_equals_lif_bit_for_bit_with_gradients():
    torch = pytest.importorskip("torch")
    from neuromem.astro.amsu_torch import AMSU, LIF

    torch.manual_seed(0)
    x = (torch.rand(60, 3, 8) * 0.4).requires_grad_(True)
    x2 = x.detach().clone().requires_grad_(True)
    s_lif, (v_lif, _) = LIF(8)(x)
    s_am, (v_am, _, _) = AMSU(8, domain_size=4, coupling=False)(x2)
    assert s_lif.sum() > 10
    assert torch.equal(s_lif, s_am) and torch.equal(v_lif, v_am)
    (s_lif.sum() + v_lif.sum()).backward()
    (s_am.sum() + v_am.sum()).backward()
    assert torch.equal(x.grad, x2.grad)


def test_torch_matches_numba_kernel():
    torch = pytest.importorskip("torch")
    from neuromem.astro.amsu_torch import AMSU

    x = drive(seed=2, steps=200, n=8)
    p = AMSUParameters(dt=1.0, tau_m=20.0, tau_a=100.0, K=0.1, kappa_gain=-0.5, kappa_sic=0.2)
    ref = run_amsu(x, p, domain=np.repeat(np.arange(2), 4))
    layer = AMSU(8, domain_size=4, beta=p.beta, gamma=p.gamma, K=p.K, kappa_gain=-0.5, kappa_sic=0.2).double()
    with torch.no_grad():
        s, (v, _, _) = layer(torch.from_numpy(x)[:, None, :])
    # the layer stores β, γ as float32 logits (then .double()), so β differs by ~1e-8:
    # spikes must agree, final membrane values to 1e-6 (threshold units)
    assert np.array_equal(s[:, 0, :].numpy() > 0, ref.spikes)
    np.testing.assert_allclose(v[0].numpy(), ref.v[-1], atol=1e-6)


def test_torch_layer_trains():
    torch = pytest.importorskip("torch")
    from neuromem.astro.amsu_torch import AMSU

    torch.manual_seed(1)
    layer = AMSU(4, domain_size=2)
    x = torch.rand(30, 5, 4) * 0.5
    before = layer.kappa_sic.detach().clone()
    opt = torch.optim.SGD(layer.parameters(), lr=0.1)
    out, _ = layer(x)
    loss = (out.mean() - 0.5) ** 2
    loss.backward()
    assert layer.kappa_sic.grad is not None and layer.kappa_sic.grad.abs().sum() > 0
    opt.step()
    assert not torch.equal(before, layer.kappa_sic.detach())


def test_delayed_recall_targets_are_the_stored_symbols():
    from neuromem.astro.amsu_tasks import delayed_recall_batch

    x, y, mask = delayed_recall_batch(np.random.default_rng(4), batch=3, delay=7, n_symbols=5, length=2)
    assert x.shape == (11, 3, 7) and mask.tolist() == [False] * 9 + [True] * 2
    stored = x[:2, :, :5].argmax(-1)
    assert np.array_equal(y[mask], stored)
    assert np.all(x[:2, :, 5] == 1) and np.all(x[2:9, :, 5] == 0) and np.all(x[9:, :, 6] == 1)


def test_char_corpus_reads_any_text_file(tmp_path):
    from neuromem.astro.amsu_tasks import CharCorpus

    path = tmp_path / "text.txt"
    path.write_text("abcabcabd" * 20, encoding="utf-8")
    corpus = CharCorpus.load(path, valid_fraction=0.25)
    assert corpus.vocab == ["a", "b", "c", "d"]
    assert corpus.train.size == 135 and corpus.valid.size == 45
    x, y = corpus.batch(np.random.default_rng(0), batch=2, length=5)
    assert np.array_equal(x[1:], y[:-1])
    with pytest.raises(ModelError, match="no text file"):
        CharCorpus.load(tmp_path / "missing.txt")


def test_sequence_models_match_parameter_counts_and_ablation_is_lif():
    torch = pytest.importorskip("torch")
    from neuromem.astro.amsu_models import (SpikingRNN, lstm_parameter_count, matched_lstm,
                                            parameter_count)

    amsu = SpikingRNN(65, 32, 65, tokens=True)
    lstm = matched_lstm(65, 65, parameter_count(amsu), tokens=True)
    assert parameter_count(lstm) == lstm_parameter_count(65, lstm.lstm.hidden_size, 65, tokens=True)
    # the closest LSTM is within one hidden unit's worth of parameters
    step = lstm_parameter_count(65, lstm.lstm.hidden_size + 1, 65, True) - parameter_count(lstm)
    assert abs(parameter_count(lstm) - parameter_count(amsu)) <= step
    torch.manual_seed(3)
    ablation = SpikingRNN(6, 16, 4, coupling=False)
    torch.manual_seed(3)
    coupled = SpikingRNN(6, 16, 4, coupling=True)
    x = torch.rand(30, 2, 6) * 2
    with torch.no_grad():
        coupled.cell.kappa_gain.zero_()
        coupled.cell.kappa_sic.zero_()
        assert torch.equal(ablation(x)[0], coupled(x)[0])
