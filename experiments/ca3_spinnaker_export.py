"""CA3 memory exported as a SpiNNaker PyNN script and mapped on sPyNNaker's virtual board.

Four sizes are exported with ``neuromem.backends.export.export_script`` (target
``spinnaker``, dt = 1 ms, SpiNN-5 profile) and each script is run: sPyNNaker partitions,
places and routes the network on a virtual board and reports the resources. The sizes:
the functional experiment (C = 5, M = 10), the state map (C = 16, M = 6), and two sweep
points with their store-and-recall schedules (C = 64, M = 32 and C = 256, M = 100, random
contents at bit density 0.3, 50 % fragments).

Before exporting, the fit check runs with the profile's neurons per core (256 for
neuron models). Where it finds synaptic rows longer than sPyNNaker allows (254 plastic
synapses per row), :func:`neuromem.backends.spinnaker_rows.fitting_neurons_per_core`
lowers the cap of the post population, and the export passes it as
``neurons_per_core=``. A virtual board returns no spikes, so no outputs are compared here.

Run: ``python experiments/ca3_spinnaker_export.py`` (a few minutes). Writes
``experiments/results/ca3_spinnaker_export/``: ``<name>_mapping.json`` and
``spinnaker_export.md`` (the scripts themselves go to a temporary folder: the C = 256
data files take 13 MB).
"""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
from ca3_common import output_dir, write_summary

from neuromem.backends.export import export_script, run_exported
from neuromem.backends.fitcheck import check_fit, default_profile, population_neurons_per_core
from neuromem.backends.spinnaker_rows import fitting_neurons_per_core
from neuromem.ca3 import build_network, memory_neuron_count, synapse_count
from neuromem.ca3.memory import INPUT_SHIFT_MS
from neuromem.ca3.published import functional_schedule, state_map_schedule
from neuromem.ca3.workloads import random_contents, store_and_recall
from neuromem.engine.build import realise_connections
from neuromem.hdf5 import atomic_output


def sweep_schedule(cues: int, bits: int):
    rng = np.random.default_rng(cues * 1000 + bits)
    schedule, _ = store_and_recall(random_contents(cues, bits, 0.3, rng), 0.5, rng, content_bits=bits)
    return schedule


def export_and_map(name: str, schedule, out: Path) -> dict:
    cues, bits = schedule.cues, schedule.content_bits
    net = build_network(cues, bits, schedule.input_trains(INPUT_SHIFT_MS))
    profile = default_profile("spinnaker")
    connections = realise_connections(net, 0)
    default_report = check_fit(net, profile, connections=connections)
    defaults = population_neurons_per_core(net, profile)
    caps = fitting_neurons_per_core(net, connections, profile, defaults)
    overrides = {label: n for label, n in caps.items() if n != defaults[label]}
    report = check_fit(net, profile, connections=connections, neurons_per_core=overrides)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = export_script(net, "spinnaker", folder, seed=0, duration=schedule.duration() + INPUT_SHIFT_MS,
                               neurons_per_core=overrides)
        started = time.perf_counter()
        done = run_exported(script, timeout=1200)
        wall = time.perf_counter() - started
        mapping = json.loads((folder / "mapping.json").read_text()) if (folder / "mapping.json").exists() else {}
    with atomic_output(out / f"{name}_mapping.json") as tmp_name:
        Path(tmp_name).write_text(json.dumps({"neurons_per_core": overrides, **mapping}, indent=1),
                                  encoding="utf-8")
    return {"name": name, "C": cues, "M": bits, "ops": len(schedule.ops), "rc": done.returncode, "wall_s": wall,
            "default_fit": default_report.text(), "fit": report.text(), "overrides": overrides,
            "mapping": mapping, "stderr": done.stderr[-1500:],
            "neurons": memory_neuron_count(cues, bits) + 2 * (cues + bits),
            "synapses": synapse_count(cues, bits)}


def section(r: dict) -> str:
    m = r["mapping"]
    per_pop = ", ".join(f"{k}: {v}" for k, v in sorted(m.get("cores_per_population", {}).items()))
    fits = (f"The default fit check refused it:\n\n```\n{r['default_fit']}\n```\n\nExported with "
            f"`neurons_per_core={r['overrides']}`; fit check then:\n\n```\n{r['fit']}\n```\n"
            if r["overrides"] else f"Fit check (profile neurons per core):\n\n```\n{r['fit']}\n```\n")
    return f"""
### {r['name']} (C = {r['C']}, M = {r['M']}, {r['ops']} operations; {r['neurons']} neurons with IL/OL, {r['synapses']} synapses)

Script exit code {r['rc']}, {r['wall_s']:.1f} s. Mapping on the virtual SpiNN-5 board:
application cores **{m.get('application_cores')}**, chips **{m.get('application_chips')}**,
system cores {m.get('system_cores')}, SDRAM {m.get('sdram_bytes')} bytes.
Cores per population: {per_pop or '—'}.

{fits}""" + (f"\nstderr tail:\n```\n{r['stderr']}\n```\n" if r["rc"] else "")


def main() -> None:
    out = output_dir("spinnaker_export")
    sizes = (("functional", functional_schedule()), ("state_map", state_map_schedule()),
             ("C64_M32", sweep_schedule(64, 32)), ("C256_M100", sweep_schedule(256, 100)))
    rows = [export_and_map(name, schedule, out) for name, schedule in sizes]
    table = ["| network | C | M | neurons | synapses | neurons per core set | application cores | chips | SDRAM (bytes) | exit |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        m = r["mapping"]
        table.append(f"| {r['name']} | {r['C']} | {r['M']} | {r['neurons']} | {r['synapses']} | "
                     f"{r['overrides'] or 'profile'} | {m.get('application_cores')} | "
                     f"{m.get('application_chips')} | {m.get('sdram_bytes')} | {r['rc']} |")
    body = """
Exported with `export_script(network, "spinnaker", ..., neurons_per_core=...)` (the function
behind `neuromem export --target spinnaker [--neurons-per-core LABEL=N]`; the CA3 network is
built in Python, so the function is called directly). dt = 1 ms; weights in nA with
inhibition as positive magnitudes on the inhibitory receptor; STDP: `SpikePairRule`
(τ± = 3 ms, A± = 1) + `AdditiveWeightDependence(0, 6)`. Every population gets the
neurons-per-core cap of the plan (`Population.set_max_atoms_per_core`). A virtual board
maps the network but returns no spike data.

Row limits (sPyNNaker 1!7.4.1): one row holds the synapses from one pre cell to the cells
of one post core, at most 256 words: 256 static or 254 plastic (pair STDP) synapses. With
256 cueCont cells on one core, each contCont cell has a plastic row of 256 synapses (the
all-to-all content→cue projection), which sPyNNaker refused before with
`SynapseRowTooBigException`; the fit check now lists it and the largest cap that fits.

""" + "\n".join(table) + "\n" + "".join(section(r) for r in rows)
    write_summary(out / "spinnaker_export.md", "CA3 memory: SpiNNaker export and virtual-board mapping",
                  "python experiments/ca3_spinnaker_export.py", body)
    print([(r["name"], r["rc"], r["overrides"], r["mapping"].get("application_cores")) for r in rows])


if __name__ == "__main__":
    main()
