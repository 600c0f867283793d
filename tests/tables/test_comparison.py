"""The ``comparison`` column (issue 17): each row higher, similar or lower than the benchmark, as
Fingertips marks it with 95% confidence intervals. Marks are checked against intervals computed
here independently (Byar's and exact Poisson limits, Wilson limits, with scipy) from the
table's own shown events and denominators, or, for ratios and indices, from the frame's shown
interval; one-way, two-way and trend tables; benchmark reference and total; hidden rows."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from explorer.app.view_state import ExploreView, view_from_query_params, view_to_query_params
from explorer.errors import QueryError
from explorer.sdc.status import CellStatus
from explorer.tables import build_table, build_view_tables
from explorer.tables.comparison import COMPARISONS
from explorer.tables.measure_table import (COLUMNS, TOTAL, replaced_for_leak_tests,
                                           restore_published)
from explorer.tables.request import resolve_request, trend_request, validate_request

pytestmark = pytest.mark.sql
Z = stats.norm.ppf(0.975)
SHOWN = CellStatus.SHOWN.value


# --- independent intervals ------------------------------------------------------------------

def poisson_interval(events: float, denominator: float, per: float = 100_000) -> tuple[float, float, float]:
    """Rate and 95% limits: exact (chi-square) below 10 events, Byar's from 10 (PHE)."""
    k = events
    if k < 10:
        lower = stats.chi2.ppf(0.025, 2 * k) / 2 if k > 0 else 0.0
        upper = stats.chi2.ppf(0.975, 2 * k + 2) / 2
    else:
        lower = k * (1 - 1 / (9 * k) - Z / (3 * np.sqrt(k))) ** 3
        upper = (k + 1) * (1 - 1 / (9 * (k + 1)) + Z / (3 * np.sqrt(k + 1))) ** 3
    return tuple(round(x * per / denominator, 2) for x in (k, lower, upper))


def wilson_interval(events: float, people: float, per: float = 100) -> tuple[float, float, float]:
    p = events / people
    centre = (p + Z ** 2 / (2 * people)) / (1 + Z ** 2 / people)
    half = Z * np.sqrt(p * (1 - p) / people + Z ** 2 / (4 * people ** 2)) / (1 + Z ** 2 / people)
    return tuple(round(x * per, 3) for x in (p, centre - half, centre + half))


def expected_mark(lower: float, upper: float, benchmark: float) -> str:
    if lower > benchmark:
        return "higher"
    if upper < benchmark:
        return "lower"
    return "similar"


def independent(frame: pd.DataFrame, interval) -> pd.DataFrame:
    """value, lower, upper recomputed from each shown row's events and denominator."""
    out = pd.DataFrame(index=frame.index, columns=["value", "lower", "upper"], dtype=float)
    for index, row in frame.iterrows():
        if not np.isnan(row["value"]):
            out.loc[index] = interval(row["events"], row["denominator"])
    return out


def check_marks(frame: pd.DataFrame, flags: pd.DataFrame, benchmark_rows: np.ndarray,
                interval, group_columns: list[str]) -> int:
    """Every row's mark against the benchmark row of its group (same levels of
    ``group_columns``), from independently computed intervals; returns the rows compared."""
    mine = independent(frame, interval)
    shown = frame["value"].notna()
    pd.testing.assert_frame_equal(mine[shown], frame.loc[shown, ["value", "lower", "upper"]],
                                  check_dtype=False, atol=0.011)
    keys = flags[group_columns].astype(str).agg("|".join, axis=1) if group_columns else \
        pd.Series("", index=flags.index)
    compared = 0
    for index, row in frame.iterrows():
        bench = np.flatnonzero(benchmark_rows & (keys == keys[index]).to_numpy())
        assert len(bench) == 1, (index, bench)
        bench = bench[0]
        if index == bench:
            assert row["comparison"] == ("benchmark" if shown[index] else "")
        elif not shown[index] or not shown[bench]:
            assert row["comparison"] == "", row.to_dict()
        else:
            assert row["comparison"] == expected_mark(
                mine.at[index, "lower"], mine.at[index, "upper"], mine.at[bench, "value"]), \
                (row.to_dict(), mine.loc[bench].to_dict())
            compared += 1
    return compared


