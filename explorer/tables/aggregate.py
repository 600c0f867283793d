"""From a validated TableRequest to a RawTable: run the breakdown query and lay its rows out
as the interior cells of a table, with the strata (age band, and sex for adjusted models) that
the measures need. Raw and unprotected: the only consumer is explorer.sdc.protect.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from explorer.catalog import Catalog, Dimension
from explorer.db.runner import QueryRunner
from explorer.sdc.raw_table import RawTable
from explorer.sdc.structure import TOTAL, DimensionLevels
from explorer.tables.request import TableRequest

ALL = "all"
YEAR = "year"
"""Pseudo-dimension of trend tables: calendar year, read from the catalog's cohort year column."""


def dimension_levels(dimension: Dimension) -> DimensionLevels:
    """The table layout of a catalog dimension: categories by code, hierarchy groups by key."""
    codes = tuple(category.code for category in dimension.categories)
    groups = {}
    if dimension.hierarchy is not None:
        groups = {group.key: tuple(dimension.category_by_key(child).code for child in group.children)
                  for group in dimension.hierarchy.groups}
        if sorted(code for children in groups.values() for code in children) != sorted(codes):
            groups = {}  # residual categories outside the hierarchy: no subtotals
    return DimensionLevels(dimension.code, codes, groups)


def dimension_labels(dimension: Dimension) -> dict:
    labels = {category.code: category.label for category in dimension.categories}
    if dimension.hierarchy is not None:
        labels.update({group.key: group.label for group in dimension.hierarchy.groups})
    labels[TOTAL] = "Total"
    return labels


def age_bands_for(catalog: Catalog, outcome: str) -> list[str]:
    """Standard-population bands within the outcome's age range (e.g. suicide from 10)."""
    population = catalog.standard_population
    return population.bands_from_age(catalog.outcome(outcome).min_age)


def raw_table(request: TableRequest, catalog: Catalog, runner: QueryRunner,
              shared: pd.DataFrame | None = None) -> RawTable:
    """The unprotected aggregate behind ``request``. ``shared`` (from ``shared_events_frame``
    of a request whose breakdown includes this one's) saves running the query again."""
    dimensions = [catalog.dimension(code) for code in request.by if code != YEAR]
    if catalog.is_person_level or request.measure == "proportion":
        return _persons_table(request, catalog, runner, dimensions)
    return _events_table(request, catalog, runner, dimensions, shared)


def _adjusted_for(request: TableRequest, catalog: Catalog) -> str | None:
    """The dimension an adjusted rate ratio also stratifies by (catalog standard_population
    adjust_also_for, e.g. sex), unless it is the breakdown itself; None otherwise."""
    also = catalog.standard_population.adjust_also_for
    if request.measure != "adjusted_rate_ratio" or also is None or also in request.by:
        return None
    return also


def _query_by(request: TableRequest, catalog: Catalog, dimensions: list[Dimension]) -> list[str]:
    also = _adjusted_for(request, catalog)
    return [d.code for d in dimensions] + ([also] if also else [])


def shared_events_frame(request: TableRequest, catalog: Catalog, runner: QueryRunner) -> pd.DataFrame:
    """One scan serving a view and its trend: events and person-years by the view's
    breakdown, calendar year and age band (raw; only ``raw_table`` reads it)."""
    dimensions = [catalog.dimension(code) for code in request.by if code != YEAR]
    query_by = _query_by(request, catalog, dimensions)
    filters = _filters(request, catalog)
    age = catalog.standardisation_dimension
    if _selects_nobody(filters):
        return _empty_events_frame([*query_by, catalog.cohort.year_column, age.code])
    return runner.breakdown(request.outcome, query_by, filters=filters, period=request.period,
                            by_year=True)


def summed_by_groups(frame: pd.DataFrame, catalog: Catalog,
                     dimensions: list[Dimension]) -> pd.DataFrame:
    """A query's rows by ``dimensions`` with each grouping dimension's base codes turned into
    group codes and the other (additive) columns summed per group; unchanged when no dimension
    is a grouping. For callers that index the rows by category (e.g. the linkage rate table)."""
    if not any(d.is_grouping for d in dimensions) or frame.empty:
        return frame
    codes = [d.code for d in dimensions]
    return _grouped(frame, catalog, dimensions).groupby(codes, as_index=False).sum()


