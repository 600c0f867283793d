"""Graceful hiding (issue 17): tables by a coarser grouping declared in the catalog, and what the
Explore page can offer when a view's groups are hidden (explorer.tables.alternatives), on the
1M-person test database under the official policy."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from explorer.db.runner import QueryRunner
from explorer.errors import QueryError
from explorer.tables import build_table, build_view_tables
from explorer.tables.aggregate import raw_table, request_filters
from explorer.tables.alternatives import (COARSER, FEWER_FILTERS, LONGER_PERIOD, MAX_ALTERNATIVES,
                                          alternatives_for, hidden_reason, hidden_rows,
                                          nothing_to_draw)
from explorer.tables.request import validate_request

pytestmark = pytest.mark.sql

ISSUE_WHERE = {"sex": "female", "region": "north_west"}
"""Issue 17: "Suicide by disability for women in the North West"."""


def _request(catalog, measure="asmr", by=("disability",), where=None, period=None,
             outcome="suicide", audience="official"):
    return validate_request(catalog, outcome=outcome, measure=measure, by=list(by),
                            where=ISSUE_WHERE if where is None else where, period=period,
                            audience=audience)


class CountingBuilder:
    """The page's table builder, counting the tables it builds."""

    def __init__(self, catalog, database):
        self.catalog, self.database, self.built = catalog, database, []

    def __call__(self, request):
        self.built.append(request)
        return build_table(request, self.catalog, self.database)


def _row(table, column, label):
    frame = table.frame
    return frame[frame[column] == label].iloc[0]


# --- the grouping dimension's raw tables -----------------------------------------------------

@pytest.mark.parametrize("measure, period", [("asmr", None), ("asmr", (2020, 2020)),
                                             ("proportion", None), ("count", (2011, 2015))])
def test_a_grouped_cell_sums_its_base_categories_events_people_and_keys(census_catalog, database,
                                                                        measure, period):
    """Events, person-years (and age strata), persons and record-key sums of a group are the
    sums over its base categories: the events path, the persons path, and a filtered view."""
    runner = QueryRunner(database, census_catalog)
    fine = raw_table(_request(census_catalog, measure, ("disability",), period=period),
                     census_catalog, runner)
    coarse = raw_table(_request(census_catalog, measure, ("disability_grouped",), period=period),
                       census_catalog, runner)
    assert fine.counts.sum() > 0
    groups = [[0, 1], [2]]  # limited a lot + a little; not limited
    for index, members in enumerate(groups):
        assert coarse.counts[index] == fine.counts[members].sum()
        assert coarse.record_key_sums[index] == fine.record_key_sums[members].sum()
        for name, values in fine.additive.items():
            assert coarse.additive[name][index] == pytest.approx(values[members].sum())
        if fine.strata_events is not None:
            np.testing.assert_allclose(coarse.strata_events[index],
                                       fine.strata_events[members].sum(axis=0))
            np.testing.assert_allclose(coarse.strata_person_years[index],
                                       fine.strata_person_years[members].sum(axis=0))


def test_a_filter_on_a_group_selects_its_base_categories(census_catalog, database):
    request = _request(census_catalog, "count", ("sex",),
                       where={"disability_grouped": "disabled", "region": "north_west"})
    assert request_filters(request, census_catalog) == {
        "disability": ["limited_a_lot", "limited_a_little"], "region": ["north_west"]}
    runner = QueryRunner(database, census_catalog)
    grouped = raw_table(request, census_catalog, runner)
    parts = [raw_table(_request(census_catalog, "count", ("sex",),
                                where={"disability": key, "region": "north_west"}),
                       census_catalog, runner) for key in ("limited_a_lot", "limited_a_little")]
    np.testing.assert_array_equal(grouped.counts, parts[0].counts + parts[1].counts)
    np.testing.assert_array_equal(grouped.record_key_sums,
                                  parts[0].record_key_sums + parts[1].record_key_sums)
    both = _request(census_catalog, "count", ("sex",),
                    where={"disability_grouped": "disabled", "disability": "not_limited"})
    assert request_filters(both, census_catalog)["disability"] == []
    assert raw_table(both, census_catalog, runner).counts.sum() == 0  # nobody is both


def test_a_grouping_and_its_base_are_not_both_breakdowns(census_catalog):
    with pytest.raises(QueryError, match=r"Disability \(2 groups\) groups disability"):
        _request(census_catalog, "count", ("disability", "disability_grouped"), where={})


