"""Linkage rate by group, as a protected table for the Data catalog page.

Harron et al. (2017) ask for linkage quality to be reported next to results, comparing linked
with unlinked records. The counts of linked and of unlinked people by group are protected
together as one two-way table (group x linked or not, with margins), so a small number of
unlinked people in a group cannot be shown or derived; the linkage rate is then computed only
from shown cells, with a Wilson 95% CI.
"""

from __future__ import annotations

import numpy as np

from explorer.tables.aggregate import dimension_labels, dimension_levels, summed_by_groups
from explorer.catalog import Catalog
from explorer.db.connection import Database
from explorer.db.runner import QueryRunner
from explorer.tables.measure_table import (LINKAGE_DIMENSION, LINKED, NOT_LINKED, MeasureTable,
                                    linkage_measure_table)
from explorer.sdc.protect import protect
from explorer.sdc.raw_table import RawTable
from explorer.sdc.structure import DimensionLevels
from explorer.tables.build import policy_for


def linkage_rate_table(catalog: Catalog, database: Database, dimension: str,
                       audience: str = "official") -> MeasureTable:
    """Percentage of records linked into the cohort, by one person-level dimension: query, lay
    out the linked and unlinked counts as one RawTable, protect it under the audience's policy,
    and hand the ProtectedTable to the measures step (explorer.tables.measure_table)."""
    chosen = catalog.dimension(dimension)
    frame = summed_by_groups(QueryRunner(database, catalog).linkage_rates(dimension), catalog,
                             [chosen])  # a coarser grouping (grouping_of): its base's rows summed
    levels = dimension_levels(chosen)
    by_code = frame.set_index(dimension)
    linked = np.array([by_code["linked"].get(code, 0) for code in levels.categories], dtype=float)
    persons = np.array([by_code["persons"].get(code, 0) for code in levels.categories], dtype=float)
    keys = [np.array([by_code[column].get(code, 0) for code in levels.categories], dtype=float)
            for column in ("linked_record_key_sum", "not_linked_record_key_sum")]
    status = DimensionLevels(LINKAGE_DIMENSION, (LINKED, NOT_LINKED))
    raw = RawTable(dimensions=(levels, status),
                   counts=np.column_stack([linked, persons - linked]).ravel(),
                   structural_zero=np.zeros(2 * len(levels.categories), dtype=bool),
                   record_key_sums=np.column_stack(keys).ravel(),
                   labels={dimension: dimension_labels(chosen)},
                   description=f"Records linked into the cohort, by {chosen.label.lower()}")
    protected = protect(raw, policy_for(catalog, audience))
    return linkage_measure_table(protected, dimension, catalog, audience)


__all__ = ["linkage_rate_table"]
