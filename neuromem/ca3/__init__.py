"""CA3 spiking content-addressable memory (Casanueva-Morato et al., Neural Networks 2024).

A hippocampal CA3 model built from PyNN-standard parts that learns, forgets (by
overwrite) and recalls memories — one-hot cues associated with binary contents —
from any fragment. See ``docs/ca3.md``.

Example
-------
>>> from neuromem.ca3 import CA3Memory, memory_neuron_count, synapse_count
>>> memory_neuron_count(5, 10), synapse_count(5, 10)
(56, 295)
"""
from .memory import CA3Memory, CA3Run, OperationResult, decode
from .network import build_network
from .oracle import expected_outputs
from .parameters import memory_neuron_count, synapse_count
from .schedule import Operation, Schedule

__all__ = ["CA3Memory", "CA3Run", "Operation", "OperationResult", "Schedule", "build_network",
           "decode", "expected_outputs", "memory_neuron_count", "synapse_count"]
