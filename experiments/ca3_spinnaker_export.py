"""CA3 memory exported as a SpiNNaker PyNN script and mapped on sPyNNaker's virtual board.

The functional experiment (C = 5, M = 10) and the largest sweep point (C = 256, M = 100,
its store-and-recall schedule of 768 operations) are exported with ``neuromem.backends.export.export_script``
(target ``spinnaker``, dt = 1 ms, SpiNN-5 profile) and each script is run: sPyNNaker
partitions, places and routes the network on a virtual board and reports the resources.
A virtual board returns no spikes, so no outputs are compared here.

Run: ``python experiments/ca3_spinnaker_export.py`` (a few minutes). Writes
``experiments/results/ca3_spinnaker_export/``: ``<name>/run.py`` + data (the exported
``<name>_mapping.json`` and ``spinnaker_export.md`` (the scripts themselves are written
to a temporary folder: the C = 256 data files take 13 MB).
"""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np

from ca3_common import output_dir, write_summary

from neuromem.backends.export import export_script, run_exported
from neuromem.backends.fitcheck import check_fit, default_profile
from neuromem.ca3 import build_network, memory_neuron_count, synapse_count
from neuromem.ca3.memory import INPUT_SHIFT_MS
from neuromem.ca3.published import functional_schedule
from neuromem.ca3.workloads import random_contents, store_and_recall
from neuromem.hdf5 import atomic_output


def export_and_map(name: str, cues: int, bits: int, trains, duration: float, out) -> dict:
    net = build_network(cues, bits, trains)
    report = check_fit(net, default_profile("spinnaker"), seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = export_script(net, "spinnaker", folder, seed=0, duration=duration)
        started = time.perf_counter()
        done = run_exported(script, timeout=1200)
        wall = time.perf_counter() - started
        mapping = json.loads((folder / "mapping.json").read_text()) if (folder / "mapping.json").exists() else {}
    with atomic_output(out / f"{name}_mapping.json") as tmp_name:
        Path(tmp_name).write_text(json.dumps(mapping, indent=1), encoding="utf-8")
    return {"name": name, "C": cues, "M": bits, "rc": done.returncode, "wall_s": wall,
            "fit": report.text(), "mapping": mapping, "stderr": done.stderr[-1500:],
            "neurons": memory_neuron_count(cues, bits) + 2 * (cues + bits),
            "synapses": synapse_count(cues, bits)}


def main() -> None:
    out = output_dir("spinnaker_export")
    schedule = functional_schedule()
    rng = np.random.default_rng(256100)
    big, _ = store_and_recall(random_contents(256, 100, 0.3, rng), 0.5, rng, content_bits=100)
    rows = [export_and_map(name, s.cues, s.content_bits, s.input_trains(INPUT_SHIFT_MS),
                           s.duration() + INPUT_SHIFT_MS, out)
            for name, s in (("functional", schedule), ("C256_M100", big))]
    parts = []
    for r in rows:
        m = r["mapping"]
        per_pop = ", ".join(f"{k}: {v}" for k, v in sorted(m.get("cores_per_population", {}).items()))
        parts.append(f"""
### {r['name']} (C = {r['C']}, M = {r['M']}; {r['neurons']} neurons with IL/OL, {r['synapses']} synapses)

Script run exit code {r['rc']}, {r['wall_s']:.1f} s. Mapping on the virtual SpiNN-5 board:
application cores **{m.get('application_cores')}**, chips **{m.get('application_chips')}**,
system cores {m.get('system_cores')}, SDRAM {m.get('sdram_bytes')} bytes.
Cores per population: {per_pop or '—'}.

Fit check (neuromem estimate before mapping):

```
{r['fit']}
```
""" + (f"\nstderr tail:\n```\n{r['stderr']}\n```\n" if r["rc"] else ""))
    body = """
Exported with `export_script(network, "spinnaker", ...)` (the function behind
`neuromem export --target spinnaker`; the CLI takes a YAML model, and the CA3 network is
built in Python, so the function is called directly). dt = 1 ms; weights in nA with
inhibition as positive magnitudes on the inhibitory receptor; STDP: `SpikePairRule`
(τ± = 3 ms, A± = 1) + `AdditiveWeightDependence(0, 6)`. A virtual board maps the network
but returns no spike data.
""" + "".join(parts)
    write_summary(out / "spinnaker_export.md", "CA3 memory: SpiNNaker export and virtual-board mapping",
                  "python experiments/ca3_spinnaker_export.py", body)
    print([(r["name"], r["rc"], r["mapping"].get("application_cores")) for r in rows])


if __name__ == "__main__":
    main()
