"""The embedded engine: clock-driven simulation of a Network with numba.

Fixed step dt (ms); every cell model is advanced by the scheme documented in
:mod:`neuromem.engine.neurons`; synaptic delays are whole steps held in a ring
buffer; spikes propagate event-driven through CSR tables; STDP uses exponential
traces (:mod:`neuromem.engine.kernel`). The time loop runs compiled, in chunks of
simulated time, with a progress bar for long runs.

Example
-------
>>> import neuromem as nm
>>> net = nm.Network(dt=0.1)
>>> cell = net.add(nm.Population(1, nm.IF_curr_exp(i_offset=1.0), label="cell"))
>>> cell.record(["spikes"])
>>> res = net.run(100.0, seed=1)
>>> res["cell"].n_spikes > 0
True
"""
from .runner import EngineBackend, simulate
from .build import ConnectionList, realise_connections

__all__ = ["ConnectionList", "EngineBackend", "realise_connections", "simulate"]
