"""Astrocytes: Li–Rinzel and G-ChI models, gliotransmission, tripartite synapses and AM-SU.

Concentrations are in µM. The Li–Rinzel model (NEST ``astrocyte_lr_1994``) works in ms;
the G-ChI model and Tsodyks–Markram synapses keep their published per-second rates, and
every run function takes its steps and durations in ms. Astrocytes integrate on their own
clock (``astro_dt``, a whole multiple of the synapse/neuron step). The PyTorch layers
(:mod:`neuromem.astro.amsu_torch`) need the ``snn`` extra and are not imported here.
:class:`AstrocyteLayer` and :class:`AMSUModulator` run astrocytes beside a network, inside
``network.run(...)``, as engine hooks.

Example
-------
>>> from neuromem.astro import LiRinzelParameters, simulate_li_rinzel, oscillation
>>> run = simulate_li_rinzel(200_000.0, dt=10.0, params=LiRinzelParameters(IP3_0=0.5))
>>> round(oscillation(run.times[run.times > 100_000], run.ca[run.times > 100_000, 0]).period / 1000, 1)
11.5
"""
from .amsu import AMSUParameters, run_amsu, run_lif
from .amsu_engine import AMSUModulator
from .analysis import oscillation, relative_rms
from .gchi import GChIParameters
from .layer import AstrocyteLayer, SynapseAssignment
from .li_rinzel import LiRinzelParameters, sic_current, simulate_li_rinzel
from .tripartite import TripartiteRun, TripartiteWiring, run_tripartite
from .tsodyks_markram import TsodyksMarkramParameters, steady_state_release
from .wiring import (gap_junctions_by_distance, grid_positions, nearest_assignment, pool_assignment,
                     ring_gap_junctions)

__all__ = [
    "AMSUModulator", "AMSUParameters", "AstrocyteLayer", "SynapseAssignment", "GChIParameters", "LiRinzelParameters", "TripartiteRun", "TripartiteWiring",
    "TsodyksMarkramParameters", "gap_junctions_by_distance", "grid_positions", "nearest_assignment",
    "oscillation", "pool_assignment", "relative_rms", "ring_gap_junctions", "run_amsu", "run_lif",
    "run_tripartite", "sic_current", "simulate_li_rinzel", "steady_state_release",
]
