"""Read a data catalog YAML file, validate it, and build the :class:`Catalog` model.

Three passes, each failing with a one-line :class:`CatalogError` that names the file, the
key path (``dimensions.sex.categories[1].code``) and what is wrong:

1. YAML syntax (with the line and column), including duplicate keys;
2. the JSON Schema in :mod:`explorer.catalog.schema` (shape, types, unknown keys);
3. semantic cross-references (columns exist in their tables, references are categories,
   hierarchies cover their categories, standard-population weights match, ...): one builder a
   section in :mod:`explorer.catalog.sections` (public views in
   :mod:`explorer.catalog.public_views`, the linkage in :mod:`explorer.catalog.linkage_section`),
   put together here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError, best_match

from explorer.catalog.linkage_section import build_linkage
from explorer.catalog.model import BuildDefaults, Catalog, StandardPopulation
from explorer.catalog.shapes import PERSON_LEVEL, PERSON_TIME
from explorer.catalog.public_views import build_public_views
from explorer.catalog.schema import CATALOG_SCHEMA, IDENTIFIER_PATTERN
from explorer.catalog.source import Source, SourceProblem, build_source
from explorer.catalog.problems import CatalogProblem
from explorer.catalog.sections import (
    build_cohort, build_dimension, build_follow_up, build_outcome,
    build_explore_default, build_standard_population, build_structural_zeros, build_tables,
    check_dimension_tables,
)
from explorer.catalog.groupings import link_coarser
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

def _build_catalog(source_path: Path, document: dict[str, Any]) -> Catalog:
    dataset = document["dataset"]
    shape = dataset.get("shape", PERSON_TIME)
    tables = build_tables(document["tables"])
    cohort = build_cohort(document["cohort"], tables, shape)
    follow_up = build_follow_up(dataset["follow_up"], shape)
    raw_dimensions = document["dimensions"]
    dimensions = link_coarser({code: build_dimension(code, raw, tables, raw_dimensions)
                               for code, raw in raw_dimensions.items()})
    check_dimension_tables(cohort, dimensions)
    outcomes = {code: build_outcome(code, raw, tables, cohort, follow_up, shape)
                for code, raw in document["outcomes"].items()}
    zeros = build_structural_zeros(outcomes, follow_up)
    linkage = build_linkage(dataset["linkage"], tables, cohort, dimensions)
    standard_population = _standard_population(document, dimensions, shape)
    explore_default = build_explore_default(dataset["explore"], dimensions, outcomes, shape)
    public_views = build_public_views(document.get("public_views", []), dimensions, outcomes,
                                      follow_up, standard_population, document["sdc"]["policies"],
                                      shape)
    source = _build_source(document.get("source"), tables, cohort, dimensions, outcomes)
    return Catalog(
        code=dataset["code"], title=dataset["title"], description=dataset["description"],
        version=dataset["version"], default_database=dataset["default_database"],
        build_defaults=(BuildDefaults(dataset["build"]["default_persons"],
                                      dataset["build"]["default_seed"])
                        if "build" in dataset else None),
        follow_up=follow_up, provenance=tuple(dataset["provenance"]),
        linkage=linkage,
        tables=tables, cohort=cohort, dimensions=dimensions, outcomes=outcomes,
        standard_population=standard_population,
        sdc_policies=dict(document["sdc"]["policies"]), explore_default=explore_default,
        shape=shape, structural_zeros=zeros,
        public_views=public_views, source=source, source_path=source_path,
    )


def _standard_population(document: dict[str, Any], dimensions,
                         shape: str) -> StandardPopulation | None:
    """Required for a person-time dataset (age-standardised rates), refused for a person-level
    one (no person-time to standardise)."""
    raw = document.get("standard_population")
    if shape == PERSON_LEVEL:
        if raw is not None:
            raise CatalogProblem(["standard_population"], "a person_level dataset has no "
                                                          "age-standardised rates: remove it "
                                                          "(dataset.shape is person_level)")
        return None
    if raw is None:
        raise CatalogProblem(["standard_population"], "required key is missing for a "
                                                      "person_time dataset")
    return build_standard_population(raw, dimensions)


def _build_source(raw: dict[str, Any] | None, tables, cohort, dimensions, outcomes) -> Source | None:
    """The ingest mapping (explorer.catalog.source), checked against the persons table."""
    if raw is None:
        return None
    persons = cohort.persons_table
    try:
        return build_source(
            raw, persons_table=persons, persons_columns=tables[persons].columns,
            person_dimensions={code: d for code, d in dimensions.items()
                               if d.table == persons and not d.is_grouping},
            outcome_columns={code: outcome.event_column for code, outcome in outcomes.items()},
            model_columns=(cohort.join_key, cohort.record_key_column, cohort.cohort_filter_column))
    except SourceProblem as problem:
        raise CatalogProblem(problem.path, problem.message) from None


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
    except CatalogProblem as problem:
        raise _fail(source, problem.path, problem.message) from None
