"""Read-only database access and the parameterised query runner.

Results of :class:`QueryRunner` are raw aggregates; they must pass disclosure control
before they are shown anywhere.
"""

from explorer.db.connection import Database, open_database
from explorer.db.runner import MAX_QUERY_DIMENSIONS, QUERY_PARAMETERS, QueryPlan, QueryRunner
from explorer.db.sql_template import (
    CatalogIdentifiers, SqlFragment, load_query, named_parameters, placeholders, query_names,
    render_query,
)

__all__ = [
    "MAX_QUERY_DIMENSIONS", "QUERY_PARAMETERS", "CatalogIdentifiers", "Database",
    "QueryPlan", "QueryRunner", "SqlFragment", "load_query",
    "named_parameters", "open_database", "placeholders", "query_names", "render_query",
]