def test_the_view_and_trend_by_a_grouping_come_from_one_shared_scan(census_catalog, database):
    request = _request(census_catalog, "asmr", ("disability_grouped",))
    view, trend = build_view_tables(request, census_catalog, database)
    assert list(view.frame["disability_grouped"]) == [
        "Disabled (limited a lot or a little)", "Not disabled", "Total"]
    assert trend is not None and set(trend.frame["disability_grouped"]) >= {"Not disabled"}
    alone = build_table(request, census_catalog, database)
    assert view.frame.equals(alone.frame)


def test_a_person_level_grouping_counts_the_flags_of_its_base_categories(justice_catalog,
                                                                         justice_db):
    runner = QueryRunner(justice_db, justice_catalog)
    outcome = next(iter(justice_catalog.outcomes))

    def raw(by):
        request = validate_request(justice_catalog, outcome=outcome, measure="count", by=[by])
        return raw_table(request, justice_catalog, runner)

    fine, coarse = raw("sen"), raw("sen_grouped")
    assert fine.counts.sum() > 0
    assert list(coarse.counts) == [fine.counts[:2].sum(), fine.counts[2]]
    assert list(coarse.additive["persons"]) == [fine.additive["persons"][:2].sum(),
                                                fine.additive["persons"][2]]
    assert list(coarse.record_key_sums) == [fine.record_key_sums[:2].sum(),
                                            fine.record_key_sums[2]]


# --- issue 17: suicide by disability for women in the North West ------------------------------

def test_the_issue_view_offers_the_coarser_grouping_which_shows_disabled_women(census_catalog,
                                                                               database):
    request = _request(census_catalog)
    view = build_table(request, census_catalog, database)
    assert list(view.frame["marker"][:2]) == ["[c]", "[c]"]  # both disabled groups hidden
    assert hidden_rows(view) == (2, 3)

    build = CountingBuilder(census_catalog, database)
    started = time.perf_counter()
    offered = alternatives_for(request, view, census_catalog, build)
    elapsed = time.perf_counter() - started
    print(f"alternatives_for built {len(build.built)} tables in {elapsed:.3f} s")
    assert len(build.built) <= 4

    first = offered[0]
    assert first.kind == COARSER and first.label == "Use Disability (2 groups)"
    assert first.shows == "shows 2 of 2 groups (0 hidden)"
    assert first.request.by == ("disability_grouped",)
    assert dict(first.request.where) == {"sex": ("female",), "region": ("north_west",)}
    assert first.request.period == request.period and first.request.measure == "asmr"
    coarse = build_table(first.request, census_catalog, database)
    disabled = _row(coarse, "disability_grouped", "Disabled (limited a lot or a little)")
    assert disabled["status"] == "shown" and disabled["value"] > 0 and disabled["events"] >= 10
    assert not np.isnan(disabled["lower"])

    labels = [alternative.label for alternative in offered]
    assert "Remove the filter Region: North West" in labels
    assert all(alternative.kind in (COARSER, FEWER_FILTERS) for alternative in offered)


def test_the_issue_view_says_why_in_plain_words(census_catalog, database):
    view = build_table(_request(census_catalog), census_catalog, database)
    assert hidden_reason(view, census_catalog) == (
        "2 of 3 groups are hidden because fewer than 10 deaths were counted in them; combining "
        "groups, a longer period or fewer filters counts more people.")
    assert nothing_to_draw(view) is None  # the Not limited group's rate is shown


def test_a_single_year_offers_the_whole_follow_up_and_says_nothing_can_be_drawn(census_catalog,
                                                                              database):
    request = _request(census_catalog, period=(2020, 2020))
    view = build_table(request, census_catalog, database)
    hidden, rows = hidden_rows(view)
    assert hidden == rows == 3
    assert nothing_to_draw(view) == "Nothing to draw: no group has a value that can be shown."
    reason = hidden_reason(view, census_catalog)
    assert reason.startswith("3 of 3 groups are hidden because fewer than 10 deaths")
    offered = alternatives_for(request, view, census_catalog,
                               CountingBuilder(census_catalog, database))
    longer = [a for a in offered if a.kind == LONGER_PERIOD]
    assert [a.label for a in longer] == ["Use the whole follow-up, 2011 to 2021"]
    assert longer[0].request.period == (2011, 2021) and longer[0].request.by == request.by
    shares = []
    for alternative in offered:  # each hides fewer interior rows than the view, best first
        table = build_table(alternative.request, census_catalog, database)
        fewer, all_rows = hidden_rows(table)
        assert fewer < hidden
        assert alternative.shows == (f"shows {all_rows - fewer} of {all_rows} groups "
                                     f"({fewer} hidden)")
        shares.append(fewer / all_rows)
    assert shares == sorted(shares)


