"""One benchmark measurement in a fresh process (started by ``benchmarks/coba.py``).

``python benchmarks/coba_worker.py SIMULATOR MODEL N OUT.json [--duration MS]``
simulates the resized benchmark network (:mod:`bench_networks`) once and writes a
JSON record with seconds (wall and CPU) and spike counts:

* ``build_s``/``build_cpu_s``: everything before the timed run phase (network
  construction, connection drawing, code generation and compilation);
* ``run_s``/``run_cpu_s``: the run phase only (the time loop), wall and CPU;
* ``spikes``, ``rate_hz``: all spikes of the N cells, mean rate (Hz).

Simulators and what their run phase is (wall: the simulator's own timer of its time
loop; CPU where not measured directly: the marginal CPU of the loop, i.e. the process
CPU of the full-duration run call minus that of a one-step run call of the same
network, which repeats all per-run preparation):

* ``engine``: ``provenance["run_s"]`` / ``provenance["run_cpu_s"]`` of ``network.run``
  (the compiled time loop only, wall / CPU), after a warm-up run of a 200-cell network
  in the same process (so no JIT-cache loading is counted).
* ``brian2-numpy``/``brian2-cython``: Brian2's ``device._last_run_time`` of the full
  run, after a one-step run that generates and compiles the code (``call_s`` is the
  wall time of the whole ``Network.run`` call, per-run preparation included). The
  network is simulated for duration + 2 steps; spikes count all of them.
* ``brian2-cpp``: cpp_standalone in a fresh temp directory; ``build_s`` = code
  generation + ``make``; ``binary_s`` = the whole compiled program (connection
  creation included); ``run_s`` = wall time of the network loop, measured by a
  steady-clock timer inserted around it; ``run_cpu_s`` = Brian2's own
  ``last_run_time``, which its single-threaded C++ measures with ``std::clock`` (CPU).
* ``nest``: NEST 3, one thread; ``build_s`` = create + connect + ``Prepare``;
  ``run_s``/``run_cpu_s`` = ``Run``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_networks import benchmark_network, engine_network  # noqa: E402

SIMULATORS = ("engine", "brian2-numpy", "brian2-cython", "brian2-cpp", "nest")
COBA_BRIAN2_METHOD = "euler"   # as the reference timings (performance.md)
CUBA_BRIAN2_METHOD = "exact"   # linear equations: exact integration


class Timer:
    """Wall (perf_counter) and CPU (process_time) seconds of a ``with`` block."""

    def __enter__(self) -> "Timer":
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def engine_source_digest() -> str:
    """Short SHA-1 of the engine's source files, to tell engine versions apart."""
    import neuromem.engine

    digest = hashlib.sha1()
    for path in sorted(Path(neuromem.engine.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def run_engine(model: str, n: int, duration: float) -> dict:
    source = engine_source_digest()  # the engine version this process imported
    warm, _ = engine_network(model, 200)
    warm.run(1.0, seed=1, progress=False)
    with Timer() as construct:
        network, mapping = engine_network(model, n)
    seed = mapping["seed"]
    network.run(network.dt, seed=seed, progress=False)  # first touch of this size's arrays
    with Timer() as one_step:
        network.run(network.dt, seed=seed, progress=False)
    with Timer() as whole:
        results = network.run(duration, seed=seed, progress=False)
    spikes = sum(results[label].n_spikes for label in ("exc", "inh"))
    return {"build_s": construct.wall + results.provenance["build_s"],
            "build_cpu_s": construct.cpu + one_step.cpu,
            "run_s": results.provenance["run_s"], "run_cpu_s": results.provenance["run_cpu_s"],
            "spikes": spikes, "engine_source": source}


def run_brian2_runtime(model: str, n: int, duration: float, target: str) -> dict:
    import brian2 as b2
    from brian2_networks import brian2_network

    b2.prefs.codegen.target = target
    bn = benchmark_network(model, n)
    dt = bn.dt * b2.ms
    with Timer() as setup:
        net, spikes = brian2_network(bn, _brian2_method(model))
        net.run(dt)
    with Timer() as one_step:
        net.run(dt)
    with Timer() as run:
        net.run(duration * b2.ms)
    return {"build_s": setup.wall, "build_cpu_s": setup.cpu,
            "run_s": float(b2.device._last_run_time), "run_cpu_s": run.cpu - one_step.cpu,
            "call_s": run.wall, "spikes": int(spikes.num_spikes)}


def run_brian2_cpp(model: str, n: int, duration: float) -> dict:
    import brian2 as b2
    from brian2_networks import brian2_network

    bn = benchmark_network(model, n)
    with tempfile.TemporaryDirectory(prefix="neuromem_b2cpp_") as tmp:
        project = os.path.join(tmp, "project")
        wall_file = os.path.join(tmp, "loop_wall_s.txt")
        b2.set_device("cpp_standalone", directory=project, build_on_run=False)
        b2.prefs.codegen.cpp.headers += ["<chrono>"]
        with Timer() as setup:
            net, spikes = brian2_network(bn, _brian2_method(model))
            b2.device.insert_code("before_network_run",
                                  "auto neuromem_t0 = std::chrono::steady_clock::now();")
            b2.device.insert_code(
                "after_network_run",
                f'std::ofstream("{wall_file}") << std::chrono::duration<double>('
                "std::chrono::steady_clock::now() - neuromem_t0).count() << std::endl;")
            net.run(duration * b2.ms)
            b2.device.build(directory=project, compile=True, run=False)
        with Timer() as binary:
            b2.device.run(directory=project, with_output=False)
        loop_wall = float(Path(wall_file).read_text().split()[0])
        count = int(spikes.num_spikes)
    return {"build_s": setup.wall, "build_cpu_s": None, "binary_s": binary.wall,
            "run_s": loop_wall, "run_cpu_s": float(b2.device._last_run_time), "spikes": count}


def run_nest(model: str, n: int, duration: float) -> dict:
    import nest
    from nest_networks import nest_network

    bn = benchmark_network(model, n)
    with Timer() as setup:
        recorder = nest_network(bn, threads=1)
        nest.Prepare()
    with Timer() as run:
        nest.Run(duration)
    nest.Cleanup()
    return {"build_s": setup.wall, "build_cpu_s": setup.cpu, "run_s": run.wall,
            "run_cpu_s": run.cpu, "spikes": int(recorder.n_events)}


def _brian2_method(model: str) -> str:
    return COBA_BRIAN2_METHOD if model == "coba" else CUBA_BRIAN2_METHOD


def measure(simulator: str, model: str, n: int, duration: float) -> dict:
    """Run one measurement; returns the JSON record (seconds, spikes, rate in Hz)."""
    if simulator == "engine":
        record = run_engine(model, n, duration)
    elif simulator in ("brian2-numpy", "brian2-cython"):
        record = run_brian2_runtime(model, n, duration, simulator.split("-")[1])
    elif simulator == "brian2-cpp":
        record = run_brian2_cpp(model, n, duration)
    elif simulator == "nest":
        record = run_nest(model, n, duration)
    else:
        raise ValueError(f"simulator: {simulator!r} unknown; use one of {SIMULATORS}")
    record.update(simulator=simulator, model=model, n=n, duration_ms=duration,
                  rate_hz=record["spikes"] / n / (duration / 1000.0))
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("simulator", choices=SIMULATORS)
    parser.add_argument("model", choices=("coba", "cuba"))
    parser.add_argument("n", type=int, help="number of cells")
    parser.add_argument("out", help="JSON file to write")
    parser.add_argument("--duration", type=float, default=1000.0, help="simulated ms (default 1000)")
    args = parser.parse_args(argv)
    record = measure(args.simulator, args.model, args.n, args.duration)
    tmp = f"{args.out}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(record, fh)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
