"""Ingest a linked extract (CSV or Parquet, one row per person) into a dataset's database, in the
person-level model: ``python -m explorer ingest --dataset CODE --source PATH [--out PATH]``.

The catalog's ``source:`` section (explorer.catalog.source) says which columns hold what. The
ingest reads every column as text, checks it, and only then writes; the database is written to
a temporary file beside ``out`` and renamed over it at the end, so a failed ingest leaves no file
and never a half-written one. Problems with the input are one-line IngestErrors:

- the file is not what its extension says (``.csv``, ``.parquet``), or cannot be read;
- a column the source section names is missing;
- duplicate or missing ids (when the section names an id column);
- codes the code maps do not know (how many rows, and examples);
- a date that cannot exist or is incomplete, a death before birth, a birth after follow-up starts.

Deaths outside follow-up are not errors: a death before it starts excludes the person, a death
after it ends counts as surviving to the end; the report gives both counts. The rows are then
written through the same exposure-index steps as the synthetic builder
(explorer.data.exposure_index), in ranges of CHUNK_ROWS rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from explorer.catalog import Catalog
from explorer.data import exposure_index
from explorer.data.database_file import remove_database, replace_database, temporary_beside
from explorer.data.ingest_sql import IngestSql
from explorer.data.sql import build_sql
from explorer.errors import ExplorerError

CHUNK_ROWS = 1_000_000
READERS = {".csv": "ingest_read_csv", ".parquet": "ingest_read_parquet"}
PARQUET_MAGIC = b"PAR1"
MODEL_TABLES = ("persons", "exposure_terms")
"""The person-level model's table names, which queries/build/ uses."""


class IngestError(ExplorerError):
    """The extract cannot be ingested as it is (one line saying why)."""


@dataclass(frozen=True)
class IngestReport:
    """What an ingest read and wrote."""

    dataset: str
    rows_read: int
    persons: int
    deaths: int
    died_before_start: int
    died_after_end: int
    start: str
    end: str
    seconds: float
    path: Path

    def summary(self) -> str:
        """The lines the CLI prints."""
        return (f"ingested {self.dataset}: {self.rows_read:,} rows read, {self.persons:,} persons "
                f"followed, {self.deaths:,} deaths in follow-up, {self.seconds:.1f} s -> {self.path}\n"
                f"  excluded: {self.died_before_start:,} persons who died before follow-up "
                f"started ({self.start})\n"
                f"  counted as surviving to {self.end}: {self.died_after_end:,} persons who died "
                "after follow-up ended")


def ingest_extract(catalog: Catalog, source: Path, out: Path) -> IngestReport:
    """Read the extract at ``source`` as ``catalog`` describes and write the database ``out``."""
    started = time.perf_counter()
    sql = IngestSql(catalog)
    _check_model_names(catalog)
    source, out = Path(source), Path(out)
    reader = _reader_for(source)
    temporary = temporary_beside(out, "ingesting")
    try:
        connection = duckdb.connect(str(temporary))
        try:
            connection.execute(build_sql("session"))
            counts = _ingest(connection, sql, reader, source)
        finally:
            connection.close()
        replace_database(temporary, out)
    finally:
        remove_database(temporary)
    follow_up = catalog.follow_up
    return IngestReport(catalog.code, *counts, start=f"{follow_up.start:%d %B %Y}",
                        end=f"{follow_up.end:%d %B %Y}", seconds=time.perf_counter() - started,
                        path=out)


def _check_model_names(catalog: Catalog) -> None:
    cohort = catalog.cohort
    exposure = cohort.exposure
    names = {"persons table": (cohort.persons_table, "persons"),
             "exposure terms table": (exposure.terms_table if exposure else None, "exposure_terms")}
    wrong = [f"{what} {given!r} (expected {expected!r})" for what, (given, expected) in names.items()
             if given != expected]
    extra = [name for name in catalog.tables if name not in MODEL_TABLES]
    if wrong or extra:
        raise IngestError("an ingested dataset has the person-level model's tables persons and "
                          "exposure_terms only; the catalog has "
                          + "; ".join(wrong + [f"table {name!r}" for name in extra]))


def _reader_for(source: Path) -> str:
    """The read step for the file's extension, after checking the file is what it says."""
    suffix = source.suffix.lower()
    if suffix not in READERS:
        raise IngestError(f"{source.name}: unsupported file type {suffix or '(none)'!r}; "
                          "give a .csv or .parquet file")
    try:
        with source.open("rb") as handle:
            head = handle.read(65536)
            handle.seek(max(0, source.stat().st_size - 4))
            tail = handle.read(4)
    except FileNotFoundError:
        raise IngestError(f"source file {source} not found") from None
    except OSError as error:
        raise IngestError(f"cannot read source file {source}: {error.strerror}") from None
    is_parquet = head.startswith(PARQUET_MAGIC) and tail == PARQUET_MAGIC
    if suffix == ".parquet" and not is_parquet:
        raise IngestError(f"{source.name} is not a Parquet file (it lacks Parquet's PAR1 "
                          "markers); is it a CSV file with the wrong extension?")
    if suffix == ".csv" and (head.startswith(PARQUET_MAGIC) or b"\x00" in head):
        kind = "a Parquet file" if head.startswith(PARQUET_MAGIC) else "binary data"
        raise IngestError(f"{source.name} is not a CSV file (it holds {kind}); give the file "
                          "its right extension")
    if not head.strip():
        raise IngestError(f"{source.name} is empty")
    return READERS[suffix]


