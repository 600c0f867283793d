"""The linkage-bias view (explorer.tables.linkage_bias) on the justice-education database:
statisticians' shown shares, standardised differences and chi-square test equal a direct
DuckDB and scipy computation; every policy protects the counts (no shown count below the
threshold; a hidden count leaves its category out of every figure); and every figure comes
from the shown cells of one protected two-way table."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest
from scipy.stats import chi2_contingency

from explorer.catalog import load_catalog
from explorer.db.runner import QueryRunner
from explorer.errors import QueryError
from explorer.sdc.protect import protect
from explorer.sdc.status import CellStatus
from explorer.tables.build import policy_for, protected_table
from explorer.tables.request import validate_request
from explorer.tables.linkage_bias import (NOTABLE_DIFFERENCE, bias_raw_table, linkage_bias_view,
                                          linkage_bias_views)

pytestmark = pytest.mark.sql

NUMBERS = ["value", "lower", "upper", "events", "denominator"]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog("justice_education")


def _direct(path, column: str) -> dict[int, tuple[int, int]]:
    """(linked, unlinked) records by category code, straight from the justice records table."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            f"SELECT {column}, count(*) FILTER (WHERE linked), count(*) FILTER (WHERE NOT linked) "
            f"FROM justice_records GROUP BY ALL").fetchall()
    return {code: (linked, unlinked) for code, linked, unlinked in rows}


@pytest.mark.parametrize("characteristic", ["sex", "ethnicity", "region", "birth_cohort"])
def test_statistician_figures_equal_a_direct_computation(catalog, justice_db, justice_db_path,
                                                         characteristic):
    view = linkage_bias_view(catalog, justice_db, characteristic, "statistician")
    direct = _direct(justice_db_path, catalog.linkage.bias.characteristics[characteristic])
    linked_total = sum(pair[0] for pair in direct.values())
    unlinked_total = sum(pair[1] for pair in direct.values())
    codes = [c.code for c in catalog.dimension(characteristic).categories]
    shares = view.shares.frame
    differences = view.differences.frame
    assert len(shares) == 2 * len(codes) and len(differences) == len(codes)
    for position, code in enumerate(codes):
        linked, unlinked = direct.get(code, (0, 0))
        for row, count, total in ((shares.iloc[2 * position], linked, linked_total),
                                  (shares.iloc[2 * position + 1], unlinked, unlinked_total)):
            if not np.isnan(row["value"]):
                assert (row["events"], row["denominator"]) == (count, total)
                assert row["value"] == pytest.approx(100 * count / total, abs=0.006)
        d = differences["value"].iat[position]
        if not np.isnan(d):
            p1, p2 = linked / linked_total, unlinked / unlinked_total
            by_hand = (p1 - p2) / math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2)
            assert d == pytest.approx(by_hand, abs=0.0006)
    tested = [catalog.dimension(characteristic).resolve(label).code for label in view.tested]
    if len(tested) >= 2:
        table = np.array([direct[code] for code in tested], dtype=float)
        statistic, p_value, dof, _ = chi2_contingency(table, correction=False)
        assert (view.test.statistic, view.test.dof) == (pytest.approx(statistic), dof)
        assert view.test.p_value == pytest.approx(p_value)


@pytest.mark.parametrize("audience", ["public", "official", "statistician"])
@pytest.mark.parametrize("characteristic", ["ethnicity", "region"])
def test_no_shown_count_is_below_the_threshold(catalog, justice_db, audience, characteristic):
    policy = policy_for(catalog, audience)
    raw = bias_raw_table(catalog, QueryRunner(justice_db, catalog), characteristic)
    protected = protect(raw, policy)
    cells = protected.cells()
    shown = cells[cells["value"].notna() & (cells["value"] > 0)]
    assert (shown["value"] >= policy.threshold).all()
    if not policy.perturbed:
        assert protected.audit_passes
    view = linkage_bias_view(catalog, justice_db, characteristic, audience)
    for table in (view.shares, view.differences):
        frame = table.frame
        hidden = frame["status"].map(lambda status: CellStatus(status).hidden)
        assert frame.loc[hidden, NUMBERS].isna().all().all()
        assert (frame.loc[hidden, "marker"] == "[c]").all()
        assert table.policy.startswith(audience)
    events = view.shares.frame["events"].to_numpy(float)
    assert (events[~np.isnan(events)] >= policy.threshold).all()
    # a category with a hidden count takes no part in the test or the differences
    hidden_categories = set(view.shares.frame.loc[view.shares.frame["value"].isna(), characteristic])
    assert hidden_categories == set(view.left_out)
    assert not hidden_categories & set(view.tested)
    assert view.differences.frame.loc[
        view.differences.frame[characteristic].isin(hidden_categories), "value"].isna().all()


