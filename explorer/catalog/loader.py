"""Read a data catalog YAML file, validate it, and build the :class:`Catalog` model.

Three passes, each failing with a one-line :class:`CatalogError` that names the file, the
key path (``dimensions.sex.categories[1].code``) and what is wrong:

1. YAML syntax (with the line and column), including duplicate keys;
2. the JSON Schema in :mod:`explorer.catalog.schema` (shape, types, unknown keys);
3. semantic cross-references (columns exist in their tables, references are categories,
   hierarchies cover their categories, standard-population weights match, ...).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError, best_match

from explorer.catalog.model import (
    BuildDefaults, Catalog, Category, Cohort, Column, Dimension, ExposureIndex, FollowUp, Hierarchy,
    HierarchyGroup, Linkage, LinkageQuality, Outcome, StandardPopulation, StructuralZero, Table,
)
from explorer.catalog.public_views import PublicViewProblem, build_public_views
from explorer.catalog.schema import CATALOG_SCHEMA, IDENTIFIER_PATTERN
from explorer.errors import CatalogError

_VALIDATOR = jsonschema.Draft202012Validator(CATALOG_SCHEMA)
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_key_path(parts: Iterable[str | int]) -> str:
    """``["dimensions", "sex", "categories", 1, "code"]`` -> ``dimensions.sex.categories[1].code``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text or "(top level)"


class _Problem(Exception):
    """A semantic problem at a key path; turned into a CatalogError naming the file."""

    def __init__(self, path: Sequence[str | int], message: str) -> None:
        super().__init__(message)
        self.path = tuple(path)
        self.message = message


def _fail(source: Path, path: Sequence[str | int], message: str) -> CatalogError:
    return CatalogError(f"{source}: {format_key_path(path)}: {message}")


# --- pass 1: YAML -----------------------------------------------------------------------

class _StrictSafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present
    """SafeLoader that rejects a key repeated in one mapping (PyYAML keeps the last)."""


def _construct_mapping_without_duplicates(loader: _StrictSafeLoader, node: yaml.MappingNode,
                                          deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_without_duplicates)


def _read_yaml(source: Path) -> Any:
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{source}: catalog file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(f"{source}: cannot read catalog file ({error})") from None
    try:
        return yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise CatalogError(f"{source}: YAML syntax error at {where}: {problem}") from None


# --- pass 2: JSON Schema ----------------------------------------------------------------

def _describe_schema_error(error: ValidationError) -> tuple[list[str | int], str]:
    """A key path and a plain-English phrase for one schema violation."""
    path: list[str | int] = list(error.absolute_path)
    instance, validator, expected = error.instance, error.validator, error.validator_value
    if validator == "required":
        missing = [key for key in expected if key not in instance]
        return path + [missing[0]], "required key is missing"
    if validator == "additionalProperties" and expected is False:
        allowed = ", ".join(error.schema.get("properties", {}))
        unexpected = sorted(set(instance) - set(error.schema.get("properties", {})), key=str)
        hint = ""
        if instance.get(unexpected[0]) is None:
            hint = (" (an unquoted comma inside a {...} flow mapping splits the text into a new"
                    " key: quote the value)")
        return path + [unexpected[0]], (
            f"unknown key {unexpected[0]!r}; allowed keys: {allowed}{hint}")
    return path, _phrase(error)


def _phrase(error: ValidationError) -> str:
    validator, expected, instance = error.validator, error.validator_value, error.instance
    if validator == "pattern" and expected == IDENTIFIER_PATTERN:
        return (f"{instance!r} is not a valid identifier (use lower-case letters, digits and"
                " underscores, starting with a letter)")
    if validator == "type":
        return f"{instance!r} has the wrong type: expected {expected}, got {type(instance).__name__}"
    if validator == "enum":
        return f"{instance!r} is not one of: {', '.join(map(str, expected))}"
    if validator == "const":
        return f"{instance!r} is not supported; expected {expected!r}"
    return error.message


def _validate_schema(source: Path, document: Any) -> None:
    if not isinstance(document, dict):
        raise _fail(source, [], "the catalog must be a mapping of keys to values")
    error = best_match(_VALIDATOR.iter_errors(document))
    if error is None:
        return
    if "propertyNames" in error.schema_path:
        # A bad mapping key: jsonschema reports the key itself as the instance, at the
        # path of the mapping that holds it.
        raise _fail(source, [*error.absolute_path, str(error.instance)],
                    f"bad key: {_phrase(error)}")
    path, message = _describe_schema_error(error)
    raise _fail(source, path, message)


