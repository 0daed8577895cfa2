"""The ``astrocytes:`` section of model files (``models/*.yaml``), read by :mod:`neuromem.spec`.

Each entry (label → definition) becomes an engine hook added to the network::

    astrocytes:
      astro:                              # an AstrocyteLayer (neuromem.astro.layer)
        model: gchi                       # gchi | li_rinzel
        size: 16                          # astrocytes
        projection: exc_syn               # a TsodyksMarkramSynapse projection
        interval: 10.0                    # ms, the astrocyte clock
        side: 200.0                       # µm, extent of the astrocyte grid
        parameters: {O_beta: 3.2}         # GChIParameters / LiRinzelParameters fields
        synapse_parameters: {alpha: 0.0}  # TsodyksMarkramParameters fields (ρ_c, Y_T, Ω_c, O_G, Ω_G, α)
        assignment: {type: random, p: 1.0, pool_size: 1, seed: 0}   # random | block | grid
        gap_junctions: {max_distance: 75.0}                         # µm (G-ChI)
        gliotransmission: true
        sense_mean: false
        sense_weight: 1.0                 # Li–Rinzel IP3 kicks per released unit
        sic: {weight: 1.0, threshold: 0.19669, scale: 0.001}        # µM, nA
        i_bias: 0.0                       # µM
        release_timing: uniform           # uniform | end
        record: [C, I]
        record_every: 1
      modulator:                          # an AMSUModulator (neuromem.astro.amsu_engine)
        model: amsu
        population: exc
        interval: 1.0                     # ms
        tau_a: 1000.0                     # ms
        K: 5.0                            # Hz
        kappa_sic: -0.05                  # nA
        kappa_gain: 0.0                   # 1
        gain_projections: [exc_exc]
        domain_size: 10

Errors name the field path (``astrocytes.astro.assignment.type``), the value and the
valid choices, like the rest of the loader.

Example
-------
>>> from neuromem.spec import build_network
>>> net = build_network({"neuromem": 1, "duration": 10.0,
...     "populations": {"a": {"size": 2, "cell": "IF_curr_exp"}},
...     "astrocytes": {"m": {"model": "amsu", "population": "a"}}})
>>> type(net.hooks[0]).__name__
'AMSUModulator'
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from ..engine.hooks import EngineHook
from ..network import Network
from .amsu_engine import AMSUModulator
from .gchi import GChIParameters
from .layer import ASSIGNMENT_KINDS, RELEASE_TIMINGS, AstrocyteLayer, SynapseAssignment
from .li_rinzel import LiRinzelParameters
from .tsodyks_markram import TsodyksMarkramParameters

MODELS = ("gchi", "li_rinzel", "amsu")
LAYER_KEYS = ("model", "size", "projection", "interval", "side", "parameters", "synapse_parameters",
              "assignment", "gap_junctions", "gliotransmission", "sense_mean", "sense_weight", "sic",
              "i_bias", "release_timing", "record", "record_every")
AMSU_KEYS = ("model", "population", "interval", "tau_a", "K", "kappa_sic", "kappa_gain",
             "gain_projections", "domain_size")
ASSIGNMENT_KEYS = ("type", "p", "pool_size", "seed")
SIC_KEYS = ("weight", "threshold", "scale")


def astrocyte_hook(label: str, spec: Any, network: Network, path: str) -> EngineHook:
    """Build the hook of one ``astrocytes.<label>`` entry (see the module docstring)."""
    from .. import spec as s

    spec = s._mapping(spec, path, ("model",))
    model = spec.get("model")
    if model not in MODELS:
        s._fail(f"{path}.model", f"unknown astrocyte model {s._show(model)}; valid are {list(MODELS)}")
    if model == "amsu":
        return _amsu(label, spec, network, path)
    s._check_keys(spec, path, required=("model", "size", "projection"), valid=LAYER_KEYS)
    table = GChIParameters if model == "gchi" else LiRinzelParameters
    kwargs: dict[str, Any] = {
        "model": model,
        "params": _table(table, spec.get("parameters"), f"{path}.parameters"),
        "synapse_params": _table(TsodyksMarkramParameters, spec.get("synapse_parameters"),
                                 f"{path}.synapse_parameters"),
        "assignment": _assignment(spec.get("assignment"), f"{path}.assignment"),
    }
    for key in ("interval", "side"):
        if key in spec:
            kwargs[key] = s._number(spec[key], f"{path}.{key}", positive=True)
    for key in ("sense_weight", "i_bias"):
        if key in spec:
            kwargs[key] = s._number(spec[key], f"{path}.{key}")
    for key in ("gliotransmission", "sense_mean"):
        if key in spec:
            s._check_annotation(spec[key], "bool", f"{path}.{key}")
            kwargs[key] = spec[key]
    if "record_every" in spec:
        kwargs["record_every"] = s._integer(spec["record_every"], f"{path}.record_every", minimum=1)
    if "release_timing" in spec and spec["release_timing"] not in RELEASE_TIMINGS:
        s._fail(f"{path}.release_timing", f"{s._show(spec['release_timing'])} is not valid; use one of "
                                          f"{list(RELEASE_TIMINGS)}")
    kwargs["release_timing"] = spec.get("release_timing", "uniform")
    if "record" in spec:
        kwargs["record"] = tuple(_names(spec["record"], f"{path}.record"))
    if spec.get("gap_junctions") is not None:
        gj = s._mapping(spec["gap_junctions"], f"{path}.gap_junctions", ("max_distance",))
        s._check_keys(gj, f"{path}.gap_junctions", required=("max_distance",), valid=("max_distance",))
        kwargs["gap_junction_distance"] = s._number(gj["max_distance"], f"{path}.gap_junctions.max_distance",
                                                    positive=True)
    if spec.get("sic") is not None:
        sic = s._mapping(spec["sic"], f"{path}.sic", SIC_KEYS)
        s._check_keys(sic, f"{path}.sic", required=("weight",), valid=SIC_KEYS)
        kwargs["sic_weight"] = s._number(sic["weight"], f"{path}.sic.weight")
        for key, name in (("threshold", "sic_threshold"), ("scale", "sic_scale")):
            if key in sic:
                kwargs[name] = s._number(sic[key], f"{path}.sic.{key}")
    size = s._integer(spec["size"], f"{path}.size", minimum=1)
    projection = _projection(spec["projection"], network, f"{path}.projection")
    with s._context(path):
        return AstrocyteLayer(label, size, projection, **kwargs)


def _amsu(label: str, spec: Mapping[str, Any], network: Network, path: str) -> AMSUModulator:
    from .. import spec as s

    s._check_keys(spec, path, required=("model", "population"), valid=AMSU_KEYS)
    name = spec["population"]
    populations = {p.label: p for p in network.populations}
    if name not in populations:
        s._fail(f"{path}.population", f"no population {s._show(name)}; valid are {sorted(populations)}")
    kwargs: dict[str, Any] = {}
    for key in ("interval", "tau_a", "K"):
        if key in spec:
            kwargs[key] = s._number(spec[key], f"{path}.{key}", positive=True)
    for key in ("kappa_sic", "kappa_gain"):
        if key in spec:
            kwargs[key] = s._number(spec[key], f"{path}.{key}")
    if "domain_size" in spec:
        kwargs["domain_size"] = s._integer(spec["domain_size"], f"{path}.domain_size", minimum=1)
    if "gain_projections" in spec:
        kwargs["gain_projections"] = tuple(
            _projection(item, network, f"{path}.gain_projections[{i}]")
            for i, item in enumerate(_names(spec["gain_projections"], f"{path}.gain_projections")))
    with s._context(path):
        return AMSUModulator(label, populations[name], **kwargs)


def _table(table: type, values: Any, path: str):
    from .. import spec as s

    if values is None:
        return table()
    names = [f.name for f in dataclasses.fields(table)]
    values = s._mapping(values, path, tuple(names[:3]))
    s._check_keys(values, path, required=(), valid=tuple(names))
    numbers = {key: s._number(value, f"{path}.{key}") for key, value in values.items()}
    with s._context(path):
        return table(**numbers)


def _assignment(values: Any, path: str) -> SynapseAssignment:
    from .. import spec as s

    if values is None:
        return SynapseAssignment()
    values = s._mapping(values, path, ASSIGNMENT_KEYS)
    s._check_keys(values, path, required=("type",), valid=ASSIGNMENT_KEYS)
    kind = values["type"]
    if kind not in ASSIGNMENT_KINDS or kind == "explicit":
        s._fail(f"{path}.type", f"unknown assignment {s._show(kind)}; valid are "
                                f"{[k for k in ASSIGNMENT_KINDS if k != 'explicit']}")
    kwargs: dict[str, Any] = {"kind": kind}
    if "p" in values:
        kwargs["p"] = s._number(values["p"], f"{path}.p")
    if "pool_size" in values:
        kwargs["pool_size"] = s._integer(values["pool_size"], f"{path}.pool_size", minimum=1)
    if "seed" in values:
        kwargs["seed"] = s._integer(values["seed"], f"{path}.seed", minimum=0)
    with s._context(path):
        return SynapseAssignment(**kwargs)


def _projection(name: Any, network: Network, path: str):
    from .. import spec as s

    labels = {p.label: p for p in network.projections}
    if name not in labels:
        s._fail(path, f"no projection {s._show(name)}; valid are {sorted(labels)}")
    return labels[name]


def _names(value: Any, path: str) -> list[str]:
    from .. import spec as s

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        s._fail(path, f"expected a list of names, got {s._show(value)}")
    return value