def test_shares_use_the_protected_margins(catalog, justice_db):
    """Each share's denominator is the shown total of its side (linked or unlinked records), a
    cell of the same protected table; official counts are perturbed (whole numbers)."""
    view = linkage_bias_view(catalog, justice_db, "region", "official")
    raw = bias_raw_table(catalog, QueryRunner(justice_db, catalog), "region")
    cells = protect(raw, policy_for(catalog, "official")).cells()
    totals = cells[cells["region"] == "__total__"].set_index("linkage")["value"]
    frame = view.shares.frame
    assert set(frame.loc[frame["linkage"] == "Linked records", "denominator"].dropna()) == {totals["linked"]}
    assert set(frame.loc[frame["linkage"] == "Unlinked records", "denominator"].dropna()) == {totals["not_linked"]}
    assert (frame["events"].dropna() % 1 == 0).all()


def test_notable_differences_are_those_of_at_least_a_tenth(catalog, justice_db):
    view = linkage_bias_view(catalog, justice_db, "ethnicity", "official")
    values = view.differences.frame.set_index("ethnicity")["value"]
    assert set(view.notable()) == {label for label, d in values.items()
                                   if not np.isnan(d) and abs(d) >= NOTABLE_DIFFERENCE}


def test_every_characteristic_of_the_catalog_and_nothing_else(catalog, justice_db, census_catalog,
                                                              database):
    views = linkage_bias_views(catalog, justice_db)
    assert [view.characteristic for view in views] == list(catalog.linkage.bias.characteristics)
    with pytest.raises(QueryError, match="compared on sex, ethnicity, region, birth_cohort, not 'fsm'"):
        linkage_bias_view(catalog, justice_db, "fsm")
    assert linkage_bias_views(census_catalog, database) == ()


def test_linked_records_and_explore_counts_share_their_noise(catalog, justice_db, justice_db_path):
    """Attack: the bias view's linked justice records and Explore's "cautioned or sentenced"
    pupils are nearly the same people. Were they two independently perturbed copies, averaging
    them would shrink the noise. A linked record carries its pupil's record key, so wherever
    the same people are counted (the total always; a sex where no linked record's recorded sex
    differs from its pupil's) the two tables show the same perturbed figure, and the average
    gives nothing new."""
    policy = policy_for(catalog, "official")
    runner = QueryRunner(justice_db, catalog)
    bias = protect(bias_raw_table(catalog, runner, "sex"), policy).cells()
    linked = bias[bias["linkage"] == "linked"].set_index("sex")["value"]
    request = validate_request(catalog, outcome="cautioned_or_sentenced", measure="count",
                               by=("sex",), audience="official")
    explore = protected_table(request, catalog, justice_db, policy).cells().set_index("sex")["value"]
    assert linked["__total__"] == explore["__total__"]
    with duckdb.connect(str(justice_db_path), read_only=True) as connection:
        def per_sex(sql: str) -> dict:
            rows = connection.execute(sql).fetchall()
            return {str(sex): (count, key % 256) for sex, count, key in rows}
        records = per_sex("SELECT sex, count(*), sum(record_key) FROM justice_records "
                          "WHERE linked GROUP BY sex")
        pupils = per_sex("SELECT sex, count(*), sum(record_key) FROM pupils "
                         "WHERE cautioned_or_sentenced = 1 GROUP BY sex")
    for sex, cell in records.items():
        if pupils.get(sex) == cell:       # same count and same cell key: the same noise
            assert linked[sex] == explore[sex]
