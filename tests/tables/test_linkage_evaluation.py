"""Linkage precision and recall (explorer.tables.linkage_evaluation) on the justice-education
database: statisticians' shown figures equal a direct DuckDB computation; every policy protects
the counts (no shown count below the threshold, hidden figures carry no number); precision and
recall come from cells of ONE protected table (perturbed consistently with Explore's counts);
and the Explore flag names a group whose recall is notably lower than the best group's."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from explorer.catalog import load_catalog
from explorer.db.runner import QueryRunner
from explorer.errors import QueryError
from explorer.sdc.protect import protect
from explorer.sdc.status import CellStatus
from explorer.tables import build_table, validate_request
from explorer.tables.build import policy_for
from explorer.tables.linkage_cells import HAS_RECORD, LINK, LINKED, OWN_RECORD, TRUTH
from explorer.tables.linkage_evaluation import (evaluation_raw_table, linkage_evaluation_table,
                                                linkage_evaluation_tables, linkage_notes,
                                                recall_gaps)
from explorer.sdc.structure import TOTAL

pytestmark = pytest.mark.sql

DIRECT = """
SELECT {column} AS code,
       sum(link_correct) AS correct,
       sum(linked_to_justice) AS links,
       sum(has_justice_record) AS true_matches
FROM pupils WHERE in_cohort GROUP BY ALL
UNION ALL
SELECT NULL, sum(link_correct), sum(linked_to_justice), sum(has_justice_record)
FROM pupils WHERE in_cohort
"""


@pytest.fixture(scope="module")
def catalog():
    return load_catalog("justice_education")


def _direct(path, column: str) -> dict:
    """Correct links, links made and true matches by ``column`` (None: everyone), straight from
    the pupils table."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(DIRECT.format(column=column)).fetchall()
    return {code: (correct, links, true) for code, correct, links, true in rows}


@pytest.fixture(scope="module", params=["real build", "hand-made with wrong links"])
def any_database(request, justice_db, justice_db_path, justice_tiny_data):
    """The real builder's small build, and the hand-made database whose linkage also links
    records to the wrong pupils (so precision is below 100%)."""
    if request.param == "real build":
        yield justice_db, justice_db_path
        return
    from explorer.db.connection import open_database

    with open_database(justice_tiny_data.path) as opened:
        yield opened, justice_tiny_data.path


def test_statistician_figures_equal_a_direct_computation(catalog, any_database):
    """The statistician's policy does not perturb: every shown precision and recall is exactly
    the direct ratio, with the direct counts as events and denominators. (Secondary
    suppression hides a group's figures when a small count, e.g. a handful of wrong links, could
    otherwise be worked out from them; the overall figures are always shown here.)"""
    justice_db, justice_db_path = any_database
    shown_groups = 0
    for dimension in catalog.linkage.evaluation.by:
        tables = linkage_evaluation_tables(catalog, justice_db, dimension, "statistician")
        direct = _direct(justice_db_path, dimension)
        codes = [c.code for c in catalog.dimension(dimension).categories] + [None]
        for name, (events_at, denominator_at) in {"precision": (0, 1), "recall": (0, 2)}.items():
            frame = tables[name].frame
            assert len(frame) == len(codes)
            assert not np.isnan(frame["value"].iat[-1])  # the total
            for code, (_, row) in zip(codes, frame.iterrows()):
                if np.isnan(row["value"]):
                    continue
                counts = direct[code]
                assert row["events"] == counts[events_at]
                assert row["denominator"] == counts[denominator_at]
                assert row["value"] == pytest.approx(
                    100 * counts[events_at] / counts[denominator_at], abs=0.006)
                assert row["lower"] <= row["value"] <= row["upper"]
                shown_groups += code is not None
    assert shown_groups >= 2


@pytest.mark.parametrize("audience", ["public", "official", "statistician"])
@pytest.mark.parametrize("dimension", ["ethnicity", "region"])
def test_no_shown_count_is_below_the_threshold(catalog, justice_db, audience, dimension):
    policy = policy_for(catalog, audience)
    raw = evaluation_raw_table(catalog, QueryRunner(justice_db, catalog), dimension)
    protected = protect(raw, policy)
    cells = protected.cells()
    shown = cells[cells["value"].notna() & (cells["value"] > 0)]
    assert (shown["value"] >= policy.threshold).all()
    assert raw.counts[(raw.counts > 0) & (raw.counts < policy.threshold)].size > 0  # there are small cells
    if not policy.perturbed:
        assert protected.audit_passes  # no hidden count can be worked out from the shown cells
    for table in linkage_evaluation_tables(catalog, justice_db, dimension, audience).values():
        frame = table.frame
        hidden = frame["status"].map(lambda status: CellStatus(status).hidden)
        assert frame.loc[hidden, ["value", "lower", "upper", "events", "denominator"]] \
            .isna().all().all()
        assert (frame.loc[hidden, "marker"] == "[c]").all()
        counts = frame[["events", "denominator"]].to_numpy(float)
        assert (counts[~np.isnan(counts)] >= policy.threshold).all()
        assert table.policy.startswith(audience)


