"""Load test of the Explore page (issue 16): concurrent signed-in browser sessions (Playwright,
Debian chromium: one browser, one context per session), officials and statisticians mixed,
each switching the Measure and "Break down by" widgets for a while. Per change it records the
latency from the click until the page shows the new view's table (its title, with the run
finished), counts errors (exceptions, error elements, tracebacks, timeouts) and compares the
table shown with the table the session's role gets from the library for the same view (and
checks it is not the other role's table). A baseline, the same changes by ONE session alone,
is measured in the same run. Writes a section of docs/benchmarks.md.

    EXPLORER_DATA_DIR=/tmp/load .venv/bin/python -m explorer build-data --dataset census_mortality \\
        --persons 1000000 --out /tmp/load/census_mortality.duckdb
    .venv/bin/python benchmarks/load_explore.py --data-dir /tmp/load [--sessions 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer.app.view_state import default_view  # noqa: E402
from explorer.auth.accounts import add_user  # noqa: E402
from explorer.catalog import load_catalog  # noqa: E402
from explorer.db.connection import open_database  # noqa: E402
from explorer.tables import build_table, measures_for  # noqa: E402

DATASET = "census_mortality"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MENU_LINK = '[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]'
MEASURES = ["asmr", "count", "crude_rate"]  # the default view is asmr by sex
BREAKDOWNS = ["sex", "region", "religion"]
WAIT_MS = 120_000
USERS = {"official": ("load_official", "official's long load-test password"),
         "statistician": ("load_statistician", "statistician's long load-test password")}
SECTION = "## Explore under load: concurrent signed-in browser sessions"

# The page has finished showing the view titled `title` broken down by `by`: its subheader,
# its table (first column `by`), no run going and nothing left over from the previous view.
SHOWN = """([title, by]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const titled = [...main.querySelectorAll('h3')].some(h => h.innerText.trim() === title);
  const grid = main.querySelector('[data-testid="stDataFrame"]');
  const header = grid && grid.querySelector('[role="columnheader"]');
  return titled && !document.querySelector('[data-testid="stStatusWidget"]')
      && !main.querySelector('[data-stale="true"]') && !!header && header.innerText.trim() === by
      && !!grid.querySelector('[role="gridcell"]');
}"""
GRID = """() => {
  const grid = document.querySelector('[data-testid="stMain"] [data-testid="stDataFrame"]');
  const headers = [...grid.querySelectorAll('[role="columnheader"]')].map(c => c.innerText.trim());
  const rows = [...grid.querySelectorAll('[role="row"]')]
    .map(r => [...r.querySelectorAll('[role="gridcell"]')].map(c => c.innerText.trim()))
    .filter(cells => cells.length);
  return {headers, rows};
}"""
ERRORS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const n = document.querySelectorAll('[data-testid="stException"]').length
          + document.querySelectorAll('[data-testid="stAlertContentError"]').length;
  return n + (main && /Traceback|File ".*", line/.test(main.innerText) ? 1 : 0);
}"""


@dataclass
class SessionResult:
    role: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    mismatches: int = 0      # a table other than the role's own for the view
    other_roles: int = 0     # ... and equal to the other role's table
    compared: int = 0
    distinguishable: int = 0  # changes whose two roles' tables differ
    examples: list[str] = field(default_factory=list)  # the first tables that did not match


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _server(env: dict[str, str]):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start") from None
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _expected_tables(data_dir: Path) -> dict[tuple[str, str, str], tuple[str, list[tuple]]]:
    """(role, measure, breakdown) -> (the table's title, its rows as (label, value) in order),
    from the library, for every view the sessions visit."""
    catalog = load_catalog(DATASET)
    base = default_view(catalog)
    expected = {}
    with open_database(data_dir / f"{DATASET}.duckdb") as database:
        for measure in MEASURES:
            for by in BREAKDOWNS:
                view = dataclasses.replace(base, measure=measure, by=(by,))
                for role in USERS:
                    table = build_table(view.request(catalog, role), catalog, database)
                    frame = table.frame
                    expected[(role, measure, by)] = (
                        table.title, [(str(label), value) for label, value
                                      in zip(frame[by], frame["value"])])
    return expected


def _same_value(text: str, value) -> bool:
    if value is None or value != value:  # None or NaN: an empty cell
        return text in ("", "None", "nan", "NaN")
    try:
        shown = float(text.replace(",", ""))
    except ValueError:
        return False
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(round(float(value), decimals) - shown) <= 10 ** -decimals / 2 + 1e-9


