"""Linkage rate by group, as a protected table for the Data catalog page.

Harron et al. (2017) ask for linkage quality to be reported next to results, comparing linked
with unlinked records. The counts of linked and of unlinked people by group are protected
together as one two-way table (group x linked or not, with margins), so a small number of
unlinked people in a group cannot be shown or derived; the linkage rate is then computed only
from shown cells, with a Wilson 95% CI.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from explorer.aggregate import dimension_labels, dimension_levels
from explorer.catalog import Catalog
from explorer.db.connection import Database
from explorer.db.runner import QueryRunner
from explorer.measure_table import MeasureTable
from explorer.measures.proportions import proportion
from explorer.sdc.protect import protect
from explorer.sdc.raw_table import RawTable
from explorer.sdc.status import marker_legend
from explorer.sdc.structure import TOTAL, DimensionLevels
from explorer.table_request import TableRequest
from explorer.tables import policy_for

LINKED, NOT_LINKED = "linked", "not_linked"


def linkage_rate_table(catalog: Catalog, database: Database, dimension: str,
                       audience: str = "official") -> MeasureTable:
    """Percentage of census records linked, by one person-level dimension."""
    chosen = catalog.dimension(dimension)
    frame = QueryRunner(database, catalog).linkage_rates(dimension)
    levels = dimension_levels(chosen)
    by_code = frame.set_index(dimension)
    linked = np.array([by_code["linked"].get(code, 0) for code in levels.categories], dtype=float)
    persons = np.array([by_code["persons"].get(code, 0) for code in levels.categories], dtype=float)
    status = DimensionLevels("linkage", (LINKED, NOT_LINKED))
    raw = RawTable(dimensions=(levels, status),
                   counts=np.column_stack([linked, persons - linked]).ravel(),
                   structural_zero=np.zeros(2 * len(levels.categories), dtype=bool),
                   labels={dimension: dimension_labels(chosen)},
                   description=f"Census records linked, by {chosen.label.lower()}")
    protected = protect(raw, policy_for(catalog, audience))
    cells = protected.cells()
    rows = []
    for level in (*levels.categories, *levels.groups, TOTAL):
        mine = cells[cells[dimension] == level].set_index("linkage")
        shown = mine["status"].isin(["shown", "perturbed", "rounded"])
        hidden = not shown.get(LINKED, False) or not shown.get(NOT_LINKED, False)
        linked_n, unlinked_n = mine["value"].get(LINKED), mine["value"].get(NOT_LINKED)
        statuses = [s for s in mine["status"] if s.startswith("suppressed")]
        rows.append({dimension: raw.label(dimension, level),
                     "events": np.nan if hidden else linked_n,
                     "denominator": np.nan if hidden else linked_n + unlinked_n,
                     "status": "shown" if not statuses else ("suppressed_primary"
                               if "suppressed_primary" in statuses else "suppressed_secondary"),
                     "marker": "[c]" if hidden else "", "rule": "" if not hidden else "linked_and_unlinked_protected_together"})
    table = pd.DataFrame(rows)
    result = proportion(table["events"].to_numpy(float), table["denominator"].to_numpy(float), multiplier=100)
    for column, values in (("value", result.value), ("lower", result.lower), ("upper", result.upper)):
        table[column] = np.round(values, 2)
    table = table[[dimension, "value", "lower", "upper", "events", "denominator", "status", "marker", "rule"]]
    request = TableRequest(dataset=catalog.code, outcome=next(iter(catalog.outcomes)), measure="proportion",
                           by=(dimension,), period=(catalog.follow_up.first_year, catalog.follow_up.last_year),
                           audience=audience)
    markers = {m for m in table["marker"] if m}
    return MeasureTable(request=request, frame=table, title=f"Census records linked to the NHS register, "
                        f"by {chosen.label.lower()}", unit="% of census records linked",
                        method="Linked records / census records x 100; 95% Wilson score CI. Linked and "
                        "unlinked counts are protected together before the rate is calculated.",
                        policy=f"{protected.policy_name} v{protected.policy_version}",
                        legend=marker_legend(markers) if markers else "", notes=protected.notes)
