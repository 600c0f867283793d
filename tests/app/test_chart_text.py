"""A chart's text alternative (explorer.app.chart_text.chart_summary) says what the chart shows in
plain words, from the table's shown values only.

Small tables are built through the product's path (a hand-made RawTable, protect, the measures
step), so each expected sentence is written here by hand from the frame the test also checks;
ratio and index tables come from the test database.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer.app.chart_text import chart_summary
from explorer.sdc.protect import protect
from explorer.sdc.raw_table import RawTable
from explorer.sdc.structure import TOTAL, DimensionLevels
from explorer.tables import build_table, policy_for
from explorer.tables.measure_table import measure_table
from explorer.tables.request import trend_request, validate_request

ETHNICITY = {1: "White", 2: "Mixed", 3: "Asian", 4: "Black", 5: "Other", TOTAL: "Total"}
SEX = {1: "Male", 2: "Female", TOTAL: "Total"}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
pytestmark = pytest.mark.sql


def _protected(dimensions, counts, person_years, labels, catalog, audience="official"):
    size = len(counts)
    raw = RawTable(dimensions=dimensions, counts=np.array(counts, float),
                   structural_zero=np.zeros(size, dtype=bool),
                   record_key_sums=np.arange(1, size + 1) * (1234.0 if size == 5 else 777.0),
                   additive={"person_years": np.array(person_years, float)}, labels=labels)
    return protect(raw, policy_for(catalog, audience))


def _by_ethnicity(catalog, measure):
    """Suicide by ethnic group: 400, 150, 90, 2 (hidden) and 60 deaths."""
    protected = _protected((DimensionLevels("ethnicity", (1, 2, 3, 4, 5)),), [400, 150, 90, 2, 60],
                           [4e6, 1e6, 1.5e6, 0.5e6, 0.6e6], {"ethnicity": ETHNICITY}, catalog)
    request = validate_request(catalog, outcome="suicide", measure=measure, by=["ethnicity"])
    return measure_table(protected, request, catalog)


def _numbers(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in _NUMBER.findall(text)}


def _assert_only_shown_numbers(table, summary: str) -> None:
    """Every number in the summary is a shown value, a year, a count of groups or in the
    title: never a hidden one."""
    frame = table.frame
    shown = set(frame["value"].dropna().round(6))
    allowed = shown | _numbers(table.title) | set(range(0, 200)) | set(range(1990, 2031))
    allowed |= _numbers(getattr(table, "comparison_text", "") or "")
    for number in _numbers(summary):
        assert round(number, 6) in allowed, (number, summary)


def test_one_way_rate_summary(census_catalog):
    table = _by_ethnicity(census_catalog, "crude_rate")
    frame = table.frame.set_index("ethnicity")
    # the frame the sentence is written from (perturbed counts, official policy)
    assert frame["value"].to_dict() == pytest.approx(
        {"White": 10.02, "Mixed": 15.10, "Asian": 6.00, "Black": np.nan, "Other": 9.67,
         "Total": 9.22}, nan_ok=True)
    assert frame["comparison"].tolist() == ["benchmark", "higher", "lower", "", "similar", "lower"]
    assert chart_summary(table) == (
        "Suicide: crude rate per 100,000 person-years, by ethnic group, 2011 to 2021. "
        "Mixed has the highest rate shown (15.1) and Asian the lowest (6); 1 group is higher than "
        "White, 1 lower, 1 similar. For everyone the rate is 9.22. 1 group is hidden to protect "
        "confidentiality. " + table.comparison_text)
    assert "Compared with White" in table.comparison_text


def test_count_summary_has_no_comparison_and_no_hidden_count(census_catalog):
    table = _by_ethnicity(census_catalog, "count")
    assert table.frame["value"].tolist()[:3] == [401, 151, 90]
    summary = chart_summary(table)
    assert summary == (
        "Suicide: number of deaths, by ethnic group, 2011 to 2021. White has the highest number "
        "of deaths shown (401) and Other the lowest (58). For everyone the number of deaths is 701. "
        "1 group is hidden to protect confidentiality.")
    assert "2" not in _NUMBER.findall(summary)  # Black's true count
    _assert_only_shown_numbers(table, summary)


def test_trend_summary(census_catalog):
    protected = _protected(
        (DimensionLevels("sex", (1, 2)), DimensionLevels("year", (2017, 2018, 2019))),
        [100, 130, 110, 40, 3, 50], [1e6] * 3 + [1.1e6] * 3,
        {"sex": SEX, "year": {2017: "2017", 2018: "2018", 2019: "2019", TOTAL: "All years"}},
        census_catalog)
    request = trend_request(validate_request(census_catalog, outcome="suicide",
                                             measure="crude_rate", by=["sex"], period=(2016, 2019)))
    table = measure_table(protected, request, census_catalog)
    total = table.frame[table.frame["sex"] == "Total"]
    assert total["value"].tolist() == pytest.approx([6.62, 6.29, 7.57, 6.89])
    summary = chart_summary(table)
    assert summary == (
        "Suicide: crude rate per 100,000 person-years, by sex, year, 2016 to 2019. Shown by "
        "calendar year from 2017 to 2019. For everyone the rate was 6.62 in 2017 and 7.57 in "
        "2019: highest in 2019 (7.57), lowest in 2018 (6.29). In 2019, Male had the highest rate "
        "shown (10.8) and Female the lowest (4.45). 1 group-year is hidden to protect "
        "confidentiality. " + table.comparison_text)
    _assert_only_shown_numbers(table, summary)


def test_two_way_summary(census_catalog):
    protected = _protected(
        (DimensionLevels("sex", (1, 2)), DimensionLevels("ethnicity", (1, 2, 3))),
        [100, 130, 2, 40, 60, 50], [1e6] * 3 + [1.1e6] * 3,
        {"sex": SEX, "ethnicity": ETHNICITY}, census_catalog)
    request = validate_request(census_catalog, outcome="suicide", measure="crude_rate",
                               by=["sex", "ethnicity"])
    table = measure_table(protected, request, census_catalog)
    summary = chart_summary(table)
    assert summary == (
        "Suicide: crude rate per 100,000 person-years, by sex, ethnic group, 2011 to 2021. "
        "Male / Mixed has the highest rate shown (12.8) and Female / White the lowest (3.45). 2 cells "
        "are higher than Female, none lower. 1 of 6 cells is hidden to protect "
        "confidentiality. " + table.comparison_text)
    _assert_only_shown_numbers(table, summary)


def test_ratio_and_index_summaries(census_catalog, database):
    ratio = build_table(validate_request(census_catalog, outcome="suicide", measure="rate_ratio",
                                         by=["disability"]), census_catalog, database)
    frame = ratio.frame.set_index("disability")
    groups = frame.drop(index=["Not limited", "Total"], errors="ignore")["value"].dropna()
    summary = chart_summary(ratio)
    assert summary.startswith(ratio.title + ". Each group's rate is compared with Not limited "
                              "(ratio 1: no difference; above 1: higher). ")
    assert f"{groups.idxmax()} has the highest ratio shown ({groups.max():g})" in summary
    assert f"{groups.idxmin()} the lowest ({groups.min():g})" in summary
    _assert_only_shown_numbers(ratio, summary)
    for measure, none in (("sii", 0), ("rii", 1)):
        index = build_table(validate_request(census_catalog, outcome="suicide", measure=measure,
                                             by=["deprivation_quintile"]), census_catalog, database)
        row = index.frame.iloc[0]
        words = "slope" if measure == "sii" else "relative"
        assert chart_summary(index).startswith(
            f"{index.title}. The {words} index of inequality is {row['value']:g} (95% CI "
            f"{row['lower']:g} to {row['upper']:g}); {none} would mean no inequality.")


def test_a_table_with_nothing_shown_says_so(census_catalog):
    """Every group hidden: the summary counts them and gives no number."""
    protected = _protected((DimensionLevels("ethnicity", (1, 2, 3, 4, 5)),), [2, 1, 3, 2, 1],
                           [4e6, 1e6, 1.5e6, 0.5e6, 0.6e6], {"ethnicity": ETHNICITY}, census_catalog)
    request = validate_request(census_catalog, outcome="suicide", measure="crude_rate",
                               by=["ethnicity"])
    table = measure_table(protected, request, census_catalog)
    assert table.frame.loc[:4, "value"].isna().all()
    summary = chart_summary(table)
    assert "No group's rate can be shown." in summary
    assert "5 groups are hidden to protect confidentiality." in summary
    _assert_only_shown_numbers(table, summary)


def test_only_a_measure_table_is_summarised(census_catalog):
    table = _by_ethnicity(census_catalog, "count")
    with pytest.raises(TypeError, match="MeasureTable"):
        chart_summary(table.frame)
