"""Linkage precision, recall and linked-against-unlinked shares, computed from the shown cells of
a protected table (the measures step, explorer.tables.measure_table, seals the frames made here).

Evaluation (explorer.tables.linkage_evaluation): one protected three-way table, group x truth
(a record truly belongs to the person, or none does) x link (linked to their own record, linked
to another one, not linked; with the subtotals "linked" and "not linked"). Then

- recall = (group, truth yes, linked to own) / (group, truth yes, all): of the true matches, the
  share the linkage found;
- precision = (group, all, linked to own) / (group, all, linked): of the links made, the share
  that were correct.

Bias (explorer.tables.linkage_bias): one protected two-way table, characteristic x linked or not;
the share of linked records in each category is (category, linked) / (all, linked), and of
unlinked records (category, not linked) / (all, not linked); their standardised difference is
Austin's (explorer.measures.balance).

Every figure uses shown cells only: when a cell it needs is hidden, the figure is hidden with
that cell's status ([c]); figures from fewer shown events than the policy's ``rate_reliability``
allows are not calculated ([x]) or marked low reliability ([u]), as rates are; a share whose
perturbed count came out above its perturbed total is not calculated either ([x]).
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from explorer.catalog import Catalog
from explorer.measures.balance import standardised_difference
from explorer.measures.proportions import proportion
from explorer.sdc.protected_table import ProtectedTable
from explorer.sdc.status import CellStatus, Marker
from explorer.sdc.structure import TOTAL
from explorer.tables.cell_measures import worst_status

TRUTH, LINK, LINKAGE = "linkage_truth", "linkage_result", "linkage"
"""The evaluation table's second and third dimensions, and the bias table's second."""
HAS_RECORD, NO_RECORD = 1, 2
OWN_RECORD, OTHER_RECORD, NO_LINK = 1, 2, 3
LINKED, UNLINKED = "linked", "not_linked"
"""Levels: truth (a record belongs to the person or not), link result (linked to the person's own
record, to another one, not linked) and its two subtotals; the bias table's linkage levels."""
PROTECTED_TOGETHER = "counts_protected_together"
"""Rule of a figure hidden because a cell it needs is hidden."""
PART_ABOVE_WHOLE = "perturbed_count_above_its_total"
"""Rule of a share not calculated because perturbation took its count above its total."""
SHOWN = CellStatus.SHOWN.value


def _flags(dimension: str, level: Hashable, margin: bool, reference: int | None) -> dict:
    return {dimension: level, f"{dimension}_is_margin": margin, "is_margin": margin,
            "is_reference": not margin and level == reference}


def _blank_row(label: dict, *inputs) -> dict:
    """A figure's row before its number: the worse status of the cells or figures it is made
    from, and hidden ([c], protected together) when any of them is hidden."""
    statuses = [CellStatus(item["status"]) for item in inputs]
    row = {**label, "value": np.nan, "lower": np.nan, "upper": np.nan, "events": np.nan,
           "denominator": np.nan, "status": worst_status(statuses).value, "marker": "", "rule": ""}
    if any(status.hidden for status in statuses):
        row.update(marker=Marker.CONFIDENTIAL.value, rule=PROTECTED_TOGETHER)
    return row


def _share(label: dict, events: pd.Series, denominator: pd.Series, policy) -> dict:
    """One figure: events / denominator x 100 with its Wilson CI, from two shown cells; hidden
    ([c], no number) when either is hidden; not calculated ([x]) or marked [u] when the shown
    events are too few (the policy's rate_reliability)."""
    row = _blank_row(label, events, denominator)
    if row["marker"]:
        return row
    shown_events, shown_denominator = float(events["value"]), float(denominator["value"])
    row.update(events=shown_events, denominator=shown_denominator)
    if shown_events < policy.rate_hide_below:
        row.update(marker=Marker.NOT_AVAILABLE.value, rule="rate_reliability")
        return row
    if shown_events > shown_denominator:  # perturbed independently, the part can pass the whole
        row.update(marker=Marker.NOT_AVAILABLE.value, rule=PART_ABOVE_WHOLE)
        return row
    result = proportion(shown_events, shown_denominator, multiplier=100)
    row.update(value=round(float(result.value), 2), lower=round(float(result.lower), 2),
               upper=round(float(result.upper), 2))
    if shown_events < policy.rate_flag_below:
        row.update(marker=Marker.LOW_RELIABILITY.value, rule="rate_reliability")
    return row


