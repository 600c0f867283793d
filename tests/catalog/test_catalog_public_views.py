"""The catalog's ``public_views``: the curated views the issue asks for are declared, each is a
valid table request, and a malformed view fails with a clear one-line CatalogError."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.catalog import load_catalog_file
from explorer.errors import QueryError
from explorer.catalog.safe_messaging import SUPPORT_NOTICE, wording_problems
from explorer.tables.request import validate_request
from test_catalog import _assert_catalog_error, _write_variant

pytestmark = pytest.mark.unit


def test_the_curated_public_views_are_declared(census_catalog):
    views = {view.code: view for view in census_catalog.public_views}
    wanted = {
        "suicide_by_sex": ("suicide", "asmr", ("sex",)),
        "suicide_by_sex_and_age": ("suicide", "crude_rate", ("sex", "age_group")),
        "suicide_by_disability": ("suicide", "asmr", ("disability",)),
        "suicide_by_ethnicity": ("suicide", "asmr", ("ethnicity",)),
        "suicide_by_religion": ("suicide", "asmr", ("religion",)),
        "covid19_by_ethnicity": ("covid19", "asmr", ("ethnicity",)),
    }
    for code, (outcome, measure, by) in wanted.items():
        assert (views[code].outcome, views[code].measure, views[code].by) == (outcome, measure, by)
    assert views["covid19_by_ethnicity"].period == (2020, 2021)
    assert views["suicide_by_sex"].period is None
    assert census_catalog.public_view("suicide_by_sex") is views["suicide_by_sex"]
    with pytest.raises(QueryError, match="unknown public view 'nope'; choose from: suicide_by_sex"):
        census_catalog.public_view("nope")


def test_every_public_view_is_a_valid_public_request(census_catalog):
    for view in census_catalog.public_views:
        request = validate_request(census_catalog, outcome=view.outcome, measure=view.measure,
                                   by=view.by, period=view.period, audience="public")
        assert request.by == view.by
        assert view.about_suicide == (view.outcome == "suicide")
        for text in (view.title, view.headline_subject, view.what_it_means,
                     view.what_it_does_not_mean):
            assert text.strip()
            if view.about_suicide:
                assert not wording_problems(text), (view.code, text)
        assert "association" in view.what_it_does_not_mean
        assert "synthetic" in view.what_it_does_not_mean


def test_public_views_round_trip_through_to_dict(census_catalog):
    data = census_catalog.to_dict()["public_views"]
    assert [item["code"] for item in data] == [v.code for v in census_catalog.public_views]
    assert data[-1]["period"] == {"first": 2020, "last": 2021}
    assert "period" not in data[0]


def test_catalog_without_public_views_still_loads(tmp_path: Path):
    path = _write_variant(tmp_path, lambda d: d.pop("public_views"))
    assert load_catalog_file(path).public_views == ()


def _view(document, index=0):
    return document["public_views"][index]


MALFORMED_VIEWS = {
    "unknown outcome": (lambda d: _view(d).update(outcome="self_harm"),
                        "public_views[0].outcome", "outcome 'self_harm' is not declared"),
    "unknown dimension": (lambda d: _view(d).update(by=["sex", "shoe_size"]),
                          "public_views[0].by[1]", "dimension 'shoe_size' is not declared"),
    "measure not for the public": (lambda d: _view(d).update(measure="count"),
                                   "public_views[0].measure", "'count' is not one of: asmr, crude_rate"),
    "three breakdowns": (lambda d: _view(d).update(by=["sex", "region", "religion"]),
                         "public_views[0].by", "is too long"),
    "repeated breakdown": (lambda d: _view(d).update(by=["sex", "sex"]),
                           "public_views[0].by", "non-unique"),
    "asmr by age band": (lambda d: _view(d).update(by=["age_group"]),
                         "public_views[0].by[0]", "use measure crude_rate for age-specific rates"),
    "period outside follow-up": (lambda d: _view(d).update(period={"first": 2005, "last": 2021}),
                                 "public_views[0].period", "outside the follow-up years 2011 to 2021"),
    "period reversed": (lambda d: _view(d).update(period={"first": 2021, "last": 2015}),
                        "public_views[0].period", "is reversed"),
    "period before the outcome exists": (
        lambda d: _view(d, 5).update(period={"first": 2015, "last": 2021}),
        "public_views[5].period.first", "COVID-19 deaths are counted from 2020"),
    "period missing its last year": (lambda d: _view(d).update(period={"first": 2015}),
                                     "public_views[0].period.last", "required key is missing"),
    "duplicate code": (lambda d: _view(d, 1).update(code="suicide_by_sex"),
                       "public_views[1].code", "duplicate public view code 'suicide_by_sex'"),
    "suicide view without the notice": (lambda d: _view(d).update(about_suicide=False),
                                        "public_views[0].about_suicide", "set about_suicide: true"),
    "committed suicide": (
        lambda d: _view(d).update(what_it_means="Rates of people who committed suicide."),
        "public_views[0].what_it_means", "'committed': say \"died by suicide\""),
    "method detail": (
        lambda d: _view(d).update(what_it_means="Most deaths were by hanging."),
        "public_views[0].what_it_means", "no detail of suicide methods"),
    "sensational word": (lambda d: _view(d).update(title="The suicide epidemic"),
                         "public_views[0].title", "no sensational words"),
    "causal claim": (
        lambda d: _view(d, 2).update(what_it_does_not_mean="Disability causes suicide."),
        "public_views[2].what_it_does_not_mean", "associations, not causes"),
    "missing text": (lambda d: _view(d).pop("what_it_does_not_mean"),
                     "public_views[0].what_it_does_not_mean", "required key is missing"),
    "typo in a key": (lambda d: _view(d).update(titel="x"),
                      "public_views[0].titel", "unknown key 'titel'"),
    "no public policy": (lambda d: d["sdc"]["policies"].pop("public"),
                         "sdc.policies", "public views need a policy for the public audience"),
}


@pytest.mark.parametrize("case", list(MALFORMED_VIEWS))
def test_malformed_public_view_is_reported_clearly(tmp_path: Path, case: str):
    mutate, key_path, phrase = MALFORMED_VIEWS[case]
    _assert_catalog_error(_write_variant(tmp_path, mutate), key_path, phrase)


def test_a_negated_cause_is_allowed_and_the_notice_signposts_samaritans():
    assert not wording_problems("This does not show that disability causes suicide.")
    assert wording_problems("Disability causes suicide.")
    assert not wording_problems("Men died by suicide at a higher rate than women.")
    assert "116 123" in SUPPORT_NOTICE and "jo@samaritans.org" in SUPPORT_NOTICE
    assert "free" in SUPPORT_NOTICE and "any time" in SUPPORT_NOTICE
