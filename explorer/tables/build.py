"""One path from a request to a protected measure table, shared by the app and the CLI:
query (explorer.db) -> RawTable (explorer.tables.aggregate) -> protect (explorer.sdc) -> measures
(explorer.tables.measure_table)."""

from __future__ import annotations

import json
import math

from explorer.tables.aggregate import raw_table, shared_events_frame
from explorer.catalog import Catalog
from explorer.db.connection import Database
from explorer.db.runner import QueryRunner
from explorer.tables.measure_table import COLUMNS, MeasureTable, measure_table
from explorer.sdc.policy import Policy, load_policy
from explorer.sdc.protect import protect
from explorer.sdc.protected_table import ProtectedTable
from explorer.tables.request import TableRequest, has_trend, trend_request


def policy_for(catalog: Catalog, audience: str) -> Policy:
    """The disclosure control policy the catalog names for an audience."""
    return load_policy(catalog.sdc_policies[audience])


def protected_table(request: TableRequest, catalog: Catalog, database: Database,
                    policy: Policy | None = None) -> ProtectedTable:
    """The ProtectedTable behind a request (the policy defaults to the audience's)."""
    raw = raw_table(request, catalog, QueryRunner(database, catalog))
    return protect(raw, policy or policy_for(catalog, request.audience))


def build_table(request: TableRequest, catalog: Catalog, database: Database,
                policy: Policy | None = None) -> MeasureTable:
    """The measure table for a request: every number in it has passed disclosure control."""
    return measure_table(protected_table(request, catalog, database, policy), request, catalog)


def protected_view_tables(request: TableRequest, catalog: Catalog, database: Database,
                          policy: Policy | None = None
                          ) -> tuple[ProtectedTable, ProtectedTable | None]:
    """The ProtectedTables behind the Explore page's view and its trend by calendar year (the
    trend request is ``trend_request(request)``), from one scan of the database where the
    measures allow; each is protected as its own table. A person-level dataset has no trend
    (``has_trend``): the second is None."""
    policy = policy or policy_for(catalog, request.audience)
    if not has_trend(catalog):
        return protected_table(request, catalog, database, policy), None
    trend = trend_request(request)
    if request.measure == "proportion":
        return (protected_table(request, catalog, database, policy),
                protected_table(trend, catalog, database, policy))
    runner = QueryRunner(database, catalog)
    shared = shared_events_frame(request, catalog, runner)
    return (protect(raw_table(request, catalog, runner, shared), policy),
            protect(raw_table(trend, catalog, runner, shared), policy))


def build_view_tables(request: TableRequest, catalog: Catalog, database: Database,
                      policy: Policy | None = None) -> tuple[MeasureTable, MeasureTable | None]:
    """The Explore page's two tables, the view and its trend by calendar year, from one scan of
    the database where the measures allow (each still protected as its own table); the trend
    is None for a person-level dataset."""
    view, by_year = protected_view_tables(request, catalog, database, policy)
    return (measure_table(view, request, catalog),
            None if by_year is None else measure_table(by_year, trend_request(request), catalog))


def to_csv(table: MeasureTable) -> str:
    """CSV of exactly the protected table: breakdown columns (labels), then COLUMNS (with
    ``comparison``: higher, similar, lower, benchmark or empty)."""
    return table.frame.to_csv(index=False, float_format="%.10g")


def to_json(table: MeasureTable) -> str:
    """The table with its metadata (title, unit, method, policy, legend, notes, and what the
    ``comparison`` column compares each row with) as JSON."""
    rows = [{key: (None if isinstance(value, float) and math.isnan(value) else value)
             for key, value in row.items()} for row in table.frame.to_dict("records")]
    return json.dumps({"title": table.title, "unit": table.unit, "method": table.method,
                       "policy": table.policy, "legend": table.legend, "notes": list(table.notes),
                       "comparison_text": table.comparison_text,
                       "columns": list(table.frame.columns), "rows": rows}, indent=2, default=str)


__all__ = ["COLUMNS", "build_table", "build_view_tables", "policy_for", "protected_table",
           "protected_view_tables", "to_csv", "to_json"]
