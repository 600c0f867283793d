"""Benchmark: protect plus measures for 2-way views, official policy before and after issue 11.

Issue 11 replaced the official policy's secondary suppression (a MILP plus the exact LP audit)
with consistent cell key perturbation (every cell and every age-band stratum perturbed, the
noise-bound audit left for reviews). The promise: protect plus measures for a 2-way view under
the official policy stays within 1.5x of before. "Before" is measured in the same run: the
statistician policy has exactly the rules the official policy had (threshold 10, secondary
suppression with protection level 5, no noise).

The raw aggregate of each view is built once (the query is not what changed); then, for each
policy, ``protect`` followed by ``measure_table`` is timed, median of ``--runs`` after a
warm-up. Views: 2-way breakdowns of the default dataset (1,000,000 persons) with hidden cells.
The result replaces the section "## Disclosure control: protect and measures, official policy"
of docs/benchmarks.md.

    .venv/bin/python benchmarks/protect_measures.py [--runs 7] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.benchmark_doc import median_seconds, write_section  # noqa: E402
from explorer.tables.aggregate import raw_table  # noqa: E402
from explorer.catalog import load_catalog  # noqa: E402
from explorer.db.connection import open_database  # noqa: E402
from explorer.db.runner import QueryRunner  # noqa: E402
from explorer.tables.measure_table import measure_table  # noqa: E402
from explorer.sdc.protect import protect  # noqa: E402
from explorer.tables.request import validate_request  # noqa: E402
from explorer.tables import policy_for  # noqa: E402

SECTION = "## Disclosure control: protect and measures, official policy"
DATASET = "census_mortality"
VIEWS = [
    ("suicide", "asmr", ("ethnicity", "region")),
    ("suicide", "count", ("religion", "sex")),
    ("suicide", "crude_rate", ("ethnicity_detailed", "sex")),
    ("covid19", "asmr", ("ethnicity", "disability")),
    ("all_cause", "crude_rate", ("religion", "region")),
]
RATIO_LIMIT = 1.5


def measure(database_path: Path, runs: int) -> list[dict]:
    catalog = load_catalog(DATASET)
    before, after = policy_for(catalog, "statistician"), policy_for(catalog, "official")
    rows = []
    with open_database(database_path, DATASET) as database:
        runner = QueryRunner(database, catalog)
        for outcome, measure_code, by in VIEWS:
            request = validate_request(catalog, outcome=outcome, measure=measure_code, by=by)
            raw = raw_table(request, catalog, runner)
            timings = {name: median_seconds(lambda p=policy: measure_table(protect(raw, p), request, catalog), runs)
                       for name, policy in (("before", before), ("after", after))}
            hidden = protect(raw, after).hidden_count()["suppressed_primary"]
            rows.append({"view": f"{outcome} {measure_code} by {' x '.join(by)}",
                         "cells": len(protect(raw, after).cells()), "hidden": hidden, **timings,
                         "ratio": timings["after"] / timings["before"]})
    return rows


def markdown(rows: list[dict], runs: int, database_path: Path) -> str:
    worst = max(row["ratio"] for row in rows)
    lines = [SECTION, "",
             f"`benchmarks/protect_measures.py`, {dt.date.today().isoformat()}, {platform.machine()}, "
             f"Python {platform.python_version()}; database {database_path.name} (default dataset); "
             f"median of {runs} runs after a warm-up, the raw aggregate built once per view.",
             "Before: the rules the official policy had before issue 11 (threshold, secondary "
             "suppression by MILP, exact LP audit), which the statistician policy keeps. After: "
             "the official policy now (cell key perturbation of every cell and every age-band "
             "stratum; the noise-bound audit runs only for reviews).", "",
             "| view | cells | hidden (after) | before (ms) | after (ms) | after / before |",
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r['view']} | {r['cells']} | {r['hidden']} | {r['before'] * 1000:.1f} | "
              f"{r['after'] * 1000:.1f} | {r['ratio']:.2f} |" for r in rows]
    verdict = "met" if worst <= RATIO_LIMIT else "NOT met"
    lines += ["", f"Largest ratio {worst:.2f} (target: at most {RATIO_LIMIT}): {verdict}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=ROOT / "data" / f"{DATASET}.duckdb")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if not args.database.exists():
        sys.exit(f"{args.database} not found: run python -m explorer build-data --dataset {DATASET}")
    rows = measure(args.database, args.runs)
    text = markdown(rows, args.runs, args.database)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
