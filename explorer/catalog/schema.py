"""JSON Schema (Draft 2020-12) for a data catalog YAML file.

The schema checks shape and types; cross-references (a dimension's column exists in its
table, a reference category is one of the categories, ...) are checked afterwards by
``explorer.catalog.loader``. Objects reject unknown keys so that a typo such as ``lable``
is reported instead of silently ignored.
"""

from __future__ import annotations

from typing import Any

from explorer.catalog.limits import MAX_BREAKDOWNS
from explorer.catalog.shapes import DENOMINATORS, PUBLIC_VIEW_MEASURES as _VIEW_MEASURES, SHAPES
from explorer.catalog.source import SOURCE_SCHEMA
from explorer.formats import schema_record

IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Table, column, dimension, outcome and category keys: safe to quote into SQL and URLs."""

POLICY_NAMES = ("public", "official", "statistician")
"""The disclosure-control audiences a catalog may configure."""

COLUMN_TYPES = (
    "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT",
    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
    "FLOAT", "DOUBLE", "DECIMAL", "DATE", "TIMESTAMP", "VARCHAR",
)
"""DuckDB column types a catalog table may declare."""

_IDENTIFIER: dict[str, Any] = {"type": "string", "pattern": IDENTIFIER_PATTERN}
_TEXT: dict[str, Any] = {"type": "string", "minLength": 1}
_ISO_DATE: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_YEAR: dict[str, Any] = {"type": "integer", "minimum": 1800, "maximum": 2200}


def _mapping_of(value_schema: dict[str, Any], min_properties: int = 1) -> dict[str, Any]:
    """An object whose keys are identifiers and whose values all follow ``value_schema``."""
    return {
        "type": "object",
        "propertyNames": _IDENTIFIER,
        "additionalProperties": value_schema,
        "minProperties": min_properties,
    }


_COLUMN = schema_record({"type": {"enum": list(COLUMN_TYPES)}, "description": _TEXT})

_TABLE = schema_record(
    {
        "description": _TEXT,
        "key": {
            "oneOf": [
                _IDENTIFIER,
                {"type": "array", "items": _IDENTIFIER, "minItems": 1, "uniqueItems": True},
            ]
        },
        "columns": _mapping_of(_COLUMN),
    }
)

_CATEGORY = schema_record(
    {
        "code": {"type": "integer", "minimum": 0},
        "key": _IDENTIFIER,
        "label": _TEXT,
        "residual": {"type": "boolean"},
        "children": {"type": "array", "items": _IDENTIFIER, "minItems": 1, "uniqueItems": True},
    },
    required=["code", "key", "label"],
)
"""A category. ``children`` only in a grouping dimension (``grouping_of``): the base
dimension's category keys the group holds (checked by explorer.catalog.sections)."""

_KEY_LIST = {"type": "array", "items": _IDENTIFIER, "minItems": 1}

_HIERARCHY_BY_PARENT = schema_record(
    {"parent": _IDENTIFIER, "children": _mapping_of(_KEY_LIST)}
)
_HIERARCHY_BY_GROUPS = schema_record(
    {
        "parent_label": _TEXT,
        "groups": _mapping_of(schema_record({"label": _TEXT, "children": _KEY_LIST})),
    }
)

_DIMENSION = schema_record(
    {
        "label": _TEXT,
        "table": _IDENTIFIER,
        "column": _IDENTIFIER,
        "grouping_of": _IDENTIFIER,
        "reference": _IDENTIFIER,
        "ordered": {"type": "boolean"},
        "order_direction": {"enum": ["advantaged_first", "disadvantaged_first"]},
        "standardisation_bands": {"type": "boolean"},
        "hierarchy": {
            "type": "object",
            "if": {"required": ["parent"]},
            "then": _HIERARCHY_BY_PARENT,
            "else": _HIERARCHY_BY_GROUPS,
        },
        "categories": {"type": "array", "items": _CATEGORY, "minItems": 1},
    },
    required=["label", "reference", "ordered", "categories"],
)
"""A dimension: a stored one names its ``table`` and ``column``; a grouping names the dimension
it groups (``grouping_of``) instead, and is read from that dimension's column (one or the
other, checked by explorer.catalog.sections)."""

