"""A validated request for one protected table: outcome, measure, breakdown, filters, period,
audience. Every user-facing entry point (CLI, URL parameters, widgets) builds one of these;
anything that does not validate against the catalog is rejected with a one-line QueryError.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from explorer.catalog import Catalog
from explorer.catalog.limits import MAX_BREAKDOWNS
from explorer.catalog.periods import check_period
from explorer.catalog.shapes import PERSON_LEVEL, PERSON_TIME, SHAPE_MEASURES, SHAPE_WORDS
from explorer.errors import QueryError

MEASURES: dict[str, str] = {
    "count": "Number of deaths",
    "crude_rate": "Crude rate per 100,000 person-years",
    "asmr": "Age-standardised rate per 100,000 person-years",
    "proportion": "Percentage of people in the cohort who died",
    "rate_ratio": "Age-standardised rate ratio against the reference group",
    "adjusted_rate_ratio": "Rate ratio adjusted for age and sex (Poisson model)",
    "proportion_ratio": "Ratio of proportions against the reference group",
    "sii": "Slope index of inequality",
    "rii": "Relative index of inequality",
}
"""Every measure code, with its label in a person-time dataset (``measures_for`` gives the
measures and labels that fit a catalog's shape)."""
_PERSON_LEVEL_LABELS = {
    "count": "Number of people with the outcome",
    "proportion": "Proportion of people with the outcome",
}
"""Labels that differ in a person-level dataset (no deaths: the outcome is a flag per person)."""
_NEEDS_PERSON_TIME = {
    "crude_rate": "rates need person-years",
    "asmr": "age-standardised rates need person-years",
    "rate_ratio": "rate ratios need person-years",
    "adjusted_rate_ratio": "rate ratios adjusted for age need person-years",
}
_NEEDS_PERSON_LEVEL = {
    "proportion_ratio": "ratios of proportions are for outcomes that are shares of people",
}
RATIO_MEASURES = frozenset({"rate_ratio", "adjusted_rate_ratio", "proportion_ratio"})
"""Measures that are a group's figure over its reference group's (the reference row is 1)."""
ORDERED_MEASURES = frozenset({"sii", "rii"})
"""The indices of inequality: one figure over ordered groups."""
SINGLE_DIMENSION_MEASURES = RATIO_MEASURES | ORDERED_MEASURES
MIN_INDEX_GROUPS = 3
"""Ordered groups an SII or RII needs (non-residual categories of its dimension)."""
AGE_ADJUSTED_MEASURES = {"asmr", "rate_ratio", "adjusted_rate_ratio", "sii", "rii"}
"""Measures that standardise or adjust for the standard population's dimension (age group), so
they cannot also be broken down by it: within one age band an ASMR is only that band's rate
times its standard weight (ONS publishes age-specific rates by age instead)."""
_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*$")
BENCHMARKS: dict[str, str] = {
    "reference": "the breakdown's reference group",
    "total": "the total of the breakdown",
}
"""What each group's figure is compared with (explorer.tables.comparison): the catalog
reference category of the first breakdown dimension, or that dimension's total. Ratios are
always compared with their reference group (a ratio of 1), indices with no inequality."""
DEFAULT_BENCHMARK = "reference"


def measures_for(catalog: Catalog) -> dict[str, str]:
    """The measures a table of ``catalog`` may ask for, code -> label, in the order offered:
    those that fit its shape (explorer.catalog.shapes), with the shape's words."""
    labels = _PERSON_LEVEL_LABELS if catalog.shape == PERSON_LEVEL else {}
    return {code: labels.get(code, MEASURES[code]) for code in SHAPE_MEASURES[catalog.shape]}


class Filters(Mapping[str, tuple[str, ...]]):
    """A request's filters, dimension code -> chosen category or group keys: read like a dict,
    but immutable and hashable (sorted by dimension), so a request is a cache key as it is."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Sequence[str]] | Iterable[tuple[str, Sequence[str]]] = ()):
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items = tuple(sorted((str(code), tuple(values)) for code, values in pairs))

    def __getitem__(self, code: str) -> tuple[str, ...]:
        for key, values in self._items:
            if key == code:
                return values
        raise KeyError(code)

    def __iter__(self) -> Iterator[str]:
        return (code for code, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __reduce__(self) -> tuple:
        return Filters, (self._items,)

    def __eq__(self, other: object) -> bool:
        return dict(self._items) == dict(other) if isinstance(other, Mapping) else NotImplemented

    def __repr__(self) -> str:
        return f"Filters({dict(self._items)!r})"

    def with_filter(self, code: str, values: Sequence[str]) -> Filters:
        return Filters({**dict(self._items), code: tuple(values)})


def freeze_view_fields(view: object) -> None:
    """In a frozen dataclass's ``__post_init__``: ``by`` and ``period`` as tuples and ``where``
    as Filters, whatever sequences or mapping the caller passed, so the value hashes."""
    object.__setattr__(view, "by", tuple(view.by))
    object.__setattr__(view, "period", tuple(view.period))
    if not isinstance(view.where, Filters):
        object.__setattr__(view, "where", Filters(view.where))


@dataclass(frozen=True)
class TableRequest:
    """One protected table, validated against the catalog once (``validate_request`` or, for a
    URL, ``resolve_request``); frozen and hashable, so it travels unchanged into st.cache_data."""

    dataset: str
    outcome: str
    measure: str
    by: tuple[str, ...]
    where: Filters = field(default_factory=Filters)
    period: tuple[int, int] = (0, 0)
    audience: str = "official"
    benchmark: str = DEFAULT_BENCHMARK

    def __post_init__(self) -> None:
        freeze_view_fields(self)

    def describe(self, catalog: Catalog) -> str:
        """One line saying what the table shows (a person-level table covers the whole
        follow-up window, which the outcome's label names, so no years)."""
        outcome = catalog.outcome(self.outcome).label
        by = ", ".join(catalog.dimensions[code].label.lower() if code in catalog.dimensions
                       else code.replace("_", " ") for code in self.by) or "all people"
        label = measures_for(catalog).get(self.measure, MEASURES[self.measure])
        if catalog.is_person_level:
            return f"{outcome}: {label.lower()}, by {by}"
        return f"{outcome}: {label.lower()}, by {by}, {self.period[0]} to {self.period[1]}"


def parse_period(text: str | None, catalog: Catalog) -> tuple[int, int]:
    """'2011-2021' or '2020' -> (first, last); default the whole follow-up. A person-level
    dataset has no periods: any text is refused (QueryError)."""
    if text is None or str(text).strip() == "":
        return catalog.follow_up.first_year, catalog.follow_up.last_year
    if catalog.is_person_level:
        raise QueryError(_NO_PERIODS.format(catalog=catalog))
    match = _PERIOD.match(str(text))
    if not match:
        raise QueryError(f"period {text!r} is not a year or a range like 2011-2021")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    return first, last


def parse_where(items: list[str] | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """['region=London', 'sex=male', 'region=wales'] -> {'region': ('London', 'wales'), ...}."""
    where: dict[str, list[str]] = {}
    for item in items:
        dimension, sep, value = str(item).partition("=")
        if not sep or not dimension.strip() or not value.strip():
            raise QueryError(f"filter {item!r} is not of the form dimension=category")
        where.setdefault(dimension.strip(), []).append(value.strip())
    return {dimension: tuple(values) for dimension, values in where.items()}


def validate_request(catalog: Catalog, *, outcome: str, measure: str, by: Sequence[str],
                     where: Mapping[str, Sequence[str]] | None = None,
                     period: tuple[int, int] | None = None, audience: str = "official",
                     benchmark: str = DEFAULT_BENCHMARK) -> TableRequest:
    """Check every part against the catalog and return the request, or raise QueryError at the
    first part that does not validate (the CLI and the widgets' road)."""
    request, _ = _validated(catalog, dict(outcome=outcome, measure=measure, by=by,
                                          where=where or {}, period=period, audience=audience,
                                          benchmark=benchmark),
                            fallback=None)
    return request


def resolve_request(catalog: Catalog, *, outcome: str, measure: str, by: Sequence[str],
                    where: Mapping[str, Sequence[str]] | None = None,
                    period: tuple[int, int] | None = None, audience: str = "official",
                    benchmark: str = DEFAULT_BENCHMARK,
                    default: TableRequest) -> tuple[TableRequest, list[tuple[str, str]]]:
    """The same checks, in the same order, for a request read from a URL: a part that does not
    validate with the parts accepted before it is replaced by ``default``'s (a filter is
    dropped), and reported as (part, reason); part names are ``outcome``, ``by``, ``measure``,
    ``period``, ``where.<dimension>``, ``audience`` and ``benchmark``."""
    return _validated(catalog, dict(outcome=outcome, measure=measure, by=by, where=where or {},
                                    period=period, audience=audience, benchmark=benchmark),
                      fallback=default)


def _validated(catalog: Catalog, parts: dict, fallback: TableRequest | None
               ) -> tuple[TableRequest, list[tuple[str, str]]]:
    notices: list[tuple[str, str]] = []
    accepted: dict = {}

    def take(name: str, check, value, default):
        try:
            return check(value)
        except QueryError as error:
            if fallback is None:
                raise
            notices.append((name, str(error)))
            return default

    accepted["outcome"] = take("outcome", lambda v: catalog.outcome(v).code, parts["outcome"],
                               fallback and fallback.outcome)
    accepted["by"] = take("by", lambda v: _checked_by(catalog, v), parts["by"],
                          fallback and fallback.by)
    accepted["measure"] = take("measure", lambda v: _checked_measure(catalog, v, accepted["by"]),
                               parts["measure"], fallback and fallback.measure)
    accepted["period"] = take("period", lambda v: _checked_period(catalog, accepted["outcome"], v),
                              parts["period"], fallback and _checked_period(catalog, accepted["outcome"], None))
    where = Filters()
    for code, values in parts["where"].items():
        resolved = take(f"where.{code}", lambda v, code=code: _checked_filter(catalog, code, v, accepted["by"]),
                        values, None)
        if resolved is not None:
            where = where.with_filter(code, resolved)
    accepted["where"] = where
    accepted["audience"] = take("audience", lambda v: _checked_audience(catalog, v),
                                parts["audience"], fallback and fallback.audience)
    accepted["benchmark"] = take("benchmark", _checked_benchmark, parts["benchmark"],
                                 fallback and fallback.benchmark)
    return TableRequest(dataset=catalog.code, **accepted), notices


def _checked_by(catalog: Catalog, by: Sequence[str]) -> tuple[str, ...]:
    if isinstance(by, str):
        raise QueryError(f"breakdown dimensions must be a list of dimension codes, got {by!r}")
    by = tuple(code for code in by if code)
    for code in by:
        catalog.dimension(code)
    if len(set(by)) != len(by):
        raise QueryError(f"a dimension is repeated in the breakdown: {', '.join(by)}")
    if len(by) > MAX_BREAKDOWNS:
        raise QueryError(f"at most {MAX_BREAKDOWNS} breakdown dimensions; got {len(by)}")
    for code in by:  # a coarser grouping (catalog grouping_of) and its base: the same people twice
        base = catalog.dimension(code).grouping_of
        if base in by:
            raise QueryError(f"{catalog.dimension(code).label} groups "
                             f"{catalog.dimension(base).label.lower()}: break down by one of them")
    return by


def _checked_measure(catalog: Catalog, measure: str, by: tuple[str, ...]) -> str:
    offered = measures_for(catalog)
    if measure not in MEASURES:
        raise QueryError(f"unknown measure {measure!r}; choose from: {', '.join(offered)}")
    if measure not in offered:
        reason = (_NEEDS_PERSON_TIME if catalog.shape == PERSON_LEVEL else _NEEDS_PERSON_LEVEL).get(
            measure, f"measure {measure!r} does not fit this dataset")
        raise QueryError(f"{reason}; {SHAPE_WORDS[catalog.shape]}: choose from "
                         f"{', '.join(offered)}")
    label = offered[measure]
    if measure in SINGLE_DIMENSION_MEASURES and len(by) != 1:
        raise QueryError(f"{label} ({measure}) compares the groups of exactly one dimension; "
                         f"got {len(by)}")
    if measure in ORDERED_MEASURES:
        dimension = catalog.dimension(by[0])
        if not dimension.ordered:
            ordered = [f"{d.label} ({code})" for code, d in catalog.dimensions.items() if d.ordered]
            raise QueryError(f"{label} ({measure}) needs an ordered dimension, groups with a "
                             f"natural order; {dimension.label} ({by[0]!r}) is not (ordered: "
                             f"{', '.join(ordered) or 'none'})")
        groups = sum(not category.residual for category in dimension.categories)
        if groups < MIN_INDEX_GROUPS:
            raise QueryError(f"{label} ({measure}) needs at least {MIN_INDEX_GROUPS} ordered "
                             f"groups; {dimension.label} ({by[0]}) has {groups}")
    if catalog.shape == PERSON_LEVEL:
        return measure  # every dimension is a person's, and nothing is age-adjusted
    age = catalog.standard_population.dimension
    if measure in AGE_ADJUSTED_MEASURES and age in by:
        raise QueryError(f"{label} ({measure}) is adjusted for "
                         f"{catalog.dimension(age).label.lower()}, so it cannot be broken down by "
                         "it; choose the crude rate (crude_rate) for age-specific rates")
    if measure == "proportion":
        for code in by:
            if catalog.dimension(code).table != catalog.cohort.persons_table:
                raise QueryError(f"percentages are of people, so they cannot be broken down by "
                                 f"{catalog.dimension(code).label.lower()} ({code}): it changes "
                                 "during follow-up")
    return measure


def _checked_filter(catalog: Catalog, code: str, values: Sequence[str],
                    by: tuple[str, ...]) -> tuple[str, ...]:
    dimension = catalog.dimension(code)
    if code in by:
        raise QueryError(f"{dimension.label.lower()} is already a breakdown, so it cannot also "
                         "be a filter")
    for other in by:  # disability_grouped as a filter of a table by disability, or the reverse
        if catalog.dimension(other).stored_as == dimension.stored_as:
            raise QueryError(f"{dimension.label.lower()} groups the same people as the breakdown "
                             f"{catalog.dimension(other).label.lower()}, so it cannot also be a "
                             "filter")
    values = tuple(dict.fromkeys((values,) if isinstance(values, str) else values))
    if len(values) != 1:
        raise QueryError(f"a filter selects one {dimension.label.lower()}{_example_group(dimension)}, "
                         f"not {len(values)}: tables of combined categories could be "
                         "subtracted to reveal a hidden count")
    return (dimension.resolve_filter(values[0]),)


_NO_PERIODS = ("this dataset's outcomes are flags that cover the whole follow-up window "
               "({catalog.follow_up.first_year} to {catalog.follow_up.last_year}), so a table "
               "cannot be limited to a period or a year")


def _checked_period(catalog: Catalog, outcome: str, period: tuple[int, int] | None) -> tuple[int, int]:
    """The period clipped to the years the outcome is counted in; only offered periods (a
    person-level dataset offers only its whole follow-up window)."""
    chosen = catalog.outcome(outcome)
    first, last = check_period(catalog.follow_up, period)
    if catalog.shape == PERSON_LEVEL:
        if (first, last) != (catalog.follow_up.first_year, catalog.follow_up.last_year):
            raise QueryError(_NO_PERIODS.format(catalog=catalog))
        return first, last
    if last < chosen.first_year:
        raise QueryError(f"{chosen.label} deaths are counted from {chosen.first_year}; choose a "
                         f"period that includes {chosen.first_year} or later")
    clipped = (max(first, chosen.first_year), last)
    if clipped not in offered_periods(catalog, outcome):
        raise QueryError(f"period {first} to {last} is not offered: choose "
                         f"{_periods_text(catalog, outcome)} (periods are fixed so that overlapping "
                         "periods cannot be subtracted to reveal a hidden count)")
    return clipped


def _checked_audience(catalog: Catalog, audience: str) -> str:
    if audience not in catalog.sdc_policies:
        raise QueryError(f"unknown audience {audience!r}; choose from: {', '.join(catalog.sdc_policies)}")
    return audience


def _checked_benchmark(benchmark: str) -> str:
    if benchmark not in BENCHMARKS:
        raise QueryError(f"unknown benchmark {benchmark!r}; choose reference (each group is "
                         "compared with the reference group) or total (with the total of the "
                         "breakdown)")
    return benchmark


def offered_periods(catalog: Catalog, outcome: str) -> dict[tuple[int, int], str]:
    """The periods a table of ``outcome`` may cover, (first, last) -> label: the whole follow-up,
    the catalog's fixed periods and each calendar year, each clipped to the years the outcome is
    counted in. No free ranges: two overlapping ranges differ by a year's count, and averaging
    many such differences would undo the perturbation (docs/sdc.md, attacks 2 and 8).
    A person-level dataset offers only the whole follow-up window."""
    follow_up = catalog.follow_up
    start = catalog.outcome(outcome).first_year
    whole = (max(follow_up.first_year, start), follow_up.last_year)
    counted = "whole follow-up" if whole[0] == follow_up.first_year else \
        f"all the years {catalog.outcome(outcome).label} is counted in"
    periods = {whole: f"{whole[0]} to {whole[1]} ({counted})"}
    if catalog.shape == PERSON_LEVEL:
        return periods
    for first, last in follow_up.periods:
        if last >= start:
            clipped = (max(first, start), last)
            periods.setdefault(clipped, f"{clipped[0]} to {clipped[1]}" if clipped[0] != clipped[1]
                               else str(clipped[0]))
    for year in range(whole[0], whole[1] + 1):
        periods.setdefault((year, year), str(year))
    return periods


def _periods_text(catalog: Catalog, outcome: str) -> str:
    periods = offered_periods(catalog, outcome)
    ranges = [label for (first, last), label in periods.items() if first != last]
    years = [first for first, last in periods if first == last]
    return f"{', '.join(ranges)}, or one year from {years[0]} to {years[-1]}"


def _example_group(dimension) -> str:
    if dimension.hierarchy is not None and dimension.hierarchy.groups:
        return f" (a category, or a group such as {dimension.hierarchy.groups[0].label})"
    return ""


TREND_MEASURES = ("count", "crude_rate", "asmr")


def has_trend(catalog: Catalog) -> bool:
    """Whether views of ``catalog`` have a trend by calendar year: a person-time dataset's
    events have a year; a person-level dataset's flags cover the whole window and have none."""
    return catalog.shape == PERSON_TIME


def trend_request(request: TableRequest) -> TableRequest:
    """The same view by calendar year for its first breakdown dimension (the Explore page's
    trend chart). Ratio and index measures trend as age-standardised rates. Person-time
    datasets only (``has_trend``)."""
    measure = request.measure if request.measure in TREND_MEASURES else "asmr"
    by = (request.by[0], "year") if request.by else ("year",)
    return dataclasses.replace(request, measure=measure, by=by)
