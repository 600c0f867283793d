"""Linkage precision and recall beside results, when the truth is known (a synthetic dataset whose
catalog declares ``dataset.linkage.evaluation``).

Precision is the share of links made that were correct; recall the share of true matches the
linkage found. Both come from people's counts in one three-way table, group x truth x link
result (explorer.tables.linkage_cells), protected as ONE table under the audience's policy
before either is calculated: precision and recall with their denominators are equations about
these counts (recall's denominator minus its numerator is the missed and wrongly linked
people; precision's, the wrong links), so every count a figure uses is a cell of that table,
and the disclosure control engine protects the cells together with the subtotals and totals
that tie them: secondary suppression and its audit (statistician policy) see every relation;
cell key perturbation (official and public) gives the same records the same noise in this table
and in Explore's (links made by group are Explore's people with the outcome). No count below the
policy's threshold is shown or used, and the figures are computed only from shown cells.

Explore flags a comparison when a group's recall is notably lower (``recall_gap``) than the best
shown group's: missed links make people look as if they had no linked record, so the figure
shown for that group is biased down (Harron et al. 2017, Int J Epidemiol 46(5):1699-1710).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explorer.catalog import Catalog
from explorer.db.connection import Database
from explorer.db.runner import QueryRunner
from explorer.errors import QueryError
from explorer.sdc.protect import protect
from explorer.sdc.raw_table import RawTable
from explorer.sdc.structure import TOTAL, DimensionLevels
from explorer.tables.aggregate import dimension_labels, dimension_levels
from explorer.tables.build import policy_for
from explorer.tables.linkage_cells import (HAS_RECORD, LINK, LINKED, NO_LINK, NO_RECORD,
                                           OTHER_RECORD, OWN_RECORD, TRUTH, UNLINKED)
from explorer.tables.measure_table import MeasureTable, linkage_evaluation_measure_tables

_TRUTH_LABELS = {HAS_RECORD: "A record belongs to the person", NO_RECORD: "No record belongs to "
                 "the person"}
_LINK_LABELS = {OWN_RECORD: "Linked to their own record", OTHER_RECORD: "Linked to another record",
                NO_LINK: "Not linked", LINKED: "Linked", UNLINKED: "Not linked (all)"}


def evaluation_raw_table(catalog: Catalog, runner: QueryRunner, dimension: str) -> RawTable:
    """People by ``dimension`` x truth x link result, with the structural zero (no record of
    their own, yet linked to it) and record-key sums: raw, for explorer.sdc.protect only."""
    chosen = catalog.dimension(dimension)
    frame = runner.linkage_evaluation(dimension)
    levels = dimension_levels(chosen)
    truth = DimensionLevels(TRUTH, (HAS_RECORD, NO_RECORD))
    link = DimensionLevels(LINK, (OWN_RECORD, OTHER_RECORD, NO_LINK),
                           {LINKED: (OWN_RECORD, OTHER_RECORD), UNLINKED: (NO_LINK,)})
    frame = frame.rename(columns={"truth": TRUTH, "link": LINK})
    raw = RawTable.from_frame(frame, (levels, truth, link), "persons",
                              record_key_sum="record_key_sum",
                              labels={dimension: dimension_labels(chosen), TRUTH: _TRUTH_LABELS,
                                      LINK: _LINK_LABELS},
                              description=f"Linkage results by {chosen.label.lower()}")
    impossible = np.array([t == NO_RECORD and k == OWN_RECORD for _, t, k in _cells(levels, truth, link)])
    return RawTable(dimensions=raw.dimensions, counts=raw.counts, structural_zero=impossible,
                    record_key_sums=raw.record_key_sums, labels=raw.labels,
                    description=raw.description)


def _cells(*levels: DimensionLevels) -> list[tuple]:
    return list(itertools.product(*(level.categories for level in levels)))


def linkage_evaluation_tables(catalog: Catalog, database: Database, dimension: str,
                              audience: str = "official") -> dict[str, MeasureTable]:
    """Linkage precision and recall by one of the catalog's evaluation dimensions, with the
    overall figures in the Total row: ``{"precision": MeasureTable, "recall": MeasureTable}``,
    both from one table protected under the audience's policy."""
    raw = evaluation_raw_table(catalog, QueryRunner(database, catalog), dimension)
    protected = protect(raw, policy_for(catalog, audience))
    return linkage_evaluation_measure_tables(protected, dimension, catalog, audience)


def linkage_evaluation_table(catalog: Catalog, database: Database, dimension: str,
                             audience: str = "official", measure: str = "recall") -> MeasureTable:
    """One of the two (``measure`` "precision" or "recall") by ``dimension``, protected."""
    if measure not in ("precision", "recall"):
        raise QueryError(f"unknown linkage measure {measure!r}; choose from: precision, recall")
    return linkage_evaluation_tables(catalog, database, dimension, audience)[measure]


# --- Explore: the linkage note and the recall flag ---------------------------------------------

