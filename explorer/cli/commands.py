"""Command-line interface: ``python -m explorer <command> ...``.

Every command prints its result on stdout; a user error, and an environment failure (a full
disk, a permission refused: OSError; a database file DuckDB cannot read or write: duckdb.Error),
prints one line on stderr and exits with status 2 (never a stack trace). Any other exception is
a bug and keeps its traceback.
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

    ingest = commands.add_parser(
        "ingest", help="read a linked extract (CSV or Parquet) into a dataset's database",
        description="Read a linked extract, one row per person, into the database of a dataset "
                    "whose catalog has a source section (docs/data.md, Ingest your own extract). "
                    "Everything is checked before anything is written; the file appears whole "
                    "or not at all.")
    ingest.add_argument("--dataset", required=True,
                        help="dataset code, e.g. ons_dsc_census_mortality")
    ingest.add_argument("--source", required=True, type=Path, help="the extract: a .csv or .parquet file")
    ingest.add_argument("--out", type=Path, default=None,
                        help="DuckDB file to write (default: data/<dataset>.duckdb)")

    catalog = commands.add_parser("catalog", help="print a validated data catalog as JSON")
    catalog.add_argument("--dataset", required=True, help="dataset code, e.g. census_mortality")

    table = commands.add_parser("table", help="print a protected measure table (CSV or JSON)")
    _add_view_arguments(table)
    table.add_argument("--audience", default="official", help="public, official or statistician")
    table.add_argument("--benchmark", choices=("reference", "total"), default="reference",
                       help="what the comparison column compares each group with: the first "
                            "breakdown's reference group (default) or its total; ratios are "
                            "always compared with their reference group")
    table.add_argument("--format", choices=("csv", "json"), default="csv")
    table.add_argument("--database", type=Path, default=None,
                       help="DuckDB file (default: data/<dataset>.duckdb)")

    review = commands.add_parser(
        "review", help="print the output-check report of a view (CONTAINS UNPROTECTED VALUES)",
        description="The output-check report that the Disclosure review page exports, for "
                    "pipelines: the view and its trend by calendar year (a person-level dataset "
                    "has no trend), every cell with its true count, shown value, status, rule "
                    "and audit interval, and a recommendation. It contains unprotected values: "
                    "for output checkers only.")
    _add_view_arguments(review)
    review.add_argument("--policy", default="official",
                        help="public, official, statistician or custom (with --threshold)")
    review.add_argument("--threshold", type=int, default=None,
                        help="frequency threshold for --policy custom (applied to the official policy)")
    review.add_argument("--format", choices=("json", "html"), default="json")
    review.add_argument("--database", type=Path, default=None,
                        help="DuckDB file (default: data/<dataset>.duckdb)")

    publish = commands.add_parser("publish", help="write the catalog's public views, protected "
                                  "under the public policy, to one file for the public summary")
    publish.add_argument("--dataset", required=True, help="dataset code, e.g. census_mortality")
    publish.add_argument("--database", type=Path, default=None,
                         help="DuckDB file (default: data/<dataset>.duckdb)")
    publish.add_argument("--out", type=Path, default=None,
                         help="file to write (default: data/published/<dataset>.json)")
    publish.add_argument("--if-absent", action="store_true",
                         help="do nothing when the output file already holds this dataset "
                              "version's public views, built from the database file as it is now")

    add_user = commands.add_parser("add-user", help="add a local account (user name, role, "
                                   "password hash) to the accounts file")
    add_user.add_argument("--user", required=True, help="user name, e.g. olivia.smith")
    add_user.add_argument("--role", required=True, help="official or statistician")
    add_user.add_argument("--accounts", type=Path, default=None,
                          help="accounts file (default: $EXPLORER_ACCOUNTS, else data/accounts.json)")
    add_user.add_argument("--password-stdin", action="store_true",
                          help="read the password from the first line of stdin instead of a prompt")
    add_user.add_argument("--replace", action="store_true",
                          help="overwrite the user's role and password if they already exist")
    return parser


def _measure_help() -> str:
    """The measures each shape of dataset offers (explorer.catalog.shapes), for --help."""
    from explorer.catalog.shapes import PERSON_LEVEL, PERSON_TIME, SHAPE_MEASURES

    return (f"a measure the dataset offers: {', '.join(SHAPE_MEASURES[PERSON_TIME])} for a "
            f"person-time dataset (rates); {', '.join(SHAPE_MEASURES[PERSON_LEVEL])} for a "
            "person-level dataset (shares of people)")


def _add_view_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that name one view, shared by ``table`` and ``review``."""
    parser.add_argument("--dataset", required=True, help="dataset code, e.g. census_mortality")
    parser.add_argument("--outcome", required=True, help="outcome code, e.g. suicide")
    parser.add_argument("--measure", required=True, help=_measure_help())
    parser.add_argument("--by", default="", help="comma-separated dimension codes, e.g. sex,age_group")
    parser.add_argument("--where", action="append", default=[],
                        help="filter dimension=category or group (key or label); one per dimension")
    parser.add_argument("--period", default=None,
                        help="the whole follow-up (default), a catalog period such as 2016-2019, "
                             "or one year such as 2020; person-time datasets only (a "
                             "person-level dataset's tables cover the whole follow-up)")


