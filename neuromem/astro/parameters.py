"""Parameter tables shared by the astrocyte models.

Each model's parameters are a frozen dataclass deriving from :class:`ParameterTable`:
fields carry the defaults, ``units`` names the unit of every field, and
:meth:`ParameterTable.packed` lays the values out as a float64 vector in field order
for the numba kernels (which index it with the module's ``_P_*`` constants).

Example
-------
>>> from neuromem.astro.li_rinzel import LiRinzelParameters
>>> p = LiRinzelParameters().replace(delta_IP3=0.2)
>>> p.units["delta_IP3"], p.delta_IP3
('µM', 0.2)
"""
from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ..errors import ModelError


@dataclasses.dataclass(frozen=True)
class ParameterTable:
    """Base class of the astrocyte/synapse parameter dataclasses."""

    units: ClassVar[dict[str, str]] = {}
    #: fields that must be > 0 (the rest must be >= 0 unless listed in ``signed``)
    positive: ClassVar[tuple[str, ...]] = ()
    signed: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        name = type(self).__name__
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise ModelError(f"{name}.{field.name}: expected a number in "
                                 f"{self.units.get(field.name, '1')}, got {value!r}")
            value = float(value)
            if not np.isfinite(value):
                raise ModelError(f"{name}.{field.name}: must be finite, got {value!r}")
            if field.name in self.positive and value <= 0:
                raise ModelError(f"{name}.{field.name}: must be > 0 "
                                 f"({self.units.get(field.name, '1')}), got {value!r}")
            if field.name not in self.positive and field.name not in self.signed and value < 0:
                raise ModelError(f"{name}.{field.name}: must be >= 0 "
                                 f"({self.units.get(field.name, '1')}), got {value!r}")
            object.__setattr__(self, field.name, value)

    def replace(self, **changes: Any) -> "ParameterTable":
        """A copy with some values changed; unknown names raise :class:`ModelError`."""
        names = [f.name for f in dataclasses.fields(self)]
        unknown = sorted(set(changes) - set(names))
        if unknown:
            raise ModelError(f"{type(self).__name__}: unknown parameter(s) {unknown}; "
                             f"valid are {names}")
        return dataclasses.replace(self, **changes)

    def packed(self) -> np.ndarray:
        """The values as a float64 vector in field order (for the numba kernels)."""
        return np.array([getattr(self, f.name) for f in dataclasses.fields(self)], dtype=np.float64)

    def describe(self) -> dict[str, float]:
        """Plain-data description {name: value} (for provenance and YAML)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def table(self) -> str:
        """A markdown table of name | value | unit (used by the docs and summaries)."""
        rows = ["| parameter | value | unit |", "|---|---|---|"]
        rows += [f"| {k} | {v:g} | {self.units.get(k, '1')} |" for k, v in self.describe().items()]
        return "\n".join(rows)


def field_index(table: type[ParameterTable], name: str) -> int:
    """Position of field ``name`` in ``table.packed()`` (used to define kernel constants)."""
    return [f.name for f in dataclasses.fields(table)].index(name)
