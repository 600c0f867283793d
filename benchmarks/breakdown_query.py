"""Benchmark: the Explore page's database query, one-table scan against the joining query.

The catalog declares ``cohort.person_columns_in_person_time``: person_time repeats each person's
dimension columns, record key and linked flag, so a breakdown reads one table
(queries/breakdown_events_one_table.sql). The joining query (queries/breakdown_events.sql,
person_time joined to persons and linkage) is what a catalog without the copies runs. Both are
timed through explorer.db.runner.QueryRunner on the same read-only connection, for the requests
the Explore page makes on a cache miss (its view and trend share one scan by calendar year),
beside a baseline in the same run: the cheapest full scan of person_time
(``SELECT sum(person_years) FROM person_time``). Median of --runs after one warm-up run.
Results replace the section "## Breakdown query: one table against a join" of docs/benchmarks.md.

    .venv/bin/python benchmarks/breakdown_query.py [DATABASE ...] [--runs 5] [--no-write]

DATABASE defaults to data/census_mortality.duckdb; give several files (e.g. built by
benchmarks/build_data.py --keep) to compare sizes.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmark_doc import median_seconds, write_section  # noqa: E402  (benchmarks/ is on sys.path)

SECTION = "## Breakdown query: one table against a join"
FULL_SCALE_TARGET = 0.5  # seconds per view at 56M persons (DESIGN.md, Scale)
DATASET = "census_mortality"
REQUESTS = [  # (description, QueryRunner.breakdown keyword arguments)
    ("suicide by sex, by year", {"outcome": "suicide", "by": ["sex"], "by_year": True}),
    ("suicide by detailed ethnic group, by year",
     {"outcome": "suicide", "by": ["ethnicity_detailed"], "by_year": True}),
    ("all causes by region x sex, filter religion = Christian",
     {"outcome": "all_cause", "by": ["region", "sex"], "filters": {"religion": ["christian"]}}),
]


def measure(path: Path, runs: int) -> dict:
    from explorer.catalog import load_catalog
    from explorer.db.connection import open_database
    from explorer.db.runner import QueryRunner

    catalog = load_catalog(DATASET)
    joining = dataclasses.replace(catalog, cohort=dataclasses.replace(
        catalog.cohort, person_columns_in_person_time=False))
    with open_database(path) as database:
        cursor = database.cursor()
        persons, rows = cursor.execute(
            "SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM person_time)").fetchone()
        scan = median_seconds(
            lambda: cursor.execute("SELECT sum(person_years) FROM person_time").fetchall(), runs)
        one, join = QueryRunner(database, catalog), QueryRunner(database, joining)
        results = []
        for description, request in REQUESTS:
            try:  # person-years are float sums in another order: equal to rounding error
                pd.testing.assert_frame_equal(one.breakdown(**request), join.breakdown(**request),
                                              check_exact=False, rtol=1e-9)
            except AssertionError as error:
                raise RuntimeError(f"{path}: {description}: one-table and joining results "
                                   f"differ: {error}") from None
            results.append({
                "request": description,
                "one_table": median_seconds(lambda: one.breakdown(**request), runs),
                "join": median_seconds(lambda: join.breakdown(**request), runs),
            })
    return {"path": path, "persons": persons, "rows": rows, "scan": scan, "results": results}


def render(measured: list[dict], runs: int) -> str:
    machine = (f"nproc {os.cpu_count()}, {platform.system()} {platform.release()}, Python "
               f"{platform.python_version()}; measured {dt.date.today().isoformat()}")
    lines = [
        SECTION, "",
        "Run: `.venv/bin/python benchmarks/breakdown_query.py [DATABASE ...]`. The Explore page's "
        "query on a cache miss (view and trend share one scan by calendar year) through "
        "QueryRunner: one scan of person_time, which repeats each person's attributes (catalog "
        "`cohort.person_columns_in_person_time`), against the joining query a catalog without "
        "the copies runs (person_time joined to persons and linkage). Both return identical "
        "frames, person-years to 1e-9 relative (checked in the run). Baseline in the same run: the cheapest full scan, "
        f"`SELECT sum(person_years) FROM person_time`. Median of {runs} after a warm-up.", "",
        f"Machine: {machine}.", "",
        "| persons | person_time rows | request | one table ms | join ms | join / one table "
        "| one table / scan baseline |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for m in measured:
        for r in m["results"]:
            lines.append(
                f"| {m['persons']:,} | {m['rows']:,} | {r['request']} | {r['one_table'] * 1000:,.0f} "
                f"| {r['join'] * 1000:,.0f} | {r['join'] / r['one_table']:.1f}x "
                f"| {r['one_table'] / m['scan']:.1f}x (scan {m['scan'] * 1000:,.0f} ms) |")
    largest = max(measured, key=lambda m: m["persons"])
    slowest = max(r["one_table"] for r in largest["results"])
    verdict = ("met" if slowest < FULL_SCALE_TARGET else
               "NOT met: a full-scale view needs persons grouped first (DESIGN.md, Scale)")
    lines += ["", "The one-table query is what the app runs. Its cost is the extra columns: the "
              "build writes them (see the build section) and the file grows. At "
              f"{largest['persons']:,} persons the slowest request takes {slowest:.2f} s; "
              f"DESIGN.md's target of under {FULL_SCALE_TARGET} s per view at 56M persons: {verdict}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", type=Path, nargs="*",
                        default=[ROOT / "data" / f"{DATASET}.duckdb"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    measured = []
    for path in args.databases:
        if not path.is_file():
            sys.exit(f"error: no database at {path} (python -m explorer build-data --dataset {DATASET})")
        result = measure(path, args.runs)
        for r in result["results"]:
            print(f"{result['persons']:,} persons: {r['request']}: one table {r['one_table']:.3f} s, "
                  f"join {r['join']:.3f} s (scan {result['scan']:.3f} s)", flush=True)
        measured.append(result)
    text = render(measured, args.runs)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
