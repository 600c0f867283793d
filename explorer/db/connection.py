"""Read-only DuckDB access shared safely between threads (Streamlit sessions).

A ``duckdb.DuckDBPyConnection`` must not be used from two threads at once; DuckDB's
documented pattern is one ``connection.cursor()`` per thread, each a child connection to
the same database instance. :class:`Database` keeps one read-only parent connection and
hands every thread its own cursor (``threading.local``), so one ``Database`` can be cached
with ``st.cache_resource`` and used by every session.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import duckdb

from explorer.errors import (DatabaseMissingError, DatabaseUnreadableError, ExplorerError,
                             QueryError)



READ_SETTINGS = "SET perfect_ht_threshold = 18"
"""DuckDB session setting of every read cursor. A breakdown groups persons by up to three small
dimensions and an exposure class (docs/data-model.md); up to 2^18 such groups DuckDB aggregates
in a perfect hash table (direct addressing) instead of a hash table. At 56M persons that took the
survivors' GROUP BY by sex and ethnic group from 193 to 127 ms (DuckDB's default allows only
2^12 groups). Whole views: docs/benchmarks.md, "Scale"."""


class Database:
    """One read-only DuckDB database file; :meth:`cursor` is safe to call from any thread."""

    def __init__(self, path: Path, connection: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self._connection = connection
        self._cursor_lock = threading.Lock()
        self._per_thread = threading.local()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """The calling thread's own cursor (created on first use in that thread)."""
        cursor = getattr(self._per_thread, "cursor", None)
        if cursor is None:
            with self._cursor_lock:  # creating a child cursor touches the shared parent
                cursor = self._connection.cursor()
            cursor.execute(READ_SETTINGS)
            self._per_thread.cursor = cursor
        return cursor

    def close(self) -> None:
        """Close the parent connection (and with it every thread's cursor)."""
        with self._cursor_lock:
            self._connection.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r}, read_only=True)"


class DatabaseFile(NamedTuple):
    """A database file's identity: its path and what ``os.stat`` says of the file there now.
    A rebuilt or replaced file (``os.replace`` of a new build) has another identity, so caches
    keyed by it open the new file."""

    path: str
    device: int
    inode: int
    modified_ns: int
    size: int

    @classmethod
    def at(cls, path: str | Path) -> DatabaseFile | None:
        """The identity of the file at ``path``; None when there is no such file."""
        try:
            stat = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return cls(str(path), stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)

    @property
    def fingerprint(self) -> str:
        """Size and modification time: what a published file records of its database."""
        return f"{self.size}:{self.modified_ns}"


_LOCK_HOLDER = re.compile(r"\s*Conflicting lock is held in .*?(\(PID \d+\)|$)\.?")


def database_problem(error: duckdb.Error) -> tuple[str, bool]:
    """(cause, locked): the first line of a DuckDB error, without the process holding a lock
    (its program and PID are never shown), and whether the file is locked by another process."""
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    locked = "Could not set lock" in text or "Conflicting lock" in text
    text = re.sub(r"PID \d+", "PID hidden", _LOCK_HOLDER.sub(" (held by another process).", text))
    if "storage version" in str(error):
        text += " (written by another DuckDB version)"
    return f"{type(error).__name__}: {text}", locked


def unreadable(path: str | Path, error: duckdb.Error) -> DatabaseUnreadableError:
    """The plain error for a database file DuckDB cannot open or read (the original is its
    ``__context__``, for a server log)."""
    cause, locked = database_problem(error)
    return DatabaseUnreadableError.for_dataset(Path(path), cause, locked=locked)


_FILE_ERRORS = (duckdb.IOException, duckdb.FatalException, duckdb.InternalException,
                duckdb.SerializationException)


def query_failure(path: str | Path, query: str, error: duckdb.Error) -> ExplorerError:
    """What a failed query raises: DatabaseUnreadableError when the file itself is at fault
    (damaged or truncated, found half-way through a query), else a QueryError naming the
    query."""
    if isinstance(error, _FILE_ERRORS) or type(error) is duckdb.Error or "Corrupt" in str(error):
        return unreadable(path, error)
    first_line = (str(error).splitlines() or [type(error).__name__])[0]
    return QueryError(f"query {query!r} failed: {first_line}")


@contextlib.contextmanager
def reading(path: str | Path) -> Iterator[None]:
    """Turn any DuckDB error raised inside into DatabaseUnreadableError for ``path``."""
    try:
        yield
    except duckdb.Error as error:
        raise unreadable(path, error) from None  # DuckDB's error stays its __context__


def open_database(path: str | Path, dataset: str | None = None) -> Database:
    """Open the DuckDB file at ``path`` read-only.

    Raises DatabaseMissingError, naming the command that builds it, when the file does not
    exist (``dataset``, default the file name without ``.duckdb``, is used only in that
    message), and DatabaseUnreadableError when DuckDB cannot open it (damaged, truncated,
    locked by another process, another DuckDB version, not a database).
    """
    path = Path(path)
    if not path.is_file():
        raise DatabaseMissingError.for_dataset(dataset or path.stem, path)
    with reading(path):
        connection = duckdb.connect(str(path), read_only=True)
        try:
            _check_length(path, connection)
        except BaseException:
            connection.close()
            raise
    return Database(path, connection)


_FILE_HEADERS = 3 * 4096
"""DuckDB's file starts with its main header and two database headers, 4 KiB each."""


def _check_length(path: Path, connection: duckdb.DuckDBPyConnection) -> None:
    """DatabaseUnreadableError when the file is shorter than its own header says (truncated,
    e.g. a copy cut short): DuckDB opens such a file and fails only in a later query."""
    _, _, block_size, total_blocks, *_ = connection.execute("PRAGMA database_size").fetchone()
    expected = _FILE_HEADERS + int(block_size) * int(total_blocks)
    actual = path.stat().st_size
    if actual < expected:
        raise DatabaseUnreadableError.for_dataset(
            path, f"the file is truncated ({actual:,} bytes; its header says {expected:,})")
