"""Exception types of neuromem.

All errors caused by a bad model description derive from :class:`ModelError`; the
message names the field, the bad value and what would be valid, and the CLI turns
it into a one-line message with exit code 2.
"""


class NeuromemError(Exception):
    """Base class of every error neuromem raises on purpose."""


class ModelError(NeuromemError, ValueError):
    """A model description (Python API or YAML file) is invalid."""


class BackendUnavailableError(NeuromemError, RuntimeError):
    """A requested back end is not installed; the message names the extra to install."""


class UnsupportedFeatureError(NeuromemError, ValueError):
    """A back end or exporter cannot express part of a network; every problem is listed."""


class ResultsFormatError(NeuromemError, ValueError):
    """A results file is not a neuromem file or has another schema version."""
