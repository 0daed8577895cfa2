"""The neuromem results file: one versioned HDF5 schema, written atomically.

Layout (schema version 1)::

    /                                   attrs: format="neuromem-results", schema_version=1,
                                               created (ISO 8601, UTC), neuromem_version
    /populations/<label>                attrs: label, size, cell_type
        recorded_ids                    cells whose spikes were recorded      unit "index"
        spikes/times                    spike times                           unit "ms"
        spikes/ids                      cell index within the population      unit "index"
        traces/<variable>/times         sample times                          unit "ms"
        traces/<variable>/ids           recorded cells                        unit "index"
        traces/<variable>/values        samples, shape (times × ids)          unit of the variable
    /weights/<projection>               attrs: label
        pre, post                       cell indices within pre / post        unit "index"
        weight                          final weights                         unit "nA", "uS" or "mV"
        delay                           delays                                unit "ms"
    /provenance                         attrs: seed, dt_ms, duration_ms, backend,
                                               run_info (JSON of Results.provenance)
        model                           JSON text of Network.describe()       attr format="json"
        versions                        attrs: python, numpy, numba, h5py, and any of
                                               brian2, nest-simulator, PyNN, sPyNNaker installed

Every numeric dataset carries a ``unit`` attribute. Arrays of 1024 elements or more
are chunked and compressed (shuffle + gzip). Dataset creation times are not stored,
so identical results give bit-identical datasets. Labels containing ``/`` or ``%``
are escaped in group names (``%2F``, ``%25``); the ``label`` attribute keeps the
original.

The file is first written to a hidden temporary file in the destination folder and
then renamed over the destination, so an interrupted write never leaves a partial
file behind.

Example
-------
>>> import numpy as np, tempfile, os
>>> from neuromem.results import Results, PopulationData
>>> res = Results({"exc": PopulationData("exc", 2, "IF_cond_exp", [1.0, 3.5], [0, 1])},
...               dt=0.1, duration=10.0, seed=1, backend="engine")
>>> path = os.path.join(tempfile.mkdtemp(), "run.h5")
>>> write_results(res, path)
>>> read_results(path)["exc"].spike_times.tolist()
[1.0, 3.5]
"""
from __future__ import annotations

import json
import os
import platform
import secrets
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from os import PathLike
from pathlib import Path
from typing import Any, Iterator

import h5py
import numpy as np

from . import __version__
from .errors import ResultsFormatError
from .results import PopulationData, Results, Trace, WeightData

FORMAT_NAME = "neuromem-results"
SCHEMA_VERSION = 1
COMPRESS_MIN_ELEMENTS = 1024
INDEX_UNIT = "index"

# Distribution names whose versions are recorded when installed (looked up through
# package metadata, so no simulator is imported).
VERSIONED_PACKAGES = ("numpy", "numba", "h5py", "scipy", "brian2", "nest-simulator", "PyNN",
                      "sPyNNaker")


def package_versions() -> dict[str, str]:
    """Versions of Python, neuromem and the relevant installed packages (not imported)."""
    versions = {"python": platform.python_version(), "neuromem": __version__}
    for name in VERSIONED_PACKAGES:
        found = _version_of(name)
        if found:
            versions[name] = found
    return versions


def _version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


# -- writing ---------------------------------------------------------------------------

def write_results(results: Results, path: str | PathLike[str]) -> None:
    """Write ``results`` to ``path`` (HDF5, schema version 1) atomically.

    The data go to a temporary file next to ``path`` that replaces ``path`` only once
    complete; on any error the temporary file is removed and ``path`` is untouched.
    Raises FileNotFoundError if the destination folder does not exist.
    """
    with atomic_output(path) as tmp_name:
        with h5py.File(tmp_name, "w", track_order=True) as h5:
            _write_root(h5)
            _write_populations(h5, results)
            _write_weights(h5, results)
            _write_provenance(h5, results)


