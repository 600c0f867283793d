"""The validated catalog as frozen dataclasses.

Objects here are built only by ``explorer.catalog.loader`` after schema and semantic
checks, so code that receives a :class:`Catalog` may trust every cross-reference in it.
"""

from __future__ import annotations

import datetime
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.errors import QueryError


def _choices(names: Any) -> str:
    return ", ".join(str(name) for name in names)


@dataclass(frozen=True)
class Category:
    """One category of a dimension: stored ``code``, stable ``key``, readable ``label``."""

    code: int
    key: str
    label: str
    residual: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "key": self.key, "label": self.label, "residual": self.residual}


@dataclass(frozen=True)
class HierarchyGroup:
    """A parent in a dimension's hierarchy and the category keys beneath it."""

    key: str
    label: str
    children: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "children": list(self.children)}


@dataclass(frozen=True)
class Hierarchy:
    """Grouping of a dimension's categories into parents (e.g. region within country).

    ``parent_dimension`` is set when the parents are another dimension's categories
    (ethnicity_detailed within ethnicity); otherwise the groups are declared in place.
    """

    parent_label: str
    groups: tuple[HierarchyGroup, ...]
    parent_dimension: str | None = None

    def parent_of(self, category_key: str) -> HierarchyGroup:
        """The group holding ``category_key`` (a non-residual category of the dimension)."""
        for group in self.groups:
            if category_key in group.children:
                return group
        raise KeyError(category_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parent_label": self.parent_label,
            "parent_dimension": self.parent_dimension,
            "groups": [group.to_dict() for group in self.groups],
        }


@dataclass(frozen=True)
class Dimension:
    """A breakdown variable: where it is stored, its categories and reference category."""

    code: str
    label: str
    table: str
    column: str
    reference: str
    ordered: bool
    order_direction: str | None
    categories: tuple[Category, ...]
    hierarchy: Hierarchy | None = None
    standardisation_bands: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        """Category keys in catalog order."""
        return tuple(category.key for category in self.categories)

    @property
    def reference_category(self) -> Category:
        return self.category_by_key(self.reference)

    def category_by_key(self, key: str) -> Category:
        """The category with this key; QueryError listing the valid keys otherwise."""
        for category in self.categories:
            if category.key == key:
                return category
        raise QueryError(self._unknown_value_message(key))

    def category_by_code(self, code: int) -> Category:
        """The category stored as ``code`` in the database."""
        for category in self.categories:
            if category.code == code:
                return category
        raise QueryError(self._unknown_value_message(code))

    def resolve(self, value: str | int) -> Category:
        """The category named by a key, a label (any case) or an integer code."""
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return self.category_by_code(int(value))
        if isinstance(value, str):
            for category in self.categories:
                if value == category.key:
                    return category
            folded = value.casefold()
            for category in self.categories:
                if folded == category.label.casefold():
                    return category
        raise QueryError(self._unknown_value_message(value))

    def filter_choices(self) -> dict[str, str]:
        """What a filter on this dimension may select, key -> label: one category, or one group
        of its hierarchy (e.g. England). Never an arbitrary set of categories: a union of a
        hidden category with a shown one, less the shown one, would give the hidden count
        (docs/sdc.md, attack 1), and with many unions the noise averages away (attack 8)."""
        choices = {category.key: category.label for category in self.categories}
        if self.hierarchy is not None:
            for group in self.hierarchy.groups:
                choices.setdefault(group.key, group.label)
        return choices

    def resolve_filter(self, value: str | int) -> str:
        """The filter choice (category or hierarchy group key) named by a key, label or code."""
        try:
            return self.resolve(value).key
        except QueryError:
            if isinstance(value, str) and self.hierarchy is not None:
                for group in self.hierarchy.groups:
                    if value == group.key or value.casefold() == group.label.casefold():
                        return group.key
            raise QueryError(f"unknown value {value!r} for dimension '{self.code}' ({self.label}); "
                             f"choose one of: {_choices(tuple(self.filter_choices()))}") from None

    def filter_keys(self, choice: str) -> tuple[str, ...]:
        """The category keys a filter choice covers (one, or a hierarchy group's children)."""
        if choice in self.keys:
            return (choice,)
        if self.hierarchy is not None:
            for group in self.hierarchy.groups:
                if group.key == choice:
                    return tuple(group.children)
        raise QueryError(self._unknown_value_message(choice))

    def _unknown_value_message(self, value: object) -> str:
        return (
            f"unknown value {value!r} for dimension '{self.code}' ({self.label}); "
            f"choose from: {_choices(self.keys)}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "table": self.table,
            "column": self.column,
            "reference": self.reference,
            "ordered": self.ordered,
            "order_direction": self.order_direction,
            "standardisation_bands": self.standardisation_bands,
            "hierarchy": None if self.hierarchy is None else self.hierarchy.to_dict(),
            "categories": [category.to_dict() for category in self.categories],
        }


