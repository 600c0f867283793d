"""Cell key perturbation in DuckDB SQL: ``queries/sdc/cell_key_perturbation.sql``.

The same method and output as the pandas reference
:func:`explorer.sdc.perturbation.perturbed_table_from_microdata` (ONS, *Cell key perturbation
method*; ONS ``cell-key-perturbation`` package, ``create_perturbed_table``), computed where
the microdata live. The two are property-tested to agree.

Identifiers (the microdata table, its record-key column, the tabulation variables) enter the
SQL text only after two checks: each must be in the caller's allow-list (in the app, names
the data catalog declares) and match ``^[a-z][a-z0-9_]*$``; they are then double-quoted. The
p-table is registered on the connection as a temporary relation under a generated name for
the duration of the query; all other values are bound as ``$parameters``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Sequence

import duckdb
import pandas as pd

from explorer.db.sql_template import SqlFragment, load_query, render_query
from explorer.paths import queries_dir
from explorer.sdc.perturbation import DEFAULT_THRESHOLD, PerturbationError, check_threshold
from explorer.sdc.ptable import PTable

QUERY_NAME = "cell_key_perturbation"
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def checked_identifier(name: str, allowed: Collection[str], what: str) -> str:
    """``name`` double-quoted, once it is in ``allowed`` and matches the identifier pattern."""
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
        raise PerturbationError(f"{what} {name!r} is not a valid identifier "
                                f"(lower-case letters, digits and _, starting with a letter)")
    if name not in allowed:
        raise PerturbationError(f"{what} {name!r} is not one of the allowed names")
    return f'"{name}"'


def perturbation_sql_fragments(table: str, by: Sequence[str], record_key: str,
                               ptable_relation: str, allowed: Collection[str]
                               ) -> dict[str, SqlFragment]:
    """The identifier fragments for the query template, from checked names only."""
    if isinstance(by, str) or not by:
        raise PerturbationError("by must be a non-empty list of column names")
    if len(set(by)) != len(by) or record_key in by:
        raise PerturbationError("by must name distinct columns, other than the record key")
    columns = [checked_identifier(c, allowed, "tabulation variable") for c in by]
    grid = " CROSS JOIN ".join(f"(SELECT DISTINCT {c} FROM microdata)" for c in columns)
    return {
        "microdata_table": SqlFragment(checked_identifier(table, allowed, "table")),
        "record_key": SqlFragment(checked_identifier(record_key, allowed, "record key column")),
        "by_columns": SqlFragment(", ".join(columns)),
        "category_grid": SqlFragment(grid),
        "missing_category": SqlFragment(" OR ".join(f"{c} IS NULL" for c in columns)),
        "ptable": SqlFragment(checked_identifier(ptable_relation, {ptable_relation}, "p-table")),
    }


def perturbed_table_duckdb(connection: duckdb.DuckDBPyConnection, table: str, by: Sequence[str],
                           record_key: str, ptable: PTable, allowed_identifiers: Collection[str],
                           threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Frequency table of ``table`` by ``by`` with cell key perturbation, computed in DuckDB.

    Same rows, order and columns as ``perturbed_table_from_microdata`` (``count`` nullable
    Int64, missing where suppressed). Raises PerturbationError for names outside
    ``allowed_identifiers``, and for missing categories or record keys outside
    0..modulus-1 in the data.
    """
    check_threshold(threshold)
    if not isinstance(ptable, PTable):
        raise PerturbationError("ptable must be a PTable (PTable.load or PTable.default)")
    relation = f"sdc_ptable_{uuid.uuid4().hex}"
    sql = render_query(load_query(QUERY_NAME, queries_dir() / "sdc"),
                       perturbation_sql_fragments(table, list(by), record_key, relation,
                                                  allowed_identifiers))
    parameters = {"modulus": ptable.modulus, "max_pcv": ptable.max_pcv,
                  "reuse_rows": ptable.reuse_rows, "threshold": int(threshold)}
    connection.register(relation, ptable.to_frame())
    try:
        result = connection.execute(sql, parameters).df()
    except duckdb.InvalidInputException as exc:
        if "cell key perturbation:" in str(exc):
            message = str(exc).split("cell key perturbation:", 1)[1].strip()
            raise PerturbationError(f"cell key perturbation of {table!r}: {message}") from exc
        raise
    finally:
        connection.unregister(relation)
    result["count"] = result["count"].astype("Int64")
    return result
