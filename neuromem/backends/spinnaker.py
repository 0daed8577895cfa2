"""sPyNNaker helpers: the home-directory config and the mapping summary.

sPyNNaker reads ``~/.spynnaker.cfg`` (a file in the working folder is not enough).
:func:`ensure_config` writes one from a hardware profile when none exists and never
touches an existing one: a user's own board settings always win. With
``virtual_board = True`` sPyNNaker partitions, places and routes the network and
writes the data specifications without a board, but **a virtual board returns no
spike or voltage data** — the results of such a run are empty by construction.

:func:`mapping_summary` reads the placements after ``sim.run`` and counts the cores
and chips used (application cores separately from sPyNNaker's system cores) and the
SDRAM the application cores asked for (bytes).

Example
-------
>>> from neuromem.backends.fitcheck import load_profile
>>> text = config_text(load_profile("spinn3"))
>>> "virtual_board = True" in text and "version = 3" in text
True
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .fitcheck import Profile

CONFIG_NAME = ".spynnaker.cfg"
MARKER = "# written by neuromem from hardware profile"


def config_text(profile: Profile) -> str:
    """The ``.spynnaker.cfg`` content for a SpiNNaker profile."""
    board = profile.get("board")
    virtual = bool(profile.get("config", {}).get("virtual_board", True))
    return (f"{MARKER} {profile.name!r}\n"
            "[Machine]\n"
            f"virtual_board = {virtual}\n"
            f"version = {int(board['version'])}\n"
            "[Mode]\n"
            "mode = Production\n"
            "[Reports]\n"
            "write_network_graph = False\n")


def ensure_config(profile: Profile, home: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """Make sure ``~/.spynnaker.cfg`` exists; returns (path, created).

    An existing file is left exactly as it is (it may point at a real board); a new
    one is written atomically from ``profile``.
    """
    path = Path(home if home is not None else Path.home()) / CONFIG_NAME
    if path.exists():
        return path, False
    tmp = path.with_name(f".{CONFIG_NAME}.{os.getpid()}.tmp")
    tmp.write_text(config_text(profile), encoding="utf-8")
    os.replace(tmp, path)
    return path, True


def config_is_virtual(path: Path) -> bool:
    """Whether the config at ``path`` asks for a virtual board."""
    import configparser

    parser = configparser.ConfigParser()
    parser.read(path, encoding="utf-8")
    return parser.getboolean("Machine", "virtual_board", fallback=False)


def mapping_summary() -> dict[str, Any]:
    """Cores, chips and SDRAM used by the last sPyNNaker mapping (call after ``sim.run``)."""
    from spinn_front_end_common.data import FecDataView

    steps = FecDataView.get_max_run_time_steps() if FecDataView.has_max_run_time_steps() else None
    app, system, chips, sdram = 0, 0, set(), 0
    per_population: dict[str, int] = {}
    for placement in FecDataView.iterate_placemements():
        label = str(getattr(placement.vertex, "label", "") or "")
        if label.startswith("SYSTEM:"):
            system += 1
            continue
        app += 1
        chips.add((placement.x, placement.y))
        owner = getattr(placement.vertex, "app_vertex", None)
        population = str(getattr(owner, "label", None) or label)
        per_population[population] = per_population.get(population, 0) + 1
        sdram += int(placement.vertex.sdram_required.get_total_sdram(steps))
    return {"application_cores": app, "system_cores": system, "application_chips": len(chips),
            "sdram_bytes": sdram, "cores_per_population": per_population}
