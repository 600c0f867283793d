"""Shared by the benchmarks: writing one section of docs/benchmarks.md (keeping the others) and
timing a function by its median."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(section: str, text: str, doc: Path = DOC) -> None:
    """Replace the section headed ``section`` (or append it) with ``text``."""
    doc.parent.mkdir(parents=True, exist_ok=True)
    existing = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    start = existing.find(section)
    if start < 0:
        updated = existing.rstrip("\n") + "\n\n" + text
    else:
        following = existing.find("\n## ", start + len(section))
        tail = existing[following + 1:] if following >= 0 else ""
        updated = existing[:start] + text + ("\n" + tail if tail else "")
    doc.write_text(updated, encoding="utf-8")


def median_seconds(function, runs: int) -> float:
    """Median wall time of ``runs`` calls of ``function`` after one warm-up call."""
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