def _shown_rows(grid: dict, by: str) -> list[tuple[str, str]]:
    """The grid's rows as (label, value text). The grid draws only the rows in view, so for a
    long table this is its first rows."""
    headers = grid["headers"]
    if by not in headers or "value" not in headers or not grid["rows"]:
        return []
    offset = len(grid["rows"][0]) - len(headers)  # a row-number column, if any
    label_at, value_at = headers.index(by) + offset, headers.index("value") + offset
    return [(row[label_at], row[value_at]) for row in grid["rows"]
            if len(row) > max(label_at, value_at)]


def _matches(grid: dict, by: str, rows: list[tuple]) -> bool:
    """The grid shows ``rows`` (all of them, or at least the first ten, in order)."""
    shown = _shown_rows(grid, by)
    if len(shown) < min(len(rows), 10) or len(shown) > len(rows):
        return False
    return all(label == str(expected_label) and _same_value(text, value)
               for (label, text), (expected_label, value) in zip(shown, rows))


def _differ(rows: list[tuple], others: list[tuple]) -> bool:
    def same(a, b) -> bool:
        return (a != a and b != b) or a == b  # NaN == NaN here
    return len(rows) != len(others) or not all(
        label == other_label and same(value, other_value)
        for (label, value), (other_label, other_value) in zip(rows, others))


async def _choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    await box.get_by_role("button", name="Open").click()
    await page.get_by_role("option", name=option, exact=True).click()


async def _session(index: int, role: str, browser, url: str, seconds: float, expected,
                   labels, ready: list[int], start_gate: asyncio.Event) -> SessionResult:
    result = SessionResult(role)
    other = next(r for r in USERS if r != role)
    context = await browser.new_context(viewport={"width": 1400, "height": 1800})
    page = await context.new_page()
    user, password = USERS[role]
    try:
        await page.goto(f"{url}/sign_in")
        await page.get_by_label("User name", exact=True).fill(user, timeout=WAIT_MS)
        await page.get_by_label("Password", exact=True).fill(password)
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_text(f"You are signed in as {user}").first.wait_for(timeout=WAIT_MS)
        await page.locator(MENU_LINK).filter(has_text="Explore").click()
        measure, by = MEASURES[0], BREAKDOWNS[0]
        await page.wait_for_function(SHOWN, arg=[expected[(role, measure, by)][0], by],
                                     timeout=WAIT_MS)
    except Exception as error:  # noqa: BLE001 - a session that cannot start is an error
        result.errors.append(f"start: {type(error).__name__}: {str(error)[:200]}")
        ready[0] += 1
        await context.close()
        return result
    ready[0] += 1
    await start_gate.wait()
    step = index
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if step % 2 == 0:
            measure = MEASURES[(MEASURES.index(measure) + 1) % len(MEASURES)]
            widget, option = "Measure", labels["measures"][measure]
        else:
            by = BREAKDOWNS[(BREAKDOWNS.index(by) + 1) % len(BREAKDOWNS)]
            widget, option = "Break down by", labels["dimensions"][by]
        step += 1
        title, values = expected[(role, measure, by)]
        started = time.perf_counter()
        try:
            await _choose(page, widget, option)
            await page.wait_for_function(SHOWN, arg=[title, by], timeout=WAIT_MS)
            result.latencies.append(time.perf_counter() - started)
            errors = await page.evaluate(ERRORS)
            if errors:
                result.errors.append(f"{errors} error element(s) after {widget} = {option}")
            grid = await page.evaluate(GRID)
            for _ in range(5):  # the grid's accessible rows may trail its drawing: look again
                if _matches(grid, by, values):
                    break
                await page.wait_for_timeout(1000)
                grid = await page.evaluate(GRID)
            result.compared += 1
            other_values = expected[(other, measure, by)][1]
            shown = len(_shown_rows(grid, by))
            result.distinguishable += _differ(values[:shown], other_values[:shown])
            if not _matches(grid, by, values):
                result.mismatches += 1
                if len(result.examples) < 2:
                    result.examples.append(f"{role} {measure} by {by}: shown {grid}, "
                                           f"expected {values}")
                result.other_roles += other_values != values and _matches(grid, by, other_values)
        except Exception as error:  # noqa: BLE001 - counted, then the session goes on
            result.errors.append(f"{widget} = {option}: {type(error).__name__}: "
                                 f"{str(error).splitlines()[0][:200]}")
            await page.goto(f"{url}/explore")  # start over, as a user would by reloading
            break
    await context.close()
    return result