def build(catalog, database, **request):
    request.setdefault("outcome", "suicide")
    return build_table(validate_request(catalog, **request), catalog, database)


# --- rates and proportions ------------------------------------------------------------------

@pytest.mark.golden
@pytest.mark.parametrize("benchmark", ["reference", "total"])
def test_crude_rate_by_one_dimension_against_independent_byar_intervals(census_catalog, database,
                                                                         benchmark):
    table = build(census_catalog, database, measure="crude_rate", by=["ethnicity_detailed"],
                  benchmark=benchmark)
    frame, flags = table.frame, table.row_flags
    if benchmark == "reference":
        reference = census_catalog.dimension("ethnicity_detailed").reference_category
        chosen = (flags["ethnicity_detailed"].astype(str) == str(reference.code)).to_numpy() & \
            ~flags["ethnicity_detailed_is_margin"].to_numpy()
        assert reference.label in table.comparison_text and "reference group" in table.comparison_text
    else:
        chosen = (flags["ethnicity_detailed"] == TOTAL).to_numpy()
        assert "total" in table.comparison_text
    assert chosen.sum() == 1
    compared = check_marks(frame, flags, chosen, poisson_interval, [])
    assert compared >= 5
    assert {"similar", "lower"} <= set(frame["comparison"])
    # the margins (the ethnic-group subtotals, the total) are compared too
    margins = flags["is_margin"].to_numpy() & ~chosen & frame["value"].notna().to_numpy()
    assert margins.sum() >= 2
    assert set(frame.loc[margins, "comparison"]) <= {"higher", "similar", "lower"}
    assert list(frame.columns) == ["ethnicity_detailed", *COLUMNS]


@pytest.mark.golden
@pytest.mark.parametrize("benchmark", ["reference", "total"])
def test_two_way_table_compares_within_each_level_of_the_second_dimension(census_catalog,
                                                                          database, benchmark):
    table = build(census_catalog, database, measure="crude_rate", by=["region", "sex"],
                  benchmark=benchmark)
    frame, flags = table.frame, table.row_flags
    if benchmark == "reference":
        code = census_catalog.dimension("region").reference_category.code
        chosen = (flags["region"].astype(str) == str(code)).to_numpy() & \
            ~flags["region_is_margin"].to_numpy()
    else:
        chosen = (flags["region"] == TOTAL).to_numpy()
    assert chosen.sum() == 3  # male, female, total
    compared = check_marks(frame, flags, chosen, poisson_interval, ["sex", "sex_is_margin"])
    assert compared == len(frame) - 3
    assert "within each sex" in table.comparison_text


@pytest.mark.golden
def test_proportion_marks_against_independent_wilson_intervals(census_catalog, database):
    table = build(census_catalog, database, measure="proportion", by=["disability"],
                  outcome="all_cause")
    chosen = table.row_flags["is_reference"].to_numpy()
    assert check_marks(table.frame, table.row_flags, chosen, wilson_interval, []) == 3
    assert "proportion" in table.comparison_text


@pytest.mark.golden
def test_trend_table_compares_within_each_year(census_catalog, database):
    """The Explore page's trend table (by group and year) compares each group with the
    benchmark group in the same year; the benchmark travels into the trend request."""
    request = validate_request(census_catalog, outcome="suicide", measure="crude_rate",
                               by=["sex"], benchmark="total")
    assert trend_request(request).benchmark == "total"
    view, trend = build_view_tables(request, census_catalog, database)
    flags = trend.row_flags
    chosen = (flags["sex"] == TOTAL).to_numpy()
    compared = check_marks(trend.frame, flags, chosen, poisson_interval, ["year", "year_is_margin"])
    assert compared == 2 * 12  # male and female, 11 years and all years
    assert "within each year" in trend.comparison_text
    assert (view.frame["comparison"] == "benchmark").sum() == 1


