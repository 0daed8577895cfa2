"""Back ends: where a :class:`~neuromem.network.Network` runs.

``"engine"`` is the embedded numba engine (always available). PyNN back ends
(``"nest"``, ``"brian2"``, ``"spinnaker"``) are provided by :mod:`neuromem.backends.pynn`
when their extras are installed; asking for a missing one is an error that names the
extra to install — never a silent fallback.

A PyNN back end runs with its target's default hardware profile (``hardware/nest.yaml``,
``brian2.yaml``, ``spinn5.yaml``); ``"<target>:<profile>"`` picks another one by name or
YAML path, e.g. ``network.run(100.0, backend="nest:nest_precise")`` for NEST's
precise-timing neuron models.
"""
from __future__ import annotations

from typing import Any, Protocol

from ..errors import BackendUnavailableError, ModelError


class Backend(Protocol):
    """What a back end provides: ``run(network, duration_ms, seed, progress) -> Results``."""

    def run(self, network: Any, duration: float, seed: int, progress: bool | None = None) -> Any: ...


PYNN_TARGETS = ("nest", "brian2", "spinnaker")


def get_backend(name: str) -> Backend:
    """Return the back end called ``name`` (``"engine"``, ``"nest"``, ``"brian2"``,
    ``"spinnaker"``, or ``"<target>:<profile>"`` for a PyNN target with another
    hardware profile)."""
    if name == "engine":
        from ..engine import EngineBackend

        return EngineBackend()
    profile = backend_profile(name)
    try:
        from .pynn import PyNNBackend
    except ImportError as exc:  # the module itself names the missing extra
        raise BackendUnavailableError(str(exc)) from exc
    return PyNNBackend(name.partition(":")[0], profile)


def backend_profile(name: str) -> Any:
    """The hardware profile (:class:`~neuromem.backends.fitcheck.Profile`) a back end
    called ``name`` runs with, without importing its simulator; None for the engine.

    >>> backend_profile("nest:nest_precise").get("spike_precision")
    'off_grid'
    """
    if name == "engine":
        return None
    target, _, profile_name = name.partition(":")
    if target not in PYNN_TARGETS:
        raise BackendUnavailableError(
            f"unknown back end {name!r}; choose one of engine, nest, brian2, spinnaker "
            "(optionally <target>:<hardware profile>)")
    from .fitcheck import default_profile, load_profile

    if not profile_name:
        return default_profile(target)
    profile = load_profile(profile_name)
    if profile.target != target:
        raise ModelError(f"back end {name!r}: hardware profile {profile.name!r} is for "
                         f"{profile.target}; use {profile.target}:{profile_name}")
    return profile
