"""The validated catalog as frozen dataclasses.

Objects here are built only by ``explorer.catalog.loader`` (with ``explorer.catalog.sections``)
after schema and semantic checks, so code that receives a :class:`Catalog` may trust every
cross-reference in it. Dimensions, their categories and hierarchies are in
``explorer.catalog.dimensions``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.catalog.dimensions import Dimension, choice_list
from explorer.catalog.linkage import Linkage, LinkageQuality  # noqa: F401 - part of the model
from explorer.catalog.shapes import PERSON_LEVEL, PERSON_TIME
from explorer.catalog.source import Source
from explorer.errors import QueryError


@dataclass(frozen=True)
class Outcome:
    """A numerator (persons flagged in ``event_column``) over a denominator: ``person_years``
    (person-years at risk, computed from the exposure index) in a person-time dataset,
    ``persons`` (the people in the cohort) in a person-level one. ``icd10`` is None for an
    outcome that is not a cause of death."""

    code: str
    label: str
    definition: str
    icd10: str | None
    event_column: str
    denominator: str
    unit: str
    multiplier: int
    min_age: int
    first_year: int
    safe_messaging: bool = False
    """True for an outcome whose texts must follow the suicide safe-messaging guidelines
    (explorer.catalog.safe_messaging): its public views must say ``about_suicide``."""
    about_children: bool = False
    """True for an outcome about children (e.g. pupils cautioned or sentenced): its public views'
    texts must not stigmatise them and must present differences as associations
    (explorer.catalog.child_wording)."""

    def to_dict(self) -> dict[str, Any]:
        return {name: value for name, value in vars(self).items() if name != "code"}


@dataclass(frozen=True)
class StandardPopulation:
    """Weights per category of ``dimension`` for direct age standardisation."""

    name: str
    source: str
    dimension: str
    weights: dict[str, float]
    lower_ages: dict[str, int]
    adjust_also_for: str | None = None
    """The person-level dimension that rate ratios "adjusted for age and sex" also adjust for
    (the dataset's sex dimension); None when the dataset has none."""

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def bands_from_age(self, min_age: int) -> list[str]:
        """Keys of the bands wholly at or above ``min_age`` (an outcome's age range)."""
        return [key for key in self.weights if self.lower_ages[key] >= min_age]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "dimension": self.dimension,
                "weights": dict(self.weights), "lower_ages": dict(self.lower_ages),
                "adjust_also_for": self.adjust_also_for}


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
    """What ``python -m explorer build-data`` builds when not told: how many persons, which seed."""

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
    exit_year_column: str | None = None
    """Calendar year of the person's last day followed: where a death falls in time
    (person-time datasets; None in a person-level one)."""
    exit_age_group_column: str | None = None
    """Attained age band on the person's last day followed: where a death falls in age
    (person-time datasets; None in a person-level one)."""
    exposure: ExposureIndex | None = None
    """What person-years are computed from (person-time datasets; None in a person-level one)."""

    @property
    def year_column(self) -> str:
        """The calendar-year column of person-years (the exposure terms' year): the period
        filter and the trend's pseudo-dimension. A person-level cohort has none (QueryError)."""
        if self.exposure is None:
            raise QueryError("a person-level dataset has no calendar year of an event, so no "
                             "period or trend by year")
        return self.exposure.year_column

    def to_dict(self) -> dict[str, Any]:
        data = {name: value for name, value in vars(self).items()
                if name != "exposure" and value is not None}
        if self.exposure is not None:
            data["exposure"] = vars(self.exposure).copy()
        return data


