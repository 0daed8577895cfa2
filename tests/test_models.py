"""Every model file shipped in models/ loads, validates and runs on the engine."""
from pathlib import Path

import pytest

from neuromem.spec import load_model

MODELS = sorted((Path(__file__).parent.parent / "models").glob("*.yaml"))


def test_the_shipped_models_are_found():
    assert {p.stem for p in MODELS} >= {"coba", "cuba", "demo_small", "tripartite"}


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_model_file_runs(path):
    network, settings = load_model(path)
    assert settings.duration > 0 and network.populations
    results = network.run(50.0, seed=settings.seed)  # a short run: the full runs are experiments
    assert set(results.populations) >= {p.label for p in network.populations}
    assert results.duration == pytest.approx(50.0)