def request_filters(request: TableRequest, catalog: Catalog) -> dict[str, list[str]]:
    """The request's filters as category keys of stored dimensions (a hierarchy group becomes
    its categories; a group of a grouping dimension becomes its base's categories, kept with a
    filter on the base itself only where both select them). An empty list selects nobody."""
    filters: dict[str, list[str]] = {}
    for code, choices in request.where.items():
        dimension = catalog.dimension(code)
        keys = [key for choice in choices for key in dimension.filter_keys(choice)]
        if dimension.is_grouping:
            code = dimension.grouping_of
            keys = [base for key in keys for base in dimension.base_keys(key)]
        if code in filters:
            keys = [key for key in filters[code] if key in keys]
        filters[code] = keys
    return filters


def _selects_nobody(filters: dict[str, list[str]]) -> bool:
    """True when a filter selects no category: the outcome's age range and the age filter do
    not meet, or a filter on a grouping and one on its base have no category in common."""
    return any(len(keys) == 0 for keys in filters.values())


def _grouped(frame: pd.DataFrame, catalog: Catalog, dimensions: list[Dimension]) -> pd.DataFrame:
    """The query's rows with each grouping dimension's column turned from its base's category
    codes (the query reads the base column under the grouping's name) into group codes. Rows are
    not summed here: the callers add every row into its cell, so a group's events, person-years,
    persons and record-key sum are those of the people in its base categories, exactly as the
    subtotal of the same people would be (docs/sdc.md)."""
    groupings = [d for d in dimensions if d.is_grouping]
    if not groupings or frame.empty:
        return frame
    frame = frame.copy()
    for dimension in groupings:
        mapping = dimension.group_of(catalog.dimension(dimension.grouping_of))
        frame[dimension.code] = frame[dimension.code].map(mapping).astype("int64")
    return frame


def _filters(request: TableRequest, catalog: Catalog) -> dict[str, list[str]]:
    filters = request_filters(request, catalog)
    age = catalog.standardisation_dimension
    bands = age_bands_for(catalog, request.outcome)
    if len(bands) < len(age.categories):
        chosen = filters.get(age.code)
        filters[age.code] = [b for b in bands if chosen is None or b in chosen]  # [] selects nobody
    return filters


def _empty_events_frame(keys: list[str]) -> pd.DataFrame:
    """A breakdown with no rows (a filter selects nobody: ``_selects_nobody``)."""
    return pd.DataFrame(columns=[*keys, "events", "person_years", "record_key_sum"])


def _events_table(request: TableRequest, catalog: Catalog, runner: QueryRunner,
                  dimensions: list[Dimension], shared: pd.DataFrame | None = None) -> RawTable:
    age = catalog.standardisation_dimension
    also = _adjusted_for(request, catalog)
    query_by = _query_by(request, catalog, dimensions)
    filters = _filters(request, catalog)
    trend = YEAR in request.by
    year_column = catalog.cohort.year_column
    if shared is not None:
        keys = list(dict.fromkeys([*query_by, *([year_column] if trend else []), age.code]))
        frame = (shared.groupby(keys, as_index=False)[["events", "person_years", "record_key_sum"]]
                 .sum() if len(shared) else shared[[*keys, "events", "person_years", "record_key_sum"]])
    elif _selects_nobody(filters):
        frame = _empty_events_frame([*query_by, year_column, age.code])
    else:
        frame = runner.breakdown(request.outcome, query_by, filters=filters, period=request.period,
                                 by_year=trend)
    frame = _grouped(frame, catalog, dimensions)

    bands = [age.category_by_key(key).code for key in age_bands_for(catalog, request.outcome)]
    sexes = [c.code for c in catalog.dimension(also).categories] if also else [None]
    strata = tuple(itertools.product(bands, sexes))
    levels, cells, labels = _layout(dimensions)
    codes = [d.code for d in dimensions]
    if trend:
        years = tuple(range(request.period[0], request.period[1] + 1))
        levels = (*levels, DimensionLevels(YEAR, years))
        cells = [(*cell, year) for cell in cells for year in years]
        labels = {**labels, YEAR: {**{year: str(year) for year in years}, TOTAL: "All years"}}
        codes = [*codes, year_column]
    cell_index = {cell: i for i, cell in enumerate(cells)}
    stratum_index = {stratum: j for j, stratum in enumerate(strata)}

    events = np.zeros((len(cells), len(strata)))
    person_years = np.zeros_like(events)
    strata_keys = np.zeros_like(events)
    for row in frame.itertuples(index=False):
        values = row._asdict()
        cell = tuple(values[code] for code in codes)
        stratum = (values[age.code], values[also] if also else None)
        if stratum not in stratum_index:
            continue
        i, j = cell_index[cell], stratum_index[stratum]
        events[i, j] += values["events"]
        person_years[i, j] += values["person_years"]
        strata_keys[i, j] += values["record_key_sum"]

    return RawTable(
        dimensions=levels, counts=events.sum(axis=1),
        structural_zero=_structural_zeros(request, catalog, dimensions, cells),
        record_key_sums=strata_keys.sum(axis=1), additive={"person_years": person_years.sum(axis=1)},
        labels=labels, description=request.describe(catalog), strata=strata,
        strata_events=events, strata_person_years=person_years, strata_record_key_sums=strata_keys)