@dataclass(frozen=True)
class Outcome:
    """A numerator (persons flagged in ``event_column``) over a denominator (``person_years``:
    person-years at risk, computed from the exposure index)."""

    code: str
    label: str
    definition: str
    icd10: str
    event_column: str
    denominator: str
    unit: str
    multiplier: int
    min_age: int
    first_year: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "definition": self.definition,
            "icd10": self.icd10,
            "event_column": self.event_column,
            "denominator": self.denominator,
            "unit": self.unit,
            "multiplier": self.multiplier,
            "min_age": self.min_age,
            "first_year": self.first_year,
        }


@dataclass(frozen=True)
class StandardPopulation:
    """Weights per category of ``dimension`` for direct age standardisation."""

    name: str
    source: str
    dimension: str
    weights: dict[str, float]
    lower_ages: dict[str, int]

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def bands_from_age(self, min_age: int) -> list[str]:
        """Keys of the bands wholly at or above ``min_age`` (an outcome's age range)."""
        return [key for key in self.weights if self.lower_ages[key] >= min_age]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "dimension": self.dimension,
                "weights": dict(self.weights), "lower_ages": dict(self.lower_ages)}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Table:
    """A database table: its key columns and typed, described columns."""

    name: str
    description: str
    key: tuple[str, ...]
    columns: dict[str, Column]

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "key": list(self.key),
            "columns": {c.name: {"type": c.type, "description": c.description}
                        for c in self.columns.values()},
        }


@dataclass(frozen=True)
class BuildDefaults:
    persons: int
    seed: int


@dataclass(frozen=True)
class FollowUp:
    """The follow-up window: exact dates and the calendar years a period may span.

    ``periods`` are the fixed multi-year periods a table may cover besides the whole follow-up
    and single calendar years. Periods are fixed, not free ranges, because two overlapping
    ranges (2011-2021 and 2011-2020) differ by one year's count, and with many such pairs the
    noise of cell key perturbation averages away (docs/sdc.md, attacks 2 and 8)."""

    start: datetime.date
    end: datetime.date
    first_year: int
    last_year: int
    periods: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "first_year": self.first_year, "last_year": self.last_year,
                "periods": [{"first": first, "last": last} for first, last in self.periods]}


@dataclass(frozen=True)
class LinkageQuality:
    measure: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class Linkage:
    method: str
    quality: tuple[LinkageQuality, ...]
    by_group_note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "quality": [vars(item).copy() for item in self.quality],
            "by_group_note": self.by_group_note,
        }


@dataclass(frozen=True)
class ExposureIndex:
    """Where the person-level model keeps what person-years are computed from
    (docs/data-model.md): per person, two day counts and an exposure class (survivors' and
    deaths' classes in separate columns); per class, year and age band, the terms table's
    coefficients. Person-days of a group of persons in (year, band) =
    constant x persons + next_band x sum(next_band_column) + followed x sum(followed_column)."""

    terms_table: str
    class_column: str
    year_column: str
    age_group_column: str
    constant_column: str
    next_band_coefficient_column: str
    followed_coefficient_column: str
    survivor_class_column: str
    death_class_column: str
    next_band_column: str
    followed_column: str


@dataclass(frozen=True)
class Cohort:
    """Which table holds the analysis cohort (one row per person) and how person-years and
    events are found in it."""

    persons_table: str
    join_key: str
    cohort_filter_column: str
    record_key_column: str
    exit_year_column: str
    """Calendar year of the person's last day followed: where a death falls in time."""
    exit_age_group_column: str
    """Attained age band on the person's last day followed: where a death falls in age."""
    exposure: ExposureIndex

    @property
    def year_column(self) -> str:
        """The calendar-year column of person-years (the exposure terms' year): the period
        filter and the trend's pseudo-dimension."""
        return self.exposure.year_column