def test_asmr_trend_marks_follow_the_shown_intervals(census_catalog, database):
    """Age-standardised rates: each row's mark against the shown value of its year's reference
    row (the Dobson interval needs the age bands' counts, which the table does not show)."""
    request = validate_request(census_catalog, outcome="all_cause", measure="asmr", by=["sex"])
    _, trend = build_view_tables(request, census_catalog, database)
    frame, flags = trend.frame, trend.row_flags
    reference = str(census_catalog.dimension("sex").reference_category.code)
    for year in flags["year"].unique():
        rows = (flags["year"] == year).to_numpy()
        bench = np.flatnonzero(rows & (flags["sex"].astype(str) == reference).to_numpy())[0]
        for index in np.flatnonzero(rows):
            row = frame.loc[index]
            want = "benchmark" if index == bench else expected_mark(
                row["lower"], row["upper"], frame.at[bench, "value"])
            assert row["comparison"] == want, (year, row.to_dict())


# --- ratios, indices, counts ----------------------------------------------------------------

@pytest.mark.parametrize("measure", ["rate_ratio", "adjusted_rate_ratio"])
def test_ratios_are_compared_with_one_whatever_the_benchmark(census_catalog, database, measure):
    marks = {}
    for benchmark in ("reference", "total"):
        table = build(census_catalog, database, measure=measure, by=["ethnicity"],
                      benchmark=benchmark)
        frame = table.frame
        for index, row in frame.iterrows():
            if table.row_flags.at[index, "is_reference"]:
                assert row["comparison"] == "benchmark" and row["value"] == 1
            elif np.isnan(row["value"]):
                assert row["comparison"] == ""
            else:
                assert row["comparison"] == expected_mark(row["lower"], row["upper"], 1.0)
        assert "whichever benchmark" in table.comparison_text and "White" in table.comparison_text
        marks[benchmark] = frame["comparison"].tolist()
    assert marks["reference"] == marks["total"]
    assert "lower" in marks["total"]


@pytest.mark.parametrize("measure, null", [("sii", 0.0), ("rii", 1.0)])
def test_indices_are_compared_with_no_inequality(census_catalog, database, measure, null):
    table = build(census_catalog, database, measure=measure, by=["deprivation_quintile"],
                  outcome="all_cause")
    row = table.frame.iloc[0]
    assert row["comparison"] == expected_mark(row["lower"], row["upper"], null) == "higher"
    assert "no inequality" in table.comparison_text


def test_counts_are_never_compared(census_catalog, database):
    table = build(census_catalog, database, measure="count", by=["sex", "age_group"])
    assert set(table.frame["comparison"]) == {""}
    assert table.comparison_text == ""


# --- hidden figures -------------------------------------------------------------------------

def test_hidden_and_not_calculated_rows_are_not_compared(census_catalog, database):
    table = build(census_catalog, database, measure="crude_rate", by=["ethnicity_detailed", "region"])
    frame = table.frame
    hidden = frame["status"] != SHOWN
    not_calculated = (frame["status"] == SHOWN) & frame["value"].isna()
    assert hidden.any() and not_calculated.any()
    assert set(frame.loc[hidden | not_calculated, "comparison"]) == {""}
    assert set(frame["comparison"]) <= set(COMPARISONS)


def _hide(frame: pd.DataFrame, rows) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[rows, ["value", "lower", "upper", "events", "denominator"]] = np.nan
    frame.loc[rows, "status"] = CellStatus.SUPPRESSED_PRIMARY.value
    frame.loc[rows, "marker"] = "[c]"
    return frame


def _restored(table, frame):
    return restore_published(table.request, frame, table.row_flags, title=table.title,
                             unit=table.unit, method=table.method, policy=table.policy,
                             legend=table.legend, notes=table.notes)