@dataclass(frozen=True)
class StructuralZero:
    """Cells of ``outcome`` that hold no deaths by definition, not by chance; ``rule`` says which
    in plain words (``age groups under 10``). Derived from the outcome's ``min_age`` and
    ``first_year``, the rules the code applies."""

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
class ExploreDefault:
    """The view the Explore page opens on, and falls back to part by part for a bad link."""

    outcome: str
    measure: str
    by: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """One dataset's validated catalog (see data_catalog/*.yaml)."""

    code: str
    title: str
    description: str
    version: str
    default_database: str
    build_defaults: BuildDefaults | None
    """None for a dataset that is ingested, not built by ``build-data``."""
    follow_up: FollowUp
    provenance: tuple[str, ...]
    linkage: Linkage
    tables: dict[str, Table]
    cohort: Cohort
    dimensions: dict[str, Dimension]
    outcomes: dict[str, Outcome]
    standard_population: StandardPopulation | None
    """None for a person-level dataset (no age standardisation)."""
    sdc_policies: dict[str, str]
    explore_default: ExploreDefault | None = None
    shape: str = PERSON_TIME
    """``person_time`` or ``person_level`` (explorer.catalog.shapes)."""
    structural_zeros: tuple[StructuralZero, ...] = ()
    public_views: tuple[PublicView, ...] = ()
    source: Source | None = None
    """How ``python -m explorer ingest`` reads an extract into this dataset (None: not ingested)."""
    source_path: Path | None = field(default=None, compare=False)

    def dimension(self, code: str) -> Dimension:
        """The dimension ``code``; QueryError listing the valid codes otherwise."""
        if isinstance(code, str) and code in self.dimensions:
            return self.dimensions[code]
        raise QueryError(f"unknown dimension {code!r}; choose from: {choice_list(self.dimensions)}")

    def outcome(self, code: str) -> Outcome:
        """The outcome ``code``; QueryError listing the valid codes otherwise."""
        if isinstance(code, str) and code in self.outcomes:
            return self.outcomes[code]
        raise QueryError(f"unknown outcome {code!r}; choose from: {choice_list(self.outcomes)}")

    def public_view(self, code: str) -> PublicView:
        """The public view ``code``; QueryError listing the valid codes otherwise."""
        for view in self.public_views:
            if view.code == code:
                return view
        raise QueryError(f"unknown public view {code!r}; choose from: "
                         f"{choice_list(view.code for view in self.public_views) or '(none)'}")

    @property
    def is_person_level(self) -> bool:
        """True for a person-level dataset: outcome flags over people, no person-time."""
        return self.shape == PERSON_LEVEL

    @property
    def standardisation_dimension(self) -> Dimension:
        """The dimension the standard population is weighted by (age group); QueryError for a
        person-level dataset, which has no standard population."""
        if self.standard_population is None:
            raise QueryError(f"dataset {self.code!r} has no standard population: its outcomes "
                             "are shares of people, not age-standardised rates")
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
                "shape": self.shape,
                "default_database": self.default_database,
                **({"build": {"default_persons": self.build_defaults.persons,
                              "default_seed": self.build_defaults.seed}}
                   if self.build_defaults else {}),
                "follow_up": self.follow_up.to_dict(),
                "provenance": list(self.provenance),
                **({"explore": {"outcome": self.explore_default.outcome,
                                "measure": self.explore_default.measure,
                                "by": list(self.explore_default.by)}}
                   if self.explore_default else {}),
                "linkage": self.linkage.to_dict(),
            },
            "tables": {name: table.to_dict() for name, table in self.tables.items()},
            "cohort": self.cohort.to_dict(),
            "dimensions": {code: dim.to_dict() for code, dim in self.dimensions.items()},
            "outcomes": {code: outcome.to_dict() for code, outcome in self.outcomes.items()},
            **({"standard_population": self.standard_population.to_dict()}
               if self.standard_population else {}),
            "sdc": {
                "policies": dict(self.sdc_policies),
                "structural_zeros": [vars(zero).copy() for zero in self.structural_zeros],
            },
            "public_views": [view.to_dict() for view in self.public_views],
            **({"source": self.source.to_dict()} if self.source else {}),
            "source_path": None if self.source_path is None else str(self.source_path),
        }
