"""Writing a database file atomically: into a temporary file beside the target, renamed over it
only when complete, so readers never see a half-written database and a failure leaves none.

A build that is killed (SIGKILL, power loss) cannot remove its temporary file; the next build,
ingest or publish of the same target removes every temporary whose process is no longer running
(:func:`remove_stale_temporaries`), and never one of a live process."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path


def temporary_beside(out: Path, activity: str) -> Path:
    """``.<name>.<activity>-<pid>`` next to ``out`` (its folder created), removed if left over,
    as are the temporaries of ``out`` left by processes that are no longer running."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    temporary = out.with_name(f".{out.name}.{activity}-{os.getpid()}")
    remove_database(temporary)
    return temporary


def _running(pid: int) -> bool:
    """Whether a process with this id exists (one of another user's counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(out: Path) -> list[Path]:
    """Delete ``.<name>.<activity>-<pid>`` files (and their WALs) beside ``out`` whose process
    is no longer running; returns what was removed. A live process's file is kept."""
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.[a-z]+-(\d+)(\.wal)?$")
    removed = []
    with contextlib.suppress(FileNotFoundError):
        for candidate in sorted(out.parent.iterdir()):
            match = pattern.match(candidate.name)
            if match and not _running(int(match.group(1))):
                with contextlib.suppress(FileNotFoundError):
                    candidate.unlink()
                    removed.append(candidate)
    return removed


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
