"""The SQL fragments of an ingest: source column names (declared in the catalog's ``source:``
section) and persons columns (declared in its tables) put into the queries/build/ingest_*.sql
templates, quoted, through explorer.db.sql_template. Values (codes, dates, missing-value texts,
outcome bits) are always bound parameters; only names become SQL text."""

from __future__ import annotations

import re
from typing import Any

from explorer.catalog import Catalog
from explorer.catalog.source import SOURCE_COLUMN_PATTERN, Source
from explorer.data.sql import build_sql
from explorer.db.sql_template import (
    CatalogIdentifiers, SqlFragment, named_parameters, quote_identifier, render_query,
)
from explorer.errors import ExplorerError

_SOURCE_COLUMN = re.compile(SOURCE_COLUMN_PATTERN)


class IngestSql:
    """Rendered ingest statements and their parameters for one catalog with a source section."""

    def __init__(self, catalog: Catalog) -> None:
        if catalog.source is None:
            raise ExplorerError(f"the catalog of {catalog.code} has no source section, so it "
                                "cannot be ingested (docs/data.md, Ingest your own extract)")
        self.catalog = catalog
        self.source: Source = catalog.source
        self._ids = CatalogIdentifiers(catalog)

    def source_column(self, name: str) -> SqlFragment:
        """``"name"`` for a column the source section reads."""
        if name not in self.source.columns:
            raise ExplorerError(f"{name!r} is not a column of the catalog's source section")
        return SqlFragment(quote_identifier(name, _SOURCE_COLUMN))

    def statement(self, name: str, fragments: dict[str, SqlFragment] | None = None,
                  **values: Any) -> tuple[str, dict[str, Any]]:
        """queries/build/<name>.sql with its placeholders filled, and the bound values it uses
        (a value it does not use is dropped: DuckDB refuses unused parameters)."""
        sql = render_query(build_sql(name), fragments or {})
        used = named_parameters(sql)
        missing = used - set(values)
        if missing:
            raise ValueError(f"{name}.sql needs values for {sorted(missing)}")
        return sql, {key: value for key, value in values.items() if key in used}

    # --- fragments --------------------------------------------------------------------

    def values(self) -> SqlFragment:
        """Every source column, trimmed, with the missing-value texts as NULL."""
        parts = []
        for name in self.source.columns:
            column = self.source_column(name).text
            parts.append(f"CASE WHEN trim({column}) = ANY($missing_values) THEN NULL "
                         f"ELSE trim({column}) END AS {column}")
        return SqlFragment(",\n    ".join(parts))

    def date_columns(self) -> dict[str, SqlFragment]:
        source = self.source
        record_id = (self.source_column(source.id_column) if source.id_column
                     else SqlFragment("NULL"))
        return {
            "birth_year": self.source_column(source.birth_date.year),
            "birth_month": self.source_column(source.birth_date.month),
            "birth_day": self.source_column(source.birth_date.day),
            "death_year": self.source_column(source.death_date.year),
            "death_month": self.source_column(source.death_date.month),
            "death_day": self.source_column(source.death_date.day),
            "underlying_cause": self.source_column(source.underlying_cause),
            "record_id": record_id,
        }

    def coded(self) -> tuple[dict[str, SqlFragment], dict[str, str]]:
        """The select list and joins mapping each dimension's source codes to category codes,
        and the ``$dimension_<n>`` values."""
        persons = self.catalog.cohort.persons_table
        coded, joins, values = [], [], {}
        for index, mapping in enumerate(self.source.dimensions):
            target = self.catalog.dimension(mapping.dimension).column
            column = self._ids.bare_column(persons, target).text
            coded.append(f"m{index}.category_code AS {column}")
            joins.append(f"LEFT JOIN code_map AS m{index} ON m{index}.dimension = $dimension_{index} "
                         f"AND m{index}.source_code IS NOT DISTINCT FROM "
                         f"v.{self.source_column(mapping.column).text}")
            values[f"dimension_{index}"] = mapping.dimension
        return ({"coded": SqlFragment(",\n    ".join(coded)), "joins": SqlFragment("\n".join(joins))},
                values)

    def person_columns(self) -> tuple[dict[str, SqlFragment], dict[str, int]]:
        """The persons columns named by the cohort, the outcome flags, and the ``$outcome_<n>``
        bits."""
        cohort, persons = self.catalog.cohort, self.catalog.cohort.persons_table
        flags, bits = [], {}
        for bit, rule in enumerate(self.source.outcomes):
            column = self.catalog.outcome(rule.outcome).event_column
            flags.append(f"CAST(coalesce((o.mask >> $outcome_{bit}) & 1, 0) AS UTINYINT) AS "
                         f"{self._ids.bare_column(persons, column).text},\n    ")
            bits[f"outcome_{bit}"] = bit
        return ({"join_key": self._ids.bare_column(persons, cohort.join_key),
                 "record_key": self._ids.bare_column(persons, cohort.record_key_column),
                 "cohort_filter": self._ids.bare_column(persons, cohort.cohort_filter_column),
                 "outcome_flags": SqlFragment("".join(flags))}, bits)

    def create_table(self, table: str) -> str:
        """CREATE TABLE for a catalog table, with its declared columns and types (types are
        one of explorer.catalog.schema.COLUMN_TYPES, checked when the catalog was loaded)."""
        columns = self.catalog.tables[table].columns.values()
        definitions = ", ".join(f"{self._ids.bare_column(table, c.name).text} {c.type}"
                                for c in columns)
        sql, _ = self.statement("ingest_create_table", {
            "table": self._ids.table(table), "column_definitions": SqlFragment(definitions)})
        return sql
