"""COBA and CUBA speed benchmark: neuromem engine vs Brian2 (numpy, cython,
cpp_standalone) vs NEST (1 thread), one command.

Usage::

    python benchmarks/coba.py [--sizes 4000 16000 64000] [--quick] [--repeats 3]
                              [--nest-coba-64k] [--simulators engine brian2-cpp ...]

Networks: ``models/coba.yaml`` and ``models/cuba.yaml`` resized to N cells with 80
synapses per cell (p = 80/N), 1 s of biological time, dt = 0.1 ms (see
:mod:`bench_networks`; Brian2 and NEST versions in :mod:`brian2_networks` and
:mod:`nest_networks`). Brian2 integrates COBA with forward Euler (as the reference
timings in ``shared/reference/performance.md``) and CUBA exactly.

Every measurement runs in a fresh Python process (:mod:`coba_worker`), so imports,
JIT-cache loading and compilation are paid as a user pays them. Per row the table
gives medians over the repeats of:

* build: network construction + code generation/compilation (s);
* run phase per simulated second, wall and CPU (s/s): the time loop only;
* whole process, wall and CPU (s): the worker process from start to exit, with all
  its children (``make`` and the compiled program of cpp_standalone);
* spikes and mean rate (Hz), which must agree across simulators (same regime): a
  warning is printed when a rate differs from the engine's by more than
  ``REGIME_TOLERANCE`` (10 %; the reference reports all implementations within a
  few per cent, while a different dynamical state differs by far more);
* run-phase ratios simulator / engine (> 1: the engine is faster).

Rows are measured round-robin (repeat r of every simulator before repeat r + 1) so
load changes on the shared machine hit all simulators alike; a row is repeated only
when its first whole process took less than ``--cheap-s`` seconds. Before timing,
one discarded run warms the engine's JIT cache and Brian2's cython cache.

The whole-process comparison runs the CLI exactly as a user does,
``neuromem run models/coba.yaml`` (and cuba.yaml), JIT cache warm, against the
cpp_standalone worker process at N = 4000 (code generation, ``make`` and run).

Results: ``benchmarks/results/coba.md`` (the tables) and ``coba.json`` (every raw
record and the medians), written atomically.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
MODELS = ("coba", "cuba")
SIMULATORS = ("engine", "brian2-cpp", "brian2-cython", "brian2-numpy", "nest")
REGIME_TOLERANCE = 0.10
CLI_SIZE = 4000
CLI_LABEL = "neuromem run (CLI)"
WORKER_TIMEOUT_S = 3600


def timed_process(command: list[str], timeout: float = WORKER_TIMEOUT_S) -> tuple[float, float]:
    """Run ``command`` in REPO; return (wall s, CPU s of it and all its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run_worker(simulator: str, model: str, n: int, duration: float = 1000.0) -> dict:
    """One measurement in a fresh process; the worker's record plus whole-process times."""
    with tempfile.TemporaryDirectory(prefix="neuromem_bench_") as tmp:
        out = Path(tmp) / "record.json"
        wall, cpu = timed_process([sys.executable, str(HERE / "coba_worker.py"), simulator, model,
                                   str(n), str(out), "--duration", str(duration)])
        record = json.loads(out.read_text(encoding="utf-8"))
    record.update(process_s=wall, process_cpu_s=cpu)
    return record


def run_cli(model: str) -> dict:
    """``neuromem run models/MODEL.yaml`` as a user runs it; whole-process times."""
    cli = str(Path(sys.executable).with_name("neuromem"))
    wall, cpu = timed_process([cli, "run", f"models/{model}.yaml"])
    return {"simulator": CLI_LABEL, "model": model, "n": CLI_SIZE,
            "process_s": wall, "process_cpu_s": cpu}


def plan(args: argparse.Namespace) -> list[tuple[str, str, int]]:
    """The (simulator, model, N) rows to measure."""
    rows = []
    for model in MODELS:
        for n in args.sizes:
            for simulator in args.simulators:
                if simulator == "nest" and model == "coba" and n > 16000 and not args.nest_coba_64k:
                    continue
                rows.append((simulator, model, n))
    return rows


def measure_all(args: argparse.Namespace) -> dict[tuple, list[dict]]:
    """Warm caches, then measure every row round-robin; returns raw records per row."""
    _log("warming the engine JIT cache and Brian2's cython cache (discarded runs)")
    for model in MODELS:
        run_cli(model)
        if "brian2-cython" in args.simulators:
            for n in args.sizes:
                run_worker("brian2-cython", model, n, duration=1.0)
    rows = plan(args) + [(CLI_LABEL, model, CLI_SIZE) for model in MODELS]
    records: dict[tuple, list[dict]] = {row: [] for row in rows}
    for repeat in range(args.repeats):
        for row in rows:
            if records[row] and records[row][0]["process_s"] >= args.cheap_s:
                continue  # expensive: one measurement only (a failed try is retried)
            simulator, model, n = row
            try:
                record = run_cli(model) if simulator == CLI_LABEL else run_worker(simulator, model, n)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                _log(f"FAILED {row}: {exc}")
                continue
            records[row].append(record)
            _log(_one_line(record))
    return records


def summarise(records: dict[tuple, list[dict]]) -> list[dict]:
    """Median of every numeric field per row, plus repeat count and engine ratios."""
    rows = []
    for (simulator, model, n), recs in records.items():
        if not recs:
            rows.append({"simulator": simulator, "model": model, "n": n, "repeats": 0})
            continue
        row = {"simulator": recs[0]["simulator"], "model": model, "n": n, "repeats": len(recs)}
        for key, value in recs[0].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "n":
                values = [r[key] for r in recs if r.get(key) is not None]
                row[key] = statistics.median(values) if values else None
        rows.append(row)
    engine = {(r["model"], r["n"]): r for r in rows if r["simulator"] == "engine" and r["repeats"]}
    for row in rows:
        ref = engine.get((row["model"], row["n"]))
        if ref and row.get("run_s"):
            row["run_vs_engine"] = row["run_s"] / ref["run_s"]
            row["run_cpu_vs_engine"] = (row["run_cpu_s"] / ref["run_cpu_s"]
                                        if row.get("run_cpu_s") and ref.get("run_cpu_s") else None)
            row["rate_vs_engine"] = row["rate_hz"] / ref["rate_hz"] - 1.0
    return rows


def regime_warnings(rows: list[dict]) -> list[str]:
    """Rows whose mean rate is more than REGIME_TOLERANCE away from the engine's."""
    return [f"WARNING: {r['model']} N={r['n']} {r['simulator']}: rate {r['rate_hz']:.2f} Hz is "
            f"{100 * r['rate_vs_engine']:+.1f} % from the engine's; not the same regime"
            for r in rows if r.get("rate_vs_engine") is not None
            and abs(r["rate_vs_engine"]) > REGIME_TOLERANCE]


def engine_versions(records: dict[tuple, list[dict]]) -> list[str]:
    """The distinct engine source digests seen (more than one: the engine changed mid-run)."""
    return sorted({r["engine_source"] for recs in records.values() for r in recs
                   if "engine_source" in r})


def target_checks(rows: list[dict]) -> list[str]:
    """The speed acceptance items of issue 2, each with the measured numbers."""
    by = {(r["simulator"], r["model"], r["n"]): r for r in rows if r["repeats"]}
    lines = []
    for model in MODELS:
        for n in sorted({r["n"] for r in rows if r["model"] == model and r["simulator"] != CLI_LABEL}):
            eng, cpp, nest = (by.get((s, model, n)) for s in ("engine", "brian2-cpp", "nest"))
            if eng and cpp:
                wall, cpu = eng["run_s"] / cpp["run_s"], eng["run_cpu_s"] / cpp["run_cpu_s"]
                lines.append(f"{model} N={n}: engine run phase / Brian2 cpp_standalone = {wall:.2f} "
                             f"(wall), {cpu:.2f} (CPU); target <= 0.6: "
                             f"{_verdict(wall <= 0.6, cpu <= 0.6)}")
            if eng and nest:
                wall, cpu = eng["run_s"] / nest["run_s"], eng["run_cpu_s"] / nest["run_cpu_s"]
                lines.append(f"{model} N={n}: engine run phase / NEST 1 thread = {wall:.3f} (wall), "
                             f"{cpu:.3f} (CPU); target < 1: {_verdict(wall < 1, cpu < 1)}")
    for model in MODELS:
        cli, cpp = by.get((CLI_LABEL, model, CLI_SIZE)), by.get(("brian2-cpp", model, CLI_SIZE))
        if cli and cpp:
            wall = cli["process_s"] / cpp["process_s"]
            cpu = cli["process_cpu_s"] / cpp["process_cpu_s"]
            lines.append(f"{model}: whole process `neuromem run models/{model}.yaml` "
                         f"{cli['process_s']:.2f} s wall / {cli['process_cpu_s']:.2f} s CPU vs Brian2 "
                         f"cpp_standalone {cpp['process_s']:.2f} s / {cpp['process_cpu_s']:.2f} s: "
                         f"ratio {wall:.3f} (wall), {cpu:.3f} (CPU); target < 0.2: "
                         f"{_verdict(wall < 0.2, cpu < 0.2)}")
    return lines


def _verdict(wall_ok: bool, cpu_ok: bool) -> str:
    if wall_ok and cpu_ok:
        return "MET"
    if wall_ok or cpu_ok:
        return "met on " + ("wall" if wall_ok else "CPU") + " only"
    return "NOT met"


def markdown(rows: list[dict], warnings: list[str], checks: list[str], meta: dict) -> str:
    """The results as markdown: the table, the target checks, any regime warnings."""
    head = ("| model | N | simulator | build s | run s/sim-s wall | run s/sim-s CPU | "
            "whole process s wall | whole process s CPU | spikes | rate Hz | "
            "run wall / engine | run CPU / engine | repeats |")
    lines = [f"Measured {meta['date']} on {meta['machine']}; medians over the repeats; "
             f"sim-s = simulated second. Brian2 COBA: Euler; CUBA: exact.", "", head,
             "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        per_s = 1000.0 / r["duration_ms"] if r.get("duration_ms") else None
        lines.append("| " + " | ".join([
            r["model"], str(r["n"]), r["simulator"], _num(r.get("build_s")),
            _num(r.get("run_s"), per_s), _num(r.get("run_cpu_s"), per_s),
            _num(r.get("process_s")), _num(r.get("process_cpu_s")),
            _int(r.get("spikes")), _num(r.get("rate_hz")),
            _num(r.get("run_vs_engine")), _num(r.get("run_cpu_vs_engine")), str(r["repeats"]),
        ]) + " |")
    lines += ["", "Targets (issue 2):", ""] + [f"- {c}" for c in checks]
    if warnings:
        lines += ["", "Warnings:", ""] + [f"- {w}" for w in warnings]
    return "\n".join(lines) + "\n"


def _num(value, scale: float | None = 1.0) -> str:
    if value is None or scale is None:
        return "—"
    value *= scale
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def _int(value) -> str:
    return "—" if value is None else f"{int(round(value))}"


def _one_line(record: dict) -> str:
    fields = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                      for k, v in record.items())
    return f"  {fields}"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 16000, 64000],
                        help="network sizes N (default 4000 16000 64000)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of cheap rows (default 3)")
    parser.add_argument("--cheap-s", type=float, default=60.0,
                        help="repeat a row only if its first whole process took less (s; default 60)")
    parser.add_argument("--simulators", nargs="+", choices=SIMULATORS, default=list(SIMULATORS))
    parser.add_argument("--nest-coba-64k", action="store_true",
                        help="also run NEST COBA above N = 16000 (takes several minutes)")
    parser.add_argument("--quick", action="store_true", help="N = 4000 only, one repeat")
    parser.add_argument("--from-json", type=Path,
                        help="do not measure: rebuild the tables from the raw records of a "
                             "previous run's JSON (e.g. benchmarks/results/coba.json)")
    parser.add_argument("--out", type=Path, default=RESULTS / "coba.md",
                        help="markdown output (the JSON goes next to it)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeats = [4000], 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.time()
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        records = {tuple(item["row"]): item["records"] for item in saved["records"]}
    else:
        records = measure_all(args)
    rows = summarise(records)
    warnings, checks = regime_warnings(rows), target_checks(rows)
    versions = engine_versions(records)
    if len(versions) > 1:
        warnings.append(f"WARNING: the engine source changed during the run ({versions}); "
                        "engine rows mix versions")
    if args.from_json:
        meta = saved["meta"] | {"rebuilt_from": str(args.from_json), "engine_source": versions}
    else:
        meta = {"date": time.strftime("%Y-%m-%d %H:%M", time.localtime(started)),
                "machine": f"{os.cpu_count()} CPUs ({os.uname().machine}), shared; load average "
                           f"{os.getloadavg()[0]:.1f} at the end",
                "elapsed_s": time.time() - started, "engine_source": versions,
                "args": vars(args) | {"out": str(args.out), "from_json": None}}
    text = markdown(rows, warnings, checks, meta)
    print(text)
    _write(args.out, text)
    raw = {"meta": meta, "rows": rows, "warnings": warnings, "targets": checks,
           "records": [{"row": list(k), "records": v} for k, v in records.items()]}
    _write(args.out.with_suffix(".json"), json.dumps(raw, indent=1))
    _log(f"wrote {args.out} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
