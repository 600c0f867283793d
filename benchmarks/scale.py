"""Benchmark: the whole population on this machine. For each size (default 1M, 10M and 56M
persons) a child process builds the synthetic census_mortality database (wall time, peak RSS of
the process tree polled every 0.2 s with psutil, file size), then another child process times
the Explore page's request on a cache miss for every step of the responsiveness sequence
(benchmarks/explore_responsiveness.py CHANGES: measures, one and two breakdowns, a filter,
periods): ``build_view_tables`` = query + disclosure control + measures of the view and its
trend, median of 3 per step. Baseline in the same child: a raw DuckDB ``GROUP BY`` of two small
integer columns (``count(*)``) over a table with as many rows as the database has persons,
stored on disk in its own DuckDB file, median of 5. Targets (issue 12): build under 5 minutes,
under 8 GiB and under 3 GB at 56M; views under 0.5 s median and at most 2.5x the baseline.
The results replace the section "## Scale: building and views at 1M, 10M and 56M persons" of
docs/benchmarks.md.

    .venv/bin/python benchmarks/scale.py [--sizes 1000000 10000000 56000000] [--workdir DIR] [--keep] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmark_doc import write_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Scale: building and views at 1M, 10M and 56M persons"
SEED = 2011
VIEW_RUNS, BASELINE_RUNS = 3, 5
TARGETS = {"build_seconds": 300, "build_peak_mib": 8 * 1024, "file_mib": 3000 / 1.048576,
           "view_median_seconds": 0.5, "view_over_baseline": 2.5}


def run_measured(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; return (wall seconds, peak RSS MiB of its process tree, stdout)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    parent = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [parent] + parent.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed: {stderr.strip()}")
    return time.perf_counter() - started, peak / 2**20, stdout.strip()


def build(persons: int, out: Path) -> dict:
    seconds, peak, summary = run_measured(
        [sys.executable, "-m", "explorer", "build-data", "--dataset", "census_mortality",
         "--persons", str(persons), "--seed", str(SEED), "--out", str(out)])
    with duckdb.connect(str(out), read_only=True) as connection:
        deaths, terms = connection.execute(
            "SELECT (SELECT count(*) FROM deaths), (SELECT count(*) FROM exposure_terms)").fetchone()
    return {"persons": persons, "build_seconds": seconds, "build_peak_mib": peak,
            "file_mib": out.stat().st_size / 2**20, "deaths": deaths, "exposure_terms": terms,
            "summary": summary}


# --- the views, in a child process ---------------------------------------------------------

def sequence_requests(catalog) -> list[tuple[str, object]]:
    """The responsiveness sequence as validated requests: the page opens on suicide, asmr by
    sex, the whole follow-up; each change keeps the earlier ones."""
    from explore_responsiveness import AUDIENCE, CHANGES

    from explorer.tables.request import validate_request

    fields = {"measure": "asmr", "by1": "sex", "by2": "", "where": {}, "period": None}
    requests = []
    for description, _kind, key, value in [("opening view", None, None, None), *CHANGES]:
        if key == "explore_measure":
            fields["measure"] = value
        elif key == "explore_by1":
            fields["by1"] = value
        elif key == "explore_by2":
            fields["by2"] = value
        elif key == "explore_period":
            fields["period"] = tuple(value)
        elif key and key.startswith("explore_where_"):
            fields["where"] = {key.removeprefix("explore_where_"): (value,)}
        by = (fields["by1"],) if fields["by2"] in ("", fields["by1"]) else (fields["by1"], fields["by2"])
        requests.append((description, validate_request(
            catalog, outcome="suicide", measure=fields["measure"], by=by, where=fields["where"],
            period=fields["period"], audience=AUDIENCE)))
    return requests


def baseline_seconds(rows: int, workdir: Path) -> float:
    """Median time of the raw GROUP BY of two small integer columns over ``rows`` rows on disk."""
    path = workdir / f"baseline_{rows}.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE OR REPLACE TABLE t AS SELECT CAST(random() * 20 AS UTINYINT) AS a, "
                           "CAST(random() * 5 AS UTINYINT) AS b FROM range($n)", {"n": rows})
    with duckdb.connect(str(path), read_only=True) as connection:
        connection.execute("SELECT a, b, count(*) FROM t GROUP BY ALL").fetchall()
        times = []
        for _ in range(BASELINE_RUNS):
            start = time.perf_counter()
            connection.execute("SELECT a, b, count(*) FROM t GROUP BY ALL").fetchall()
            times.append(time.perf_counter() - start)
    path.unlink()
    return statistics.median(times)


def time_views(database: Path, workdir: Path) -> dict:
    from explorer.catalog import load_catalog
    from explorer.db import QueryRunner, open_database
    from explorer.tables import build_view_tables

    catalog = load_catalog("census_mortality")
    opened = open_database(database)
    persons = opened.cursor().execute("SELECT count(*) FROM persons").fetchone()[0]
    query_seconds = [0.0]
    original = QueryRunner._run_plan

    def timed_run_plan(runner, plan):
        start = time.perf_counter()
        try:
            return original(runner, plan)
        finally:
            query_seconds[0] += time.perf_counter() - start

    QueryRunner._run_plan = timed_run_plan
    steps = []
    for description, request in sequence_requests(catalog):
        runs = []
        for _ in range(VIEW_RUNS):
            query_seconds[0] = 0.0
            start = time.perf_counter()
            build_view_tables(request, catalog, opened)
            runs.append((time.perf_counter() - start, query_seconds[0]))
        total, query = sorted(runs)[len(runs) // 2]
        steps.append({"change": description, "seconds": total, "query_seconds": query})
    return {"baseline_seconds": baseline_seconds(persons, workdir), "steps": steps}


# --- the document --------------------------------------------------------------------------

def _verdict(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def render(results: list[dict], command: str) -> str:
    machine = (f"nproc {os.cpu_count()}, {psutil.virtual_memory().total / 2**30:.1f} GiB RAM, "
               f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
               f"DuckDB {duckdb.__version__}; measured {dt.date.today().isoformat()}")
    lines = [
        SECTION, "",
        f"`{command}`: per size, a child process builds the database (`python -m explorer "
        f"build-data`, seed {SEED}; wall time, peak RSS of the process tree, file size), then "
        "another child times the Explore page's request on a cache miss, `build_view_tables` "
        "(query, disclosure control and measures of the view and its trend; median of "
        f"{VIEW_RUNS} per step), for each step of the responsiveness sequence "
        "(benchmarks/explore_responsiveness.py: measures, one and two breakdowns, a filter, "
        "periods). Baseline in the same child: a raw DuckDB `GROUP BY` of two small integer "
        "columns over a table of as many rows as persons, on disk (median of "
        f"{BASELINE_RUNS}). The database stores persons, not person-years (docs/data-model.md).", "",
        f"Machine: {machine}.", "",
        "| persons | build s | peak RSS MiB | file MiB | deaths | view median ms | view max ms "
        "| of which query (median) ms | raw GROUP BY baseline ms | median / baseline | max / baseline |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        times = [s["seconds"] for s in r["steps"]]
        query = statistics.median(s["query_seconds"] for s in r["steps"])
        base = r["baseline_seconds"]
        r["view_median"], r["view_max"] = statistics.median(times), max(times)
        lines.append(
            f"| {r['persons']:,} | {r['build_seconds']:.1f} | {r['build_peak_mib']:,.0f} | "
            f"{r['file_mib']:,.0f} | {r['deaths']:,} | {r['view_median'] * 1e3:.0f} | "
            f"{r['view_max'] * 1e3:.0f} | {query * 1e3:.0f} | {base * 1e3:.0f} | "
            f"{r['view_median'] / base:.2f}x | {r['view_max'] / base:.2f}x |")
    largest = max(results, key=lambda r: r["persons"])
    base = largest["baseline_seconds"]
    lines += [
        "",
        f"Targets at {largest['persons']:,} persons: build under 5 minutes "
        f"({_verdict(largest['build_seconds'] < TARGETS['build_seconds'])}), under 8 GiB peak "
        f"({_verdict(largest['build_peak_mib'] < TARGETS['build_peak_mib'])}), file under 3 GB "
        f"({_verdict(largest['file_mib'] < TARGETS['file_mib'])}); views under 0.5 s median "
        f"({_verdict(largest['view_median'] < TARGETS['view_median_seconds'])}) and at most 2.5x "
        f"the raw GROUP BY, median {largest['view_median'] / base:.2f}x "
        f"({_verdict(largest['view_median'] / base <= TARGETS['view_over_baseline'])}), "
        f"slowest step {largest['view_max'] / base:.2f}x "
        f"({_verdict(largest['view_max'] / base <= TARGETS['view_over_baseline'])}).", "",
        f"Steps at {largest['persons']:,} persons (ms, total / query):",
        "",
        "| step | " + " | ".join(f"{r['persons']:,}" for r in results) + " |",
        "| --- |" + " ---: |" * len(results),
    ]
    for index, step in enumerate(largest["steps"]):
        cells = [f"{r['steps'][index]['seconds'] * 1e3:.0f} / {r['steps'][index]['query_seconds'] * 1e3:.0f}"
                 for r in results]
        lines.append(f"| {step['change']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000, 56_000_000])
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the built databases")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--views-only", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    if args.views_only:
        print(json.dumps(time_views(args.views_only, args.views_only.parent)))
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="scale_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for persons in args.sizes:
        out = workdir / f"census_mortality_{persons}.duckdb"
        result = build(persons, out)
        _, _, stdout = run_measured([sys.executable, str(Path(__file__)), "--views-only", str(out)])
        result.update(json.loads(stdout.splitlines()[-1]))
        if not args.keep:
            out.unlink()
        times = [s["seconds"] for s in result["steps"]]
        print(f"{persons:,}: build {result['build_seconds']:.1f} s, peak {result['build_peak_mib']:.0f} MiB, "
              f"file {result['file_mib']:.0f} MiB; views median {statistics.median(times) * 1e3:.0f} ms, "
              f"max {max(times) * 1e3:.0f} ms, baseline {result['baseline_seconds'] * 1e3:.0f} ms", flush=True)
        results.append(result)
    command = "python benchmarks/scale.py --sizes " + " ".join(str(s) for s in args.sizes)
    text = render(results, command)
    if not args.no_write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
