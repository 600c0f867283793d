"""Linkage bias: linked and unlinked records compared on the characteristics both sides hold.

Published guidance asks analysts of linked data to compare the characteristics of records that
were linked with those that were not, because records that fail to link are rarely a random
subset, and a difference between them biases any result computed from the linked data alone:
Harron K, Dibben C, Boyd J, et al. "Challenges in administrative data linkage for research",
Big Data & Society 2017; 4(2); Harron K, Doidge JC, Knight HE, et al. "A guide to evaluating
linkage quality for the analysis of linked data", Int J Epidemiol 2017; 46(5):1699-1710 (compare
the characteristics of linked and unlinked records).

For each characteristic in the catalog's ``dataset.linkage.bias`` (a column of the records table
holding a dimension's category codes): the records by category x linked or not, protected as ONE
two-way table with its margins under the audience's policy (as explorer.tables.linkage_quality
does), so a small number of unlinked records in a category is neither shown nor derivable from
the shares; then, from the shown cells only (explorer.tables.linkage_cells): the share of linked
and of unlinked records in each category with Wilson CIs, Austin's standardised difference per
category (|d| >= 0.1 is notable; explorer.measures.balance) and Pearson's chi-square test of
independence over the categories whose two counts are both shown (a category with a hidden or
unavailable count is left out of the test, and the view says which).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.catalog import Catalog
from explorer.db.connection import Database
from explorer.db.runner import QueryRunner
from explorer.measures.balance import NOTABLE_DIFFERENCE, ChiSquareResult, chi_square_independence
from explorer.sdc.protect import protect
from explorer.sdc.raw_table import RawTable
from explorer.sdc.structure import DimensionLevels
from explorer.tables.aggregate import dimension_labels
from explorer.tables.build import policy_for
from explorer.tables.linkage_cells import LINKAGE, LINKED, UNLINKED
from explorer.tables.measure_table import MeasureTable, linkage_bias_measure_tables


@dataclass(frozen=True)
class LinkageBiasView:
    """One characteristic's comparison of linked and unlinked records, every number from the
    shown cells of one protected table: ``shares`` (category x linked / unlinked: the share of
    each side's records in the category), ``differences`` (per category: the standardised
    difference), ``test`` (chi-square over ``tested``, the categories whose counts are all
    shown; ``left_out``: the others)."""

    characteristic: str
    label: str
    shares: MeasureTable
    differences: MeasureTable
    test: ChiSquareResult
    tested: tuple[str, ...]
    left_out: tuple[str, ...]

    def notable(self) -> tuple[str, ...]:
        """Categories whose shown standardised difference is at least 0.1 either way."""
        frame = self.differences.frame
        values = frame["value"].to_numpy(float)
        keep = ~np.isnan(values) & (np.abs(values) >= NOTABLE_DIFFERENCE)
        return tuple(frame.loc[keep, self.characteristic].astype(str))


def bias_raw_table(catalog: Catalog, runner: QueryRunner, characteristic: str) -> RawTable:
    """Records by ``characteristic`` x linked or not (raw, for explorer.sdc.protect only). The
    dimension's categories, without hierarchy subtotals: a records table holds the codes."""
    chosen = catalog.dimension(characteristic)
    frame = runner.linkage_bias(characteristic)
    frame[LINKAGE] = np.where(frame["linked"].astype(bool), LINKED, UNLINKED)
    levels = DimensionLevels(characteristic, tuple(c.code for c in chosen.categories))
    return RawTable.from_frame(
        frame.drop(columns="linked"), (levels, DimensionLevels(LINKAGE, (LINKED, UNLINKED))),
        "records", record_key_sum="record_key_sum",
        labels={characteristic: dimension_labels(chosen),
                LINKAGE: {LINKED: "Linked records", UNLINKED: "Unlinked records"}},
        description=f"Linked and unlinked records by {chosen.label.lower()}")


def linkage_bias_view(catalog: Catalog, database: Database, characteristic: str,
                      audience: str = "official") -> LinkageBiasView:
    """Linked against unlinked records on one characteristic, protected for ``audience``."""
    raw = bias_raw_table(catalog, QueryRunner(database, catalog), characteristic)
    protected = protect(raw, policy_for(catalog, audience))
    tables = linkage_bias_measure_tables(protected, characteristic, catalog, audience)
    shares = tables["shares"]
    frame = shares.frame
    counts = frame.pivot_table(index=characteristic, columns=LINKAGE, values="events",
                               aggfunc="first", dropna=False, sort=False)
    categories = list(dict.fromkeys(frame[characteristic].astype(str)))
    counts = counts.reindex(index=categories)
    complete = counts.notna().all(axis=1) & frame.groupby(characteristic, sort=False)["value"] \
        .apply(lambda values: values.notna().all()).reindex(categories)
    tested = tuple(str(c) for c in counts.index[complete.to_numpy(bool)])
    test = chi_square_independence(counts.loc[list(tested)].to_numpy(float)) if len(tested) >= 2 \
        else ChiSquareResult(float("nan"), 0, float("nan"))
    return LinkageBiasView(characteristic, catalog.dimension(characteristic).label, shares,
                           tables["differences"], test, tested,
                           tuple(c for c in categories if c not in tested))


def linkage_bias_views(catalog: Catalog, database: Database,
                       audience: str = "official") -> tuple[LinkageBiasView, ...]:
    """The view for every characteristic of the catalog's linkage bias section, in its order."""
    bias = catalog.linkage.bias
    if bias is None:
        return ()
    return tuple(linkage_bias_view(catalog, database, code, audience)
                 for code in bias.characteristics)


__all__ = ["NOTABLE_DIFFERENCE", "LinkageBiasView", "bias_raw_table", "linkage_bias_view",
           "linkage_bias_views"]
