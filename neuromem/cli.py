"""The ``neuromem`` command line.

Commands::

    neuromem run MODEL.yaml [--out results.h5] [--plot fig.png] [--duration MS] [--seed N]
                            [--backend engine|nest|brian2|spinnaker]
    neuromem plot results.h5 [-o fig.png]
    neuromem info results.h5

``run`` prints one line per population (cells, spikes, mean rate in Hz) and the paths
it wrote; without ``--out`` the results are not saved. Bad input (an invalid model,
a file that is not a neuromem results file, a missing file or folder, an unavailable
back end) prints one line ``neuromem: error: ...`` to stderr, exits with code 2 and
writes no file. Every file is written atomically (temporary file, then rename).

Each command is one :class:`Command` entry of :data:`COMMANDS` (its arguments and its
handler); a new command is one more entry.

Example
-------
>>> main(["info", "no-such-file.h5"])   # doctest: +SKIP
neuromem: error: results file 'no-such-file.h5' not found
2
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

from . import __version__
from .backends.export import add_export_arguments, run_export
from .errors import NeuromemError
from .hdf5 import read_file_attributes, read_results
from .results import Results
from .spec import load_model

EXIT_BAD_INPUT = 2


class CommandLineError(NeuromemError):
    """A bad argument or path given on the command line."""


class Command(NamedTuple):
    """A sub-command: its name, one-line help, argument definitions and handler."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except SystemExit as exc:  # --help and --version end here with code 0
        return int(exc.code or 0)
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (NeuromemError, OSError) as exc:
        message = " ".join(str(exc).split())
        print(f"neuromem: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per entry of :data:`COMMANDS`."""
    parser = _Parser(prog="neuromem", description="Run, plot and inspect neuromem models and results.")
    parser.add_argument("--version", action="version", version=f"neuromem {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(sub)
        sub.set_defaults(handler=command.handler)
    return parser


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become one-line CommandLineErrors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CommandLineError(f"{message} (see '{self.prog} --help')")


# -- run -------------------------------------------------------------------------------

def _run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="model file (YAML), e.g. models/coba.yaml")
    parser.add_argument("--out", help="write the results to this HDF5 file (default: not saved)")
    parser.add_argument("--plot",
                        help="save an overview figure (raster, rate, traces) here, e.g. fig.png")
    parser.add_argument("--duration", type=_positive_float, help="simulated time in ms (default: the model's)")
    parser.add_argument("--seed", type=_seed, help="random seed (default: the model's)")
    parser.add_argument("--backend", default="engine",
                        help="engine (default), nest, brian2 or spinnaker")


def _run(args: argparse.Namespace) -> int:
    network, settings = load_model(args.model)
    _check_output(args.out, "--out", suffixes=(".h5", ".hdf5"))
    if args.plot:  # matplotlib is imported only when a figure is asked for
        _check_output(args.plot, "--plot", suffixes=_figure_suffixes())
    duration = settings.duration if args.duration is None else args.duration
    seed = settings.seed if args.seed is None else args.seed
    results = network.run(duration, seed=seed, backend=args.backend)
    print(f"{settings.name}: {results.summary()}")
    if args.out:
        results.save(args.out)
        print(f"wrote {args.out}")
    if args.plot:
        _save_overview(results, args.plot)
        print(f"wrote {args.plot}")
    return 0


# -- plot ------------------------------------------------------------------------------

def _plot_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", help="results file (HDF5) written by 'neuromem run --out'")
    parser.add_argument("-o", "--output", help="figure file (default: the results path with .png)")


def _plot(args: argparse.Namespace) -> int:
    output = args.output or str(Path(args.results).with_suffix(".png"))
    _check_output(output, "--output", suffixes=_figure_suffixes())
    results = read_results(args.results)
    _save_overview(results, output)
    print(f"wrote {output}")
    return 0


# -- info ------------------------------------------------------------------------------

def _info_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", help="results file (HDF5)")


def _info(args: argparse.Namespace) -> int:
    attributes = read_file_attributes(args.results)
    results = read_results(args.results)
    print(describe_results(results, args.results, attributes))
    return 0


def describe_results(results: Results, path: str, attributes: dict) -> str:
    """The text ``neuromem info`` prints: file, run, populations, traces, weights, provenance."""
    model = results.model
    lines = [
        f"file        {path} ({attributes['format']} schema {attributes['schema_version']}, written "
        f"{attributes.get('created', '?')} by neuromem {attributes.get('neuromem_version', '?')})",
        f"model       {model.get('label', '?')}: {len(model.get('populations', []))} populations, "
        f"{len(model.get('projections', []))} projections",
        f"run         {results.summary().splitlines()[0]}",
        "populations",
    ]
    for line, pop in zip(results.summary().splitlines()[1:], results.populations.values()):
        lines.append(f"{line}  ({pop.cell_type})")
        for variable, trace in pop.traces.items():
            lines.append(f"    trace {variable} ({trace.unit}): {trace.ids.size} cells x "
                         f"{trace.times.size} samples")
    if results.weights:
        lines.append("weights")
        for label, w in results.weights.items():
            lines.append(f"  {label:<20} {w.weight.size:>9} synapses  mean {w.weight.mean():.4g} "
                         f"{w.unit}" if w.weight.size else f"  {label:<20} 0 synapses")
    lines.append("provenance")
    versions = results.provenance.get("versions", {})
    lines.append("  versions  " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    for key, value in results.provenance.items():
        if key != "versions":
            shown = f"{value:.4g}" if isinstance(value, float) else value
            lines.append(f"  {key:<9} {shown}")
    return "\n".join(lines)


# -- shared helpers --------------------------------------------------------------------

def _save_overview(results: Results, path: str) -> None:
    from .plotting import overview, save_figure

    save_figure(overview(results), path)


def _figure_suffixes() -> tuple[str, ...]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return tuple(f".{kind}" for kind in FigureCanvasAgg.get_supported_filetypes())


def _check_output(path: str | None, option: str, suffixes: tuple[str, ...]) -> None:
    """Fail before any work if ``path`` cannot be written or has an unexpected extension."""
    if not path:
        return
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise CommandLineError(f"{option} {path}: unsupported file extension "
                               f"{target.suffix or '(none)'!r}; use one of {', '.join(suffixes)}")
    if target.is_dir():
        raise CommandLineError(f"{option} {path}: is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise CommandLineError(f"{option} {path}: folder {str(folder)!r} does not exist")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a duration in ms, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0 (ms), got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


COMMANDS: tuple[Command, ...] = (
    Command("run", "simulate a model file and save/plot its results", _run_arguments, _run),
    Command("plot", "draw the overview figure of a results file", _plot_arguments, _plot),
    Command("info", "print a summary and the provenance of a results file", _info_arguments, _info),
    Command("export", "write a standalone PyNN script for NEST, Brian2 or SpiNNaker",
            add_export_arguments, run_export),
)
