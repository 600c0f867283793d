"""The recent-trend test (issue 17) against independent computations: the chi-square test for
linear trend against statsmodels' score test of a binomial (and, for person-years, Poisson) GLM
and against statsmodels' linear-by-linear association test; the log-rate regression against
statsmodels WLS with a fixed scale; and ``recent_trends`` on a protected trend table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from explorer.measures.trend_test import (CHI_SQUARE_TREND, DECREASING, INCREASING, LOG_RATE_TREND,
                                          NO_CHANGE, NOT_ENOUGH, POISSON_TREND, chi_square_trend,
                                          log_rate_trend, recent_trend)

YEARS = np.arange(2017, 2022)
Z = 1.959963984540054
CASES = {  # events, denominators: rising, falling, flat
    "rising": ([30, 42, 38, 55, 61], [1000, 1100, 1050, 1200, 1180]),
    "falling": ([520, 480, 470, 430, 401], [90_000, 91_000, 90_500, 92_000, 91_800]),
    "flat": ([100, 96, 104, 99, 101], [50_000, 50_200, 50_100, 49_900, 50_300]),
}


def _glm_score(events, denominators, family) -> tuple[float, float]:
    """Score test for the year slope in a GLM with only an intercept under the null."""
    events, denominators = np.asarray(events, float), np.asarray(denominators, float)
    centred = (YEARS - YEARS.mean())[:, None]
    if family == "binomial":
        model = sm.GLM(np.column_stack([events, denominators - events]), np.ones((5, 1)),
                       family=sm.families.Binomial())
    else:
        model = sm.GLM(events, np.ones((5, 1)), family=sm.families.Poisson(),
                       offset=np.log(denominators))
    statistic, p_value, _ = model.score_test(model.fit().params, exog_extra=centred)
    return float(np.squeeze(statistic)), float(np.squeeze(p_value))


@pytest.mark.unit
@pytest.mark.golden
@pytest.mark.parametrize("case", CASES)
def test_chi_square_trend_is_the_binomial_score_test(case):
    events, people = CASES[case]
    result = chi_square_trend(events, people, YEARS, poisson=False)
    statistic, p_value = _glm_score(events, people, "binomial")
    assert result.statistic == pytest.approx(statistic, rel=1e-9)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)
    # and the linear-by-linear association test, whose statistic has N - 1 for N (Agresti)
    table = sm.stats.Table(np.column_stack([events, np.subtract(people, events)]))
    association = table.test_ordinal_association(row_scores=YEARS, col_scores=np.array([1, 0]))
    total = float(np.sum(people))
    assert result.statistic == pytest.approx(association.zscore ** 2 * total / (total - 1), rel=1e-9)
    assert result.test == CHI_SQUARE_TREND
    assert result.years == tuple(YEARS)


@pytest.mark.unit
@pytest.mark.golden
@pytest.mark.parametrize("case", CASES)
def test_trend_in_rates_is_the_poisson_score_test(case):
    events, people = CASES[case]
    person_years = np.asarray(people, float) * 7.5
    result = chi_square_trend(events, person_years, YEARS, poisson=True)
    statistic, p_value = _glm_score(events, person_years, "poisson")
    assert result.statistic == pytest.approx(statistic, rel=1e-9)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)
    assert result.test == POISSON_TREND
    expected = {"rising": INCREASING, "falling": DECREASING, "flat": NO_CHANGE}[case]
    assert result.direction == expected


@pytest.mark.unit
@pytest.mark.golden
@pytest.mark.parametrize("case", CASES)
def test_log_rate_trend_is_weighted_least_squares_with_known_variances(case):
    events, person_years = (np.asarray(a, float) for a in CASES[case])
    rate = events / person_years * 100_000
    spread = np.array([1.0, 1.3, 0.8, 1.1, 0.9]) / np.sqrt(events)  # unequal, as DSRs are
    lower, upper = rate * np.exp(-Z * spread), rate * np.exp(Z * spread)
    result = log_rate_trend(rate, lower, upper, YEARS)
    weights = 1 / ((np.log(upper) - np.log(lower)) / (2 * Z)) ** 2
    fit = sm.WLS(np.log(rate), sm.add_constant(YEARS - 2019.0), weights=weights).fit(
        cov_type="fixed scale")
    assert result.statistic == pytest.approx(fit.tvalues[1], rel=1e-9)
    assert result.p_value == pytest.approx(fit.pvalues[1], rel=1e-9)
    assert result.direction == (NO_CHANGE if fit.pvalues[1] >= 0.05
                                else INCREASING if fit.params[1] > 0 else DECREASING)
    assert result.test == LOG_RATE_TREND


@pytest.mark.unit
def test_only_the_last_five_years_and_only_when_all_are_shown():
    years = np.arange(2011, 2022)
    events = np.array([900, 850, 800, 700, 600, 30, 42, 38, 55, 61], float)
    events = np.append(events, 70.0)[:11]
    people = np.full(11, 1000.0)
    values = events / people
    nothing = np.full(11, np.nan)
    result = recent_trend("crude_rate", years, values, nothing, nothing, events, people)
    assert result.years == (2017, 2018, 2019, 2020, 2021)
    assert result.p_value == pytest.approx(chi_square_trend(events[-5:], people[-5:],
                                                            years[-5:]).p_value)
    hidden = values.copy()
    hidden[-2] = np.nan  # a hidden (or not calculated) year among the last five
    assert recent_trend("crude_rate", years, hidden, nothing, nothing, events, people).direction == NOT_ENOUGH
    hidden = values.copy()
    hidden[0] = np.nan  # an older year does not matter
    assert recent_trend("crude_rate", years, hidden, nothing, nothing, events, people).direction == INCREASING
    short = recent_trend("count", years[-4:], values[-4:], nothing[-4:], nothing[-4:],
                         events[-4:], people[-4:])
    assert short.direction == NOT_ENOUGH and math.isnan(short.p_value)
    assert short.years_text == "2018 to 2021"
    with pytest.raises(ValueError):
        recent_trend("rate_ratio", years, values, nothing, nothing, events, people)


@pytest.mark.sql
@pytest.mark.golden
def test_recent_trends_of_a_protected_trend_table(census_catalog, database):
    """recent_trends reads the protected trend table's shown columns: for each group (and the
    total), the statsmodels Poisson score test on its last five years' shown events and
    person-years (crude rates), or WLS on its shown ASMRs and limits."""
    from explorer.tables import build_view_tables
    from explorer.tables.recent_trend import TREND_COLUMNS, recent_trends
    from explorer.tables.request import validate_request

    for measure in ("crude_rate", "asmr"):
        request = validate_request(census_catalog, outcome="all_cause", measure=measure,
                                   by=["sex"])
        _, trend = build_view_tables(request, census_catalog, database)
        trends = recent_trends(trend)
        assert list(trends.columns) == TREND_COLUMNS
        assert trends["group"].tolist() == ["Male", "Female", "Total"]
        frame = trend.frame
        for _, row in trends.iterrows():
            mine = frame[(frame["sex"] == row["group"]) & (frame["year"] != "All years")]
            mine = mine[mine["year"].astype(int) >= 2017]
            assert len(mine) == 5 and row["years"] == "2017 to 2021"
            if measure == "crude_rate":
                _, p_value = _glm_score(mine["events"], mine["denominator"], "poisson")
                assert row["test"] == POISSON_TREND
            else:
                weights = 1 / ((np.log(mine["upper"]) - np.log(mine["lower"])) / (2 * Z)) ** 2
                fit = sm.WLS(np.log(mine["value"].to_numpy()), sm.add_constant(YEARS - 2019.0),
                             weights=weights.to_numpy()).fit(cov_type="fixed scale")
                p_value = fit.pvalues[1]
                assert row["test"] == LOG_RATE_TREND
            assert row["p_value"] == pytest.approx(p_value, rel=1e-6)
            assert row["direction"] in (INCREASING, DECREASING, NO_CHANGE)


@pytest.mark.sql
def test_recent_trends_not_enough_data_when_a_recent_year_is_hidden(census_catalog, database):
    from explorer.sdc.status import CellStatus
    from explorer.tables import build_view_tables
    from explorer.tables.measure_table import restore_published
    from explorer.tables.recent_trend import recent_trends
    from explorer.tables.request import validate_request

    request = validate_request(census_catalog, outcome="all_cause", measure="crude_rate",
                               by=["sex"])
    _, trend = build_view_tables(request, census_catalog, database)
    frame = trend.frame.drop(columns=["rule", "comparison"])
    hide = ((frame["sex"] == "Male") & (frame["year"] == "2020")).to_numpy()
    frame.loc[hide, ["value", "lower", "upper", "events", "denominator"]] = np.nan
    frame.loc[hide, ["status", "marker"]] = [CellStatus.SUPPRESSED_PRIMARY.value, "[c]"]
    hidden = restore_published(trend.request, frame, trend.row_flags, title=trend.title,
                               unit=trend.unit, method=trend.method, policy=trend.policy,
                               legend=trend.legend, notes=trend.notes)
    trends = recent_trends(hidden).set_index("group")
    assert trends.at["Male", "direction"] == NOT_ENOUGH
    assert math.isnan(trends.at["Male", "p_value"])
    assert trends.at["Female", "direction"] != NOT_ENOUGH
    with pytest.raises(ValueError, match="calendar year"):
        from explorer.tables import build_table
        recent_trends(build_table(request, census_catalog, database))
    assert isinstance(recent_trends(trend), pd.DataFrame)
