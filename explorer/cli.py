"""Command-line interface: ``python -m explorer <command> ...``.

Every command prints its result on stdout; a user error prints one line on stderr and
exits with status 2 (never a stack trace).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from explorer.errors import ExplorerError

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message and exit status 2."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        sys.stderr.write(f"error: {message} (see python -m explorer {self.prog.split()[-1]} --help)\n")
        raise SystemExit(EXIT_USAGE)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="explorer", description="Linked Data Inequalities Explorer")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build-data", help="build a synthetic linked database")
    build.add_argument("--dataset", required=True, help="dataset code, e.g. census_mortality")
    build.add_argument("--persons", type=int, default=None,
                       help="number of persons (default: the catalog's default size)")
    build.add_argument("--seed", type=int, default=None, help="random seed (default: the catalog's)")
    build.add_argument("--out", type=Path, default=None,
                       help="DuckDB file to write (default: data/<dataset>.duckdb)")
    build.add_argument("--if-absent", action="store_true",
                       help="do nothing when the output file already exists")

    catalog = commands.add_parser("catalog", help="print a validated data catalog as JSON")
    catalog.add_argument("--dataset", required=True, help="dataset code, e.g. census_mortality")
    return parser


def _cmd_build_data(args: argparse.Namespace) -> int:
    from explorer.catalog import load_catalog
    from explorer.paths import default_database_path
    from explorer.synth import build_dataset

    catalog = load_catalog(args.dataset)
    out = args.out or default_database_path(args.dataset)
    if args.if_absent and out.exists():
        print(f"{out} exists; not rebuilding")
        return 0
    persons = args.persons if args.persons is not None else catalog.build_defaults.persons
    seed = args.seed if args.seed is not None else catalog.build_defaults.seed
    if persons < 1:
        raise ExplorerError("--persons must be a positive whole number")
    report = build_dataset(args.dataset, persons=persons, seed=seed, out=out)
    print(report.summary())
    return 0


def _cmd_catalog(args: argparse.Namespace) -> int:
    from explorer.catalog import load_catalog

    catalog = load_catalog(args.dataset)
    json.dump(catalog.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


_COMMANDS = {"build-data": _cmd_build_data, "catalog": _cmd_catalog}


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ExplorerError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