@contextmanager
def atomic_output(path: str | PathLike[str]) -> Iterator[str]:
    """Give a temporary file name next to ``path`` to write to; rename it to ``path`` when
    the block succeeds (after fsync), delete it when the block raises.

    The temporary file is hidden (``.<name>.<pid>.<random>.tmp``) and created with the
    usual permissions (0666 minus the umask).

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "notes.txt")
    >>> with atomic_output(target) as tmp:
    ...     _ = open(tmp, "w").write("done")
    >>> open(target).read()
    'done'
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {str(target)!r}: folder {str(folder)!r} does not exist")
    tmp_name = str(folder / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp_name
        with open(tmp_name, "rb+") as done:
            os.fsync(done.fileno())
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)


def write_text_atomically(path: str | PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through :func:`atomic_output`: the file is
    either complete or absent."""
    with atomic_output(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def _write_root(h5: h5py.File) -> None:
    h5.attrs["format"] = FORMAT_NAME
    h5.attrs["schema_version"] = SCHEMA_VERSION
    h5.attrs["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    h5.attrs["neuromem_version"] = __version__


def _write_populations(h5: h5py.File, results: Results) -> None:
    group = h5.create_group("populations", track_order=True)
    for label, pop in results.populations.items():
        g = group.create_group(_group_name(label), track_order=True)
        g.attrs["label"] = label
        g.attrs["size"] = pop.size
        g.attrs["cell_type"] = pop.cell_type
        _dataset(g, "recorded_ids", pop.recorded_ids, INDEX_UNIT)
        _dataset(g, "spikes/times", pop.spike_times, "ms")
        _dataset(g, "spikes/ids", pop.spike_ids, INDEX_UNIT)
        traces = g.create_group("traces", track_order=True)
        for variable, trace in pop.traces.items():
            t = traces.create_group(_group_name(variable))
            t.attrs["variable"] = variable
            _dataset(t, "times", trace.times, "ms")
            _dataset(t, "ids", trace.ids, INDEX_UNIT)
            _dataset(t, "values", trace.values, trace.unit)


def _write_weights(h5: h5py.File, results: Results) -> None:
    group = h5.create_group("weights", track_order=True)
    for label, w in results.weights.items():
        g = group.create_group(_group_name(label))
        g.attrs["label"] = label
        _dataset(g, "pre", w.pre, INDEX_UNIT)
        _dataset(g, "post", w.post, INDEX_UNIT)
        _dataset(g, "weight", w.weight, w.unit)
        _dataset(g, "delay", w.delay, "ms")


def _write_provenance(h5: h5py.File, results: Results) -> None:
    group = h5.create_group("provenance")
    group.attrs["seed"] = int(results.seed)
    group.attrs["dt_ms"] = float(results.dt)
    group.attrs["duration_ms"] = float(results.duration)
    group.attrs["backend"] = results.backend
    run_info = {k: v for k, v in results.provenance.items() if k != "versions"}
    group.attrs["run_info"] = _to_json(run_info)
    model = group.create_dataset("model", data=_to_json(results.model), track_times=False)
    model.attrs["format"] = "json"
    versions = group.create_group("versions")
    for name, version in (results.provenance.get("versions") or package_versions()).items():
        versions.attrs[name] = str(version)


def _dataset(group: h5py.Group, name: str, data: Any, unit: str) -> None:
    arr = np.ascontiguousarray(data)
    options: dict[str, Any] = {}
    if arr.size >= COMPRESS_MIN_ELEMENTS:
        options = {"chunks": True, "shuffle": True, "compression": "gzip", "compression_opts": 4}
    ds = group.create_dataset(name, data=arr, track_times=False, **options)
    ds.attrs["unit"] = unit


def _group_name(label: str) -> str:
    if not isinstance(label, str) or label in ("", ".", ".."):
        raise ValueError(f"cannot store a label {label!r} in HDF5; use a non-empty name")
    return label.replace("%", "%25").replace("/", "%2F")


def _to_json(value: Any) -> str:
    return json.dumps(value, default=_json_default, sort_keys=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)  # e.g. dates in a YAML model description


# -- reading ---------------------------------------------------------------------------

def read_file_attributes(path: str | PathLike[str]) -> dict[str, Any]:
    """Root attributes (format, schema_version, created, neuromem_version) of a results file.

    Raises ResultsFormatError if the file is not a neuromem results file of the
    supported schema version.
    """
    with _open(path) as h5:
        return _checked_root(h5, path)


def read_results(path: str | PathLike[str]) -> Results:
    """Read a results file written by :func:`write_results`.

    Raises FileNotFoundError if ``path`` does not exist and ResultsFormatError if it is
    not a neuromem results file or has another schema version.
    ``provenance["versions"]`` holds the package versions recorded at write time.
    """
    with _open(path) as h5:
        _checked_root(h5, path)
        try:
            return _read(h5)
        except (KeyError, ValueError, json.JSONDecodeError) as exc:
            raise ResultsFormatError(f"{os.fspath(path)}: damaged neuromem results file ({exc})") from exc


def _open(path: str | PathLike[str]) -> h5py.File:
    if not Path(path).is_file():
        raise FileNotFoundError(f"results file {os.fspath(path)!r} not found")
    try:
        return h5py.File(path, "r")
    except OSError as exc:
        raise ResultsFormatError(f"{os.fspath(path)}: not an HDF5 file, so not a neuromem results "
                                 f"file (schema version {SCHEMA_VERSION})") from exc


def _checked_root(h5: h5py.File, path: str | PathLike[str]) -> dict[str, Any]:
    attrs = {k: _plain_attr(v) for k, v in h5.attrs.items()}
    if attrs.get("format") != FORMAT_NAME:
        raise ResultsFormatError(f"{os.fspath(path)}: not a neuromem results file (root attribute "
                                 f"format is {attrs.get('format')!r}, expected {FORMAT_NAME!r})")
    found = attrs.get("schema_version")
    if found != SCHEMA_VERSION:
        raise ResultsFormatError(f"{os.fspath(path)}: results schema version {found!r} found; this "
                                 f"neuromem ({__version__}) reads schema version "
                                 f"{SCHEMA_VERSION} only")
    return attrs


def _read(h5: h5py.File) -> Results:
    populations = {}
    for g in h5["populations"].values():
        traces = {}
        for t in g["traces"].values():
            traces[str(t.attrs["variable"])] = Trace(t["times"][()], t["ids"][()], t["values"][()],
                                                     str(t["values"].attrs["unit"]))
        label = str(g.attrs["label"])
        populations[label] = PopulationData(
            label, int(g.attrs["size"]), str(g.attrs["cell_type"]), g["spikes/times"][()],
            g["spikes/ids"][()], traces=traces, recorded_ids=g["recorded_ids"][()])
    weights = {}
    for g in h5["weights"].values():
        weights[str(g.attrs["label"])] = WeightData(g["pre"][()], g["post"][()], g["weight"][()],
                                                    g["delay"][()], str(g["weight"].attrs["unit"]))
    prov = h5["provenance"]
    provenance = json.loads(prov.attrs["run_info"])
    provenance["versions"] = {k: str(v) for k, v in prov["versions"].attrs.items()}
    return Results(populations, dt=float(prov.attrs["dt_ms"]),
                   duration=float(prov.attrs["duration_ms"]), seed=int(prov.attrs["seed"]),
                   backend=str(prov.attrs["backend"]), model=json.loads(prov["model"][()]),
                   weights=weights, provenance=provenance)


def _plain_attr(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value
