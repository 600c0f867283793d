"""Benchmark: the served app's memory (RSS) while several signed-in sessions browse at once.

Starts the real server (`streamlit run app.py`, headless, free local port) on the given
census_mortality database, symlinked into a temporary data directory with a published public
file and a local accounts file (`python -m explorer add-user`). N Playwright contexts in one
Debian chromium then browse concurrently: Home and Public summary, sign in as an official, Data
catalog, Explore, then Explore widget changes one at a time (outcome, measure, breakdowns, a
region filter, periods), each waited for until the rerun ends. Sessions differ in outcome, order
of breakdowns, region and periods, so every change is a st.cache_data miss. A thread polls the
RSS of the server's process tree (streamlit and children) every 0.2 s for the peak; it is also
read once the server answers, when browsing ends and after the browsers close. Baseline in the
same run: a bare Python importing streamlit, duckdb, pandas and plotly. Target: peak under 4 GiB
with 5 sessions. Results replace the section "## App memory with 5 sessions" of
docs/benchmarks.md.

    .venv/bin/python benchmarks/app_memory.py --database PATH [--sessions 5] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

import psutil
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmark_doc import write_section  # noqa: E402  (benchmarks/ is on sys.path)

SECTION = "## App memory with 5 sessions"
DATASET = "census_mortality"
TARGET_MIB = 4096
POLL_SECONDS = 0.2
WAIT_MS = 180_000
USER, PASSWORD = "memory_benchmark", "memory benchmark's long password"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REGIONS = ["london", "wales", "north_west", "south_east", "yorkshire_humber"]
BREAKDOWN_TOUR = ["sex", "region", "ethnicity_detailed"]  # rotated per session
PAGES_PER_SESSION = 5  # Home, Public summary, Sign in, Data catalog, Explore
MIB = 1024 * 1024


class BenchmarkError(RuntimeError):
    """The run could not be completed; the message says why."""


class TreeRss:
    """RSS of a process and its children, polled in a thread from creation; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.root, self.peak, self.samples = psutil.Process(pid), 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def now(self) -> int:
        total = 0
        for process in [self.root, *self.root.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += process.memory_info().rss
        self.peak, self.samples = max(self.peak, total), self.samples + 1
        return total

    def _poll(self) -> None:
        with contextlib.suppress(psutil.NoSuchProcess):
            while not self._stop.wait(POLL_SECONDS):
                self.now()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def session_changes(catalog, index: int) -> list[tuple[str, str, str, str]]:
    """Session ``index``'s widget changes: (widget key, option label, URL parameter, its value)."""
    from explorer.tables.request import MEASURES, offered_periods
    from explorer.app.view_state import FILTER_PREFIX, default_view

    outcome = list(catalog.outcomes)[index % len(catalog.outcomes)]
    periods = offered_periods(catalog, outcome)
    later = list(periods)[1:]  # less the whole follow-up
    region = REGIONS[index % len(REGIONS)]
    label = {code: dimension.label for code, dimension in catalog.dimensions.items()}
    tour = BREAKDOWN_TOUR[index % 3:] + BREAKDOWN_TOUR[:index % 3]

    def measure(code):
        return ("explore_measure", MEASURES[code], "measure", code)

    def by1(code):
        return ("explore_by1", label[code], "by", code)

    changes = [] if outcome == default_view(catalog).outcome else [
        ("explore_outcome", catalog.outcomes[outcome].label, "outcome", outcome)]
    return changes + [
        measure("count"), measure("crude_rate"), by1("disability"), measure("asmr"),
        measure("rate_ratio"), *map(by1, tour), by1("deprivation_quintile"), measure("sii"),
        measure("crude_rate"),
        ("explore_by2", label["age_group"], "by", "deprivation_quintile,age_group"),
        ("explore_where_region", catalog.dimensions["region"].filter_choices()[region],
         f"{FILTER_PREFIX}region", region),
        *[("explore_period", periods[period], "period", f"{period[0]}-{period[1]}")
          for period in (later[index % len(later)], later[(index + 1) % len(later)])]]


# --- the pages, in a browser ------------------------------------------------------------------

async def settled(page, what: str) -> None:
    """Wait until Streamlit has finished the current run; fail on an exception or error box."""
    await page.wait_for_timeout(500)
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        box = page.locator(selector)
        if await box.count():
            raise BenchmarkError(f"{what} shows an error: {(await box.first.inner_text())[:500]}")


async def open_from_menu(page, name: str, ready: str) -> None:
    await page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]').filter(has_text=name).first.click()
    await page.wait_for_selector(ready, timeout=WAIT_MS)
    await settled(page, name)


