"""Benchmark: how long the Explore page takes to re-render after each widget change.

Drives the real page with streamlit.testing.v1.AppTest (the whole script run: validation,
cached or fresh query + protect + measures for the main and trend tables, both charts, the
download) on a database given with --database (the 56M-person one, say), else the default dataset:
data/census_mortality.duckdb when present, else one built for the run in a temporary directory
with the catalog's default persons and seed. A scripted sequence of widget
changes (each ``set_value(...).run()``, later changes keeping the earlier ones, ordered so that
every change asks for a view not yet cached) is timed twice: cold (first time that view is asked
for, so st.cache_data misses) and warm (set back to the previous value and forth again: the same
view served by st.cache_data). Baselines in the same run: (a) a rerun of the Home page
(Streamlit's own cost of a script run with no data work); (b) the library calls for the same
requests without Streamlit, on one shared read-only connection: explorer.tables.build_table (one
table) and build_view_tables (what the page computes: view + trend), each split into database
query time (QueryRunner, timed around its query execution) and the rest (raw table, disclosure
control, measures); median of 3. Any change over 1 s cold gets a short cProfile of its library
call, and the doc names the hot spots. Target: every widget change under 1 s. Results replace
the section "## Explore page responsiveness, N persons" of docs/benchmarks.md (one section per
database size).

    .venv/bin/python benchmarks/explore_responsiveness.py [--database PATH] [--no-write]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmark_doc import write_section  # noqa: E402  (benchmarks/ is on sys.path)

SECTION = "## Explore page responsiveness"
DATASET = "census_mortality"
AUDIENCE = "official"
TARGET = 1.0
LIBRARY_RUNS = 3
# (description, widget kind, key, value). The page opens on suicide, asmr by sex, 2011-2021.
CHANGES = [
    ("measure: count", "selectbox", "explore_measure", "count"),
    ("measure: crude rate", "selectbox", "explore_measure", "crude_rate"),
    ("breakdown: disability", "selectbox", "explore_by1", "disability"),
    ("measure: age-standardised rate", "selectbox", "explore_measure", "asmr"),
    ("measure: rate ratio", "selectbox", "explore_measure", "rate_ratio"),
    ("breakdown: sex", "selectbox", "explore_by1", "sex"),
    ("breakdown: region", "selectbox", "explore_by1", "region"),
    ("breakdown: detailed ethnic group", "selectbox", "explore_by1", "ethnicity_detailed"),
    ("breakdown: deprivation quintile", "selectbox", "explore_by1", "deprivation_quintile"),
    ("measure: slope index of inequality", "selectbox", "explore_measure", "sii"),
    ("measure: crude rate", "selectbox", "explore_measure", "crude_rate"),
    ("second breakdown: age group", "selectbox", "explore_by2", "age_group"),
    ("filter: region = London", "selectbox", "explore_where_region", "london"),
    ("period: 2016-2019", "selectbox", "explore_period", (2016, 2019)),
    ("period: 2020-2021", "selectbox", "explore_period", (2020, 2021)),
]


def _database_dir(database: Path | None) -> tuple[Path, str]:
    """A data directory holding census_mortality.duckdb, and a line saying where it came from."""
    if database is not None:
        directory = Path(tempfile.mkdtemp(prefix="explore_bench_"))
        (directory / f"{DATASET}.duckdb").symlink_to(database.resolve())
        return directory, f"{database} (given with --database)"
    existing = ROOT / "data" / f"{DATASET}.duckdb"
    if existing.exists():
        return existing.parent, f"reused the existing {existing.relative_to(ROOT)}"
    from explorer.catalog import load_catalog
    from explorer.data import build_dataset

    defaults = load_catalog(DATASET).build_defaults
    directory = Path(tempfile.mkdtemp(prefix="explore_bench_"))
    build_dataset(DATASET, persons=defaults.persons, seed=defaults.seed,
                  out=directory / f"{DATASET}.duckdb")
    return directory, (f"the default dataset, built for this run in {directory} "
                       f"({defaults.persons:,} persons, seed {defaults.seed})")


def _persons(directory: Path) -> int:
    import duckdb

    with duckdb.connect(str(directory / f"{DATASET}.duckdb"), read_only=True) as connection:
        return connection.execute("SELECT count(*) FROM persons").fetchone()[0]


def _check(at, what: str):
    if at.exception or at.error:
        problem = at.exception[0].value if at.exception else at.error[0].value
        raise RuntimeError(f"{what}: the page failed: {problem}")
    return at


def _timed(run, what: str) -> float:
    start = time.perf_counter()
    at = run()
    seconds = time.perf_counter() - start
    _check(at, what)
    return seconds


def _request_fields(at) -> dict:
    """The validated-request fields the page builds from its widgets (as pages/explore.py)."""
    by1 = at.selectbox(key="explore_by1").value
    by2 = at.selectbox(key="explore_by2").value
    by = (by1,) if by2 in ("", None, by1) else (by1, by2)
    where = {}
    for widget in at.selectbox:
        code = (widget.key or "").removeprefix("explore_where_")
        if widget.key and widget.key.startswith("explore_where_") and code not in by and widget.value:
            where[code] = (widget.value,)
    return {"outcome": at.selectbox(key="explore_outcome").value,
            "measure": at.selectbox(key="explore_measure").value,
            "by": by, "where": where, "period": tuple(at.selectbox(key="explore_period").value)}


def page_timings() -> tuple[list[dict], float, float]:
    from streamlit.testing.v1 import AppTest

    from explorer.auth import ROLE_KEY, USER_KEY

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state[ROLE_KEY] = AUDIENCE  # Explore is for signed-in officials and statisticians
    at.session_state[USER_KEY] = "benchmark"
    _check(at.run(), "Home")
    home = statistics.median(_timed(at.run, "Home rerun") for _ in range(5))
    start = time.perf_counter()
    _check(at.switch_page("pages/explore.py").run(), "Explore first render")
    first = time.perf_counter() - start
    results = []
    for description, kind, key, value in CHANGES:
        previous = getattr(at, kind)(key=key).value
        cold = _timed(lambda: getattr(at, kind)(key=key).set_value(value).run(), description)
        _check(getattr(at, kind)(key=key).set_value(previous).run(), description + " (back)")
        warm = _timed(lambda: getattr(at, kind)(key=key).set_value(value).run(), description)
        results.append({"change": description, "cold": cold, "warm": warm,
                        "fields": _request_fields(at)})
    return results, home, first


class _QueryClock:
    """Accumulates the time spent executing database queries (QueryRunner._run_plan, which
    QueryRunner.breakdown and persons_breakdown go through)."""

    def __init__(self) -> None:
        from explorer.db.runner import QueryRunner

        self.seconds = 0.0
        original = QueryRunner._run_plan
        clock = self

        def timed_run_plan(runner, plan):
            start = time.perf_counter()
            try:
                return original(runner, plan)
            finally:
                clock.seconds += time.perf_counter() - start

        QueryRunner._run_plan = timed_run_plan


def library_timings(results: list[dict]) -> None:
    from explorer.catalog import load_catalog
    from explorer.db.connection import open_database
    from explorer.paths import default_database_path
    from explorer.tables.request import validate_request
    from explorer.tables import build_table, build_view_tables

    catalog = load_catalog(DATASET)
    database = open_database(str(default_database_path(DATASET)), DATASET)
    clock = _QueryClock()
    for result in results:
        request = validate_request(catalog, audience=AUDIENCE, **result["fields"])
        result["request"] = request
        for name, function in (("table", build_table), ("view", build_view_tables)):
            runs = []
            for _ in range(LIBRARY_RUNS):
                clock.seconds = 0.0
                start = time.perf_counter()
                function(request, catalog, database)
                runs.append((time.perf_counter() - start, clock.seconds))
            total, query = sorted(runs)[len(runs) // 2]
            result[name] = total
            result[name + "_query"] = query
    result_slow = [r for r in results if r["cold"] >= TARGET]
    for result in result_slow:
        profile = cProfile.Profile()
        profile.enable()
        build_view_tables(result["request"], catalog, database)
        profile.disable()
        stats = pstats.Stats(profile)
        rows = []
        for (filename, line, name), (_, _, tottime, cumtime, _) in stats.stats.items():
            rows.append((tottime, cumtime, f"{Path(filename).name}:{line}({name})"))
        rows.sort(reverse=True)
        result["hot"] = rows[:4]
        result["profile_total"] = sum(r[0] for r in rows)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.0f}"


def render(results: list[dict], home: float, first: float, source: str, section: str) -> str:
    import streamlit

    cold = [r["cold"] for r in results]
    warm = [r["warm"] for r in results]
    slow = [r for r in results if r["cold"] >= TARGET]
    verdict = ("met: every change re-renders in under 1 s, cold or warm" if not slow and max(warm) < TARGET
               else f"NOT met cold for {len(slow)} of {len(results)} changes "
                    f"({', '.join(r['change'] for r in slow)})"
               + ("; warm always under 1 s" if max(warm) < TARGET else "; some warm reruns over 1 s too"))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        section, "",
        "Run: `.venv/bin/python benchmarks/explore_responsiveness.py [--database PATH]` "
        "(`--no-write` to print only). "
        "The Explore page driven by Streamlit's AppTest from app.py (pages-directory mode switched "
        "off as in tests/app/test_pages.py), each widget change applied in sequence (later changes keep "
        "the earlier ones; ordered so every change asks for a view not cached yet), timing the whole "
        "script run: the main and trend tables (query, disclosure control, measures), both charts "
        "and the CSV and Excel downloads. Cold = first time that view is asked for (st.cache_data miss); warm "
        "= set back and forth, the same view from st.cache_data. Library = the same request without "
        "Streamlit on one shared read-only connection, median of 3: `build_table` (one table) and "
        "`build_view_tables` (view + trend, what the page builds on a miss), each as total "
        "(database query / the rest: raw table, protection, measures). "
        f"Database: {source}.", "",
        f"Machine: nproc {cpus}, Linux {platform.release()}, Python {platform.python_version()}, "
        f"streamlit {streamlit.__version__}; measured {dt.date.today().isoformat()}. "
        f"Baselines: Home page rerun {_ms(home)} ms (median of 5); first render of the Explore "
        f"page (asmr by sex, cache empty) {_ms(first)} ms.", "",
        "| widget change | cold ms | warm ms | library build_table ms (query / rest) "
        "| library build_view_tables ms (query / rest) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        mark = " **>1 s**" if r["cold"] >= TARGET else ""
        lines.append(
            f"| {r['change']} | {_ms(r['cold'])}{mark} | {_ms(r['warm'])} | "
            f"{_ms(r['table'])} ({_ms(r['table_query'])} / {_ms(r['table'] - r['table_query'])}) | "
            f"{_ms(r['view'])} ({_ms(r['view_query'])} / {_ms(r['view'] - r['view_query'])}) |")
    view_share = statistics.median(r["view"] / r["cold"] for r in results)
    query_share = statistics.median(r["view_query"] / r["view"] for r in results)
    lines += [
        "",
        f"Cold: median {_ms(statistics.median(cold))} ms, max {_ms(max(cold))} ms. "
        f"Warm: median {_ms(statistics.median(warm))} ms, max {_ms(max(warm))} ms. "
        f"Target under 1 s per widget change: **{verdict}**.", "",
        f"Where the time goes: on a cold change the library's build_view_tables is a median "
        f"{view_share:.0%} of the page rerun, and database queries are a median {query_share:.0%} "
        f"of that; the rest of a cold rerun, and all of a warm one, is Streamlit (charts, "
        f"dataframes, the downloads, widget bookkeeping), against {_ms(home)} ms for a bare Home rerun. "
        "AppTest runs the script in-process without a browser, so the browser's own drawing time "
        "(and websocket transfer) is not included.",
    ]
    for r in slow:
        hot = "; ".join(f"`{name}` {_ms(tot)} ms self ({_ms(cum)} ms cumulative)"
                        for tot, cum, name in r["hot"])
        lines += ["", f"Over 1 s cold: *{r['change']}* ({_ms(r['cold'])} ms). cProfile of its "
                  f"build_view_tables ({_ms(r['profile_total'])} ms under the profiler), top self "
                  f"time: {hot}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=None,
                        help="census_mortality DuckDB file (default: the default dataset)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    directory, source = _database_dir(args.database)
    os.environ["EXPLORER_DATA_DIR"] = str(directory)
    section = f"{SECTION}, {_persons(directory):,} persons"
    results, home, first = page_timings()
    library_timings(results)
    text = render(results, home, first, source, section)
    if not args.no_write:
        write_section(section, text)
    print(text)


if __name__ == "__main__":
    main()
