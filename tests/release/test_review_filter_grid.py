"""The review page's cell filter, its suppression grid and the report's file name
(explorer.release.review, explorer.release.output_report), on hand-made protected tables (the
same as test_review.py's, with hand-worked patterns) and the tiny database; the default policy
(explorer.app.review_state)."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from explorer.app.review_state import policy_from_query_params
from explorer.db.connection import open_database
from explorer.errors import ExplorerError
from explorer.release.output_report import MAX_FILENAME, report_filename
from explorer.release.review import (
    CELL_FILTERS,
    DECISION_MARK,
    DEFAULT_POLICY,
    GRID_COLOURS,
    display_frame,
    filter_cells,
    grid_style,
    policy_caption,
    review_from_protected,
    review_policy,
    review_table,
    suppression_grid,
)
from explorer.sdc.policy import load_policy
from explorer.sdc.protect import protect
from explorer.sdc.raw_table import RawTable
from explorer.sdc.structure import DimensionLevels
from explorer.tables import policy_for
from explorer.tables.request import TableRequest, validate_request

UNPERTURBED = load_policy("statistician")
NO_SECONDARY = dataclasses.replace(UNPERTURBED, secondary_enabled=False)
SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def two_by_three(counts) -> RawTable:
    return RawTable(dimensions=(DimensionLevels("a", ("r0", "r1")),
                                DimensionLevels("b", ("k0", "k1", "k2"))),
                    counts=np.asarray(counts, float).ravel(), structural_zero=np.zeros(6, bool))


def one_way(counts) -> RawTable:
    categories = tuple(f"c{i}" for i in range(len(counts)))
    return RawTable(dimensions=(DimensionLevels("a", categories),), counts=np.asarray(counts, float),
                    structural_zero=np.zeros(len(counts), bool))


@pytest.fixture(scope="module")
def rectangle():
    """test_review.py's hand-worked 2 x 3 table: (r0, k0) = 3 is primary, and the rectangle
    (r0, k1), (r1, k0), (r1, k1) secondary; nothing needs a decision."""
    return review_from_protected(protect(two_by_three([[3, 20, 30], [15, 25, 40]]), UNPERTURBED))


# --- the filter -------------------------------------------------------------------------------

@pytest.mark.unit
def test_filter_lists_all_hidden_or_decision_cells(rectangle):
    assert list(CELL_FILTERS) == ["all", "hidden", "decisions"]
    assert len(filter_cells(rectangle, "all")) == 12
    hidden = filter_cells(rectangle, "hidden")
    assert sorted(zip(hidden["a"], hidden["b"], hidden["suppression"])) == [
        ("r0", "k0", "primary"), ("r0", "k1", "secondary"), ("r1", "k0", "secondary"),
        ("r1", "k1", "secondary")]
    assert filter_cells(rectangle, "decisions").empty
    assert list(display_frame(rectangle, "hidden")["A"]) == list(hidden["a"])
    assert len(display_frame(rectangle)) == 12
    # [1, 2, 30] without secondary suppression: both small cells are under-protected (each lies
    # in [0, 3], short of value + 5), so both need a decision, and only they
    under = review_from_protected(protect(one_way([1, 2, 30]), NO_SECONDARY))
    decisions = filter_cells(under, "decisions")
    assert list(decisions["a"]) == ["c0", "c1"]
    assert list(display_frame(under, "decisions")["Needs a decision"]) == ["under protected"] * 2
    with pytest.raises(ExplorerError, match="unknown cell filter"):
        filter_cells(rectangle, "everything")


# --- the grid ---------------------------------------------------------------------------------

@pytest.mark.unit
def test_grid_of_a_two_way_table_is_rows_by_columns_with_margins(rectangle):
    grid = suppression_grid(rectangle)
    assert list(grid.index) == ["r0", "r1", "Total"]
    assert list(grid.columns) == ["k0", "k1", "k2", "Total"]
    assert grid.to_numpy().tolist() == [
        ["[c] primary", "[c] secondary", "shown", "shown"],
        ["[c] secondary", "[c] secondary", "shown", "shown"],
        ["shown", "shown", "shown", "shown"],
    ]
    assert (grid.index.name, grid.columns.name) == ("A", "B")
    # every cell of the review is in the grid once
    assert grid.size == len(rectangle.frame)


@pytest.mark.unit
def test_grid_of_a_one_way_table_is_one_column_and_marks_decisions():
    # [3, 12, 20] without secondary suppression: c0 = 3 is hidden but recovered exactly
    exact = review_from_protected(protect(one_way([3, 12, 20]), NO_SECONDARY))
    grid = suppression_grid(exact)
    assert list(grid.columns) == ["Status"]
    assert list(grid.index) == ["c0", "c1", "c2", "Total"]
    assert list(grid["Status"]) == [f"[c] primary{DECISION_MARK}", "shown", "shown", "shown"]


@pytest.mark.unit
def test_grid_colours_hidden_cells_with_text_that_keeps_its_contrast(rectangle):
    html = grid_style(suppression_grid(rectangle)).to_html()
    assert GRID_COLOURS["[c] primary"].split(";")[0] in html
    assert GRID_COLOURS["[c] secondary"].split(";")[0] in html

    def luminance(hex_colour: str) -> float:  # WCAG 2.2 relative luminance
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert round((luminance("#ffffff") + 0.05) / (luminance("#767676") + 0.05), 2) == 4.54
    for css in GRID_COLOURS.values():
        background, text = re.findall(r"#[0-9a-f]{6}", css)
        ratio = (max(luminance(background), luminance(text)) + 0.05) / \
            (min(luminance(background), luminance(text)) + 0.05)
        assert ratio >= 4.5, css


@pytest.mark.sql
def test_grid_keeps_a_subtotal_apart_from_its_category_of_the_same_name(tiny_db, census_catalog):
    """Region has the subtotal "Wales" over the category "Wales": the grid keys cells by level,
    so both appear, the subtotal marked."""
    request = validate_request(census_catalog, outcome="suicide", measure="count",
                               by=["region"], audience="statistician")
    with open_database(tiny_db.path) as database:
        review = review_table(request, census_catalog, database,
                              policy_for(census_catalog, "statistician").with_threshold(2))
    grid = suppression_grid(review)
    assert len(grid) == len(review.frame)
    assert "Wales" in grid.index and "Wales (subtotal)" in grid.index
    assert "England (subtotal)" in grid.index and "Total" in grid.index
    status = dict(zip(grid.index, grid["Status"]))
    assert status["London"] == status["North East"] == "[c] primary"
    assert status["England (subtotal)"] == status["Total"] == "[c] secondary"
    assert status["Wales"] == "shown"


@pytest.mark.sql
def test_grid_of_a_view_and_its_trend_on_the_database(census_catalog, database):
    from explorer.release.review import review_view_tables

    request = validate_request(census_catalog, outcome="suicide", measure="asmr",
                               by=["ethnicity", "region"], where={"sex": ("female",)},
                               audience="statistician")
    for review in review_view_tables(request, census_catalog, database,
                                     review_policy(census_catalog, "official")):
        grid = suppression_grid(review)
        first, second = review.dimensions
        assert grid.size == len(review.frame)
        assert grid.index.name == review.dimension_label(first)
        assert grid.columns.name == review.dimension_label(second)
        # as many "[c] primary" words as primary cells, and the same for secondary
        words = pd.Series(grid.to_numpy().ravel()).str.removesuffix(DECISION_MARK)
        frame = review.frame
        assert (words == "[c] primary").sum() == (frame["suppression"] == "primary").sum()
        assert (words == "[c] secondary").sum() == (frame["suppression"] == "secondary").sum()
        assert pd.Series(grid.to_numpy().ravel()).str.endswith(DECISION_MARK).sum() == \
            frame["needs_decision"].sum()


# --- the default policy -----------------------------------------------------------------------

@pytest.mark.unit
def test_default_policy_is_the_audience_of_explores_views(census_catalog):
    assert DEFAULT_POLICY == "official"
    assert policy_from_query_params({}, 10) == ("official", 10, [])
    assert policy_from_query_params({"policy": "public"}, 10) == ("public", 10, [])
    choice, _, notices = policy_from_query_params({"policy": "everyone"}, 10)
    assert choice == "official" and len(notices) == 1
    official = review_policy(census_catalog, "official")
    assert policy_caption("official", official).startswith(
        f"Policy {official.label}: the default, because Explore's views are made for officials. ")
    assert policy_caption("official", official).endswith(official.description)
    public = review_policy(census_catalog, "public")
    assert policy_caption("public", public).startswith(
        f"Policy {public.label}: chosen above or in the page's link (the default is official")


# --- the report's file name -------------------------------------------------------------------

def _named(review, request: TableRequest, policy) -> list:
    return [dataclasses.replace(review, request=request, policy=policy)]


@pytest.mark.unit
def test_report_filenames_carry_dataset_view_and_policy(rectangle, census_catalog):
    request = validate_request(census_catalog, outcome="suicide", measure="asmr",
                               by=["ethnicity", "region"], where={"sex": ("female",)},
                               audience="statistician")
    names = {choice: report_filename(_named(rectangle, request,
                                            review_policy(census_catalog, choice)),
                                     census_catalog, "html")
             for choice in ("public", "official", "statistician")}
    assert names["official"] == (
        "output_check_census_mortality_suicide_asmr_by-ethnicity-region_"
        f"{request.period[0]}-{request.period[1]}_sex-female_policy-official.html")
    assert len(set(names.values())) == 3  # one report per audience: none overwrites another
    custom = {report_filename(_named(rectangle, request,
                                     review_policy(census_catalog, "custom", threshold)),
                              census_catalog, "json") for threshold in (3, 7)}
    assert len(custom) == 2 and all("policy-official_custom-t" in name for name in custom)
    # another filter, period, breakdown or measure: another name
    others = [
        dataclasses.replace(request, where={"sex": ("male",)}),
        dataclasses.replace(request, period=(2015, 2016)),
        dataclasses.replace(request, by=("ethnicity",)),
        dataclasses.replace(request, measure="count"),
    ]
    official = review_policy(census_catalog, "official")
    assert len({report_filename(_named(rectangle, other, official), census_catalog, "html")
                for other in [request, *others]}) == 5
    for name in [*names.values(), *custom]:
        assert SAFE.match(name) and "/" not in name and " " not in name


@pytest.mark.unit
def test_report_filenames_are_safe_and_short_whatever_the_labels(rectangle, census_catalog):
    official = review_policy(census_catalog, "official")
    nasty = TableRequest(dataset="census_mortality", outcome="suicide", measure="asmr",
                         by=("region",), where={"region": ("../etc/passwd", "north east", "ü")},
                         period=(2011, 2021), audience="statistician")
    name = report_filename(_named(rectangle, nasty, official), census_catalog, "html")
    assert SAFE.match(name) and name.endswith(".html") and name.count(".") == 1
    many = [dataclasses.replace(nasty, where={"region": tuple(f"region_{i}" for i in range(n))})
            for n in (40, 41)]
    long_names = [report_filename(_named(rectangle, r, official), census_catalog, "json")
                  for r in many]
    assert all(len(n) <= MAX_FILENAME and SAFE.match(n) for n in long_names)
    assert long_names[0] != long_names[1]  # cut, but told apart by the hash of the whole name
    # no request: the dataset and the policy still name it
    assert report_filename([dataclasses.replace(rectangle, policy=official)], census_catalog,
                           "json") == "output_check_census_mortality_policy-official.json"
