"""The embedded numba engine (being written)."""
