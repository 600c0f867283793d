"""Query files and the one step that puts identifiers into SQL text.

``queries/<name>.sql`` holds DuckDB SQL with two kinds of holes:

- ``$name``: a value, always bound as a parameter by DuckDB (never pasted into the text);
- ``{name}``: an identifier fragment (table, column, alias, or a filter condition made of
  them), filled by :func:`render_query` from :class:`SqlFragment` objects, which only
  :class:`CatalogIdentifiers` can make and only from names the catalog declares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from explorer.catalog import IDENTIFIER_PATTERN, Catalog
from explorer.errors import QueryError
from explorer.paths import queries_dir

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_COMMENT_OR_STRING = re.compile(r"--[^\n]*|'(?:[^']|'')*'")
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
_JOIN_TOKENS = {"", ", ", ",\n    ", "\n  ", "AND ", "\n  AND "}


@dataclass(frozen=True)
class SqlFragment:
    """SQL text made only of catalog-checked, double-quoted identifiers and ``$`` parameters."""

    text: str


def _strip_comments_and_strings(sql: str) -> str:
    return _COMMENT_OR_STRING.sub(" ", sql)


def named_parameters(sql: str) -> set[str]:
    """The ``$name`` parameters a SQL text uses (ignoring comments and string literals)."""
    return set(_PARAMETER.findall(_strip_comments_and_strings(sql)))


def placeholders(sql: str) -> set[str]:
    """The ``{name}`` identifier placeholders a query template uses."""
    return set(_PLACEHOLDER.findall(_strip_comments_and_strings(sql)))


def query_names(directory: Path | None = None) -> list[str]:
    """Names of the query templates in ``queries/`` (without ``.sql``)."""
    return sorted(path.stem for path in (directory or queries_dir()).glob("*.sql"))


def load_query(name: str, directory: Path | None = None) -> str:
    """The text of ``queries/<name>.sql``."""
    if not _IDENTIFIER.match(name) or name not in query_names(directory):
        raise QueryError(f"unknown query {name!r}; choose from: {', '.join(query_names(directory))}")
    return ((directory or queries_dir()) / f"{name}.sql").read_text(encoding="utf-8")


def render_query(template: str, fragments: dict[str, SqlFragment]) -> str:
    """Fill every ``{name}`` placeholder of ``template`` with its fragment.

    Every placeholder must be given and every fragment used, so a template and its caller
    cannot drift apart silently. Comments are left in the text (DuckDB ignores them).
    """
    wanted = placeholders(template)
    if wanted != set(fragments):
        raise ValueError(f"query placeholders {sorted(wanted)} do not match the fragments given "
                         f"{sorted(fragments)}")
    for name, fragment in fragments.items():
        if not isinstance(fragment, SqlFragment):
            raise TypeError(f"placeholder {name!r} must be filled with a SqlFragment")

    def fill(match: re.Match[str]) -> str:
        return fragments[match.group(1)].text

    parts = _COMMENT_OR_STRING.split(template)
    separators = _COMMENT_OR_STRING.findall(template)
    out = [_PLACEHOLDER.sub(fill, parts[0])]
    for separator, part in zip(separators, parts[1:]):
        out.append(separator)
        out.append(_PLACEHOLDER.sub(fill, part))
    return "".join(out)


def quote_identifier(name: str, pattern: re.Pattern[str] = _IDENTIFIER) -> str:
    """``"name"`` for a name matching ``pattern`` (a catalog identifier unless told otherwise);
    QueryError for anything else, so no quote or other SQL can ride in on a name."""
    if not pattern.match(name):  # unreachable for catalog names; defence in depth
        raise QueryError(f"{name!r} is not a valid identifier")
    return f'"{name}"'


class CatalogIdentifiers:
    """Makes SQL fragments from names the catalog declares, and from nothing else."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def table(self, table: str) -> SqlFragment:
        """``"table"`` for a table declared in the catalog."""
        if table not in self._catalog.tables:
            raise QueryError(f"table {table!r} is not declared in catalog {self._catalog.code!r}")
        return SqlFragment(quote_identifier(table))

    def column(self, table: str, column: str) -> SqlFragment:
        """``"table"."column"`` for a column the catalog declares in that table."""
        table_sql = self.table(table)
        if column not in self._catalog.tables[table].columns:
            raise QueryError(f"column {column!r} is not declared in table {table!r}")
        return SqlFragment(f"{table_sql.text}.{quote_identifier(column)}")

    def bare_column(self, table: str, column: str) -> SqlFragment:
        """``"column"`` (unqualified) for a column the catalog declares in that table."""
        self.column(table, column)
        return SqlFragment(quote_identifier(column))

    def alias(self, name: str) -> SqlFragment:
        """``"name"`` for an output column named after a dimension or outcome code."""
        if name not in self._catalog.dimensions and name not in self._catalog.outcomes:
            raise QueryError(f"{name!r} is not a dimension or outcome of catalog {self._catalog.code!r}")
        return SqlFragment(quote_identifier(name))

    @staticmethod
    def select_as(expression: SqlFragment, alias: SqlFragment) -> SqlFragment:
        """``expression AS alias``."""
        return SqlFragment(f"{expression.text} AS {alias.text}")

    @staticmethod
    def any_of(column: SqlFragment, parameter: SqlFragment) -> SqlFragment:
        """``column = ANY($parameter)``: the column's value is in a bound list."""
        return SqlFragment(f"{column.text} = ANY({parameter.text})")

    @staticmethod
    def join(fragments: list[SqlFragment], separator: str, prefix: str = "",
             suffix: str = "") -> SqlFragment:
        """Fragments joined by one of a few fixed separators, each optionally wrapped."""
        if {separator, prefix, suffix} - _JOIN_TOKENS:
            raise ValueError(f"unsupported separator {separator!r}")
        return SqlFragment(separator.join(f"{prefix}{f.text}{suffix}" for f in fragments))

    @staticmethod
    def parameter(name: str) -> SqlFragment:
        """``$name``: a reference to a bound value (its value never enters the text)."""
        if not _IDENTIFIER.match(name):
            raise QueryError(f"{name!r} is not a valid parameter name")
        return SqlFragment(f"${name}")
