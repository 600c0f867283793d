"""The exposure index of the person-level model, shared by every builder of a person-time dataset.

A database stores one row per person (entry, exit, cause), never one per person-year. To give
person-years by attained age band and calendar year without splitting anyone's time at query
time, each followed person carries a small exposure index (docs/data-model.md):

- ``days_to_next_band`` and ``days_followed``: days from the start of follow-up to the
  person's first change of 5-year age band, and to the end of their follow-up;
- ``survivor_class`` or ``death_class``: the person's *exposure class*, the pattern of
  calendar years in which their bands start and end;
- ``exit_year`` and ``exit_age_group``: where a death falls.

``exposure_terms`` then says, per class, year and band, how person-days follow from a group's
count and its sums of the two day columns. The arithmetic is exact (whole days), so the
person-years equal the Lexis split of every person to rounding in the last bit
(tests/data/test_person_level_model.py). Survivors' classes depend on the birth date only and are
numbered first from every possible birth date, so their ids are small (fast GROUP BY) and known
before any person is written.

The SQL is in queries/build/ (follow_up_exposure, survivor_classes, insert_survivor_classes,
finish_persons, insert_exposure_terms).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from explorer.errors import ExplorerError
from explorer.data.sql import build_sql

MAX_FOLLOW_UP_YEARS = 15
"""Bands are 5 years wide and the index keeps at most three band changes per person."""


def follow_up_parameters(start: dt.date, end: dt.date) -> dict[str, dt.date]:
    """The ``$start``/``$end`` parameters of the build SQL, checked: the index holds at most
    three band changes, so follow-up must be shorter than 15 years."""
    if end < start:
        raise ExplorerError(f"follow-up ends ({end}) before it starts ({start})")
    if (end - start).days + 1 >= MAX_FOLLOW_UP_YEARS * 365:
        raise ExplorerError(f"follow-up from {start} to {end} is {MAX_FOLLOW_UP_YEARS} years or "
                            f"longer; the exposure index supports shorter follow-up only")
    return {"start": start, "end": end}


def create_work_tables(connection: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> None:
    """The build's TEMP work tables, with the survivors' exposure classes numbered."""
    parameters = follow_up_parameters(start, end)
    connection.execute(build_sql("create_build_tables"))
    connection.execute(build_sql("survivor_classes"), parameters)
    derive_exposure(connection, start, end)
    connection.execute(build_sql("insert_survivor_classes"))


def derive_exposure(connection: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> None:
    """follow_up_exposure from the rows of the TEMP table follow_up_input."""
    connection.execute(build_sql("follow_up_exposure"), {"start": follow_up_parameters(start, end)["start"]})


def add_person_rows(connection: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> None:
    """Write the rows of the TEMP table ``person_rows`` (every persons column before the exposure
    index, plus ``cause_group``, 0 for none): survivors into persons now, the others staged."""
    connection.execute(build_sql("follow_up_input"))
    check_entries(connection, start)
    derive_exposure(connection, start, end)
    connection.execute(build_sql("chunk_rows"))
    connection.execute(build_sql("insert_chunk_persons"))


def check_entries(connection: duckdb.DuckDBPyConnection, start: dt.date) -> None:
    """Every followed person enters on the first day of follow-up (the classes assume it)."""
    late = connection.execute(build_sql("entries_not_at_start"), {"start": start}).fetchone()[0]
    if late:
        raise ExplorerError(f"{late:,} followed persons do not enter follow-up on its first day "
                            f"({start}); the exposure index supports a common entry date only")


def finish(connection: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> None:
    """Append the staged rows (deaths by cause, then people not linked) and write exposure_terms."""
    connection.execute(build_sql("finish_persons"))
    connection.execute(build_sql("insert_exposure_terms"), follow_up_parameters(start, end))