def test_a_hidden_benchmark_leaves_every_row_not_compared(census_catalog, database):
    table = build(census_catalog, database, measure="crude_rate", by=["sex"])
    reference = table.row_flags["is_reference"].to_numpy()
    frame = _hide(table.frame.drop(columns=["comparison", "rule"]), reference)
    restored = _restored(table, frame)  # a frame without the column gets it computed
    assert set(restored.frame["comparison"]) == {""}
    shown = _restored(table, table.frame.drop(columns=["comparison", "rule"]))
    assert shown.frame["comparison"].tolist() == table.frame["comparison"].tolist()
    assert shown.comparison_text == table.comparison_text


def test_the_measures_step_refuses_a_comparison_on_a_hidden_row(census_catalog, database):
    table = build(census_catalog, database, measure="crude_rate", by=["sex"])
    frame = _hide(table.frame.drop(columns=["rule"]), [0])
    frame.loc[0, "comparison"] = "higher"
    with pytest.raises(ValueError, match="carry a comparison"):
        _restored(table, frame)
    frame.loc[0, "comparison"] = "much higher"
    with pytest.raises(ValueError, match="not among"):
        _restored(table, frame)


# --- the carrier ----------------------------------------------------------------------------

def test_comparison_text_survives_pickling_and_leak_test_copies(census_catalog, database):
    table = build(census_catalog, database, measure="asmr", by=["disability"], benchmark="total")
    again = pickle.loads(pickle.dumps(table))
    assert again.comparison_text == table.comparison_text != ""
    pd.testing.assert_frame_equal(again.frame, table.frame)
    assert replaced_for_leak_tests(table, title="x").comparison_text == table.comparison_text
    with pytest.raises(AttributeError):
        table.comparison_text = "changed"


def test_linkage_tables_carry_an_empty_comparison(census_catalog, database):
    from explorer.tables.linkage_quality import linkage_rate_table

    table = linkage_rate_table(census_catalog, database, "sex", "official")
    assert list(table.frame.columns) == ["sex", *COLUMNS]
    assert set(table.frame["comparison"]) == {""}


# --- the request and the URL ----------------------------------------------------------------

@pytest.mark.unit
def test_benchmark_is_validated(census_catalog):
    request = validate_request(census_catalog, outcome="suicide", measure="asmr", by=["sex"])
    assert request.benchmark == "reference"
    with pytest.raises(QueryError, match="unknown benchmark 'median'"):
        validate_request(census_catalog, outcome="suicide", measure="asmr", by=["sex"],
                         benchmark="median")
    resolved, notices = resolve_request(census_catalog, outcome="suicide", measure="asmr",
                                        by=["sex"], benchmark="median", default=request)
    assert resolved.benchmark == "reference"
    assert [part for part, _ in notices] == ["benchmark"]
    assert request.describe(census_catalog) == validate_request(
        census_catalog, outcome="suicide", measure="asmr", by=["sex"],
        benchmark="total").describe(census_catalog)


@pytest.mark.unit
def test_benchmark_in_the_explore_url(census_catalog):
    view, notices = view_from_query_params(
        {"outcome": "suicide", "measure": "asmr", "by": "sex", "benchmark": "total"},
        census_catalog)
    assert notices == [] and view.benchmark == "total"
    assert view.request(census_catalog).benchmark == "total"
    assert view_to_query_params(view, census_catalog)["benchmark"] == "total"
    assert ExploreView.of(view.request(census_catalog)) == view
    default = ExploreView(outcome="suicide", measure="asmr", by=("sex",),
                          period=(2011, 2021))
    assert "benchmark" not in view_to_query_params(default, census_catalog)
    view, notices = view_from_query_params(
        {"outcome": "suicide", "measure": "asmr", "by": "sex", "benchmark": "median"},
        census_catalog)
    assert view.benchmark == "reference"
    assert len(notices) == 1 and notices[0].startswith("Ignored benchmark=median")
