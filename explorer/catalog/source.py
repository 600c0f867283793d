"""The ``source:`` section of a catalog: how a linked extract's columns and codes become the
catalog's persons table, for ``python -m explorer ingest`` (explorer.data.ingest).

An extract has one row per person: census variables as codes stored as text, date of birth and
date of death in year, month and day columns, and the underlying cause of death as an ICD-10
code (as the ONS Data Science Campus synthetic census-2011-mortality data). The section says:

- ``id_column`` (optional): the person identifier; without it, the row number is the id;
- ``missing_values``: texts that mean "no value" in any column (default ``""`` and ``NA``);
- ``birth_date`` and ``death_date``: the year, month and day columns of each date;
- ``underlying_cause``: the ICD-10 column;
- ``dimensions``: per catalog dimension of the persons table, its source column and a map from
  source codes to category keys; ``missing`` names the category for a missing value (else a
  missing value is an unknown code, an error);
- ``outcomes``: per catalog outcome, ``all_deaths: true`` or a list of ICD-10 ``codes`` (one code
  such as ``Y87.0`` or a range such as ``X60-X84``) with an optional ``min_age`` at death.

Follow-up starts on ``dataset.follow_up.start`` for everyone in the extract and ends at death or
``follow_up.end``. A death before the start excludes the person; a death after the end counts as
surviving to the end (the ingest summary reports both with counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explorer.formats import schema_record

SOURCE_COLUMN_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
"""Source column names: letters, digits and underscores (safe to quote into SQL)."""

ICD10_PATTERN = r"^[A-Z][0-9]{2}(\.?[0-9X]{1,2})?(-[A-Z][0-9]{2}(\.?[0-9X]{1,2})?)?$"
"""One ICD-10 code (``Y87.0``) or a range of codes of equal length (``X60-X84``)."""

PERSON_MODEL_COLUMNS = ("birth_date", "entry_date", "exit_date", "exit_year", "exit_age_group",
                        "days_followed", "days_to_next_band", "survivor_class", "death_class")
"""persons columns the ingest derives from the dates: the person-level model's own names
(queries/build/ uses them), so an ingested catalog must declare them with these names."""

_COLUMN = {"type": "string", "pattern": SOURCE_COLUMN_PATTERN}
_DATE = schema_record({"year": _COLUMN, "month": _COLUMN, "day": _COLUMN})
_CODE_MAP = {"type": "object", "minProperties": 1,
             "additionalProperties": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}}
_ICD10_RULE = schema_record(
    {"codes": {"type": "string", "pattern": ICD10_PATTERN},
     "min_age": {"type": "integer", "minimum": 0, "maximum": 130}},
    required=["codes"])

SOURCE_SCHEMA: dict[str, Any] = schema_record(
    {
        "description": {"type": "string", "minLength": 1},
        "id_column": _COLUMN,
        "missing_values": {"type": "array", "items": {"type": "string"}},
        "birth_date": _DATE,
        "death_date": _DATE,
        "underlying_cause": _COLUMN,
        "dimensions": {
            "type": "object", "minProperties": 1,
            "additionalProperties": schema_record(
                {"column": _COLUMN, "codes": _CODE_MAP,
                 "missing": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}},
                required=["column", "codes"]),
        },
        "outcomes": {
            "type": "object", "minProperties": 1,
            "additionalProperties": {
                "oneOf": [
                    schema_record({"all_deaths": {"const": True}}),
                    schema_record({"icd10": {"type": "array", "items": _ICD10_RULE,
                                             "minItems": 1}}),
                ]
            },
        },
    },
    required=["birth_date", "death_date", "underlying_cause", "dimensions", "outcomes"],
)
"""JSON schema of the ``source:`` section (part of explorer.catalog.schema.CATALOG_SCHEMA)."""


@dataclass(frozen=True)
class DateColumns:
    """The source columns holding one date's year, month and day."""

    year: str
    month: str
    day: str


@dataclass(frozen=True)
class SourceDimension:
    """A catalog dimension read from ``column``: source code -> category key (and the category
    of a missing value, if any)."""

    dimension: str
    column: str
    codes: tuple[tuple[str, str], ...]
    missing: str | None = None


@dataclass(frozen=True)
class Icd10Rule:
    """Underlying causes whose first ``len(first)`` characters (upper case, no dot) lie between
    ``first`` and ``last``, at an age at death of at least ``min_age``."""

    first: str
    last: str
    min_age: int = 0

    @classmethod
    def parse(cls, codes: str, min_age: int = 0) -> Icd10Rule:
        first, _, last = codes.partition("-")
        first, last = _normalised(first), _normalised(last or first)
        return cls(first, last, min_age)


@dataclass(frozen=True)
class SourceOutcome:
    """How the deaths of an outcome are recognised: every death, or the ICD-10 rules."""

    outcome: str
    all_deaths: bool
    rules: tuple[Icd10Rule, ...] = ()


