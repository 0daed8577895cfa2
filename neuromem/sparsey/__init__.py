"""Sparsey (Rinkus): sparse distributed codes stored in superposition, single-trial
learning and fixed-time best-match retrieval.

* :class:`MacParams` — size and Code Selection Algorithm parameters of a mac;
* :class:`Macrocolumn` — one mac (Q CMs × K cells) with U/H/D inputs;
* :class:`MacGrid` — many macs of one size, the unit of a hierarchy level;
* :class:`Hierarchy` / :class:`LevelSpec` — levels of mac grids with receptive fields;
* :class:`ClassReadout` — supervised class nodes on top-level codes;
* :func:`episode_results` — the spiking view (winners as spikes, G as a trace).

Example
-------
>>> from neuromem.sparsey import Macrocolumn, MacParams
>>> mac = Macrocolumn(MacParams(Q=5, K=8), n_u=16, seed=42)
>>> mac.learn([0, 1, 2]).winners.shape
(5,)
"""
from .grid import GridStep, MacGrid
from .hierarchy import Hierarchy, LevelSpec
from .mac import Code, Macrocolumn
from .params import SPARSEY_ALT_SIGMOID, MacParams
from .readout import ClassReadout
from .spiking import episode_results

__all__ = ["ClassReadout", "Code", "GridStep", "Hierarchy", "LevelSpec", "MacGrid", "MacParams",
           "Macrocolumn", "SPARSEY_ALT_SIGMOID", "episode_results"]