def _ingest(connection: duckdb.DuckDBPyConnection, sql: IngestSql, reader: str,
            source: Path) -> tuple[int, int, int, int, int]:
    catalog = sql.catalog
    start, end = catalog.follow_up.start, catalog.follow_up.end
    _read(connection, sql, reader, source)
    connection.execute(*sql.statement("ingest_values", {"values": sql.values()},
                                      missing_values=list(sql.source.missing_values)))
    _check_ids(connection, sql)
    connection.register("code_map", _code_map(catalog))  # read by the check and the mapping
    _check_codes(connection, sql)
    connection.execute(*sql.statement("ingest_dates", sql.date_columns()))
    _check_dates(connection, sql, start)
    fragments, dimension_values = sql.coded()
    connection.execute(*sql.statement("ingest_coded", fragments, **dimension_values))
    connection.register("outcome_rules", _outcome_rules(catalog))
    connection.execute(*sql.statement("ingest_outcomes", start=start, end=end))
    rows_read, before, after, deaths = connection.execute(
        *sql.statement("ingest_summary", start=start, end=end)).fetchall()[0]

    for table in MODEL_TABLES:
        connection.execute(sql.create_table(table))
    exposure_index.create_work_tables(connection, start, end)
    person_fragments, bits = sql.person_columns()
    for first in range(1, rows_read + 1, CHUNK_ROWS):
        connection.execute(*sql.statement(
            "ingest_person_rows", person_fragments, start=start, end=end, dataset=catalog.code,
            first_row=first, last_row=first + CHUNK_ROWS - 1, **bits))
        exposure_index.add_person_rows(connection, start, end)
    exposure_index.finish(connection, start, end)
    connection.execute(build_sql("ingest_finish"))
    persons = rows_read - before
    return rows_read, persons, deaths, before, after


def _read(connection: duckdb.DuckDBPyConnection, sql: IngestSql, reader: str, source: Path) -> None:
    try:
        connection.execute(*sql.statement(reader, path=str(source)))
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        raise IngestError(f"cannot read {source.name} as {reader.rsplit('_', 1)[1].upper()}: "
                          f"{first_line}") from None
    present = {row[0] for row in connection.execute(build_sql("ingest_source_columns")).fetchall()}
    missing = [name for name in sql.source.columns if name not in present]
    if missing:
        raise IngestError(f"{source.name} lacks column(s) {', '.join(missing)} that the catalog's "
                          f"source section reads (the file has: {', '.join(sorted(present))})")


def _check_ids(connection: duckdb.DuckDBPyConnection, sql: IngestSql) -> None:
    name = sql.source.id_column
    if not name:
        return
    missing, repeated, examples = connection.execute(*sql.statement(
        "ingest_duplicate_ids", {"id_column": sql.source_column(name)})).fetchall()[0]
    if repeated:
        raise IngestError(f"duplicate ids in column {name}: {repeated:,} rows share an id "
                          f"(e.g. {', '.join(examples)})")
    if missing:
        raise IngestError(f"{missing:,} rows have no id in column {name}")


def _check_codes(connection: duckdb.DuckDBPyConnection, sql: IngestSql) -> None:
    """Unknown codes per dimension, against the registered code_map."""
    for mapping in sql.source.dimensions:
        rows, examples = connection.execute(*sql.statement(
            "ingest_unknown_codes", {"source_column": sql.source_column(mapping.column)},
            dimension=mapping.dimension)).fetchall()[0]
        if rows:
            known = ", ".join(code for code, _ in mapping.codes)
            raise IngestError(f"unknown codes in column {mapping.column} (dimension "
                              f"{mapping.dimension}): {rows:,} rows, e.g. "
                              f"{', '.join(repr(code) for code in examples)}; the code map knows "
                              f"{known}" + ("" if mapping.missing else " and no missing value"))


def _check_dates(connection: duckdb.DuckDBPyConnection, sql: IngestSql, start) -> None:
    problems = connection.execute(*sql.statement("ingest_bad_dates", start=start)).fetchall()
    if problems:
        problem, rows, first_row, shown = problems[0]
        raise IngestError(f"{rows:,} rows have {problem} (first: row {first_row}, "
                          f"{shown or 'empty'})")


def _code_map(catalog: Catalog) -> pd.DataFrame:
    """dimension, source_code (None: a missing value), category_code: every code map, for SQL."""
    rows = []
    for mapping in catalog.source.dimensions:
        dimension = catalog.dimension(mapping.dimension)
        for code, key in mapping.codes:
            rows.append((mapping.dimension, code, dimension.category_by_key(key).code))
        if mapping.missing:
            rows.append((mapping.dimension, None, dimension.category_by_key(mapping.missing).code))
    return pd.DataFrame(rows, columns=["dimension", "source_code", "category_code"]).astype(
        {"dimension": "string", "source_code": "string", "category_code": "uint8"})


def _outcome_rules(catalog: Catalog) -> pd.DataFrame:
    """One row per ICD-10 rule (or all-deaths rule) with the outcome's bit in the death mask."""
    rows = []
    for bit, outcome in enumerate(catalog.source.outcomes):
        if outcome.all_deaths:
            rows.append((bit, True, 0, "", "", 0))
        rows += [(bit, False, len(rule.first), rule.first, rule.last, rule.min_age)
                 for rule in outcome.rules]
    return pd.DataFrame(rows, columns=["outcome_bit", "all_deaths", "prefix_length", "first_code",
                                       "last_code", "min_age"])