@dataclass(frozen=True)
class Source:
    """The validated ``source:`` section."""

    id_column: str | None
    missing_values: tuple[str, ...]
    birth_date: DateColumns
    death_date: DateColumns
    underlying_cause: str
    dimensions: tuple[SourceDimension, ...]
    outcomes: tuple[SourceOutcome, ...]
    description: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        """Every source column the section reads, each once, in a stable order."""
        names = [*([self.id_column] if self.id_column else []),
                 *vars(self.birth_date).values(), *vars(self.death_date).values(),
                 self.underlying_cause, *(d.column for d in self.dimensions)]
        return tuple(dict.fromkeys(names))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"description": self.description} if self.description else {}
        if self.id_column:
            data["id_column"] = self.id_column
        data.update(
            missing_values=list(self.missing_values), birth_date=vars(self.birth_date).copy(),
            death_date=vars(self.death_date).copy(), underlying_cause=self.underlying_cause,
            dimensions={d.dimension: {"column": d.column, "codes": dict(d.codes),
                                      **({"missing": d.missing} if d.missing else {})}
                        for d in self.dimensions},
            outcomes={o.outcome: ({"all_deaths": True} if o.all_deaths else
                                  {"icd10": [_rule_dict(rule) for rule in o.rules]})
                      for o in self.outcomes})
        return data


def _normalised(code: str) -> str:
    return code.replace(".", "").strip().upper()


def _rule_dict(rule: Icd10Rule) -> dict[str, Any]:
    codes = rule.first if rule.first == rule.last else f"{rule.first}-{rule.last}"
    return {"codes": codes, **({"min_age": rule.min_age} if rule.min_age else {})}


class SourceProblem(Exception):
    """A semantic problem at a key path inside ``source`` (the loader adds the file name)."""

    def __init__(self, path: list[str | int], message: str) -> None:
        super().__init__(message)
        self.path = ["source", *path]
        self.message = message


def build_source(raw: dict[str, Any], *, persons_table: str, persons_columns: dict[str, Any],
                 person_dimensions: dict[str, Any], outcome_columns: dict[str, str],
                 model_columns: tuple[str, ...]) -> Source:
    """Check ``raw`` against the catalog and build the Source.

    ``person_dimensions``: dimension code -> Dimension for the dimensions held in the persons
    table; ``outcome_columns``: outcome code -> its event column; ``model_columns``: the persons
    columns the model fills itself (key, record key, cohort filter)."""
    dimensions = []
    for code, spec in raw["dimensions"].items():
        if code not in person_dimensions:
            raise SourceProblem(["dimensions", code], f"{code!r} is not a dimension of table "
                                f"{persons_table!r} (dimensions: {', '.join(person_dimensions)})")
        keys = {category.key for category in person_dimensions[code].categories}
        for source_code, key in spec["codes"].items():
            if key not in keys:
                raise SourceProblem(["dimensions", code, "codes", source_code],
                                    f"{key!r} is not a category key of dimension {code!r} "
                                    f"(keys: {', '.join(sorted(keys))})")
        if spec.get("missing") is not None and spec["missing"] not in keys:
            raise SourceProblem(["dimensions", code, "missing"],
                                f"{spec['missing']!r} is not a category key of dimension {code!r}")
        dimensions.append(SourceDimension(code, spec["column"], tuple(spec["codes"].items()),
                                          spec.get("missing")))
    unmapped = [code for code in person_dimensions if code not in raw["dimensions"]]
    if unmapped:
        raise SourceProblem(["dimensions"], f"no source column for dimension(s) {', '.join(unmapped)}")

    outcomes = []
    for code, spec in raw["outcomes"].items():
        if code not in outcome_columns:
            raise SourceProblem(["outcomes", code], f"{code!r} is not an outcome of the catalog "
                                                    f"(outcomes: {', '.join(outcome_columns)})")
        rules = tuple(Icd10Rule.parse(rule["codes"], rule.get("min_age", 0))
                      for rule in spec.get("icd10", []))
        for index, rule in enumerate(rules):
            if len(rule.first) != len(rule.last) or rule.first > rule.last:
                raise SourceProblem(["outcomes", code, "icd10", index, "codes"],
                                    "a range must run forward between codes of the same length")
        outcomes.append(SourceOutcome(code, spec.get("all_deaths", False), rules))
    missing_outcomes = [code for code in outcome_columns if code not in raw["outcomes"]]
    if missing_outcomes:
        raise SourceProblem(["outcomes"], f"no rule for outcome(s) {', '.join(missing_outcomes)}")

    filled = {*model_columns, *PERSON_MODEL_COLUMNS, *outcome_columns.values(),
              *(person_dimensions[d.dimension].column for d in dimensions)}
    unfilled = [column for column in persons_columns if column not in filled]
    if unfilled:
        raise SourceProblem([], f"column(s) {', '.join(unfilled)} of table {persons_table!r} are "
                                "not filled by the source section (an ingested persons table holds "
                                "the key, record key, cohort flag, dimensions, outcome flags and "
                                f"the person-level model's columns {', '.join(PERSON_MODEL_COLUMNS)})")
    absent = [column for column in PERSON_MODEL_COLUMNS if column not in persons_columns]
    if absent:
        raise SourceProblem([], f"table {persons_table!r} must declare the person-level model's "
                                f"column(s) {', '.join(absent)} to be ingested")
    return Source(
        id_column=raw.get("id_column"),
        missing_values=tuple(raw.get("missing_values", ["", "NA"])),
        birth_date=DateColumns(**raw["birth_date"]), death_date=DateColumns(**raw["death_date"]),
        underlying_cause=raw["underlying_cause"], dimensions=tuple(dimensions),
        outcomes=tuple(outcomes), description=raw.get("description", ""))

