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


def get_backend(name: str) -> Backend:
    """Return the back end called ``name`` (``"engine"``, ``"nest"``, ``"brian2"``,
    ``"spinnaker"``, or ``"<target>:<profile>"`` for a PyNN target with another
    hardware profile)."""
    target, _, profile_name = name.partition(":")
    if name == "engine":
        from ..engine import EngineBackend

        return EngineBackend()
    if target in ("nest", "brian2", "spinnaker"):
        from .fitcheck import load_profile

        profile = load_profile(profile_name) if profile_name else None
        if profile is not None and profile.target != target:
            raise ModelError(f"back end {name!r}: hardware profile {profile.name!r} is for "
                             f"{profile.target}; use {profile.target}:{profile_name}")
        try:
            from .pynn import PyNNBackend
        except ImportError as exc:  # the module itself names the missing extra
            raise BackendUnavailableError(str(exc)) from exc
        return PyNNBackend(target, profile)
    raise BackendUnavailableError(
        f"unknown back end {name!r}; choose one of engine, nest, brian2, spinnaker "
        "(optionally <target>:<hardware profile>)"
    )
