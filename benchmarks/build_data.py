"""Benchmark: building the synthetic census_mortality database at several sizes.

Each size is built in a child process (``python -m explorer build-data ...``, or a direct call of
explorer.synth.build_dataset when the CLI's catalog module is not available yet); wall time and
peak RSS of the child process tree (psutil polling every 0.2 s) are measured. A baseline is
measured in the same run: DuckDB ``CREATE TABLE AS SELECT`` of N rows from ``range``, with the
same peak-RSS measurement, so ratios are meaningful across machines. The results replace the
section "## Building the synthetic database" of docs/benchmarks.md.

    .venv/bin/python benchmarks/build_data.py [--sizes 1000000 10000000] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import psutil

from benchmark_doc import write_section  # benchmarks/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Building the synthetic database"
SEED = 2011

DIRECT_BUILD = ("import sys; from pathlib import Path; from explorer.synth import build_dataset; "
                "print(build_dataset('census_mortality', persons=int(sys.argv[1]), seed=int(sys.argv[2]), "
                "out=Path(sys.argv[3])).summary())")
BASELINE = ("import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
            "c.execute('CREATE TABLE t AS SELECT range AS id, (range % 256)::UTINYINT AS k FROM range($n)', "
            "{'n': int(sys.argv[2])}); c.close()")


def run_measured(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; return (wall seconds, peak RSS MiB of its process tree, stdout)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed: {stderr.strip()}")
    return seconds, peak / 2**20, stdout.strip()


def build_command(persons: int, out: Path, direct: bool) -> list[str]:
    if not direct and (ROOT / "explorer" / "catalog" / "__init__.py").exists():
        return [sys.executable, "-m", "explorer", "build-data", "--dataset", "census_mortality",
                "--persons", str(persons), "--seed", str(SEED), "--out", str(out)]
    return [sys.executable, "-c", DIRECT_BUILD, str(persons), str(SEED), str(out)]


def measure(persons: int, workdir: Path, keep: bool, direct: bool) -> dict:
    out = workdir / f"census_mortality_{persons}.duckdb"
    seconds, peak, summary = run_measured(build_command(persons, out, direct))
    with duckdb.connect(str(out), read_only=True) as connection:
        person_time_rows, deaths = connection.execute(
            "SELECT (SELECT count(*) FROM person_time), (SELECT count(*) FROM deaths)").fetchall()[0]
    file_mib = out.stat().st_size / 2**20
    baseline_db = workdir / f"baseline_{persons}.duckdb"
    base_seconds, base_peak, _ = run_measured([sys.executable, "-c", BASELINE, str(baseline_db), str(persons)])
    baseline_db.unlink()
    if not keep:
        out.unlink()
    return {"persons": persons, "seconds": seconds, "peak_mib": peak, "file_mib": file_mib,
            "person_time_rows": person_time_rows, "deaths": deaths, "baseline_seconds": base_seconds,
            "baseline_peak_mib": base_peak, "summary": summary}


def render(results: list[dict], command: str) -> str:
    machine = (f"{os.cpu_count()} CPUs (nproc), {psutil.virtual_memory().total / 2**30:.1f} GiB RAM, "
               f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
               f"DuckDB {duckdb.__version__}; measured {dt.date.today().isoformat()}")
    lines = [
        SECTION, "",
        f"`{command}` builds each size in a child process (seed {SEED}) and records wall time and",
        "peak RSS of the child process tree (psutil, polled every 0.2 s). Baseline in the same run:",
        "a child process that runs DuckDB `CREATE TABLE t AS SELECT range, range % 256 FROM range(N)`",
        "into a file (the cheapest possible N-row table).",
        "The build writes four tables, about 11.8 person_time rows per person (a Lexis split by year",
        "and 5-year age group, generated in SQL), so the ratio to the one-table baseline is large;",
        "memory grows with the file because DuckDB caches written blocks (default memory limit).", "",
        f"Machine: {machine}.", "",
        "| persons | build s | peak RSS MiB | file MiB | deaths | person_time rows | baseline s | baseline MiB | build / baseline |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(f"| {r['persons']:,} | {r['seconds']:.1f} | {r['peak_mib']:,.0f} | {r['file_mib']:,.0f} | "
                     f"{r['deaths']:,} | {r['person_time_rows']:,} | {r['baseline_seconds']:.2f} | "
                     f"{r['baseline_peak_mib']:,.0f} | {r['seconds'] / r['baseline_seconds']:.0f}x |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the built databases")
    parser.add_argument("--direct", action="store_true",
                        help="call explorer.synth.build_dataset in the child instead of the CLI")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="build_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for persons in args.sizes:
        result = measure(persons, workdir, args.keep, args.direct)
        print(f"{persons:,}: {result['seconds']:.1f} s, peak {result['peak_mib']:.0f} MiB, "
              f"file {result['file_mib']:.0f} MiB ({result['summary']})", flush=True)
        results.append(result)
    command = ("python benchmarks/build_data.py --sizes " + " ".join(str(s) for s in args.sizes)
               + (" --direct" if args.direct else ""))
    write_section(SECTION, render(results, command))


if __name__ == "__main__":
    main()
