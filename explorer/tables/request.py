"""A validated request for one protected table: outcome, measure, breakdown, filters, period,
audience. Every user-facing entry point (CLI, URL parameters, widgets) builds one of these;
anything that does not validate against the catalog is rejected with a one-line QueryError.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from explorer.catalog import Catalog
from explorer.errors import QueryError

MEASURES: dict[str, str] = {
    "count": "Number of deaths",
    "crude_rate": "Crude rate per 100,000 person-years",
    "asmr": "Age-standardised rate per 100,000 person-years",
    "proportion": "Percentage of people in the cohort who died",
    "rate_ratio": "Age-standardised rate ratio against the reference group",
    "adjusted_rate_ratio": "Rate ratio adjusted for age and sex (Poisson model)",
    "sii": "Slope index of inequality",
    "rii": "Relative index of inequality",
}
SINGLE_DIMENSION_MEASURES = {"rate_ratio", "adjusted_rate_ratio", "sii", "rii"}
ORDERED_MEASURES = {"sii", "rii"}
AGE_ADJUSTED_MEASURES = {"asmr", "rate_ratio", "adjusted_rate_ratio", "sii", "rii"}
"""Measures that standardise or adjust for the standard population's dimension (age group), so
they cannot also be broken down by it: within one age band an ASMR is only that band's rate
times its standard weight (ONS publishes age-specific rates by age instead)."""
MAX_DIMENSIONS = 3
_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*$")


@dataclass(frozen=True)
class TableRequest:
    dataset: str
    outcome: str
    measure: str
    by: tuple[str, ...]
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    period: tuple[int, int] = (0, 0)
    audience: str = "official"

    def describe(self, catalog: Catalog) -> str:
        """One line saying what the table shows."""
        outcome = catalog.outcome(self.outcome).label
        by = ", ".join(catalog.dimensions[code].label.lower() if code in catalog.dimensions
                       else code.replace("_", " ") for code in self.by) or "all people"
        return (f"{outcome}: {MEASURES[self.measure].lower()}, by {by}, "
                f"{self.period[0]} to {self.period[1]}")


def parse_period(text: str | None, catalog: Catalog) -> tuple[int, int]:
    """'2011-2021' or '2020' -> (first, last); default the whole follow-up."""
    if text is None or str(text).strip() == "":
        return catalog.follow_up.first_year, catalog.follow_up.last_year
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


def validate_request(catalog: Catalog, *, outcome: str, measure: str, by: list[str] | tuple[str, ...],
                     where: dict[str, tuple[str, ...]] | None = None,
                     period: tuple[int, int] | None = None, audience: str = "official") -> TableRequest:
    """Check every part against the catalog and return the request (or raise QueryError)."""
    chosen = catalog.outcome(outcome)
    if measure not in MEASURES:
        raise QueryError(f"unknown measure {measure!r}; choose from: {', '.join(MEASURES)}")
    by = tuple(code for code in by if code)
    for code in by:
        catalog.dimension(code)
    if len(set(by)) != len(by):
        raise QueryError(f"a dimension is repeated in the breakdown: {', '.join(by)}")
    if len(by) > MAX_DIMENSIONS:
        raise QueryError(f"at most {MAX_DIMENSIONS} breakdown dimensions; got {len(by)}")
    if measure in SINGLE_DIMENSION_MEASURES and len(by) != 1:
        raise QueryError(f"measure {measure!r} compares the groups of exactly one dimension; "
                         f"got {len(by)}")
    if measure in ORDERED_MEASURES and not catalog.dimension(by[0]).ordered:
        ordered = [code for code, d in catalog.dimensions.items() if d.ordered]
        raise QueryError(f"measure {measure!r} needs an ordered dimension; {by[0]!r} is not "
                         f"(ordered: {', '.join(ordered)})")
    age = catalog.standard_population.dimension
    if measure in AGE_ADJUSTED_MEASURES and age in by:
        raise QueryError(f"measure {measure!r} is adjusted for {catalog.dimension(age).label.lower()}, "
                         f"so it cannot be broken down by it; choose crude_rate for age-specific rates")
    if measure == "proportion":
        persons_table = catalog.cohort.persons_table
        for code in by:
            if catalog.dimension(code).table != persons_table:
                raise QueryError(f"proportions are of people, so they cannot be broken down by "
                                 f"{code!r} (it changes during follow-up)")
    resolved_where: dict[str, tuple[str, ...]] = {}
    for code, values in (where or {}).items():
        dimension = catalog.dimension(code)
        values = tuple(dict.fromkeys(values))
        if len(values) != 1:
            raise QueryError(f"a filter selects one {dimension.label.lower()}{_example_group(dimension)}, "
                             f"not {len(values)}: tables of combined categories could be "
                             "subtracted to reveal a hidden count")
        resolved_where[code] = (dimension.resolve_filter(values[0]),)
    first, last = period or (catalog.follow_up.first_year, catalog.follow_up.last_year)
    if first > last:
        raise QueryError(f"period {first} to {last} is reversed")
    if first < catalog.follow_up.first_year or last > catalog.follow_up.last_year:
        raise QueryError(f"period {first} to {last} is outside the follow-up years "
                         f"{catalog.follow_up.first_year} to {catalog.follow_up.last_year}")
    if last < chosen.first_year:
        raise QueryError(f"{chosen.label} deaths are counted from {chosen.first_year}; choose a "
                         f"period that includes {chosen.first_year} or later")
    clipped = (max(first, chosen.first_year), last)
    if clipped not in offered_periods(catalog, outcome):
        raise QueryError(f"period {first} to {last} is not offered: choose "
                         f"{_periods_text(catalog, outcome)} (periods are fixed so that overlapping "
                         "periods cannot be subtracted to reveal a hidden count)")
    policies = catalog.to_dict()["sdc"]["policies"]
    if audience not in policies:
        raise QueryError(f"unknown audience {audience!r}; choose from: {', '.join(policies)}")
    return TableRequest(dataset=catalog.code, outcome=outcome, measure=measure, by=by,
                        where=resolved_where, period=(max(first, chosen.first_year), last),
                        audience=audience)


def offered_periods(catalog: Catalog, outcome: str) -> dict[tuple[int, int], str]:
    """The periods a table of ``outcome`` may cover, (first, last) -> label: the whole follow-up,
    the catalog's fixed periods and each calendar year, each clipped to the years the outcome is
    counted in. No free ranges: two overlapping ranges differ by a year's count, and averaging
    many such differences would undo the perturbation (docs/sdc.md, attacks 2 and 8)."""
    follow_up = catalog.follow_up
    start = catalog.outcome(outcome).first_year
    whole = (max(follow_up.first_year, start), follow_up.last_year)
    periods = {whole: f"{whole[0]} to {whole[1]} (whole follow-up)"}
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


def trend_request(request: TableRequest) -> TableRequest:
    """The same view by calendar year for its first breakdown dimension (the Explore page's
    trend chart). Ratio and index measures trend as age-standardised rates."""
    measure = request.measure if request.measure in TREND_MEASURES else "asmr"
    by = (request.by[0], "year") if request.by else ("year",)
    return dataclasses.replace(request, measure=measure, by=by)
