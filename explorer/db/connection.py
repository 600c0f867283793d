"""Read-only DuckDB access shared safely between threads (Streamlit sessions).

A ``duckdb.DuckDBPyConnection`` must not be used from two threads at once; DuckDB's
documented pattern is one ``connection.cursor()`` per thread, each a child connection to
the same database instance. :class:`Database` keeps one read-only parent connection and
hands every thread its own cursor (``threading.local``), so one ``Database`` can be cached
with ``st.cache_resource`` and used by every session.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from explorer.errors import DatabaseMissingError


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


def open_database(path: str | Path, dataset: str | None = None) -> Database:
    """Open the DuckDB file at ``path`` read-only.

    Raises DatabaseMissingError, naming the path and the command that builds it, when the
    file does not exist. ``dataset`` (default: the file name without ``.duckdb``) is used
    only in that message.
    """
    path = Path(path)
    if not path.is_file():
        raise DatabaseMissingError.for_dataset(dataset or path.stem, path)
    connection = duckdb.connect(str(path), read_only=True)
    return Database(path, connection)