def test_a_ratio_table_with_only_its_reference_left_has_nothing_to_draw(census_catalog, database):
    view = build_table(_request(census_catalog, "rate_ratio", period=(2020, 2020)),
                       census_catalog, database)
    assert nothing_to_draw(view) == ("Nothing to draw: no group other than the reference group "
                                     "has a value that can be shown.")


def test_nothing_hidden_means_no_reason_and_no_alternatives(census_catalog, database):
    request = _request(census_catalog, "asmr", ("sex",), where={}, outcome="all_cause")
    view = build_table(request, census_catalog, database)
    build = CountingBuilder(census_catalog, database)
    assert hidden_rows(view)[0] == 0
    assert hidden_reason(view, census_catalog) is None and nothing_to_draw(view) is None
    assert alternatives_for(request, view, census_catalog, build) == []
    assert build.built == []


def test_alternatives_are_valid_requests_at_most_four_keeping_other_fields(census_catalog,
                                                                           database):
    """A two-way view with a filter and a period: coarser groupings of both breakdowns (the
    parent dimension for ethnicity_detailed), the whole follow-up and dropping the filter are
    candidates; at most four are offered, each a validated request whose other fields (e.g. a
    benchmark) are the view's."""
    request = _request(census_catalog, "count", ("ethnicity_detailed", "disability"),
                       where={"sex": "female"}, period=(2011, 2015))
    view = build_table(request, census_catalog, database)
    offered = alternatives_for(request, view, census_catalog,
                               CountingBuilder(census_catalog, database))
    assert 0 < len(offered) <= MAX_ALTERNATIVES
    assert {a.label for a in offered} <= {"Use Ethnic group", "Use Disability (2 groups)",
                                          "Use the whole follow-up, 2011 to 2021",
                                          "Remove the filter Sex: Female"}
    core = {"dataset", "outcome", "measure", "by", "where", "period", "audience"}
    for alternative in offered:
        checked = validate_request(census_catalog, outcome=alternative.request.outcome,
                                   measure=alternative.request.measure,
                                   by=alternative.request.by,
                                   where=dict(alternative.request.where),
                                   period=alternative.request.period,
                                   audience=alternative.request.audience)
        for field in dataclasses.fields(alternative.request):
            expected = getattr(request if field.name not in core else checked, field.name)
            assert getattr(alternative.request, field.name) == expected, field.name


def test_a_measure_the_coarser_grouping_cannot_take_is_not_offered(census_catalog, database):
    """An SII needs three ordered groups: Disability (2 groups) is not offered for it."""
    request = _request(census_catalog, "sii", period=(2020, 2020))
    view = build_table(request, census_catalog, database)
    build = CountingBuilder(census_catalog, database)
    offered = alternatives_for(request, view, census_catalog, build)
    assert all(r.by == ("disability",) for r in build.built)
    assert all(a.kind != COARSER for a in offered)


def test_the_linkage_rate_by_a_grouping_sums_its_base_categories(census_catalog, database):
    """The Data catalog page offers every person-level dimension for the linkage rate, groupings
    included: a group's linked and unlinked records are its base categories' (statistician
    policy: no perturbation, so the shown counts are the raw ones)."""
    from explorer.tables.linkage_quality import linkage_rate_table

    fine = linkage_rate_table(census_catalog, database, "disability", "statistician").frame
    coarse = linkage_rate_table(census_catalog, database, "disability_grouped",
                                "statistician").frame
    fine_events = fine.groupby("disability", sort=False)["events"].apply(list).to_dict()
    coarse_events = coarse.groupby("disability_grouped", sort=False)["events"].apply(list).to_dict()
    disabled = [a + b for a, b in zip(fine_events["Limited a lot"],
                                      fine_events["Limited a little"])]
    assert coarse_events["Disabled (limited a lot or a little)"] == disabled
    assert coarse_events["Not disabled"] == fine_events["Not limited"]