_OUTCOME = schema_record(
    {
        "label": _TEXT,
        "definition": _TEXT,
        "icd10": _TEXT,
        "event_column": _IDENTIFIER,
        "denominator": {"enum": list(DENOMINATORS.values())},
        "unit": _TEXT,
        "multiplier": {"type": "integer", "minimum": 1},
        "min_age": {"type": "integer", "minimum": 0, "maximum": 130},
        "first_year": _YEAR,
        "safe_messaging": {"type": "boolean"},
        "about_children": {"type": "boolean"},
    },
    required=["label", "definition", "event_column", "denominator", "unit", "multiplier"],
)
"""An outcome. ``icd10``, ``min_age`` and ``first_year`` are required for a person-time dataset
(checked by explorer.catalog.sections, which knows the shape); a person-level outcome defaults
to ages 0 and over, counted from the first follow-up year."""

_LINKAGE_QUALITY = schema_record(
    {
        "measure": _TEXT,
        "value": {"type": "number"},
        "unit": _TEXT,
        "source": _TEXT,
    }
)

_LINKAGE_EVALUATION = schema_record(
    {
        "true_match_column": _IDENTIFIER,
        "linked_column": _IDENTIFIER,
        "correct_column": _IDENTIFIER,
        "by": {"type": "array", "items": _IDENTIFIER, "minItems": 1, "uniqueItems": True},
        "recall_gap": {"type": "number"},
    }
)
"""Where the truth about links is (0/1 columns of the persons table), the dimensions precision and
recall are reported by, and the recall gap Explore flags (explorer.catalog.linkage)."""

_LINKAGE_BIAS = schema_record(
    {
        "table": _IDENTIFIER,
        "linked_column": _IDENTIFIER,
        "record_key_column": _IDENTIFIER,
        "characteristics": _mapping_of(_IDENTIFIER),
    },
    required=["table", "linked_column", "characteristics"],
)
"""The records that were to be linked, their linked flag and the characteristics both sides hold
(dimension code -> column); ``record_key_column`` defaults to the cohort's record key's name."""

_LINKAGE_MODEL = schema_record({"parameters_table": _IDENTIFIER, "settings_table": _IDENTIFIER})

_DATASET = schema_record(
    {
        "code": _IDENTIFIER,
        "title": _TEXT,
        "description": _TEXT,
        "version": _TEXT,
        "shape": {"enum": list(SHAPES)},
        "default_database": _TEXT,
        "build": schema_record(
            {
                "default_persons": {"type": "integer", "minimum": 1},
                "default_seed": {"type": "integer", "minimum": 0},
            }
        ),
        "follow_up": schema_record(
            {"start": _ISO_DATE, "end": _ISO_DATE, "first_year": _YEAR, "last_year": _YEAR,
             "periods": {"type": "array",
                         "items": schema_record({"first": _YEAR, "last": _YEAR})}},
            required=["start", "end", "first_year", "last_year"],
        ),
        "provenance": {"type": "array", "items": _TEXT, "minItems": 1},
        "explore": schema_record({
            "outcome": _IDENTIFIER,
            "measure": _IDENTIFIER,
            "by": {"type": "array", "items": _IDENTIFIER, "minItems": 1,
                   "maxItems": MAX_BREAKDOWNS, "uniqueItems": True},
        }),
        "linkage": schema_record(
            {
                "method": _TEXT,
                "quality": {"type": "array", "items": _LINKAGE_QUALITY},
                "by_group_note": _TEXT,
                "evaluation": _LINKAGE_EVALUATION,
                "bias": _LINKAGE_BIAS,
                "model": _LINKAGE_MODEL,
            },
            required=["method", "quality", "by_group_note"],
        ),
    },
    required=["code", "title", "description", "version", "default_database", "follow_up",
              "provenance", "explore", "linkage"],
)
"""``shape`` defaults to person_time (explorer.catalog.shapes); ``build`` is for datasets the
synthetic builder makes (an ingested dataset has none)."""