async def visit_pages(page, url: str) -> None:
    """Home and Public summary as a visitor, sign in as an official, Data catalog, Explore."""
    await page.goto(url)
    await page.wait_for_selector('[data-testid="stApp"]', timeout=WAIT_MS)
    warning = '[data-testid="stAlertContentWarning"]'
    status = page.locator(f'[data-testid="stAlertContentSuccess"], {warning}')
    await status.first.wait_for(timeout=WAIT_MS)
    await settled(page, "Home")
    if "Database ready" not in await status.first.inner_text():
        raise BenchmarkError(f"Home says: {await status.first.inner_text()}")
    await open_from_menu(page, "Public summary", f".js-plotly-plot, {warning}")
    if await page.locator(warning).count():
        raise BenchmarkError("Public summary has no published file to show")
    await open_from_menu(page, "Sign in", "input[type=password]")
    await page.get_by_label("User name", exact=True).fill(USER)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_text("You are signed in as").wait_for(timeout=WAIT_MS)
    await settled(page, "Sign in")
    await open_from_menu(page, "Data catalog", "text=Dimensions")
    await open_from_menu(page, "Explore", ".js-plotly-plot")


async def choose(page, key: str, label: str, parameter: str, value: str) -> None:
    """Pick ``label`` in the selectbox with ``key``; wait until the page shows the new view."""
    box = page.locator(f'.st-key-{key}:not([data-stale="true"])')  # not a copy left from a rerun
    if not await box.is_visible():  # the filters sit in a collapsed expander
        await page.locator('[data-testid="stExpander"] summary').filter(
            has_text="Filter other groups").click()
        await box.wait_for(state="visible")
    field, option = box.get_by_role("combobox"), page.get_by_role("option", name=label, exact=True)
    for attempt in range(3):  # a list opened while the page still moves can close again
        await field.click()
        await field.fill(label)
        try:
            await option.click(timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            await page.keyboard.press("Escape")
    await page.wait_for_function(  # the page writes the view to the URL once it is built
        "([name, value]) => new URLSearchParams(location.search).get(name) === value",
        arg=[parameter, value], timeout=WAIT_MS)
    await settled(page, f"Explore after {key} = {label!r}")


async def browse(browser, url: str, index: int, changes: list, done: list[int]) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 2000})
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    step = "the pages"
    try:
        await visit_pages(page, url)
        for key, label, parameter, value in changes:
            step = f"{key} = {label!r}"
            await choose(page, key, label, parameter, value)
            done[index] += 1
    except Exception as error:
        shot = Path(tempfile.gettempdir()) / f"app_memory_session{index + 1}.png"
        with contextlib.suppress(Exception):  # the browser may already be closing
            await page.screenshot(path=str(shot), full_page=True)
        raise BenchmarkError(f"session {index + 1}, {step}: {error} (screenshot: {shot})") from None
    finally:
        await context.close()


async def browse_all(url: str, catalog, sessions: int, monitor: TreeRss) -> dict:
    done = [0] * sessions
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(browse(browser, url, i, session_changes(catalog, i), done)
                                   for i in range(sessions)))
            end = monitor.now()
        finally:
            await browser.close()
    await asyncio.sleep(3)
    return {"changes": sum(done), "end": end, "after_close": monitor.now()}


# --- the server and its data directory ---------------------------------------------------------

def run_cli(*arguments: str, stdin: str | None = None) -> None:
    result = subprocess.run([sys.executable, "-m", "explorer", *arguments], cwd=ROOT, text=True,
                            input=stdin, capture_output=True)
    if result.returncode:
        raise BenchmarkError(f"python -m explorer {arguments[0]} failed: {result.stderr.strip()}")


def prepare_data_dir(work: Path, database: Path) -> dict[str, str]:
    """The database symlinked in, its public views published, one official's account."""
    (work / f"{DATASET}.duckdb").symlink_to(database)
    published = work / "published" / f"{DATASET}.json"
    beside = database.parent / "published" / f"{DATASET}.json"
    if beside.is_file():  # publish again only when it is not current
        published.parent.mkdir()
        shutil.copyfile(beside, published)
    run_cli("publish", "--dataset", DATASET, "--database", str(database), "--out", str(published),
            "--if-absent")
    accounts = work / "accounts.json"
    run_cli("add-user", "--user", USER, "--role", "official", "--accounts", str(accounts),
            "--password-stdin", stdin=PASSWORD + "\n")
    return dict(os.environ, EXPLORER_DATA_DIR=str(work), EXPLORER_ACCOUNTS=str(accounts))


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:  # a free local port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise BenchmarkError(f"streamlit did not start; its log ends:\n{log.read_text()[-2000:]}")


