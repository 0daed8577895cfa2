"""Tripartite wiring: synapse→astrocyte assignment and gap junctions."""
import numpy as np
import pytest

from neuromem.astro.wiring import (gap_junctions_by_distance, grid_positions, nearest_assignment,
                                   pool_assignment, ring_gap_junctions)
from neuromem.errors import ModelError


def test_random_pool_assignment_respects_pools_and_probability():
    rng = np.random.default_rng(7)
    post = np.repeat(np.arange(20), 50)                    # 20 post cells × 50 synapses
    a = pool_assignment(post, 20, 10, rng, p=0.5, pool_size=3, pool_type="random")
    assert 0.4 < np.mean(a >= 0) < 0.6                      # Bernoulli(0.5), 1000 draws: ±5 σ
    for cell in range(20):
        assert np.unique(a[(post == cell) & (a >= 0)]).size <= 3


def test_block_pools_tile_the_astrocytes_in_order():
    a = pool_assignment(np.arange(8), 8, 4, np.random.default_rng(0), pool_size=1, pool_type="block")
    assert a.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_nearest_assignment_and_gap_junctions_on_a_grid():
    astro = grid_positions(16, spacing=75.0)                  # 4 × 4, 75 µm apart
    neurons = astro + 10.0                                    # each neuron next to one astrocyte
    assert nearest_assignment(np.array([5, 0]), neurons, astro).tolist() == [5, 0]
    indptr, nb = gap_junctions_by_distance(astro, 80.0)
    assert np.diff(indptr).tolist()[:5] == [2, 3, 3, 2, 3]    # lattice neighbours only
    assert sorted(nb[indptr[5]:indptr[6]].tolist()) == [1, 4, 6, 9]
    ptr, ring = ring_gap_junctions(5)
    assert ring[ptr[0]:ptr[1]].tolist() == [1, 4]


def test_bad_wiring_inputs_are_named():
    with pytest.raises(ModelError, match="pool_type"):
        pool_assignment(np.arange(3), 3, 3, np.random.default_rng(0), pool_type="grid")
    with pytest.raises(ModelError, match="pool_size"):
        pool_assignment(np.arange(3), 3, 3, np.random.default_rng(0), pool_size=5)
    with pytest.raises(ModelError, match="max_distance"):
        gap_junctions_by_distance(grid_positions(4, spacing=1.0), 0.0)