async def _run(url: str, sessions: int, seconds: float, expected, labels) -> list[SessionResult]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        gate, ready = asyncio.Event(), [0]
        roles = ["official" if i % 2 == 0 else "statistician" for i in range(sessions)]
        tasks = [asyncio.create_task(_session(i, role, browser, url, seconds, expected, labels,
                                              ready, gate)) for i, role in enumerate(roles)]
        # every session signs in and opens Explore first, then the clock starts for all at once
        while ready[0] < sessions:
            await asyncio.sleep(0.5)
        gate.set()
        results = await asyncio.gather(*tasks)
        await browser.close()
        return results


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _summary(results: list[SessionResult]) -> dict[str, object]:
    latencies = [x for r in results for x in r.latencies]
    return {
        "sessions": len(results), "changes": len(latencies),
        "errors": sum(len(r.errors) for r in results),
        "mismatches": sum(r.mismatches for r in results),
        "other_roles": sum(r.other_roles for r in results),
        "compared": sum(r.compared for r in results),
        "distinguishable": sum(r.distinguishable for r in results),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": _percentile(latencies, 0.95) if latencies else float("nan"),
        "max": max(latencies) if latencies else float("nan"),
        "messages": [m for r in results for m in r.errors][:10],
        "examples": [m for r in results for m in r.examples][:4],
    }


def _write(out: Path, text: str) -> None:
    current = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    start = current.find(SECTION)
    if start >= 0:
        following = current.find("\n## ", start + len(SECTION))
        current = current[:start].rstrip("\n") + ("\n" + current[following:] if following >= 0 else "")
    out.write_text(current.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True,
                        help=f"folder holding {DATASET}.duckdb (EXPLORER_DATA_DIR)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--note", default="", help="a sentence added to the section")
    args = parser.parse_args(argv)

    catalog = load_catalog(DATASET)
    labels = {"measures": measures_for(catalog),
              "dimensions": {code: d.label for code, d in catalog.dimensions.items()}}
    expected = _expected_tables(args.data_dir)
    import duckdb

    with duckdb.connect(str(args.data_dir / f"{DATASET}.duckdb"), read_only=True) as connection:
        persons = connection.execute("SELECT count(*) FROM persons").fetchone()[0]
    with tempfile.TemporaryDirectory() as scratch:
        accounts = Path(scratch) / "accounts.json"
        for role, (user, password) in USERS.items():
            add_user(accounts, user, password, role)
        env = dict(os.environ, EXPLORER_DATA_DIR=str(args.data_dir),
                   EXPLORER_ACCOUNTS=str(accounts))
        with _server(env) as url:
            baseline = _summary(asyncio.run(_run(url, 1, args.seconds, expected, labels)))
            print("baseline", baseline, flush=True)
            loaded = _summary(asyncio.run(_run(url, args.sessions, args.seconds, expected,
                                               labels)))
            print("load", loaded, flush=True)

    def row(name: str, s: dict) -> str:
        return (f"| {name} | {s['sessions']} | {s['changes']} | {s['errors']} | "
                f"{s['mismatches']} of {s['compared']} ({s['other_roles']} another role's) | "
                f"{s['p50']:.2f} | {s['p95']:.2f} | {s['max']:.2f} |")

    text = "\n".join([
        SECTION, "",
        f"`benchmarks/load_explore.py` ({time.strftime('%Y-%m-%d')}; {platform.machine()}, "
        f"{os.cpu_count()} cores; the server, chromium and the driver share the machine). "
        f"Database: {DATASET}, {persons:,} persons. One `streamlit run` server, one Debian "
        f"chromium with a context per session; sessions alternate official and statistician, "
        f"each signs in, opens Explore and for {args.seconds:.0f} s switches Measure "
        f"({', '.join(MEASURES)}) and Break down by ({', '.join(BREAKDOWNS)}) in turn. Latency: "
        "from the option's click until the page shows the new view's table with the run "
        "finished. Each table shown is compared, row label by row label, with the table the "
        "session's role gets from the library for the same view (officials' counts are "
        f"perturbed, statisticians' are not: {loaded['distinguishable']} of "
        f"{loaded['compared']} changes under load showed a view whose two roles' tables "
        "differ). Errors: exceptions, error elements, tracebacks, timeouts.",
        *(["", args.note] if args.note else []),
        "",
        "| run | sessions | changes | errors | tables not the role's own | p50 s | p95 s | max s |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
        row("baseline: one session alone", baseline),
        row(f"{args.sessions} concurrent sessions", loaded),
        "",
        *([f"Errors: {'; '.join(loaded['messages'] + baseline['messages'])}", ""]
          if loaded["messages"] or baseline["messages"] else []),
    ])
    _write(args.out, text + "\n")
    print(text)
    return 0 if loaded["errors"] == 0 and loaded["mismatches"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