def test_figures_use_cells_of_one_protected_table(catalog, justice_db):
    """Recall is (has a record, own link) / (has a record, all); precision (all, own link) /
    (all, linked): each number is a shown cell of the same protected table."""
    policy = policy_for(catalog, "official")
    protected = protect(evaluation_raw_table(catalog, QueryRunner(justice_db, catalog), "fsm"),
                        policy)
    cells = protected.cells().set_index(["fsm", TRUTH, LINK])
    tables = linkage_evaluation_tables(catalog, justice_db, "fsm", "official")
    for position, level in enumerate([1, 2, TOTAL]):
        recall, precision = tables["recall"].frame.iloc[position], tables["precision"].frame.iloc[position]
        assert recall["events"] == cells.loc[(level, HAS_RECORD, OWN_RECORD), "value"]
        assert recall["denominator"] == cells.loc[(level, HAS_RECORD, TOTAL), "value"]
        assert precision["events"] == cells.loc[(level, TOTAL, OWN_RECORD), "value"]
        assert precision["denominator"] == cells.loc[(level, TOTAL, LINKED), "value"]


def test_links_made_get_the_same_noise_as_explores_people_with_the_outcome(catalog, justice_db):
    """Links made by group are the same people as Explore's people cautioned or sentenced, so
    cell key perturbation gives them the same shown count: nothing to average or subtract."""
    request = validate_request(catalog, outcome="cautioned_or_sentenced", measure="count",
                               by=["fsm"], audience="official")
    explore = build_table(request, catalog, justice_db).frame
    precision = linkage_evaluation_table(catalog, justice_db, "fsm", "official", "precision").frame
    assert list(precision["denominator"]) == list(explore["value"])


def test_the_tables_are_sealed_and_flag_their_total_and_reference(catalog, justice_db):
    recall = linkage_evaluation_table(catalog, justice_db, "sex")
    assert type(recall).__name__ == "MeasureTable"
    flags = recall.row_flags
    assert flags["is_margin"].tolist() == [False, False, True]
    assert recall.frame.loc[flags["is_reference"], "sex"].tolist() == ["Female"]
    assert recall.unit == "% of true matches found" and recall.events_label == "Correct links"
    with pytest.raises(QueryError, match="precision, recall"):
        linkage_evaluation_table(catalog, justice_db, "sex", measure="f1")


def test_only_the_catalogs_evaluation_dimensions(catalog, justice_db, census_catalog, database):
    with pytest.raises(QueryError, match="reported by sex, ethnicity, fsm, region, not 'sen'"):
        linkage_evaluation_tables(catalog, justice_db, "sen")
    with pytest.raises(QueryError, match="declares no linkage evaluation"):
        linkage_evaluation_tables(census_catalog, database, "sex")
    assert linkage_notes(census_catalog, database, ("sex",)) is None


def test_a_group_with_notably_lower_recall_is_flagged(catalog, justice_db):
    """The builder's identifier errors are more frequent for some ethnic groups, so their
    records are found less often: the groups whose shown, reliable recall is at least the
    catalog's recall gap below the best such group's are exactly the ones flagged."""
    gap = 100 * catalog.linkage.evaluation.recall_gap
    recall = linkage_evaluation_table(catalog, justice_db, "ethnicity")
    gaps = recall_gaps(catalog, recall)
    assert gaps, recall.frame
    frame = recall.frame[~recall.row_flags["is_margin"]]
    comparable = frame[frame["value"].notna() & (frame["marker"] == "")]
    best = comparable["value"].max()
    expected = set(comparable.loc[best - comparable["value"] >= gap - 1e-9, "ethnicity"])
    assert {flag.group for flag in gaps} == expected
    for flag in gaps:
        assert flag.best_recall == best and flag.dimension == "ethnic group"
    sentence = gaps[0].sentence()
    assert sentence.startswith("Linkage found fewer of the records")
    assert f"recall {gaps[0].recall:.1f}%" in sentence and "may understate" in sentence


def test_low_reliability_groups_are_not_compared(catalog, justice_tiny_data):
    """A recall from fewer than 20 shown matches ([u]) is neither the best nor flagged."""
    from explorer.db.connection import open_database

    with open_database(justice_tiny_data.path) as database:
        recall = linkage_evaluation_table(catalog, database, "ethnicity")
    low = set(recall.frame.loc[recall.frame["marker"] == "[u]", "ethnicity"])
    assert low  # the hand-made data's "Unclassified" group is small
    gaps = recall_gaps(catalog, recall)
    assert gaps and not low & {flag.group for flag in gaps}
    assert not low & {flag.best_group for flag in gaps}


def test_wrong_links_lower_precision(catalog, justice_tiny_data):
    """The hand-made linkage links some records to the wrong pupil: precision below 100%, equal
    to the direct figure for the statistician."""
    from explorer.db.connection import open_database

    pupils = justice_tiny_data.pupils
    with open_database(justice_tiny_data.path) as database:
        precision = linkage_evaluation_table(catalog, database, "fsm", "statistician",
                                             "precision").frame.iloc[-1]
    direct = 100 * pupils["link_correct"].sum() / pupils["linked_to_justice"].sum()
    assert precision["value"] == pytest.approx(direct, abs=0.006) and precision["value"] < 99


def test_the_explore_note_always_has_the_quality_line(catalog, justice_db):
    notes = linkage_notes(catalog, justice_db, ("sen",))
    assert notes.quality.startswith("Linkage quality (whole cohort): precision ")
    assert notes.flags == ()  # no evaluation dimension in the breakdown: no flag
    with_flags = linkage_notes(catalog, justice_db, ("ethnicity", "sex"))
    expected = recall_gaps(catalog, linkage_evaluation_table(catalog, justice_db, "ethnicity"))
    assert with_flags.flags == tuple(gap.sentence() for gap in expected) and with_flags.flags
    overall = linkage_evaluation_table(catalog, justice_db, "sex").frame.iloc[-1]
    assert f"recall {overall['value']:.1f}%" in with_flags.quality