def _view_request(args: argparse.Namespace, catalog, audience: str):
    """The validated request the view arguments name (QueryError for anything invalid); the
    benchmark is ``--benchmark``'s where the command has it."""
    from explorer.tables.request import (DEFAULT_BENCHMARK, parse_period, parse_where,
                                         validate_request)

    return validate_request(
        catalog, outcome=args.outcome, measure=args.measure,
        by=[code.strip() for code in args.by.split(",") if code.strip()],
        where=parse_where(args.where), period=parse_period(args.period, catalog),
        audience=audience, benchmark=getattr(args, "benchmark", DEFAULT_BENCHMARK))


def _cmd_build_data(args: argparse.Namespace) -> int:
    from explorer.catalog import load_catalog
    from explorer.paths import default_database_path
    from explorer.data import build_dataset

    catalog = load_catalog(args.dataset)
    if catalog.build_defaults is None:
        how = (f"; ingest its extract with: python -m explorer ingest --dataset {args.dataset} "
               "--source FILE" if catalog.source is not None else "")
        raise ExplorerError(f"dataset {args.dataset!r} is not built by build-data: its catalog "
                            f"has no dataset.build section{how}")
    out = args.out or default_database_path(args.dataset)
    if args.if_absent and out.exists():
        problems = _schema_problems(out, catalog)
        if not problems:
            print(f"{out} exists; not rebuilding")
            return 0
        print(f"{out} does not match the catalog ({'; '.join(problems[:3])}); rebuilding")
    persons = args.persons if args.persons is not None else catalog.build_defaults.persons
    seed = args.seed if args.seed is not None else catalog.build_defaults.seed
    if persons < 1:
        raise ExplorerError("--persons must be a positive whole number")
    report = build_dataset(args.dataset, persons=persons, seed=seed, out=out)
    print(report.summary())
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from explorer.catalog import load_catalog
    from explorer.data.ingest import ingest_extract
    from explorer.paths import default_database_path

    catalog = load_catalog(args.dataset)
    report = ingest_extract(catalog, args.source, args.out or default_database_path(args.dataset))
    print(report.summary())
    return 0


def _schema_problems(path: Path, catalog) -> list[str]:
    """How an existing database file differs from the catalog (empty when it matches)."""
    from explorer.db.connection import open_database
    from explorer.db.runner import QueryRunner

    try:
        with open_database(path, catalog.code) as database:
            return QueryRunner(database, catalog).schema_mismatches()
    except Exception as error:  # noqa: BLE001 - an unreadable file is rebuilt, not trusted
        return [f"cannot read it: {str(error).splitlines()[0]}"]


