"""Seeded random streams and random parameter distributions.

One integer seed per run determines everything random. It is expanded with
:class:`numpy.random.SeedSequence` into independent, named streams, so that changing
how many Poisson numbers are drawn never changes the connectivity, and adding a
projection never changes the connections of the others:

=================  ===========================================================
stream             used for
=================  ===========================================================
``connectivity``   connectors and random weights/delays (one child per projection)
``initial``        random initial values (one child per population)
``poisson``        spike draws of ``SpikeSourcePoisson`` during the run
=================  ===========================================================

The same seed gives bit-identical results on the same machine and library versions.

Example
-------
>>> from neuromem.random import RandomDistribution, streams
>>> rng = streams(42).child("connectivity", 0)
>>> RandomDistribution("uniform", low=-60.0, high=-50.0).draw(3, rng).shape
(3,)
"""
from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from .errors import ModelError

STREAM_NAMES = ("connectivity", "initial", "poisson")

_DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "normal": ("mu", "sigma"),
    "normal_clipped": ("mu", "sigma", "low", "high"),
    "exponential": ("beta",),
    "lognormal": ("mu", "sigma"),
    "gamma": ("k", "theta"),
}


class RandomDistribution:
    """A distribution of parameter values, drawn from a run's seeded stream.

    Parameters (keyword arguments) by distribution:
    ``uniform(low, high)``, ``normal(mu, sigma)``,
    ``normal_clipped(mu, sigma, low, high)`` (redrawn until inside [low, high]),
    ``exponential(beta)`` (mean beta), ``lognormal(mu, sigma)``, ``gamma(k, theta)``.
    Values carry the unit of the quantity they replace (ms for delays, nA or µS
    for weights, mV for voltages).
    """

    def __init__(self, distribution: str, **parameters: float) -> None:
        if distribution not in _DISTRIBUTIONS:
            raise ModelError(
                f"RandomDistribution: unknown distribution {distribution!r}; "
                f"valid are {sorted(_DISTRIBUTIONS)}"
            )
        expected = _DISTRIBUTIONS[distribution]
        if set(parameters) != set(expected):
            raise ModelError(
                f"RandomDistribution({distribution!r}): parameters {sorted(parameters)} given, "
                f"expected exactly {list(expected)}"
            )
        self.distribution = distribution
        self.parameters = {k: float(v) for k, v in parameters.items()}

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n`` float64 values from ``rng``."""
        p = self.parameters
        if self.distribution == "uniform":
            return rng.uniform(p["low"], p["high"], n)
        if self.distribution == "normal":
            return rng.normal(p["mu"], p["sigma"], n)
        if self.distribution == "normal_clipped":
            out = rng.normal(p["mu"], p["sigma"], n)
            bad = (out < p["low"]) | (out > p["high"])
            while bad.any():
                out[bad] = rng.normal(p["mu"], p["sigma"], int(bad.sum()))
                bad = (out < p["low"]) | (out > p["high"])
            return out
        if self.distribution == "exponential":
            return rng.exponential(p["beta"], n)
        if self.distribution == "lognormal":
            return rng.lognormal(p["mu"], p["sigma"], n)
        return rng.gamma(p["k"], p["theta"], n)

    def describe(self) -> dict[str, Any]:
        """Plain-data description, as written to YAML and provenance."""
        return {"distribution": self.distribution, **self.parameters}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items())
        return f"RandomDistribution({self.distribution!r}, {args})"


class SeedStreams:
    """Named, independent random streams derived from one seed."""

    def __init__(self, seed: int) -> None:
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
            raise ModelError(f"seed: expected a non-negative integer, got {seed!r}")
        self.seed = int(seed)

    def child(self, stream: str, index: int = 0) -> np.random.Generator:
        """Generator for item ``index`` (projection or population) of ``stream``."""
        if stream not in STREAM_NAMES:
            raise ValueError(f"unknown random stream {stream!r}; valid are {STREAM_NAMES}")
        key = (zlib.crc32(stream.encode()), int(index))
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=key)))

    def integer_seed(self, stream: str, index: int = 0) -> int:
        """A 63-bit integer seed for compiled code that keeps its own generator."""
        return int(self.child(stream, index).integers(0, 2**63 - 1))


def streams(seed: int) -> SeedStreams:
    """Return the named random streams of a run with this seed."""
    return SeedStreams(seed)


def resolve(value: Any, n: int, rng: np.random.Generator, what: str) -> np.ndarray:
    """Turn a scalar, array or :class:`RandomDistribution` into ``n`` float64 values."""
    if isinstance(value, RandomDistribution):
        return value.draw(n, rng)
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise ModelError(f"{what}: {arr.size} values given where {n} are needed")
    return arr.copy()
