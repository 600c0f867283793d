"""The Explore view <-> URL query parameters: round trip, and tampered links fall back."""

import pytest

from explorer.app.view_state import (ExploreView, default_view, view_from_query_params,
                                 view_to_query_params)

pytestmark = pytest.mark.unit

INJECTION = "x'; DROP TABLE persons; --"


def test_empty_url_gives_the_default_view(census_catalog):
    view, notices = view_from_query_params({}, census_catalog)
    assert notices == []
    assert view == ExploreView("suicide", "asmr", ("sex",), {}, (2011, 2021))
    assert view == default_view(census_catalog)


@pytest.mark.parametrize("view", [
    ExploreView("suicide", "asmr", ("sex",), {}, (2011, 2021)),
    ExploreView("all_cause", "crude_rate", ("region", "sex"),
                {"deprivation_quintile": ("q1",)}, (2016, 2019)),
    ExploreView("covid19", "count", ("ethnicity",), {"sex": ("female",)}, (2020, 2021)),
    ExploreView("cancer", "rate_ratio", ("disability",), {}, (2015, 2015)),
])
def test_round_trip(census_catalog, view):
    if view.where:  # use real category keys from the catalog
        view = ExploreView(view.outcome, view.measure, view.by,
                           {code: census_catalog.dimension(code).keys[:len(keys)]
                            for code, keys in view.where.items()}, view.period)
    params = view_to_query_params(view)
    assert all(isinstance(value, str) for value in params.values())
    again, notices = view_from_query_params(params, census_catalog)
    assert notices == []
    assert again == view
    view.request(census_catalog)  # the round-tripped view validates


def test_repeated_parameter_keeps_last_value(census_catalog):
    view, notices = view_from_query_params({"measure": ["count", "crude_rate"]}, census_catalog)
    assert view.measure == "crude_rate" and notices == []


@pytest.mark.parametrize("params, field, notice", [
    ({"outcome": "ebola"}, "outcome", "Ignored outcome=ebola: not an outcome"),
    ({"measure": "foo"}, "measure", "Ignored measure=foo: not a measure"),
    ({"by": "shoe_size"}, "by", "Ignored by=shoe_size: "),
    ({"by": "sex,region,religion"}, "by", "at most 2 breakdown dimensions"),
    ({"by": "sex,sex"}, "by", "repeated"),
    ({"period": "2021-2011"}, "period", "Ignored period=2021-2011: period 2021 to 2011 is reversed"),
    ({"period": "1990-1995"}, "period", "outside the follow-up"),
    ({"period": INJECTION}, "period", "not a year or a period"),
    ({"period": "2011-2020"}, "period", "is not offered"),
    ({"where.region": "london,wales"}, "where", "a filter selects one region"),
    ({"measure": "sii"}, "measure", "needs an ordered dimension"),
])
def test_tampered_parameter_falls_back_with_one_notice(census_catalog, params, field, notice):
    view, notices = view_from_query_params(params, census_catalog)
    assert getattr(view, field) == getattr(default_view(census_catalog), field)
    assert len(notices) == 1
    assert notice in notices[0]


def test_injection_in_a_filter_is_ignored(census_catalog):
    view, notices = view_from_query_params({"where.region": INJECTION}, census_catalog)
    assert view.where == {}
    assert notices == [f"Ignored where.region={INJECTION}: not a category or group of region"]


@pytest.mark.parametrize("params", [
    {"where.shoe_size": "large"}, {f"where.{INJECTION}": "x"}, {"where.sex": "male"},
    {INJECTION: "1"},
])
def test_bad_filter_names_are_ignored(census_catalog, params):
    view, notices = view_from_query_params(params, census_catalog)
    assert view == default_view(census_catalog)
    assert len(notices) == 1 and notices[0].startswith("Ignored ")


def test_good_parameters_survive_beside_bad_ones(census_catalog):
    params = {"outcome": "cancer", "measure": "nonsense", "by": "region,sex,religion",
              "period": "2016-2019", "where.religion": "no_religion," + INJECTION}
    view, notices = view_from_query_params(params, census_catalog)
    assert view.outcome == "cancer" and view.period == (2016, 2019)
    assert view.measure == "asmr" and view.by == ("sex",) and view.where == {}
    assert len(notices) == 3


def test_long_values_are_truncated_in_notices(census_catalog):
    _, notices = view_from_query_params({"measure": "a" * 500}, census_catalog)
    assert len(notices[0]) < 120


def test_filters_resolve_labels_to_keys(census_catalog):
    region = census_catalog.dimension("region")
    first = region.categories[0]
    view, notices = view_from_query_params({"where.region": first.label.upper()}, census_catalog)
    assert notices == [] and view.where == {"region": (first.key,)}


def test_a_filter_may_name_a_hierarchy_group(census_catalog):
    view, notices = view_from_query_params({"where.region": "England"}, census_catalog)
    assert notices == [] and view.where == {"region": ("england",)}
    view, notices = view_from_query_params({"where.ethnicity_detailed": "asian"}, census_catalog)
    assert notices == [] and view.where == {"ethnicity_detailed": ("asian",)}