# --- pass 3: semantic checks and model building ----------------------------------------

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


def _build_tables(raw: dict[str, Any]) -> dict[str, Table]:
    tables = {}
    for name, spec in raw.items():
        key = (spec["key"],) if isinstance(spec["key"], str) else tuple(spec["key"])
        columns = {col: Column(col, c["type"], c["description"]) for col, c in spec["columns"].items()}
        for index, key_column in enumerate(key):
            if key_column not in columns:
                where = ["tables", name, "key"] + ([] if isinstance(spec["key"], str) else [index])
                raise _Problem(where, f"key column {key_column!r} is not a column of table {name!r}")
        tables[name] = Table(name, spec["description"], key, columns)
    return tables


def _require_column(tables: dict[str, Table], table: str, column: str,
                    table_path: list[str | int], column_path: list[str | int]) -> None:
    if table not in tables:
        raise _Problem(table_path, f"table {table!r} is not declared in tables "
                                   f"(declared: {', '.join(tables)})")
    if column not in tables[table].columns:
        raise _Problem(column_path, f"column {column!r} is not a column of table {table!r} "
                                    f"(columns: {', '.join(tables[table].columns)})")


def _build_cohort(raw: dict[str, Any], tables: dict[str, Table]) -> Cohort:
    exposure = ExposureIndex(**raw["exposure"])
    cohort = Cohort(**{**raw, "exposure": exposure})
    persons, terms = cohort.persons_table, exposure.terms_table
    for key in ("join_key", "cohort_filter_column", "record_key_column", "exit_year_column",
                "exit_age_group_column"):
        _require_column(tables, persons, getattr(cohort, key), ["cohort", "persons_table"],
                        ["cohort", key])
    for key in ("survivor_class_column", "death_class_column", "next_band_column",
                "followed_column"):
        _require_column(tables, persons, getattr(exposure, key), ["cohort", "persons_table"],
                        ["cohort", "exposure", key])
    for key in ("class_column", "year_column", "age_group_column", "constant_column",
                "next_band_coefficient_column", "followed_coefficient_column"):
        _require_column(tables, terms, getattr(exposure, key), ["cohort", "exposure", "terms_table"],
                        ["cohort", "exposure", key])
    return cohort


def _check_dimension_tables(cohort: Cohort, dimensions: dict[str, Dimension]) -> None:
    """Breakdown dimensions are person-level (persons table), except the attained age band,
    which is the exposure terms' age band (person-years) and the persons' exit band (events)."""
    exposure = cohort.exposure
    for code, dimension in dimensions.items():
        if dimension.table == cohort.persons_table:
            continue
        if (dimension.table, dimension.column) != (exposure.terms_table, exposure.age_group_column):
            raise _Problem(["dimensions", code, "table"],
                           f"dimension {code!r} must be a column of table {cohort.persons_table!r} "
                           f"or the attained age band {exposure.terms_table}."
                           f"{exposure.age_group_column}")


def _build_categories(code: str, raw: list[dict[str, Any]]) -> tuple[Category, ...]:
    seen_codes: dict[int, int] = {}
    seen_keys: dict[str, int] = {}
    categories = []
    for index, item in enumerate(raw):
        path = ["dimensions", code, "categories", index]
        if item["code"] in seen_codes:
            raise _Problem(path + ["code"], f"duplicate category code {item['code']} "
                                            f"(also used by categories[{seen_codes[item['code']]}])")
        if item["key"] in seen_keys:
            raise _Problem(path + ["key"], f"duplicate category key {item['key']!r} "
                                           f"(also used by categories[{seen_keys[item['key']]}])")
        seen_codes[item["code"]] = index
        seen_keys[item["key"]] = index
        categories.append(Category(item["code"], item["key"], item["label"],
                                   item.get("residual", False)))
    return tuple(categories)