def evaluation_frames(protected: ProtectedTable, dimension: str, catalog: Catalog
                      ) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """``{"precision": (frame, row_flags), "recall": (frame, row_flags)}`` by ``dimension``
    (its categories and total, in the engine's order), from the protected group x truth x link
    table."""
    reference = catalog.dimension(dimension).reference_category.code
    cells = protected.cells()
    rows: dict[str, list] = {"precision": [], "recall": []}
    flags = []
    for level in dict.fromkeys(cells[dimension]):
        mine = cells[cells[dimension] == level].set_index([TRUTH, LINK])
        label = {dimension: mine[f"{dimension}_label"].iat[0]}
        rows["recall"].append(_share(label, mine.loc[(HAS_RECORD, OWN_RECORD)],
                                     mine.loc[(HAS_RECORD, TOTAL)], protected.policy))
        rows["precision"].append(_share(label, mine.loc[(TOTAL, OWN_RECORD)],
                                        mine.loc[(TOTAL, LINKED)], protected.policy))
        margin = level == TOTAL or bool(mine["is_margin"].all())
        flags.append(_flags(dimension, level, margin, reference))
    return {name: (pd.DataFrame(found), pd.DataFrame(flags)) for name, found in rows.items()}


def bias_frames(protected: ProtectedTable, characteristic: str, catalog: Catalog
                ) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """``{"shares": ..., "differences": ...}``: the share of linked and of unlinked records in
    each category of ``characteristic`` (rows: category x linked / not linked) and, per
    category, the standardised difference of the two shares (hidden when either share is not
    shown). Totals are left out (every share of a total is 100%)."""
    reference = catalog.dimension(characteristic).reference_category.code
    cells = protected.cells()
    totals = cells[cells[characteristic] == TOTAL].set_index(LINKAGE)
    share_rows, share_flags, difference_rows, difference_flags = [], [], [], []
    for level in dict.fromkeys(cells.loc[~cells["is_margin"], characteristic]):
        mine = cells[cells[characteristic] == level].set_index(LINKAGE)
        label = mine[f"{characteristic}_label"].iat[0]
        pair = {}
        for side, side_label in ((LINKED, "Linked records"), (UNLINKED, "Unlinked records")):
            row = _share({characteristic: label, LINKAGE: side_label}, mine.loc[side],
                         totals.loc[side], protected.policy)
            share_rows.append(row)
            share_flags.append({**_flags(characteristic, level, False, reference), LINKAGE: side,
                                f"{LINKAGE}_is_margin": False})
            pair[side] = row
        difference_rows.append(_difference({characteristic: label}, pair[LINKED], pair[UNLINKED]))
        difference_flags.append(_flags(characteristic, level, False, reference))
    order = [characteristic, LINKAGE, f"{characteristic}_is_margin", f"{LINKAGE}_is_margin",
             "is_margin", "is_reference"]
    return {"shares": (pd.DataFrame(share_rows), pd.DataFrame(share_flags)[order]),
            "differences": (pd.DataFrame(difference_rows), pd.DataFrame(difference_flags))}


def _difference(label: dict, linked: dict, unlinked: dict) -> dict:
    """Austin's standardised difference of the two shares of one category, from their shown
    events and denominators (not the rounded percentages); hidden with the worse status of the
    two when either share is hidden, and not calculated ([x]) when either share is not."""
    row = _blank_row(label, linked, unlinked)
    if row["marker"]:
        return row
    if np.isnan(linked["value"]) or np.isnan(unlinked["value"]):
        row.update(marker=Marker.NOT_AVAILABLE.value, rule="rate_reliability")
        return row
    d = standardised_difference(linked["events"] / linked["denominator"],
                                unlinked["events"] / unlinked["denominator"])
    row["value"] = round(float(d), 3)
    if Marker.LOW_RELIABILITY.value in (linked["marker"], unlinked["marker"]):
        row.update(marker=Marker.LOW_RELIABILITY.value, rule="rate_reliability")
    return row


__all__ = ["HAS_RECORD", "LINK", "LINKAGE", "LINKED", "NO_LINK", "NO_RECORD", "OTHER_RECORD",
           "OWN_RECORD", "TRUTH", "UNLINKED", "bias_frames", "evaluation_frames"]
