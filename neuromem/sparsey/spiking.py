"""The spiking view of Sparsey: a level's winners as a spike raster over time steps
and its familiarity G as a trace, in a :class:`neuromem.results.Results`.

Frame t (0-based) is the time step [t·dt, (t+1)·dt) ms; a winner of that frame is a
spike at (t+1)·dt ms (end of the step, as the engine reports spikes). Cell ids within
a level are ``m·Q·K + q·K + k``. ``G`` (dimensionless, one column per mac) is sampled
at the same times.

Example
-------
>>> import numpy as np
>>> from neuromem.sparsey import Hierarchy, LevelSpec, MacParams, episode_results
>>> h = Hierarchy((4, 4), [LevelSpec(MacParams(Q=2, K=3), grid=(1, 1), rf=(4, 4))], seed=0)
>>> ep = h.run([np.eye(4, dtype=bool)] * 3)
>>> episode_results(h, ep, dt=1.0)["L0"].n_spikes
6
"""
from __future__ import annotations

import numpy as np

from ..results import PopulationData, Results, Trace
from .hierarchy import Episode, Hierarchy


def episode_results(hierarchy: Hierarchy, episode: Episode, dt: float = 1.0, seed: int = 0) -> Results:
    """Results with one population ``L<level>`` per level (spikes = winners, trace ``G``).

    ``dt`` is the duration of one frame in ms.
    """
    populations = {}
    n_frames = episode.winners[0].shape[0] if episode.winners else 0
    times = (np.arange(n_frames) + 1) * dt
    for ell, (winners, G) in enumerate(zip(episode.winners, episode.G)):
        p = hierarchy.specs[ell].params
        T, M, Q = winners.shape
        t, m, q = np.nonzero(winners >= 0)
        ids = m * p.n_cells + q * p.K + winners[t, m, q]
        order = np.lexsort((ids, t))
        label = f"L{ell}"
        populations[label] = PopulationData(
            label, M * p.n_cells, "SparseyMac", times[t[order]], ids[order],
            traces={"G": Trace(times.copy(), np.arange(M), np.asarray(G, dtype=float), "1")})
    model = {"sparsey": {"input_shape": list(hierarchy.input_shape),
                         "levels": [{"grid": list(s.grid), "rf": list(s.rf), "h_radius": s.h_radius,
                                     "top_down": s.top_down, "params": s.params.describe()}
                                    for s in hierarchy.specs]}}
    return Results(populations, dt=dt, duration=n_frames * dt, seed=seed, backend="sparsey", model=model,
                   provenance={"frame_ms": dt})