def _build_hierarchy(code: str, raw: dict[str, Any], categories: tuple[Category, ...],
                     raw_dimensions: dict[str, Any]) -> Hierarchy:
    path: list[str | int] = ["dimensions", code, "hierarchy"]
    if "parent" in raw:
        parent = raw["parent"]
        if parent == code or parent not in raw_dimensions:
            raise _Problem(path + ["parent"], f"parent {parent!r} is not another dimension "
                                              f"(dimensions: {', '.join(raw_dimensions)})")
        parent_spec = raw_dimensions[parent]
        parent_labels = {c["key"]: c["label"] for c in parent_spec["categories"]}
        if set(raw["children"]) != set(parent_labels):
            raise _Problem(path + ["children"], f"groups must be exactly the categories of "
                                                f"dimension {parent!r}: "
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
                raise _Problem(child_path, f"child {child!r} is not a category key of dimension {code!r}")
            if keys[child].residual:
                raise _Problem(child_path, f"child {child!r} is a residual category and cannot be grouped")
            if child in placed:
                raise _Problem(child_path, f"child {child!r} is listed more than once "
                                           f"(also under {placed[child]!r})")
            placed[child] = group.key
    unplaced = [c.key for c in categories if not c.residual and c.key not in placed]
    if unplaced:
        raise _Problem(path, f"categories not placed under any parent: {', '.join(unplaced)}")
    return hierarchy


def _build_dimension(code: str, raw: dict[str, Any], tables: dict[str, Table],
                     raw_dimensions: dict[str, Any]) -> Dimension:
    path: list[str | int] = ["dimensions", code]
    _require_column(tables, raw["table"], raw["column"], path + ["table"], path + ["column"])
    categories = _build_categories(code, raw["categories"])
    by_key = {category.key: category for category in categories}
    reference = raw["reference"]
    if reference not in by_key:
        raise _Problem(path + ["reference"], f"reference {reference!r} is not a category key "
                                             f"(choose from: {', '.join(by_key)})")
    if by_key[reference].residual:
        raise _Problem(path + ["reference"], f"reference {reference!r} is a residual category")
    if raw["ordered"] and "order_direction" not in raw:
        raise _Problem(path + ["order_direction"], "required key is missing for an ordered dimension")
    if not raw["ordered"] and "order_direction" in raw:
        raise _Problem(path + ["order_direction"], "only an ordered dimension may set order_direction")
    hierarchy = None
    if "hierarchy" in raw:
        hierarchy = _build_hierarchy(code, raw["hierarchy"], categories, raw_dimensions)
    return Dimension(code=code, label=raw["label"], table=raw["table"], column=raw["column"],
                     reference=reference, ordered=raw["ordered"],
                     order_direction=raw.get("order_direction"), categories=categories,
                     hierarchy=hierarchy,
                     standardisation_bands=raw.get("standardisation_bands", False))


def _build_outcome(code: str, raw: dict[str, Any], tables: dict[str, Table],
                   cohort: Cohort, follow_up: FollowUp) -> Outcome:
    path: list[str | int] = ["outcomes", code]
    _require_column(tables, cohort.persons_table, raw["event_column"],
                    ["cohort", "persons_table"], path + ["event_column"])
    if not follow_up.first_year <= raw["first_year"] <= follow_up.last_year:
        raise _Problem(path + ["first_year"], f"{raw['first_year']} is outside the follow-up years "
                                              f"{follow_up.first_year} to {follow_up.last_year}")
    return Outcome(code=code, **raw)


def _build_standard_population(raw: dict[str, Any],
                               dimensions: dict[str, Dimension]) -> StandardPopulation:
    path: list[str | int] = ["standard_population"]
    code = raw["dimension"]
    if code not in dimensions:
        raise _Problem(path + ["dimension"], f"dimension {code!r} is not declared "
                                             f"(dimensions: {', '.join(dimensions)})")
    expected = [c.key for c in dimensions[code].categories if not c.residual]
    if set(expected) != set(raw["weights"]):
        raise _Problem(path + ["weights"], f"weights must cover exactly the categories of "
                                           f"dimension {code!r}: "
                                           + _difference(expected, raw["weights"]))
    if set(raw["lower_ages"]) != set(raw["weights"]):
        raise _Problem(path + ["lower_ages"], "lower_ages must name exactly the bands in weights: "
                                              + _difference(list(raw["weights"]), raw["lower_ages"]))
    ages = [raw["lower_ages"][key] for key in raw["weights"]]
    if ages != sorted(set(ages)):
        raise _Problem(path + ["lower_ages"], "lower ages must increase from band to band")
    return StandardPopulation(raw["name"], raw["source"], code, dict(raw["weights"]),
                              dict(raw["lower_ages"]))


def _build_follow_up(raw: dict[str, Any]) -> FollowUp:
    path: list[str | int] = ["dataset", "follow_up"]
    dates = {}
    for key in ("start", "end"):
        try:
            dates[key] = datetime.date.fromisoformat(raw[key])
        except ValueError:
            raise _Problem(path + [key], f"{raw[key]!r} is not a valid date (YYYY-MM-DD)") from None
    if dates["start"] > dates["end"]:
        raise _Problem(path + ["end"], "follow-up ends before it starts")
    if raw["first_year"] != dates["start"].year or raw["last_year"] != dates["end"].year:
        raise _Problem(path, "first_year and last_year must be the years of start and end")
    periods = []
    for index, period in enumerate(raw.get("periods", [])):
        first, last = period["first"], period["last"]
        if first > last or first < raw["first_year"] or last > raw["last_year"]:
            raise _Problem(path + ["periods", index], f"period {first} to {last} must run forward "
                           f"within the follow-up years {raw['first_year']} to {raw['last_year']}")
        periods.append((first, last))
    return FollowUp(dates["start"], dates["end"], raw["first_year"], raw["last_year"],
                    tuple(periods))


def _build_catalog(source: Path, document: dict[str, Any]) -> Catalog:
    dataset = document["dataset"]
    tables = _build_tables(document["tables"])
    cohort = _build_cohort(document["cohort"], tables)
    follow_up = _build_follow_up(dataset["follow_up"])
    raw_dimensions = document["dimensions"]
    dimensions = {code: _build_dimension(code, raw, tables, raw_dimensions)
                  for code, raw in raw_dimensions.items()}
    _check_dimension_tables(cohort, dimensions)
    outcomes = {code: _build_outcome(code, raw, tables, cohort, follow_up)
                for code, raw in document["outcomes"].items()}
    zeros = []
    for index, item in enumerate(document["sdc"].get("structural_zeros", [])):
        if item["outcome"] not in outcomes:
            raise _Problem(["sdc", "structural_zeros", index, "outcome"],
                           f"outcome {item['outcome']!r} is not declared "
                           f"(outcomes: {', '.join(outcomes)})")
        zeros.append(StructuralZero(item["outcome"], item["rule"]))
    linkage = dataset["linkage"]
    standard_population = _build_standard_population(document["standard_population"], dimensions)
    try:
        public_views = build_public_views(document.get("public_views", []), dimensions, outcomes,
                                          follow_up, standard_population,
                                          document["sdc"]["policies"])
    except PublicViewProblem as problem:
        raise _Problem(problem.path, problem.message) from None
    return Catalog(
        code=dataset["code"], title=dataset["title"], description=dataset["description"],
        version=dataset["version"], default_database=dataset["default_database"],
        build_defaults=BuildDefaults(dataset["build"]["default_persons"],
                                     dataset["build"]["default_seed"]),
        follow_up=follow_up, provenance=tuple(dataset["provenance"]),
        linkage=Linkage(linkage["method"],
                        tuple(LinkageQuality(**item) for item in linkage["quality"]),
                        linkage["by_group_note"]),
        tables=tables, cohort=cohort, dimensions=dimensions, outcomes=outcomes,
        standard_population=standard_population,
        sdc_policies=dict(document["sdc"]["policies"]), structural_zeros=tuple(zeros),
        public_views=public_views, source_path=source,
    )


_LOADED: dict[tuple[str, int, int], Catalog] = {}


def load_catalog_file(path: str | Path) -> Catalog:
    """Load and fully validate one catalog file; CatalogError on any problem.

    A file already loaded, unchanged since (same modification time and size), is not parsed
    again: the app's charts and pages ask for the catalog on every rerun, and parsing and
    validating it takes ~0.2 s. The Catalog is frozen, so sharing it is safe."""
    source = Path(path)
    try:
        stat = source.stat()
        key = (str(source.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    catalog = _load_catalog_file(source)
    if key is not None:
        _LOADED[key] = catalog
    return catalog


def _load_catalog_file(source: Path) -> Catalog:
    document = _read_yaml(source)
    _validate_schema(source, document)
    try:
        return _build_catalog(source, document)
    except _Problem as problem:
        raise _fail(source, problem.path, problem.message) from None
