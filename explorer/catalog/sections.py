"""Pass 3 of loading a catalog, one builder a section: semantic checks and the model objects.

Each builder takes a section of the schema-valid document (and the sections built before it)
and returns the model objects, or raises a :class:`CatalogProblem` at the first problem, which
``explorer.catalog.loader`` turns into a one-line CatalogError naming the file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from explorer.catalog.dimensions import Category, Dimension, Hierarchy, HierarchyGroup
from explorer.catalog.groupings import check_grouping, grouping_base
from explorer.catalog.problems import CatalogProblem
from explorer.catalog.model import (
    Cohort, Column, ExploreDefault, ExposureIndex, FollowUp, Outcome, StandardPopulation,
    StructuralZero, Table,
)
from explorer.catalog.shapes import (DENOMINATORS, PERSON_LEVEL, PERSON_TIME, SHAPE_MEASURES,
                                     SHAPE_WORDS)

PERSON_TIME_COHORT_KEYS = ("exit_year_column", "exit_age_group_column", "exposure")
"""Cohort keys a person-time dataset needs (where an event falls, and person-years) and a
person-level one must not have."""
PERSON_TIME_OUTCOME_KEYS = ("icd10", "min_age", "first_year")
"""Outcome keys a person-time dataset needs (optional for a person-level one)."""


def _difference(expected: Iterable[str], given: Iterable[str]) -> str:
    """``missing ['a']; unknown ['b']`` for two key collections that should be equal."""
    expected, given = list(expected), list(given)
    parts = []
    missing = [key for key in expected if key not in given]
    unknown = [key for key in given if key not in expected]
    if missing:
        parts.append(f"missing {missing}")
    if unknown:
        parts.append(f"unknown {unknown}")
    return "; ".join(parts)


def build_tables(raw: dict[str, Any]) -> dict[str, Table]:
    tables = {}
    for name, spec in raw.items():
        key = (spec["key"],) if isinstance(spec["key"], str) else tuple(spec["key"])
        columns = {col: Column(col, c["type"], c["description"]) for col, c in spec["columns"].items()}
        for index, key_column in enumerate(key):
            if key_column not in columns:
                where = ["tables", name, "key"] + ([] if isinstance(spec["key"], str) else [index])
                raise CatalogProblem(where, f"key column {key_column!r} is not a column of table "
                                            f"{name!r}")
        tables[name] = Table(name, spec["description"], key, columns)
    return tables


def require_column(tables: dict[str, Table], table: str, column: str,
                   table_path: list[str | int], column_path: list[str | int]) -> None:
    if table not in tables:
        raise CatalogProblem(table_path, f"table {table!r} is not declared in tables "
                                         f"(declared: {', '.join(tables)})")
    if column not in tables[table].columns:
        raise CatalogProblem(column_path, f"column {column!r} is not a column of table {table!r} "
                                          f"(columns: {', '.join(tables[table].columns)})")


def build_cohort(raw: dict[str, Any], tables: dict[str, Table],
                 shape: str = PERSON_TIME) -> Cohort:
    """The cohort: a person-time one needs where events fall (exit year and age band) and the
    exposure index; a person-level one (outcome flags) must not declare them."""
    for key in PERSON_TIME_COHORT_KEYS:
        if shape == PERSON_TIME and key not in raw:
            raise CatalogProblem(["cohort", key], "required key is missing for a person_time "
                                                  "dataset")
        if shape == PERSON_LEVEL and key in raw:
            raise CatalogProblem(["cohort", key], "a person_level dataset has no person-time: "
                                                  "remove this key (dataset.shape is "
                                                  "person_level)")
    if shape == PERSON_LEVEL:
        cohort = Cohort(**raw)
        for key in ("join_key", "cohort_filter_column", "record_key_column"):
            require_column(tables, cohort.persons_table, getattr(cohort, key),
                           ["cohort", "persons_table"], ["cohort", key])
        return cohort
    exposure = ExposureIndex(**raw["exposure"])
    cohort = Cohort(**{**raw, "exposure": exposure})
    persons, terms = cohort.persons_table, exposure.terms_table
    for key in ("join_key", "cohort_filter_column", "record_key_column", "exit_year_column",
                "exit_age_group_column"):
        require_column(tables, persons, getattr(cohort, key), ["cohort", "persons_table"],
                       ["cohort", key])
    for key in ("survivor_class_column", "death_class_column", "next_band_column",
                "followed_column"):
        require_column(tables, persons, getattr(exposure, key), ["cohort", "persons_table"],
                       ["cohort", "exposure", key])
    for key in ("class_column", "year_column", "age_group_column", "constant_column",
                "next_band_coefficient_column", "followed_coefficient_column"):
        require_column(tables, terms, getattr(exposure, key), ["cohort", "exposure", "terms_table"],
                       ["cohort", "exposure", key])
    return cohort


def check_dimension_tables(cohort: Cohort, dimensions: dict[str, Dimension]) -> None:
    """Breakdown dimensions are person-level (persons table), except, in a person-time dataset,
    the attained age band, which is the exposure terms' age band (person-years) and the persons'
    exit band (events). A person-level dataset has no attained age band."""
    exposure = cohort.exposure
    for code, dimension in dimensions.items():
        if dimension.table == cohort.persons_table:
            continue
        if dimension.is_grouping:
            raise CatalogProblem(["dimensions", code, "grouping_of"],
                                 f"a grouping must be of a dimension of table "
                                 f"{cohort.persons_table!r} (one value per person); "
                                 f"{dimension.grouping_of!r} is stored in {dimension.table!r}")
        if exposure is None:
            raise CatalogProblem(["dimensions", code, "table"],
                                 f"dimension {code!r} must be a column of table "
                                 f"{cohort.persons_table!r} (a person_level dataset has one row "
                                 "per person and no attained age band)")
        if (dimension.table, dimension.column) != (exposure.terms_table, exposure.age_group_column):
            raise CatalogProblem(["dimensions", code, "table"],
                                 f"dimension {code!r} must be a column of table "
                                 f"{cohort.persons_table!r} "
                                 f"or the attained age band {exposure.terms_table}."
                                 f"{exposure.age_group_column}")


def _build_categories(code: str, raw: list[dict[str, Any]]) -> tuple[Category, ...]:
    seen_codes: dict[int, int] = {}
    seen_keys: dict[str, int] = {}
    categories = []
    for index, item in enumerate(raw):
        path = ["dimensions", code, "categories", index]
        if item["code"] in seen_codes:
            raise CatalogProblem(path + ["code"],
                                 f"duplicate category code {item['code']} "
                                 f"(also used by categories[{seen_codes[item['code']]}])")
        if item["key"] in seen_keys:
            raise CatalogProblem(path + ["key"],
                                 f"duplicate category key {item['key']!r} "
                                 f"(also used by categories[{seen_keys[item['key']]}])")
        seen_codes[item["code"]] = index
        seen_keys[item["key"]] = index
        categories.append(Category(item["code"], item["key"], item["label"],
                                   item.get("residual", False), tuple(item.get("children", ()))))
    return tuple(categories)


def _build_hierarchy(code: str, raw: dict[str, Any], categories: tuple[Category, ...],
                     raw_dimensions: dict[str, Any]) -> Hierarchy:
    path: list[str | int] = ["dimensions", code, "hierarchy"]
    if "parent" in raw:
        parent = raw["parent"]
        if parent == code or parent not in raw_dimensions:
            raise CatalogProblem(path + ["parent"], f"parent {parent!r} is not another dimension "
                                                    f"(dimensions: {', '.join(raw_dimensions)})")
        parent_spec = raw_dimensions[parent]
        parent_labels = {c["key"]: c["label"] for c in parent_spec["categories"]}
        if set(raw["children"]) != set(parent_labels):
            raise CatalogProblem(path + ["children"],
                                 f"groups must be exactly the categories of dimension {parent!r}: "
                                 + _difference(parent_labels, raw["children"]))
        groups = tuple(HierarchyGroup(key, parent_labels[key], tuple(children))
                       for key, children in raw["children"].items())
        hierarchy = Hierarchy(parent_spec["label"], groups, parent)
        group_paths = {key: path + ["children", key] for key in raw["children"]}
    else:
        groups = tuple(HierarchyGroup(key, group["label"], tuple(group["children"]))
                       for key, group in raw["groups"].items())
        hierarchy = Hierarchy(raw["parent_label"], groups, None)
        group_paths = {key: path + ["groups", key, "children"] for key in raw["groups"]}

    keys = {category.key: category for category in categories}
    placed: dict[str, str] = {}
    for group in groups:
        for index, child in enumerate(group.children):
            child_path = group_paths[group.key] + [index]
            if child not in keys:
                raise CatalogProblem(child_path, f"child {child!r} is not a category key of "
                                                 f"dimension {code!r}")
            if keys[child].residual:
                raise CatalogProblem(child_path, f"child {child!r} is a residual category and "
                                                 "cannot be grouped")
            if child in placed:
                raise CatalogProblem(child_path, f"child {child!r} is listed more than once "
                                                 f"(also under {placed[child]!r})")
            placed[child] = group.key
    unplaced = [c.key for c in categories if not c.residual and c.key not in placed]
    if unplaced:
        raise CatalogProblem(path, f"categories not placed under any parent: {', '.join(unplaced)}")
    return hierarchy


def build_dimension(code: str, raw: dict[str, Any], tables: dict[str, Table],
                    raw_dimensions: dict[str, Any]) -> Dimension:
    path: list[str | int] = ["dimensions", code]
    grouping_of = raw.get("grouping_of")
    if grouping_of is not None:
        base_raw = grouping_base(code, raw, raw_dimensions)
        check_grouping(code, raw, base_raw)
        raw = {**raw, "table": base_raw["table"], "column": base_raw["column"]}
    else:
        for key in ("table", "column"):
            if key not in raw:
                raise CatalogProblem(path + [key], "required key is missing (a dimension names "
                                                   "its table and column, or the dimension it "
                                                   "groups with grouping_of)")
        for index, item in enumerate(raw["categories"]):
            if "children" in item:
                raise CatalogProblem(path + ["categories", index, "children"],
                                     "only a grouping dimension (grouping_of) has children")
    require_column(tables, raw["table"], raw["column"], path + ["table"], path + ["column"])
    categories = _build_categories(code, raw["categories"])
    by_key = {category.key: category for category in categories}
    reference = raw["reference"]
    if reference not in by_key:
        raise CatalogProblem(path + ["reference"], f"reference {reference!r} is not a category key "
                                                   f"(choose from: {', '.join(by_key)})")
    if by_key[reference].residual:
        raise CatalogProblem(path + ["reference"], f"reference {reference!r} is a residual category")
    if raw["ordered"] and "order_direction" not in raw:
        raise CatalogProblem(path + ["order_direction"],
                             "required key is missing for an ordered dimension")
    if not raw["ordered"] and "order_direction" in raw:
        raise CatalogProblem(path + ["order_direction"],
                             "only an ordered dimension may set order_direction")
    hierarchy = None
    if "hierarchy" in raw:
        hierarchy = _build_hierarchy(code, raw["hierarchy"], categories, raw_dimensions)
    return Dimension(code=code, label=raw["label"], table=raw["table"], column=raw["column"],
                     reference=reference, ordered=raw["ordered"],
                     order_direction=raw.get("order_direction"), categories=categories,
                     hierarchy=hierarchy,
                     standardisation_bands=raw.get("standardisation_bands", False),
                     grouping_of=grouping_of)


def build_outcome(code: str, raw: dict[str, Any], tables: dict[str, Table],
                  cohort: Cohort, follow_up: FollowUp, shape: str = PERSON_TIME) -> Outcome:
    """An outcome whose denominator fits the shape (person_years for person_time, persons for
    person_level). A person-time outcome names its ICD-10 codes, minimum age and first year; a
    person-level one may, and otherwise counts everyone in the cohort over the whole window."""
    path: list[str | int] = ["outcomes", code]
    require_column(tables, cohort.persons_table, raw["event_column"],
                   ["cohort", "persons_table"], path + ["event_column"])
    if raw["denominator"] != DENOMINATORS[shape]:
        raise CatalogProblem(path + ["denominator"],
                             f"{raw['denominator']!r} does not fit a {shape} dataset: its "
                             f"outcomes' denominator is {DENOMINATORS[shape]!r}")
    if shape == PERSON_TIME:
        for key in PERSON_TIME_OUTCOME_KEYS:
            if key not in raw:
                raise CatalogProblem(path + [key], "required key is missing for a person_time "
                                                   "dataset")
    else:  # a flag over the whole window: nothing would apply another age or first year
        for key, whole in (("min_age", 0), ("first_year", follow_up.first_year)):
            if raw.get(key, whole) != whole:
                raise CatalogProblem(path + [key], f"a person_level outcome counts everyone in "
                                                   f"the cohort over the whole follow-up window: "
                                                   f"{key} can only be {whole} (or left out)")
    raw = {"icd10": None, "min_age": 0, "first_year": follow_up.first_year, **raw}
    if not follow_up.first_year <= raw["first_year"] <= follow_up.last_year:
        raise CatalogProblem(path + ["first_year"],
                             f"{raw['first_year']} is outside the follow-up years "
                             f"{follow_up.first_year} to {follow_up.last_year}")
    return Outcome(code=code, **raw)


def build_standard_population(raw: dict[str, Any],
                              dimensions: dict[str, Dimension]) -> StandardPopulation:
    path: list[str | int] = ["standard_population"]
    code = raw["dimension"]
    if code not in dimensions:
        raise CatalogProblem(path + ["dimension"], f"dimension {code!r} is not declared "
                                                   f"(dimensions: {', '.join(dimensions)})")
    expected = [c.key for c in dimensions[code].categories if not c.residual]
    if set(expected) != set(raw["weights"]):
        raise CatalogProblem(path + ["weights"],
                             f"weights must cover exactly the categories of dimension {code!r}: "
                             + _difference(expected, raw["weights"]))
    if set(raw["lower_ages"]) != set(raw["weights"]):
        raise CatalogProblem(path + ["lower_ages"],
                             "lower_ages must name exactly the bands in weights: "
                             + _difference(list(raw["weights"]), raw["lower_ages"]))
    ages = [raw["lower_ages"][key] for key in raw["weights"]]
    if ages != sorted(set(ages)):
        raise CatalogProblem(path + ["lower_ages"], "lower ages must increase from band to band")
    also = raw.get("adjust_also_for")
    if also is not None and also not in dimensions:
        raise CatalogProblem(path + ["adjust_also_for"], f"dimension {also!r} is not declared "
                                                         f"(dimensions: {', '.join(dimensions)})")
    return StandardPopulation(raw["name"], raw["source"], code, dict(raw["weights"]),
                              dict(raw["lower_ages"]), also)


def build_explore_default(raw: dict[str, Any], dimensions: dict[str, Dimension],
                          outcomes: dict[str, Outcome], shape: str = PERSON_TIME) -> ExploreDefault:
    """The Explore page's opening view: its outcome and dimensions exist and its measure is one
    the shape offers (whether the measure fits the breakdown is checked with the view, by the
    tables stage)."""
    path: list[str | int] = ["dataset", "explore"]
    if raw["outcome"] not in outcomes:
        raise CatalogProblem(path + ["outcome"], f"outcome {raw['outcome']!r} is not declared "
                                                 f"(outcomes: {', '.join(outcomes)})")
    if raw["measure"] not in SHAPE_MEASURES[shape]:
        raise CatalogProblem(path + ["measure"], f"measure {raw['measure']!r} does not fit: "
                                                 f"{SHAPE_WORDS[shape]}; choose from: "
                                                 f"{', '.join(SHAPE_MEASURES[shape])}")
    for index, code in enumerate(raw["by"]):
        if code not in dimensions:
            raise CatalogProblem(path + ["by", index], f"dimension {code!r} is not declared "
                                                       f"(dimensions: {', '.join(dimensions)})")
    return ExploreDefault(raw["outcome"], raw["measure"], tuple(raw["by"]))


def build_follow_up(raw: dict[str, Any], shape: str = PERSON_TIME) -> FollowUp:
    """The follow-up window. In a person-level dataset it is the window the outcome flags
    cover, with no periods (there is no calendar year of an event to split it by)."""
    path: list[str | int] = ["dataset", "follow_up"]
    if shape == PERSON_LEVEL and raw.get("periods"):
        raise CatalogProblem(path + ["periods"], "a person_level dataset's outcome flags cover "
                                                 "the whole follow-up window, so it has no "
                                                 "periods: remove them")
    dates = {}
    for key in ("start", "end"):
        try:
            dates[key] = datetime.date.fromisoformat(raw[key])
        except ValueError:
            raise CatalogProblem(path + [key],
                                 f"{raw[key]!r} is not a valid date (YYYY-MM-DD)") from None
    if dates["start"] > dates["end"]:
        raise CatalogProblem(path + ["end"], "follow-up ends before it starts")
    if raw["first_year"] != dates["start"].year or raw["last_year"] != dates["end"].year:
        raise CatalogProblem(path, "first_year and last_year must be the years of start and end")
    periods = []
    for index, period in enumerate(raw.get("periods", [])):
        first, last = period["first"], period["last"]
        if first > last or first < raw["first_year"] or last > raw["last_year"]:
            raise CatalogProblem(path + ["periods", index],
                                 f"period {first} to {last} must run forward within the follow-up "
                                 f"years {raw['first_year']} to {raw['last_year']}")
        periods.append((first, last))
    return FollowUp(dates["start"], dates["end"], raw["first_year"], raw["last_year"],
                    tuple(periods))


def build_structural_zeros(outcomes: dict[str, Outcome],
                           follow_up: FollowUp) -> tuple[StructuralZero, ...]:
    """The cells each outcome cannot have, from the two rules the code applies: no event below
    the outcome's ``min_age`` (its age groups below it are structural zeros) and none before its
    ``first_year`` (periods and trend years start there)."""
    zeros = []
    for code, outcome in outcomes.items():
        if outcome.min_age > 0:
            zeros.append(StructuralZero(code, f"age groups under {outcome.min_age}"))
        if outcome.first_year > follow_up.first_year:
            zeros.append(StructuralZero(code, f"years before {outcome.first_year}"))
    return tuple(zeros)
