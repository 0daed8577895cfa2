"""Back ends: where a :class:`~neuromem.network.Network` runs.

``"engine"`` is the embedded numba engine (always available). PyNN back ends
(``"nest"``, ``"brian2"``, ``"spinnaker"``) are provided by :mod:`neuromem.backends.pynn`
when their extras are installed; asking for a missing one is an error that names the
extra to install — never a silent fallback.
"""
from __future__ import annotations

from typing import Any, Protocol

from ..errors import BackendUnavailableError


class Backend(Protocol):
    """What a back end provides: ``run(network, duration_ms, seed, progress) -> Results``."""

    def run(self, network: Any, duration: float, seed: int, progress: bool | None = None) -> Any: ...


def get_backend(name: str) -> Backend:
    """Return the back end called ``name``."""
    if name == "engine":
        from ..engine import EngineBackend

        return EngineBackend()
    if name in ("nest", "brian2", "spinnaker"):
        try:
            from .pynn import PyNNBackend
        except ImportError as exc:  # the module itself names the missing extra
            raise BackendUnavailableError(str(exc)) from exc
        return PyNNBackend(name)
    raise BackendUnavailableError(
        f"unknown back end {name!r}; choose one of engine, nest, brian2, spinnaker"
    )