@dataclass(frozen=True)
class RecallGap:
    """A group whose recall is at least the catalog's ``recall_gap`` below the best group's."""

    dimension: str
    group: str
    recall: float
    best_group: str
    best_recall: float

    def sentence(self) -> str:
        return (f"Linkage found fewer of the records that belong to people in the group "
                f"{self.group} ({self.dimension}): recall {self.recall:.1f}%, against "
                f"{self.best_recall:.1f}% for {self.best_group}. Missed links lower the figure "
                "shown for that group, so a comparison with it may understate its true level.")


def recall_gaps(catalog: Catalog, recall: MeasureTable) -> tuple[RecallGap, ...]:
    """The groups of a protected recall table whose shown recall is at least ``recall_gap``
    (a share, so x 100 percentage points) below the best shown group's. Hidden and
    not-calculated groups, groups of low reliability ([u]: fewer than the policy's
    ``flag_below`` true matches found, too noisy to compare) and the total take no part."""
    evaluation = catalog.linkage.evaluation
    if evaluation is None:
        return ()
    (dimension,) = recall.dimensions
    frame, flags = recall.frame, recall.row_flags
    shown = frame[~flags["is_margin"].to_numpy(bool) & frame["value"].notna().to_numpy()
                  & (frame["marker"] == "").to_numpy()]
    if len(shown) < 2:
        return ()
    best = shown.loc[shown["value"].idxmax()]
    label = catalog.dimension(dimension).label.lower()
    return tuple(RecallGap(label, str(row[dimension]), float(row["value"]),
                           str(best[dimension]), float(best["value"]))
                 for _, row in shown.iterrows()
                 if float(best["value"]) - float(row["value"]) >= 100 * evaluation.recall_gap - 1e-9)


@dataclass(frozen=True)
class LinkageNotes:
    """What Explore shows beside a result of a dataset with a linkage evaluation: one line on
    overall linkage quality, and a sentence per flagged group of the view's breakdowns."""

    quality: str
    flags: tuple[str, ...]


def quality_line(precision: MeasureTable, recall: MeasureTable) -> str:
    """The line "Linkage quality (whole cohort): precision 97.1% ..., recall 92.3% ..." from the
    tables' Total rows (a hidden or not-calculated figure is named by its marker)."""
    def total(table: MeasureTable) -> str:
        rows = np.flatnonzero(table.row_flags[f"{table.dimensions[0]}_is_margin"].to_numpy(bool)
                              & (table.row_flags[table.dimensions[0]] == TOTAL).to_numpy())
        row = table.frame.iloc[rows[0]]
        if np.isnan(row["value"]):
            return f"not shown {row['marker']}"
        return f"{row['value']:.1f}% (95% CI {row['lower']:.1f} to {row['upper']:.1f})"

    return (f"Linkage quality (whole cohort): precision {total(precision)}: of the links made, "
            "the share that "
            f"were to the right record; recall {total(recall)}: of the records that truly belong "
            "to people in this dataset, the share the linkage found. Protected like every figure "
            "here.")


def linkage_notes(catalog: Catalog, database: Database, by: tuple[str, ...],
                  audience: str = "official") -> LinkageNotes | None:
    """The linkage note for a view broken down by ``by``: None for a dataset without a linkage
    evaluation; otherwise the overall quality line (from the first evaluation dimension's
    Total row) and the recall flags for each evaluation dimension in ``by``."""
    evaluation = catalog.linkage.evaluation
    if evaluation is None:
        return None
    wanted = [code for code in by if code in evaluation.by] or [evaluation.by[0]]
    tables = {code: linkage_evaluation_tables(catalog, database, code, audience) for code in wanted}
    first = tables[wanted[0]]
    flags = tuple(gap.sentence() for code in wanted if code in by
                  for gap in recall_gaps(catalog, tables[code]["recall"]))
    return LinkageNotes(quality_line(first["precision"], first["recall"]), flags)




# --- the linkage model ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkageModelTables:
    """The trained linkage model as the build stored it: ``parameters`` (comparison, level,
    m_probability, u_probability, match_weight) and ``settings`` (setting, value)."""

    parameters: pd.DataFrame
    settings: pd.DataFrame


def linkage_model_tables(catalog: Catalog, database: Database) -> LinkageModelTables | None:
    """The catalog's linkage model (None when it declares none). No disclosure control: m and u
    probabilities, match weights, the threshold and the blocking rules are parameters of the
    linkage, estimated over all record pairs; they describe how the linkage behaves, not any
    person or group of people, so they carry no count that could identify someone and are shown
    as stored."""
    if catalog.linkage.model is None:
        return None
    parameters, settings = QueryRunner(database, catalog).linkage_model()
    return LinkageModelTables(parameters, settings)


__all__ = ["LinkageModelTables", "LinkageNotes", "RecallGap", "evaluation_raw_table",
           "linkage_evaluation_table", "linkage_evaluation_tables", "linkage_model_tables",
           "linkage_notes", "quality_line", "recall_gaps"]