def _cmd_catalog(args: argparse.Namespace) -> int:
    from explorer.catalog import load_catalog

    catalog = load_catalog(args.dataset)
    json.dump(catalog.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _cmd_table(args: argparse.Namespace) -> int:
    from explorer.catalog import load_catalog
    from explorer.db.connection import open_database
    from explorer.paths import default_database_path
    from explorer.tables import build_table, to_csv, to_json

    catalog = load_catalog(args.dataset)
    request = _view_request(args, catalog, args.audience)
    with open_database(args.database or default_database_path(args.dataset), args.dataset) as database:
        table = build_table(request, catalog, database)
    sys.stdout.write(to_csv(table) if args.format == "csv" else to_json(table) + "\n")
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    from explorer.catalog import load_catalog
    from explorer.db.connection import open_database
    from explorer.release.output_report import report_html, report_json
    from explorer.paths import default_database_path
    from explorer.release.review import REVIEW_AUDIENCE, review_policy, review_view_tables

    catalog = load_catalog(args.dataset)
    policy = review_policy(catalog, args.policy, args.threshold)
    request = _view_request(args, catalog, REVIEW_AUDIENCE)
    with open_database(args.database or default_database_path(args.dataset), args.dataset) as database:
        reviews = review_view_tables(request, catalog, database, policy)
    render = report_json if args.format == "json" else report_html
    sys.stdout.write(render(reviews, catalog) + "\n")
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from explorer.catalog import load_catalog
    from explorer.release.publish import publish

    result = publish(load_catalog(args.dataset), database_path=args.database, out=args.out,
                     if_absent=args.if_absent)
    print(result.summary())
    return 0


def _read_password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or typed twice at a hidden prompt."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        password = getpass.getpass("Password: ")
        if password and getpass.getpass("Repeat the password: ") != password:
            raise ExplorerError("the two passwords differ")
    except (EOFError, KeyboardInterrupt):
        raise ExplorerError("no password given") from None
    return password


def _cmd_add_user(args: argparse.Namespace) -> int:
    from explorer.auth.accounts import (accounts_path, add_user, check_account_role,
                                        check_username, load_accounts)

    path = args.accounts or accounts_path()
    name = check_username(args.user)  # every check that needs no password before the prompt
    check_account_role(args.role)
    if not args.replace and name in load_accounts(path):
        raise ExplorerError(f"user {name!r} already exists in {path} (use --replace to change "
                            "their role or password)")
    name = add_user(path, args.user, _read_password(args.password_stdin), args.role,
                    replace=args.replace)
    print(f"{'Saved' if args.replace else 'Added'} user {name} ({args.role}) in {path}")
    return 0


_COMMANDS = {"add-user": _cmd_add_user, "build-data": _cmd_build_data, "catalog": _cmd_catalog,
             "ingest": _cmd_ingest, "publish": _cmd_publish, "review": _cmd_review, "table": _cmd_table}


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ExplorerError as error:
        sys.stderr.write(f"error: {error.one_line()}\n")
    except OSError as error:  # a full disk, a permission refused, a file that vanished
        sys.stderr.write(f"error: {_os_problem(error)}\n")
    except Exception as error:
        duckdb = sys.modules.get("duckdb")
        if duckdb is None or not isinstance(error, duckdb.Error):
            raise  # a programming error keeps its traceback (exit 1): it is a bug to fix
        from explorer.db.connection import database_problem

        cause, _ = database_problem(error)
        sys.stderr.write(f"error: the database engine failed: {' '.join(cause.split())}\n")
    return EXIT_USAGE


def _os_problem(error: OSError) -> str:
    """One line for an operating-system error: what failed and on which file."""
    import errno

    what = error.strerror or str(error) or type(error).__name__
    if error.errno == errno.ENOSPC:
        what = "no space left on the disk (free some space and run the command again)"
    files = " -> ".join(str(name) for name in (error.filename, error.filename2) if name)
    return " ".join(f"{what}{f' ({files})' if files else ''}".split())
