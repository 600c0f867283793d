"""Benchmark: building the justice_education database, with its Splink linkage, on this machine.
For each size (default the published cohort, 3,165,037 pupils) a child process runs the real
build (explorer.data.build_dataset, seed 2022) with each step timed (generating pupils, justice
records and identifiers; training the Splink model; scoring the blocked pairs; one-to-one
resolution; writing the published tables), its wall time and the peak RSS of the process tree
polled every 0.2 s (psutil). Baseline in the same run: the same build in another child process
with the linkage replaced by an exact join on the true ids (no training, no scoring; one-to-one
and writing unchanged), so the ratio is the cost of linking probabilistically. Target (issue 15):
the build at the published size under 5 minutes on this 2-core machine. The results replace the
section "## Justice-education build with Splink linkage" of docs/benchmarks.md.

    .venv/bin/python benchmarks/justice_build.py [--sizes 3165037 500000 20000] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmark_doc import write_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from scale import run_measured  # noqa: E402

SECTION = "## Justice-education build with Splink linkage"
SEED = 2022
PUBLISHED_COHORT = 3_165_037
TARGET_SECONDS = 300
STEPS = ("generate", "train", "predict", "one_to_one")


def child_build(persons: int, out: Path, exact: bool) -> dict:
    """The build in this process, each step timed; ``exact`` replaces the linkage by an exact
    join on the true ids."""
    import duckdb

    from explorer.data import build_dataset
    from explorer.data.justice import build as justice_build
    from explorer.data.justice import linkage

    times: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            result = function(*args, **kwargs)
            times[name] = times.get(name, 0.0) + time.perf_counter() - started
            return result
        return wrapper

    if exact:
        def exact_pairs(connection, model):
            connection.execute(
                "CREATE TABLE candidate_pairs AS SELECT n.justice_id, j.true_person_id AS person_id, "
                "99.0 AS match_weight, 1.0 AS match_probability, 0 AS match_key "
                "FROM justice_rows AS j JOIN justice_numbers AS n USING (record_order) "
                "WHERE j.true_person_id IS NOT NULL")

        linkage.train = lambda connection, seed: {"probability_two_random_records_match": 1e-6,
                                                  "comparisons": []}
        linkage.predict = exact_pairs
    justice_build._generate = timed("generate", justice_build._generate)
    for step in STEPS[1:]:
        name = {"one_to_one": "resolve_one_to_one"}.get(step, step)
        setattr(linkage, name, timed(step, getattr(linkage, name)))
    started = time.perf_counter()
    report = build_dataset("justice_education", persons=persons, seed=SEED, out=out)
    total = time.perf_counter() - started
    times["write"] = total - sum(times.values())
    with duckdb.connect(str(out), read_only=True) as connection:
        settings = dict(connection.execute("SELECT setting, value FROM linkage_settings").fetchall())
    return {"persons": report.persons, "justice_records": report.justice_records,
            "links": report.links, "precision": report.precision, "recall": report.recall,
            "pairs": int(settings.get("pairs_compared", 0)),
            "pairs_by_rule": [int(settings.get(f"blocking_rule_{n}_pairs", 0))
                              for n in range(1, len(linkage.BLOCKING_RULES) + 1)],
            "steps": times, "in_process": total}


def measure(persons: int, workdir: Path, exact: bool) -> dict:
    out = workdir / f"justice_{persons}_{'exact' if exact else 'splink'}.duckdb"
    command = [sys.executable, str(Path(__file__)), "--child", str(persons), str(out)]
    seconds, peak, stdout = run_measured(command + (["--exact"] if exact else []))
    result = json.loads(stdout.splitlines()[-1])
    result.update(seconds=seconds, peak_mib=peak, file_mib=out.stat().st_size / 2**20)
    out.unlink()
    return result


def render(rows: list[tuple[dict, dict]], command: str) -> str:
    published = next((r for r, _ in rows if r["persons"] == PUBLISHED_COHORT), None)
    verdict = ("not measured in this run" if published is None else
               f"{'met' if published['seconds'] < TARGET_SECONDS else 'NOT met'} "
               f"({published['seconds']:.0f} s)")
    lines = [
        SECTION, "",
        f"Measured {dt.date.today().isoformat()} on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}) with `{command}` "
        f"(seed {SEED}; the command line's own time, interpreter start included). Baseline: the "
        "same build in the same run with the Splink linkage replaced by an exact join on the true "
        "ids (no training, no scoring). Target: the published cohort "
        f"({PUBLISHED_COHORT:,} pupils) under {TARGET_SECONDS} s: {verdict}.", "",
        "| pupils | build (s) | exact-join baseline (s) | ratio | peak (MiB) | file (MiB) | justice records "
        "| pairs scored (by blocking rule) | links | precision | recall |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for real, base in rows:
        lines.append(
            f"| {real['persons']:,} | {real['seconds']:.1f} | {base['seconds']:.1f} | "
            f"{real['seconds'] / base['seconds']:.1f}x | {real['peak_mib']:,.0f} | {real['file_mib']:.1f} | "
            f"{real['justice_records']:,} | {real['pairs']:,} "
            f"({' + '.join(f'{n:,}' for n in real['pairs_by_rule'])}) | {real['links']:,} | "
            f"{real['precision']:.2%} | {real['recall']:.2%} |")
    lines += ["", "Where the time goes (s, in the build process):", "",
              "| pupils | generate | train (prior, u, EM) | score pairs | one to one | write |",
              "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for real, _ in rows:
        steps = real["steps"]
        lines.append(f"| {real['persons']:,} | " + " | ".join(
            f"{steps.get(step, 0.0):.1f}" for step in (*STEPS, "write")) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[PUBLISHED_COHORT])
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)   # the child's job
    parser.add_argument("--exact", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_build(int(args.child[0]), Path(args.child[1]), args.exact)))
        return
    workdir = Path(tempfile.mkdtemp(prefix="justice_bench_"))
    rows = []
    for persons in args.sizes:
        real = measure(persons, workdir, exact=False)
        base = measure(persons, workdir, exact=True)
        print(f"{persons:,}: build {real['seconds']:.1f} s (baseline {base['seconds']:.1f} s), "
              f"peak {real['peak_mib']:.0f} MiB, precision {real['precision']:.2%}, "
              f"recall {real['recall']:.2%}, steps {json.dumps(real['steps'])}", flush=True)
        rows.append((real, base))
    workdir.rmdir()
    command = "python benchmarks/justice_build.py --sizes " + " ".join(str(s) for s in args.sizes)
    text = render(rows, command)
    if not args.no_write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
