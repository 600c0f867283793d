"""Benchmark: how long the Explore page takes to re-render after each widget change.

Drives the real page with streamlit.testing.v1.AppTest (the whole script run: validation,
cached or fresh query + protect + measures for the main and trend tables, both charts, the
download) on the default database (1,000,000 persons, seed 2011). Each change is timed twice:
cold (first time this view is asked for: nothing cached) and warm (the same view again, served
by st.cache_data). Baseline in the same run: a rerun of the Home page (Streamlit's own cost of
a script run with no data work). Target: every widget change under 1 s on the default dataset.
Results replace the section "## Explore page responsiveness" of docs/benchmarks.md.

    .venv/bin/python benchmarks/explore_responsiveness.py [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmark_doc import write_section  # noqa: E402  (benchmarks/ is on sys.path)

SECTION = "## Explore page responsiveness"
CHANGES = [  # (description, widget kind, key, value)
    ("measure: count", "selectbox", "explore_measure", "count"),
    ("measure: crude rate", "selectbox", "explore_measure", "crude_rate"),
    ("measure: rate ratio", "selectbox", "explore_measure", "rate_ratio"),
    ("breakdown: disability", "selectbox", "explore_by1", "disability"),
    ("breakdown: region", "selectbox", "explore_by1", "region"),
    ("breakdown: detailed ethnic group", "selectbox", "explore_by1", "ethnicity_detailed"),
    ("measure: age-standardised rate", "selectbox", "explore_measure", "asmr"),
    ("second breakdown: age group", "selectbox", "explore_by2", "age_group"),
    ("filter: region = London", "multiselect", "explore_where_region", ["london"]),
    ("period: 2015-2021", "slider", "explore_period", (2015, 2021)),
]


def _database_dir() -> tuple[Path, str]:
    existing = ROOT / "data" / "census_mortality.duckdb"
    if existing.exists():
        return existing.parent, f"existing {existing.relative_to(ROOT)}"
    from explorer.synth import build_dataset

    directory = Path(tempfile.mkdtemp(prefix="explore_bench_"))
    build_dataset("census_mortality", persons=1_000_000, seed=2011,
                  out=directory / "census_mortality.duckdb")
    return directory, "built for this run (1,000,000 persons, seed 2011)"


def _steady_navigation() -> None:
    """AppTest starts each run in Streamlit's legacy pages-directory mode (a pages/ folder sits
    beside app.py); a served app leaves it once app.py calls st.navigation. Match the server."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def _timed(run) -> float:
    start = time.perf_counter()
    at = run()
    seconds = time.perf_counter() - start
    if at.exception or at.error:
        raise RuntimeError(f"the page failed: {at.exception or at.error}")
    return seconds


def measure() -> tuple[list[dict], float, str]:
    directory, source = _database_dir()
    os.environ["EXPLORER_DATA_DIR"] = str(directory)
    _steady_navigation()
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    home = statistics.median(_timed(at.run) for _ in range(5))
    at.switch_page("pages/explore.py").run()  # first render of the default view
    results = []
    previous = {}
    for description, kind, key, value in CHANGES:
        widget = getattr(at, kind)(key=key)
        previous[key] = widget.value
        cold = _timed(lambda: widget.set_value(value).run())
        getattr(at, kind)(key=key).set_value(previous[key]).run()  # back (cached)
        warm = _timed(lambda: getattr(at, kind)(key=key).set_value(value).run())
        results.append({"change": description, "cold": cold, "warm": warm})
    return results, home, source


def render(results: list[dict], home: float, source: str) -> str:
    import streamlit

    cold = [r["cold"] for r in results]
    warm = [r["warm"] for r in results]
    verdict = "met" if max(cold) < 1.0 else f"NOT met for {sum(c >= 1.0 for c in cold)} of {len(cold)} cold changes"
    lines = [
        SECTION, "",
        "`python benchmarks/explore_responsiveness.py`: the Explore page driven by Streamlit's "
        "AppTest, each widget change applied in sequence (later changes keep the earlier ones), "
        "timing the whole script run: the main and trend tables (query, disclosure control, "
        "measures), both charts and the download. Cold = first time that view is asked for; warm = "
        "the same view again from st.cache_data. Baseline in the same run: a Home page rerun "
        f"({home * 1e3:.0f} ms). Database: {source}.", "",
        f"Machine: {os.cpu_count()} CPUs, Linux {platform.release()}, Python "
        f"{platform.python_version()}, streamlit {streamlit.__version__}; measured "
        f"{dt.date.today().isoformat()}.", "",
        "| widget change | cold ms | warm ms | cold / Home rerun |",
        "| --- | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(f"| {r['change']} | {r['cold'] * 1e3:.0f} | {r['warm'] * 1e3:.0f} | "
                     f"{r['cold'] / home:.0f}x |")
    lines += ["", f"Median cold {statistics.median(cold) * 1e3:.0f} ms (max {max(cold) * 1e3:.0f} ms); "
              f"median warm {statistics.median(warm) * 1e3:.0f} ms (max {max(warm) * 1e3:.0f} ms). "
              f"Target under 1 s per widget change: {verdict}. AppTest runs the script in-process "
              "without a browser, so the browser's own drawing time is not included."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    results, home, source = measure()
    text = render(results, home, source)
    if not args.no_write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
