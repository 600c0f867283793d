"""Writing a database file atomically: into a temporary file beside the target, renamed over it
only when complete, so readers never see a half-written database and a failure leaves none."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def temporary_beside(out: Path, activity: str) -> Path:
    """``.<name>.<activity>-<pid>`` next to ``out`` (its folder created), removed if left over."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{activity}-{os.getpid()}")
    remove_database(temporary)
    return temporary


def replace_database(temporary: Path, out: Path) -> None:
    """Rename the finished ``temporary`` over ``out`` (dropping a stale WAL of ``out`` first, which
    must not be replayed on the new file)."""
    with contextlib.suppress(FileNotFoundError):
        out.with_name(out.name + ".wal").unlink()
    os.replace(temporary, out)


def remove_database(path: Path) -> None:
    """Delete a database file and its WAL, if present."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
