"""Writing one benchmark's section of docs/benchmarks.md, keeping the other sections."""

from __future__ import annotations

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
