"""neuromem: a toolkit for neuromorphic memory research.

Describe a spiking network once (PyNN names and units), simulate it on the embedded
numba engine, or on NEST, Brian2 and SpiNNaker through PyNN; store every run in one
HDF5 results format and plot it.

>>> import neuromem as nm
>>> net = nm.Network(dt=0.1)
>>> pop = net.add(nm.Population(10, nm.IF_cond_exp(), label="cells"))
"""
from .cells import (EIF_cond_exp_isfa_ista, IF_cond_exp, IF_curr_delta, IF_curr_exp, Izhikevich,
                    SpikeSourceArray, SpikeSourcePoisson)
from .connectors import (AllToAllConnector, FixedNumberPostConnector, FixedNumberPreConnector,
                         FixedProbabilityConnector, FromListConnector, OneToOneConnector)
from .errors import ModelError, NeuromemError
from .intrinsic import AdaptiveThreshold
from .network import Network, Population, PopulationView, Projection
from .random import RandomDistribution
from .results import Results
from .sources import DCSource, StepCurrentSource
from .synapses import (AdditiveWeightDependence, MultiplicativeWeightDependence,
                       PrePostIncrementRule, SpikePairRule, STDPMechanism, StaticSynapse,
                       TsodyksMarkramSynapse)

__version__ = "0.1.0"

__all__ = [
    "AdaptiveThreshold", "AdditiveWeightDependence", "AllToAllConnector", "DCSource", "EIF_cond_exp_isfa_ista",
    "FixedNumberPostConnector", "FixedNumberPreConnector", "FixedProbabilityConnector",
    "FromListConnector", "IF_cond_exp", "IF_curr_delta", "IF_curr_exp", "Izhikevich", "ModelError",
    "MultiplicativeWeightDependence", "Network", "NeuromemError", "OneToOneConnector", "Population",
    "PopulationView", "PrePostIncrementRule", "Projection", "RandomDistribution", "Results", "STDPMechanism",
    "SpikePairRule", "SpikeSourceArray", "SpikeSourcePoisson", "StaticSynapse", "StepCurrentSource",
    "TsodyksMarkramSynapse", "__version__",
]