@dataclass(frozen=True)
class StructuralZero:
    outcome: str
    rule: str


@dataclass(frozen=True)
class PublicView:
    """A curated view for the public summary page, published by ``python -m explorer publish``
    under the public disclosure control policy. ``period`` None: the whole follow-up (from the
    outcome's first year). The texts are plain English; for a view ``about_suicide`` they
    follow the Samaritans' media guidelines (explorer.catalog.safe_messaging)."""

    code: str
    title: str
    outcome: str
    measure: str
    by: tuple[str, ...]
    period: tuple[int, int] | None
    about_suicide: bool
    headline_subject: str
    what_it_means: str
    what_it_does_not_mean: str

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "title": self.title, "outcome": self.outcome,
                                "measure": self.measure, "by": list(self.by)}
        if self.period is not None:
            data["period"] = {"first": self.period[0], "last": self.period[1]}
        data.update(about_suicide=self.about_suicide, headline_subject=self.headline_subject,
                    what_it_means=self.what_it_means,
                    what_it_does_not_mean=self.what_it_does_not_mean)
        return data


@dataclass(frozen=True)
class Catalog:
    """One dataset's validated catalog (see data_catalog/*.yaml)."""

    code: str
    title: str
    description: str
    version: str
    default_database: str
    build_defaults: BuildDefaults
    follow_up: FollowUp
    provenance: tuple[str, ...]
    linkage: Linkage
    tables: dict[str, Table]
    cohort: Cohort
    dimensions: dict[str, Dimension]
    outcomes: dict[str, Outcome]
    standard_population: StandardPopulation
    sdc_policies: dict[str, str]
    structural_zeros: tuple[StructuralZero, ...] = ()
    public_views: tuple[PublicView, ...] = ()
    source_path: Path | None = field(default=None, compare=False)

    def dimension(self, code: str) -> Dimension:
        """The dimension ``code``; QueryError listing the valid codes otherwise."""
        if isinstance(code, str) and code in self.dimensions:
            return self.dimensions[code]
        raise QueryError(f"unknown dimension {code!r}; choose from: {_choices(self.dimensions)}")

    def outcome(self, code: str) -> Outcome:
        """The outcome ``code``; QueryError listing the valid codes otherwise."""
        if isinstance(code, str) and code in self.outcomes:
            return self.outcomes[code]
        raise QueryError(f"unknown outcome {code!r}; choose from: {_choices(self.outcomes)}")

    def public_view(self, code: str) -> PublicView:
        """The public view ``code``; QueryError listing the valid codes otherwise."""
        for view in self.public_views:
            if view.code == code:
                return view
        raise QueryError(f"unknown public view {code!r}; choose from: "
                         f"{_choices(view.code for view in self.public_views) or '(none)'}")

    @property
    def standardisation_dimension(self) -> Dimension:
        """The dimension the standard population is weighted by (age group)."""
        return self.dimensions[self.standard_population.dimension]

    def to_dict(self) -> dict[str, Any]:
        """The validated content as plain JSON-serialisable data."""
        return {
            "schema_version": 1,
            "dataset": {
                "code": self.code,
                "title": self.title,
                "description": self.description,
                "version": self.version,
                "default_database": self.default_database,
                "build": {"default_persons": self.build_defaults.persons,
                          "default_seed": self.build_defaults.seed},
                "follow_up": self.follow_up.to_dict(),
                "provenance": list(self.provenance),
                "linkage": self.linkage.to_dict(),
            },
            "tables": {name: table.to_dict() for name, table in self.tables.items()},
            "cohort": {**vars(self.cohort), "exposure": vars(self.cohort.exposure).copy()},
            "dimensions": {code: dim.to_dict() for code, dim in self.dimensions.items()},
            "outcomes": {code: outcome.to_dict() for code, outcome in self.outcomes.items()},
            "standard_population": self.standard_population.to_dict(),
            "sdc": {
                "policies": dict(self.sdc_policies),
                "structural_zeros": [vars(zero).copy() for zero in self.structural_zeros],
            },
            "public_views": [view.to_dict() for view in self.public_views],
            "source_path": None if self.source_path is None else str(self.source_path),
        }