_EXPOSURE_INDEX = schema_record(
    {
        "terms_table": _IDENTIFIER,
        "class_column": _IDENTIFIER,
        "year_column": _IDENTIFIER,
        "age_group_column": _IDENTIFIER,
        "constant_column": _IDENTIFIER,
        "next_band_coefficient_column": _IDENTIFIER,
        "followed_coefficient_column": _IDENTIFIER,
        "survivor_class_column": _IDENTIFIER,
        "death_class_column": _IDENTIFIER,
        "next_band_column": _IDENTIFIER,
        "followed_column": _IDENTIFIER,
    }
)

_COHORT = schema_record(
    {
        "persons_table": _IDENTIFIER,
        "join_key": _IDENTIFIER,
        "cohort_filter_column": _IDENTIFIER,
        "record_key_column": _IDENTIFIER,
        "exit_year_column": _IDENTIFIER,
        "exit_age_group_column": _IDENTIFIER,
        "exposure": _EXPOSURE_INDEX,
    },
    required=["persons_table", "join_key", "cohort_filter_column", "record_key_column"],
)
"""The exit columns and the exposure index are required for a person-time dataset and refused
for a person-level one (explorer.catalog.sections)."""

_STANDARD_POPULATION = schema_record(
    {
        "name": _TEXT,
        "source": _TEXT,
        "dimension": _IDENTIFIER,
        "weights": _mapping_of({"type": "number", "exclusiveMinimum": 0}),
        "lower_ages": _mapping_of({"type": "integer", "minimum": 0}),
        "adjust_also_for": _IDENTIFIER,
    },
    required=["name", "source", "dimension", "weights", "lower_ages"],
)

_SDC = schema_record(
    {
        "policies": {
            "type": "object",
            "propertyNames": {"enum": list(POLICY_NAMES)},
            "additionalProperties": _IDENTIFIER,
            "minProperties": 1,
        },
    },
    required=["policies"],
)

PUBLIC_VIEW_MEASURES = tuple(dict.fromkeys(code for codes in _VIEW_MEASURES.values()
                                           for code in codes))
"""Measures a public view may show: rates or proportions, whose headline compares groups
(highest, lowest); which of them fit the catalog's shape is checked by
explorer.catalog.public_views."""


_PUBLIC_VIEW = schema_record(
    {
        "code": _IDENTIFIER,
        "title": _TEXT,
        "outcome": _IDENTIFIER,
        "measure": {"enum": list(PUBLIC_VIEW_MEASURES)},
        "by": {"type": "array", "items": _IDENTIFIER, "minItems": 1,
               "maxItems": MAX_BREAKDOWNS, "uniqueItems": True},
        "period": schema_record({"first": _YEAR, "last": _YEAR}),
        "about_suicide": {"type": "boolean"},
        "headline_subject": _TEXT,
        "what_it_means": _TEXT,
        "what_it_does_not_mean": _TEXT,
    },
    required=["code", "title", "outcome", "measure", "by", "about_suicide", "headline_subject",
              "what_it_means", "what_it_does_not_mean"],
)
"""A curated view for the public summary (``python -m explorer publish`` builds it under the
public policy): plain-English text for a reader with no statistics training."""

CATALOG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://linked-data-inequalities-explorer/catalog.schema.json",
    "title": "Linked Data Inequalities Explorer data catalog",
    **schema_record(
        {
            "schema_version": {"const": 1},
            "dataset": _DATASET,
            "tables": _mapping_of(_TABLE),
            "cohort": _COHORT,
            "dimensions": _mapping_of(_DIMENSION),
            "outcomes": _mapping_of(_OUTCOME),
            "standard_population": _STANDARD_POPULATION,
            "sdc": _SDC,
            "public_views": {"type": "array", "items": _PUBLIC_VIEW},
            "source": SOURCE_SCHEMA,
        },
        required=["schema_version", "dataset", "tables", "cohort", "dimensions", "outcomes",
                  "sdc"],
    ),
}
"""The whole-file schema, checked with ``jsonschema.Draft202012Validator``."""