def stop_server(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- measuring ----------------------------------------------------------------------------------

def library_baseline() -> int:
    """RSS in bytes of a bare Python that imports streamlit, duckdb, pandas and plotly."""
    code = ("import streamlit, duckdb, pandas, plotly\n"
            "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS')))")
    return int(subprocess.check_output([sys.executable, "-c", code], text=True)) * 1024


def database_facts(database: Path) -> dict:
    import duckdb

    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            persons = connection.execute("SELECT count(*) FROM persons").fetchone()[0]
    except duckdb.Error as error:
        raise BenchmarkError(f"cannot read persons from {database}: {error}") from None
    return {"persons": persons, "bytes": database.stat().st_size}


def note(text: str) -> None:
    print(f"app_memory: {text}", file=sys.stderr, flush=True)


def measure(database: Path, sessions: int) -> dict:
    from explorer.catalog import load_catalog

    catalog = load_catalog(DATASET)
    result = {"sessions": sessions, **database_facts(database), "baseline": library_baseline()}
    with tempfile.TemporaryDirectory(prefix="app_memory_") as directory:
        work = Path(directory)
        note("publishing the public views (skipped when a current file sits beside the database)")
        env = prepare_data_dir(work, database)
        started = time.perf_counter()
        process, url = start_server(env, work / "server.log")
        monitor = TreeRss(process.pid)
        try:
            wait_until_up(process, url, work / "server.log")
            time.sleep(1)
            result["startup"] = monitor.now()
            note(f"server up ({result['startup'] / MIB:,.0f} MiB); {sessions} sessions browsing")
            result.update(asyncio.run(browse_all(url, catalog, sessions, monitor)))
            result["wall"] = time.perf_counter() - started
        finally:
            monitor.stop()
            stop_server(process)
    result.update(peak=monitor.peak, samples=monitor.samples)
    return result


def render(r: dict, command: str) -> str:
    mib = {name: r[name] / MIB for name in ("startup", "peak", "end", "after_close", "baseline")}
    met = mib["peak"] < TARGET_MIB and r["sessions"] >= 5
    verdict = (f"**{'met' if met else 'NOT met'}**: peak {mib['peak']:,.0f} MiB with "
               f"{r['sessions']} sessions" + (" (fewer than 5)" if r["sessions"] < 5 else ""))
    size = r["bytes"] / MIB
    return "\n".join([
        SECTION, "",
        f"Run: `{command}` (`--no-write` to print only). The real server (`streamlit run app.py`) "
        f"on that database; {r['sessions']} Playwright contexts in one Debian chromium browse "
        "concurrently: Home, Public summary, sign in as an official, Data catalog, Explore, then "
        "one Explore widget change at a time (outcome, measure, breakdowns, a region filter, "
        "periods), each waited for until the rerun ends; sessions differ in outcome, breakdown "
        "order, region and periods, so every change is a cache miss. RSS of the server's process "
        f"tree (streamlit and children) polled every {POLL_SECONDS} s ({r['samples']:,} samples).",
        "",
        f"Database: {r['persons']:,} persons, file "
        + (f"{size / 1024:.1f} GiB. " if size >= 1024 else f"{size:.0f} MiB. ")
        + f"Machine: nproc {len(os.sched_getaffinity(0))}, RAM "
        f"{psutil.virtual_memory().total / 1024 ** 3:.1f} GiB, Linux {platform.release()}, "
        f"Python {platform.python_version()}, DuckDB {version('duckdb')}, "
        f"Streamlit {version('streamlit')}; measured {dt.date.today().isoformat()}.", "",
        "| moment | server RSS MiB |", "| --- | ---: |",
        f"| start-up (server answering; app.py not run yet, so its imports not loaded) "
        f"| {mib['startup']:,.0f} |",
        f"| peak while {r['sessions']} sessions browse | {mib['peak']:,.0f} |",
        f"| end (browsing done, sessions still open) | {mib['end']:,.0f} |",
        f"| after the browsers closed (3 s later) | {mib['after_close']:,.0f} |", "",
        f"Baseline, same run: a bare `python -c \"import streamlit, duckdb, pandas, plotly\"` "
        f"holds {mib['baseline']:,.0f} MiB (the libraries alone).", "",
        f"Completed: {r['sessions']} sessions, {PAGES_PER_SESSION} pages each and "
        f"{r['changes']} widget changes in all; wall time {r['wall']:.0f} s (server start to "
        "the end of browsing).", "",
        f"Target: peak under 4 GiB ({TARGET_MIB:,} MiB) with 5 sessions browsing: {verdict}.",
    ]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="census_mortality DuckDB file")
    parser.add_argument("--sessions", type=int, default=5, help="concurrent browser sessions")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    database = args.database.absolute()
    shown = os.path.relpath(database, ROOT) if database.is_relative_to(ROOT) else database
    command = (f".venv/bin/python benchmarks/app_memory.py --database {shown}"
               + (f" --sessions {args.sessions}" if args.sessions != 5 else ""))
    try:
        if not database.is_file():
            raise BenchmarkError(f"no database file at {database}")
        if not Path(CHROMIUM).exists():
            raise BenchmarkError(f"{CHROMIUM} is missing: apt-get install -y chromium")
        text = render(measure(database, args.sessions), command)
    except BenchmarkError as error:
        sys.exit(f"app_memory: FAILED: {error}")
    if not args.no_write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
