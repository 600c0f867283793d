"""Coarser groupings declared in the catalog (issue 17): ``grouping_of`` dimensions, the base
dimension's ``coarser`` list, and one-line errors for malformed groupings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from explorer.catalog import Catalog, load_catalog_file
from explorer.errors import CatalogError, QueryError
from catalog_variants import catalog_document, catalog_variant

pytestmark = pytest.mark.unit


def _document() -> dict[str, Any]:
    return catalog_document("census_mortality")


def _variant(tmp_path: Path, mutate: Callable[[dict[str, Any]], None]) -> Path:
    return catalog_variant(tmp_path, "census_mortality", mutate)


def _error(path: Path) -> str:
    with pytest.raises(CatalogError) as caught:
        load_catalog_file(path)
    message = str(caught.value)
    assert path.name in message and "\n" not in message
    return message


# --- the real catalog ----------------------------------------------------------------------

def test_disability_grouping_reads_the_base_column_and_maps_its_codes(census_catalog: Catalog):
    grouped = census_catalog.dimension("disability_grouped")
    base = census_catalog.dimension("disability")
    assert grouped.grouping_of == "disability" and grouped.is_grouping
    assert (grouped.table, grouped.column) == (base.table, base.column)
    assert grouped.keys == ("disabled", "not_disabled") and grouped.reference == "not_disabled"
    assert grouped.category_by_key("disabled").children == ("limited_a_lot", "limited_a_little")
    assert grouped.group_of(base) == {1: 1, 2: 1, 3: 2}
    assert grouped.base_keys("disabled") == ("limited_a_lot", "limited_a_little")
    with pytest.raises(QueryError, match="not a grouping of 'sex'"):
        grouped.group_of(census_catalog.dimension("sex"))


def test_base_dimensions_know_their_coarser_groupings(census_catalog: Catalog):
    coarser = {code: d.coarser for code, d in census_catalog.dimensions.items() if d.coarser}
    assert coarser == {"disability": ("disability_grouped",), "region": ("region_grouped",),
                       "religion": ("religion_grouped",), "ethnicity_detailed": ("ethnicity",)}
    assert census_catalog.dimension("ethnicity").coarser == ()
    assert census_catalog.dimension("disability_grouped").coarser == ()


def test_region_grouping_is_the_declared_partition(census_catalog: Catalog):
    grouped = census_catalog.dimension("region_grouped")
    children = {c.key: c.children for c in grouped.categories}
    assert children == {
        "north": ("north_east", "north_west", "yorkshire_humber"),
        "midlands": ("east_midlands", "west_midlands"),
        "london": ("london",),
        "south_and_east": ("east_of_england", "south_east", "south_west"),
        "wales": ("wales",),
    }
    region = census_catalog.dimension("region")
    assert sorted(c for group in children.values() for c in group) == sorted(region.keys)


def test_religion_grouping_keeps_not_stated_as_a_residual_group(census_catalog: Catalog):
    grouped = census_catalog.dimension("religion_grouped")
    not_stated = grouped.category_by_key("not_stated")
    assert not_stated.residual and not_stated.children == ("not_stated",)
    assert grouped.category_by_key("other_religions").children == (
        "buddhist", "hindu", "jewish", "muslim", "sikh", "other_religion")


def test_a_grouping_is_not_an_ingest_dimension_and_serialises_without_a_column(census_catalog):
    data = census_catalog.to_dict()["dimensions"]["disability_grouped"]
    assert data["grouping_of"] == "disability" and "table" not in data and "column" not in data
    assert data["categories"][0]["children"] == ["limited_a_lot", "limited_a_little"]


def test_another_grouping_can_be_declared_and_is_linked(tmp_path: Path) -> None:
    """A grouping may hold every category in one group; the loader links it to its base."""
    def add(document):
        document["dimensions"]["sex_grouped"] = {
            "label": "Everyone", "grouping_of": "sex", "reference": "everyone", "ordered": False,
            "categories": [{"code": 1, "key": "everyone", "label": "Everyone",
                            "children": ["male", "female"]}]}
    catalog = load_catalog_file(_variant(tmp_path, add))
    assert catalog.dimension("sex").coarser == ("sex_grouped",)


# --- malformed groupings: one line naming the problem ----------------------------------------

def _grouping(document: dict[str, Any]) -> dict[str, Any]:
    return document["dimensions"]["disability_grouped"]


MALFORMED: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "unknown base": (lambda d: _grouping(d).update(grouping_of="disabilty"),
                     "dimensions.disability_grouped.grouping_of",
                     "grouping_of 'disabilty' is not another dimension"),
    "grouping of itself": (lambda d: _grouping(d).update(grouping_of="disability_grouped"),
                           "dimensions.disability_grouped.grouping_of",
                           "is not another dimension"),
    "grouping of a grouping": (lambda d: _grouping(d).update(grouping_of="region_grouped"),
                               "dimensions.disability_grouped.grouping_of",
                               "'region_grouped' is itself a grouping"),
    "unknown child": (lambda d: _grouping(d)["categories"][0].update(
                          children=["limited_a_lot", "limited_a_bit"]),
                      "dimensions.disability_grouped.categories[0].children[1]",
                      "child 'limited_a_bit' is not a category key of dimension 'disability'"),
    "a category in two groups": (lambda d: _grouping(d)["categories"][1].update(
                                     children=["not_limited", "limited_a_little"]),
                                 "dimensions.disability_grouped.categories[1].children[1]",
                                 "child 'limited_a_little' is in two groups ('disabled' and "
                                 "'not_disabled')"),
    "a base category missing": (lambda d: _grouping(d)["categories"][0].update(
                                    children=["limited_a_lot"]),
                                "dimensions.disability_grouped.categories",
                                "categories of 'disability' not in any group: limited_a_little"),
    "a residual category missing": (lambda d: d["dimensions"]["religion_grouped"][
                                        "categories"].pop(),
                                    "dimensions.religion_grouped.categories",
                                    "not in any group: not_stated"),
    "a residual category in a group of others": (
        lambda d: d["dimensions"]["religion_grouped"]["categories"][2]["children"].append(
            "not_stated") or d["dimensions"]["religion_grouped"]["categories"].pop(),
        "dimensions.religion_grouped.categories[2].children[6]",
        "child 'not_stated' is a residual category of 'religion'"),
    "a group without children": (lambda d: _grouping(d)["categories"][1].pop("children"),
                                 "dimensions.disability_grouped.categories[1].children",
                                 "required key is missing"),
    "children outside a grouping": (lambda d: d["dimensions"]["sex"]["categories"][0].update(
                                        children=["male"]),
                                    "dimensions.sex.categories[0].children",
                                    "only a grouping dimension (grouping_of) has children"),
    "a grouping with its own column": (lambda d: _grouping(d).update(column="disability"),
                                       "dimensions.disability_grouped.column",
                                       "a grouping (grouping_of) cannot set column"),
    "a grouping with a hierarchy": (lambda d: _grouping(d).update(
                                        hierarchy={"parent_label": "All", "groups": {
                                            "all": {"label": "All",
                                                    "children": ["disabled", "not_disabled"]}}}),
                                    "dimensions.disability_grouped.hierarchy",
                                    "cannot set hierarchy"),
    "a stored dimension without a column": (lambda d: d["dimensions"]["sex"].pop("column"),
                                            "dimensions.sex.column",
                                            "required key is missing"),
    "a grouping of the attained age band": (lambda d: _grouping(d).update(
                                                grouping_of="age_group"),
                                            "dimensions.disability_grouped",
                                            "not a category key of dimension 'age_group'"),
    "a residual reference": (lambda d: d["dimensions"]["religion_grouped"].update(
                                 reference="not_stated"),
                             "dimensions.religion_grouped.reference",
                             "is a residual category"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_grouping_is_one_line_naming_it(tmp_path: Path, case: str) -> None:
    mutate, key_path, phrase = MALFORMED[case]
    message = _error(_variant(tmp_path, mutate))
    assert key_path in message, message
    assert phrase in message, message


def test_a_grouping_must_be_of_a_persons_dimension(tmp_path: Path) -> None:
    """A grouping of the attained age band (the exposure terms' column, which changes during
    follow-up) is refused even when its groups cover the bands."""
    def age_grouping(document):
        bands = [c["key"] for c in document["dimensions"]["age_group"]["categories"]]
        document["dimensions"]["age_grouped"] = {
            "label": "Age (2 groups)", "grouping_of": "age_group", "reference": "younger",
            "ordered": False,
            "categories": [{"code": 1, "key": "younger", "label": "Under 45",
                            "children": bands[:9]},
                           {"code": 2, "key": "older", "label": "45 and over",
                            "children": bands[9:]}]}
    message = _error(_variant(tmp_path, age_grouping))
    assert "dimensions.age_grouped.grouping_of" in message
    assert "a grouping must be of a dimension of table 'persons'" in message
