"""Benchmark: the Explore page's responsiveness before and after a change, in the same run.

Checks out ``--before`` (a commit) into a temporary git worktree and runs
benchmarks/explore_responsiveness.py from it and from this checkout, alternately (before, after,
before, after), on the same database file, with ``--no-write``; reads the cold and warm medians
and maxima each run prints, and writes the section "## Explore responsiveness before and after
<label>" of docs/benchmarks.md. The change is no slower when the after/before ratio of the cold
median is at most 1.05 (run-to-run noise on this machine is a few per cent).

    .venv/bin/python benchmarks/responsiveness_before_after.py --before REV --label "issue 13" [--database PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark_doc import write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"Cold: median (\d+) ms, max (\d+) ms\. Warm: median (\d+) ms, max (\d+) ms")
TOLERANCE = 1.05


def run(checkout: Path, database: Path) -> dict[str, int]:
    result = subprocess.run([sys.executable, str(checkout / "benchmarks" / "explore_responsiveness.py"),
                             "--database", str(database), "--no-write"],
                            cwd=checkout, capture_output=True, text=True, timeout=1800)
    match = SUMMARY.search(result.stdout)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"benchmark failed in {checkout}: {result.stderr[-2000:]}")
    return dict(zip(("cold_median", "cold_max", "warm_median", "warm_max"), map(int, match.groups())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit before the change")
    parser.add_argument("--label", required=True, help="what the change is, for the section title")
    parser.add_argument("--database", type=Path, default=ROOT / "data" / "census_mortality.duckdb")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    worktree = Path(tempfile.mkdtemp(prefix="before_")) / "checkout"
    subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.before], cwd=ROOT,
                   check=True, capture_output=True)
    try:
        runs = {"before": [], "after": []}
        for _ in range(2):
            runs["before"].append(run(worktree, args.database.resolve()))
            runs["after"].append(run(ROOT, args.database.resolve()))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT,
                       capture_output=True)
    median = {side: {key: statistics.median(r[key] for r in results) for key in results[0]}
              for side, results in runs.items()}
    ratio = median["after"]["cold_median"] / median["before"]["cold_median"]
    verdict = ("met: no slower" if ratio <= TOLERANCE
               else f"NOT met: {ratio:.2f}x the cold median before")
    lines = [f"## Explore responsiveness before and after {args.label}", "",
             f"`python benchmarks/responsiveness_before_after.py --before {args.before} --label "
             f"\"{args.label}\"`: benchmarks/explore_responsiveness.py run from the commit before "
             f"({args.before}) and from this checkout, alternately, twice each, on {args.database.name} "
             f"(medians of the two runs; ms over the 15 widget changes); measured {dt.date.today()}.",
             "", "| | cold median | cold max | warm median | warm max |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for side in ("before", "after"):
        m = median[side]
        lines.append(f"| {side} | {m['cold_median']:.0f} | {m['cold_max']:.0f} | "
                     f"{m['warm_median']:.0f} | {m['warm_max']:.0f} |")
    lines += ["", f"After / before, cold median: {ratio:.2f} (target at most {TOLERANCE}): **{verdict}**."]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        write_section(f"## Explore responsiveness before and after {args.label}", text)


if __name__ == "__main__":
    main()
