"""A person-level dataset (the test-only pupil_cohort catalog, dataset.shape person_level) end
to end through the one road every output takes: request -> aggregate -> protect -> MeasureTable.
Measures are compared with a direct DuckDB computation on the same file; every measure the shape
offers runs; every measure it does not offer, and any period, is refused in plain words."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from explorer.app.charts import chart_for
from explorer.catalog.shapes import PERSON_LEVEL, SHAPE_MEASURES
from explorer.errors import QueryError
from explorer.measures.inequality import slope_index_of_inequality
from explorer.measures.proportions import proportion
from explorer.measures.ratios import proportion_ratio
from explorer.release.output_report import REPORT_SCHEMA, build_report
from explorer.release.review import review_policy, review_view_tables
from explorer.sdc.rounding import round_to_base
from explorer.sdc.status import CellStatus
from explorer.tables import build_table, build_view_tables, measures_for, protected_table
from explorer.tables.request import parse_period, validate_request

pytestmark = pytest.mark.sql

OUTCOME = "cautioned_or_sentenced"
SHOWN = CellStatus.SHOWN.value


def _direct(path, by: str, outcome_column: str = OUTCOME) -> pd.DataFrame:
    """People in the cohort and those flagged, by one column: straight SQL on the file."""
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(
            f'SELECT "{by}" AS code, count(*) AS people, sum("{outcome_column}") AS flagged '
            f'FROM pupils WHERE in_cohort GROUP BY ALL ORDER BY code').df()


def _request(catalog, measure="proportion", by=("fsm",), audience="statistician", **kwargs):
    return validate_request(catalog, outcome=OUTCOME, measure=measure, by=by, audience=audience,
                            **kwargs)


def _interior(table) -> pd.DataFrame:
    return table.frame[~table.row_flags["is_margin"].to_numpy()].reset_index(drop=True)


def test_the_fixture_database_matches_the_catalog(pupil_catalog, pupil_database, pupil_data):
    from explorer.db.runner import QueryRunner

    assert QueryRunner(pupil_database, pupil_catalog).schema_mismatches() == []
    cohort = pupil_data.pupils[pupil_data.pupils["in_cohort"]]
    eligible = pupil_data.pupils["fsm"].eq(1).mean()
    assert 0.33 < eligible < 0.37
    by_fsm = cohort.groupby("fsm")[OUTCOME].mean()
    assert 0.07 < by_fsm[1] < 0.10 and 0.015 < by_fsm[2] < 0.025
    assert 0.035 < cohort[OUTCOME].mean() < 0.05


def test_measures_offered_fit_the_shape(pupil_catalog, census_catalog):
    assert list(measures_for(pupil_catalog)) == list(SHAPE_MEASURES[PERSON_LEVEL])
    assert measures_for(pupil_catalog)["count"] == "Number of people with the outcome"
    assert "proportion_ratio" not in measures_for(census_catalog)
    assert "asmr" in measures_for(census_catalog)
    for label in measures_for(pupil_catalog).values():
        assert not any(word in label.lower() for word in ("death", "died", "person-years"))


def test_proportions_equal_the_direct_figures(pupil_catalog, pupil_database, pupil_data):
    """Statistician policy: the true flagged count over the number of people rounded to 10 (the
    policy's denominator rounding), with the Wilson interval of those two numbers."""
    table = build_table(_request(pupil_catalog), pupil_catalog, pupil_database)
    direct = _direct(pupil_data.path, "fsm")
    frame = _interior(table)
    assert list(frame["fsm"]) == ["Eligible for free school meals", "Not eligible"]
    assert (frame["status"] == SHOWN).all()
    assert frame["events"].tolist() == direct["flagged"].tolist()
    rounded = round_to_base(direct["people"].to_numpy(np.int64), 10)
    assert frame["denominator"].tolist() == rounded.tolist()
    expected = proportion(direct["flagged"], rounded, multiplier=100)
    np.testing.assert_allclose(frame["value"], np.round(expected.value, 3))
    np.testing.assert_allclose(frame["lower"], np.round(expected.lower, 3))
    np.testing.assert_allclose(frame["upper"], np.round(expected.upper, 3))
    # and within rounding of the unrounded direct percentage
    np.testing.assert_allclose(frame["value"], direct["flagged"] / direct["people"] * 100, atol=0.01)
    assert table.unit == "% of pupils"
    assert (table.events_label, table.denominator_label) == ("People with the outcome", "People")


def test_ratio_of_proportions_equals_the_direct_figures(pupil_catalog, pupil_database, pupil_data):
    table = build_table(_request(pupil_catalog, "proportion_ratio", ("ethnicity",)),
                        pupil_catalog, pupil_database)
    direct = _direct(pupil_data.path, "ethnicity")
    frame = table.frame
    assert (frame["status"] == SHOWN).all() and len(frame) == 5
    white = direct.iloc[0]
    true_ratio = (direct["flagged"] / direct["people"]) / (white["flagged"] / white["people"])
    np.testing.assert_allclose(frame["value"], true_ratio, atol=0.003)
    shown = proportion_ratio(frame["events"], frame["denominator"], frame["events"].iat[0],
                             frame["denominator"].iat[0])
    np.testing.assert_allclose(frame["value"], np.round(shown.value, 3))
    np.testing.assert_allclose(frame["lower"][1:], np.round(shown.lower[1:], 3))
    np.testing.assert_allclose(frame["upper"][1:], np.round(shown.upper[1:], 3))
    assert frame["value"].iat[0] == 1 and np.isnan(frame["lower"].iat[0])
    assert table.row_flags["is_reference"].tolist() == [True, False, False, False, False]
    assert "Reference group: White (ratio 1)." in table.notes
    assert "Katz" in table.method


def test_sii_and_rii_on_proportions_are_higher_among_the_disadvantaged(pupil_catalog,
                                                                       pupil_database, pupil_data):
    direct = _direct(pupil_data.path, "sen")  # ehcp, sen_support, no_sen: disadvantaged first
    rounded = round_to_base(direct["people"].to_numpy(np.int64), 10).astype(float)
    shares = proportion(direct["flagged"].to_numpy(float), rounded)
    expected = slope_index_of_inequality(shares.value, shares.lower, shares.upper, rounded,
                                         value_type=2, transform=True, multiplier=-100,
                                         min_groups=3)
    for measure, value in (("sii", expected.sii), ("rii", expected.rii)):
        table = build_table(_request(pupil_catalog, measure, ("sen",)), pupil_catalog,
                            pupil_database)
        row = table.frame.iloc[0]
        assert row["status"] == SHOWN and row["marker"] == ""
        assert row["value"] == pytest.approx(round(value, 3))
        assert row["lower"] < row["value"] < row["upper"]
        assert row["value"] > (0 if measure == "sii" else 1)
        assert "higher proportions in the more disadvantaged groups" in table.notes[0]
        assert "value_type 2" in table.method
    assert table.unit == "ratio"


@pytest.mark.parametrize("audience", ["public", "official", "statistician"])
def test_every_offered_measure_runs_for_every_audience(pupil_catalog, pupil_database, audience):
    for measure in measures_for(pupil_catalog):
        by = ("sen",) if measure in ("sii", "rii") else ("fsm",)
        for where in ({}, {"sex": ("male",)}):
            view, trend = build_view_tables(
                _request(pupil_catalog, measure, by, audience, where=where), pupil_catalog,
                pupil_database)
            assert trend is None  # no calendar year: no trend
            assert view.frame["value"].notna().any(), (measure, where)
            assert view.policy.startswith(audience)
            text = " ".join([view.title, view.unit, view.method, *view.notes]).lower()
            for word in ("death", "died", "person-years", "icd-10"):
                assert word not in text, (measure, word, text)
            chart_for(view)  # draws


@pytest.mark.parametrize("measure, words", [
    ("crude_rate", "rates need person-years"),
    ("asmr", "age-standardised rates need person-years"),
    ("rate_ratio", "rate ratios need person-years"),
    ("adjusted_rate_ratio", "rate ratios adjusted for age need person-years"),
])
def test_measures_that_need_person_years_are_refused_in_plain_words(pupil_catalog, measure, words):
    with pytest.raises(QueryError) as caught:
        _request(pupil_catalog, measure)
    message = str(caught.value)
    assert message.startswith(words)
    assert "this dataset's outcomes are shares of people" in message
    assert message.endswith("choose from count, proportion, proportion_ratio, sii, rii")
    assert "\n" not in message


def test_a_person_time_dataset_refuses_the_ratio_of_proportions(census_catalog):
    with pytest.raises(QueryError, match="ratios of proportions are for outcomes that are shares "
                                         "of people; this dataset's outcomes are events over"):
        validate_request(census_catalog, outcome="suicide", measure="proportion_ratio", by=["sex"])


def test_other_measure_rules_still_apply(pupil_catalog):
    with pytest.raises(QueryError, match=r"needs an ordered dimension.*\('fsm'\) is not"):
        _request(pupil_catalog, "sii", ("fsm",))
    with pytest.raises(QueryError, match="exactly one dimension"):
        _request(pupil_catalog, "proportion_ratio", ("fsm", "sex"))
    with pytest.raises(QueryError, match="unknown measure 'rate'; choose from: count, proportion"):
        _request(pupil_catalog, "rate")


def test_a_person_level_table_covers_the_whole_window_and_has_no_period(pupil_catalog):
    whole = (pupil_catalog.follow_up.first_year, pupil_catalog.follow_up.last_year)
    assert _request(pupil_catalog).period == whole
    assert _request(pupil_catalog, period=whole).period == whole
    for period in ((2015, 2015), (2012, 2016)):
        with pytest.raises(QueryError, match="cover the whole follow-up window"):
            _request(pupil_catalog, period=period)
    with pytest.raises(QueryError, match="cannot be limited to a period or a year"):
        parse_period("2015", pupil_catalog)
    assert parse_period(None, pupil_catalog) == whole
    title = _request(pupil_catalog).describe(pupil_catalog)
    assert title == ("Cautioned or sentenced at ages 10 to 17: proportion of people with the "
                     "outcome, by free school meals")


def test_disclosure_control_runs_on_person_level_tables(pupil_catalog, pupil_database):
    """Small cells (permanent exclusions by ethnic group and region) are hidden: under the
    statistician policy by primary and secondary suppression with a passing audit; under the
    official policy by threshold, with cell key perturbation of the rest. The protected counts
    are the flagged people; the people in each cell are its additive, rounded denominator."""
    request = validate_request(pupil_catalog, outcome="permanent_exclusion", measure="count",
                               by=("ethnicity", "region"), audience="statistician")
    protected = protected_table(request, pupil_catalog, pupil_database)
    cells = protected.cells()
    statuses = set(cells["status"])
    assert {CellStatus.SUPPRESSED_PRIMARY.value, CellStatus.SUPPRESSED_SECONDARY.value} <= statuses
    assert protected.audit_passes
    assert "persons" in cells.columns
    shown = cells[cells["status"] == SHOWN]
    assert (shown["persons"] % 10 == 0).all()
    official = protected_table(validate_request(
        pupil_catalog, outcome="permanent_exclusion", measure="count", by=("ethnicity", "region")),
        pupil_catalog, pupil_database)
    rules = set(official.cells()["rule"])
    assert "cell_key_perturbation" in rules and "frequency_threshold" in rules
    table = build_table(request, pupil_catalog, pupil_database)
    hidden = table.frame[table.frame["status"] != SHOWN]
    assert len(hidden) and hidden[["value", "events", "denominator"]].isna().all().all()


def test_the_review_of_a_person_level_view_is_one_table(pupil_catalog, pupil_database):
    import jsonschema

    request = validate_request(pupil_catalog, outcome="permanent_exclusion", measure="proportion",
                               by=("ethnicity", "region"), audience="statistician")
    reviews = review_view_tables(request, pupil_catalog, pupil_database,
                                 review_policy(pupil_catalog, "statistician"))
    assert len(reviews) == 1 and reviews[0].role == "view"
    assert reviews[0].audit_passes and len(reviews[0].hidden())
    report = build_report(reviews, pupil_catalog)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["tables"][0]["request"]["measure_label"] == "Proportion of people with the outcome"


def test_charts_say_people_not_deaths(pupil_catalog, pupil_database):
    table = build_table(_request(pupil_catalog, audience="official"), pupil_catalog, pupil_database)
    hover = " ".join(str(trace.hovertext) for trace in chart_for(table).data)
    assert "People with the outcome: " in hover and "People: " in hover
    assert "Deaths" not in hover and "Person-years" not in hover


def test_no_code_names_the_person_level_dataset(pupil_catalog):
    """Invariant 4: the person-level dataset is a YAML file and its data. None of its own
    identifiers (dataset, table, columns, dimensions and categories that census_mortality does
    not share, outcomes) is a string in the library, the pages or the queries. The synthetic
    builders (explorer/data/, queries/build/) make a dataset's data, so they name its columns
    (as the census builder names the census's); they are left out."""
    from pathlib import Path

    census = {"sex", "ethnicity", "region", "person_id", "record_key", "white", "mixed", "asian",
              "black", "other", "male", "female", "london"}
    names = {pupil_catalog.code, *pupil_catalog.tables, *pupil_catalog.outcomes,
             *pupil_catalog.dimensions}
    names |= {column for table in pupil_catalog.tables.values() for column in table.columns}
    names |= {key for d in pupil_catalog.dimensions.values() for key in d.keys}
    names -= census
    root = Path(__file__).resolve().parents[2]
    builders = (root / "explorer" / "data", root / "queries" / "build")
    files = [path for path in [*(root / "explorer").rglob("*.py"), *(root / "pages").glob("*.py"),
                               root / "app.py", *(root / "queries").rglob("*.sql")]
             if not any(folder in path.parents for folder in builders)]
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(root)}: {name}" for name in sorted(names)
                  if f'"{name}"' in text or f"'{name}'" in text]
    assert len(names) > 15 and found == []