def _persons_table(request: TableRequest, catalog: Catalog, runner: QueryRunner,
                   dimensions: list[Dimension]) -> RawTable:
    """Persons with the outcome (the protected counts) and persons (an additive denominator)
    by the breakdown: in a person-time dataset, those who died of the outcome in the period;
    in a person-level one, those whose outcome flag is set."""
    where = request_filters(request, catalog)
    codes = [d.code for d in dimensions]
    numerator = "events" if catalog.is_person_level else "deaths"
    if _selects_nobody(where):
        frame = pd.DataFrame(columns=[*codes, "persons", numerator, "record_key_sum"])
    elif catalog.is_person_level:
        frame = runner.flags_breakdown(request.outcome, codes, filters=where)
    else:
        frame = runner.persons_breakdown(request.outcome, codes, filters=where,
                                         period=request.period)
    frame = _grouped(frame, catalog, dimensions)
    levels, cells, labels = _layout(dimensions)
    cell_index = {cell: i for i, cell in enumerate(cells)}
    events, persons, record_keys = (np.zeros(len(cells)) for _ in range(3))
    for row in frame.itertuples(index=False):
        values = row._asdict()
        i = cell_index[tuple(values[code] for code in codes)]
        events[i] += values[numerator]
        persons[i] += values["persons"]
        record_keys[i] += values["record_key_sum"]
    return RawTable(dimensions=levels, counts=events, structural_zero=np.zeros(len(cells), bool),
                    record_key_sums=record_keys, additive={"persons": persons}, labels=labels,
                    description=request.describe(catalog))


def _layout(dimensions: list[Dimension]) -> tuple[tuple[DimensionLevels, ...], list[tuple], dict]:
    """Table levels, the interior cells as tuples of category codes, and labels. A table with
    no breakdown is one cell, 'All people', laid out on a pseudo-dimension ``all``."""
    if not dimensions:
        return ((DimensionLevels(ALL, (ALL,)),), [()], {ALL: {ALL: "All people", TOTAL: "Total"}})
    levels = tuple(dimension_levels(d) for d in dimensions)
    cells = list(itertools.product(*(level.categories for level in levels)))
    return levels, cells, {d.code: dimension_labels(d) for d in dimensions}


def _structural_zeros(request: TableRequest, catalog: Catalog, dimensions: list[Dimension],
                      cells: list[tuple]) -> np.ndarray:
    """Cells impossible by the outcome's definition: age bands below its minimum age."""
    age = catalog.standardisation_dimension
    if age.code not in request.by:
        return np.zeros(len(cells), dtype=bool)  # includes the one-cell table with no breakdown
    position = list(request.by).index(age.code)
    allowed = {age.category_by_key(key).code for key in age_bands_for(catalog, request.outcome)}
    return np.array([cell[position] not in allowed for cell in cells])
