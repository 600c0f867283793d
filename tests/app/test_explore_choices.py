"""Only valid measure and breakdown pairs are offered (explorer.tables.choices, and the Explore
page's selectors): every pair offered validates, every pair refused is not offered, and the
page's selectors follow the measure."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.auth import ROLE_KEY, USER_KEY
from explorer.errors import QueryError
from explorer.tables.choices import breakdowns_for, second_breakdowns_for
from explorer.tables.request import SINGLE_DIMENSION_MEASURES, measures_for, validate_request

ROOT = Path(__file__).resolve().parents[2]


def _validates(catalog, outcome, measure, by) -> bool:
    try:
        validate_request(catalog, outcome=outcome, measure=measure, by=by)
    except QueryError:
        return False
    return True


@pytest.mark.unit
@pytest.mark.parametrize("outcome", ["suicide", "covid19"])
def test_offered_breakdowns_are_exactly_those_that_validate(census_catalog, outcome):
    for measure in measures_for(census_catalog):
        offered = breakdowns_for(census_catalog, outcome, measure)
        for code in census_catalog.dimensions:
            assert (code in offered) == _validates(census_catalog, outcome, measure, (code,)), \
                (measure, code)
        first = offered[0]
        seconds = second_breakdowns_for(census_catalog, outcome, measure, first)
        if measure in SINGLE_DIMENSION_MEASURES:
            assert seconds == []
        for code in census_catalog.dimensions:
            if code != first:
                assert (code in seconds) == _validates(census_catalog, outcome, measure,
                                                       (first, code)), (measure, first, code)


@pytest.mark.unit
def test_indices_are_offered_only_by_ordered_dimensions(census_catalog):
    offered = breakdowns_for(census_catalog, "suicide", "sii")
    assert offered and all(census_catalog.dimension(code).ordered for code in offered)
    assert "ethnicity" not in offered
    assert "age_group" not in breakdowns_for(census_catalog, "suicide", "asmr")


@pytest.fixture
def app(monkeypatch, default_database_dir) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(default_database_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[ROLE_KEY] = "official"
    at.session_state[USER_KEY] = "test-official"
    return at


@pytest.mark.app
def test_the_selectors_follow_the_measure(app, census_catalog):
    at = app.run()
    at = at.switch_page("pages/explore.py").run()
    assert not at.exception
    at.selectbox(key="explore_measure").set_value("sii").run()
    assert not at.exception and not at.error
    labels = at.selectbox(key="explore_by1").options
    ordered = {d.label for d in census_catalog.dimensions.values() if d.ordered}
    assert labels and set(labels) <= ordered
    assert at.selectbox(key="explore_by2").disabled
    at.selectbox(key="explore_measure").set_value("asmr").run()
    assert "Age group (attained)" not in at.selectbox(key="explore_by1").options
    assert not at.selectbox(key="explore_by2").disabled


@pytest.mark.app
def test_no_filter_is_offered_on_the_breakdowns_people_in_another_grouping(app):
    at = app.run()
    at = at.switch_page("pages/explore.py").run()
    at.selectbox(key="explore_by1").set_value("disability").run()
    assert not at.exception and not at.error
    keys = {box.key for box in at.selectbox}
    assert "explore_where_disability_grouped" not in keys and "explore_where_disability" not in keys
    assert "explore_where_region" in keys and "explore_where_region_grouped" in keys
    at.selectbox(key="explore_by1").set_value("disability_grouped").run()
    keys = {box.key for box in at.selectbox}
    assert "explore_where_disability" not in keys


@pytest.mark.unit
def test_a_filter_on_another_grouping_of_a_breakdown_is_refused(census_catalog):
    with pytest.raises(QueryError, match="groups the same people as the breakdown"):
        validate_request(census_catalog, outcome="suicide", measure="asmr", by=("disability",),
                         where={"disability_grouped": ("disabled",)})
    with pytest.raises(QueryError, match="groups the same people as the breakdown"):
        validate_request(census_catalog, outcome="suicide", measure="asmr",
                         by=("disability_grouped",), where={"disability": ("limited_a_lot",)})
    validate_request(census_catalog, outcome="suicide", measure="asmr", by=("disability",),
                     where={"region_grouped": ("north",)})
