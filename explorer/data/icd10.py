"""The ONS cause-group rule for an ICD-10 underlying cause, exposed to Python.

The rule itself is written once, as the SQL macro ``cause_group_of`` in
queries/build/macros.sql, and is what fills deaths.cause_group; this module evaluates that same
macro so the rule can be unit-tested and reused.

Suicide (ONS National Statistics definition): intentional self-harm X60-X84 and Y87.0 at ages 10+,
injury or poisoning of undetermined intent Y10-Y34 and Y87.2 at ages 15+. COVID-19: U07.1/U07.2,
codes in use from 2020. Circulatory: I00-I99. Cancer: C00-C97.
"""

from __future__ import annotations

import duckdb

from explorer.data.sql import build_sql

SUICIDE, COVID19, CIRCULATORY, CANCER, OTHER = 1, 2, 3, 4, 5


def _connection() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(build_sql("macros"))
    return connection


def cause_group(code: str, age_at_death: int, year: int | None = None) -> int:
    """Cause group 1..5 of a death; ValueError for a code not in use in ``year`` (e.g. U07.1 in 2019)."""
    with _connection() as connection:
        code_in_use, group = connection.execute(
            build_sql("classify_cause"),
            {"code": code, "age": age_at_death, "year": 2020 if year is None else year}).fetchall()[0]
    if not code_in_use:
        raise ValueError(f"ICD-10 code {code} was not in use in {year}")
    return int(group)
