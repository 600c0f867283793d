"""Run the parameterised queries in ``queries/`` against a read-only database.

Every request is validated against the catalog before any SQL is built: outcome and
dimension codes must exist, filter values must resolve to categories, the period must lie in
the follow-up. Identifiers then enter the SQL only through :class:`CatalogIdentifiers`, and
every value (years, filter codes) is bound as a DuckDB ``$parameter``.

The results are raw, unprotected aggregates: they must pass disclosure control before
anything is shown.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from explorer.catalog import Catalog, Dimension
from explorer.catalog.limits import MAX_BREAKDOWNS
from explorer.catalog.periods import check_period
from explorer.db.connection import Database, query_failure
from explorer.db.sql_template import (
    CatalogIdentifiers, SqlFragment, load_query, named_parameters, placeholders, render_query,
)
from explorer.errors import QueryError

MAX_QUERY_DIMENSIONS = MAX_BREAKDOWNS + 1
"""A table's breakdowns, and the sex stratum the runner adds for age- and sex-adjusted ratios."""

QUERY_PARAMETERS: dict[str, frozenset[str]] = {
    "breakdown_events": frozenset({"year_from", "year_to"}),
    "breakdown_persons": frozenset({"year_from", "year_to"}),
    "breakdown_flags": frozenset(),
    "linkage_rates": frozenset(),
    "linkage_evaluation": frozenset(),
    "linkage_bias": frozenset({"category_codes"}),
    "linkage_model_parameters": frozenset(),
    "linkage_model_settings": frozenset(),
    "schema_columns": frozenset(),
}
"""The fixed ``$parameters`` each query file uses; the runner binds exactly these (plus
one ``filter_<n>`` per filter it writes into the ``{filter_conditions}`` placeholder)."""

Filters = Mapping[str, "Sequence[str | int] | str | int"]


@dataclass(frozen=True)
class QueryPlan:
    """A validated request ready to run: query file, identifier fragments, bound values."""

    query: str
    fragments: dict[str, SqlFragment]
    parameters: dict[str, object] = field(default_factory=dict)
    code_columns: tuple[str, ...] = ()


class QueryRunner:
    """Validated, parameter-bound queries for one catalog over one database."""

    def __init__(self, database: Database, catalog: Catalog) -> None:
        self.database = database
        self.catalog = catalog
        self._identifiers = CatalogIdentifiers(catalog)

    # --- public queries ----------------------------------------------------------------

    def breakdown(self, outcome: str, by: Sequence[str] = (), filters: Filters | None = None,
                  period: tuple[int, int] | None = None, by_year: bool = False) -> pd.DataFrame:
        """Events and person-years by ``by`` dimensions and by age group (and by calendar year,
        in the cohort's year column, when ``by_year``).

        Columns: one per dimension in ``by`` (integer category codes), the standard
        population's dimension (``age_group``), ``events`` and ``person_years``. Only
        non-empty cells are returned. ``period`` is (first, last) calendar year, inclusive;
        the default is the whole follow-up.
        """
        return self._run_plan(self.plan_breakdown(outcome, by, filters, period, by_year))

    def persons_breakdown(self, outcome: str, by: Sequence[str] = (),
                          filters: Filters | None = None,
                          period: tuple[int, int] | None = None) -> pd.DataFrame:
        """Persons in the linked cohort and those who died of ``outcome`` in ``period``.

        Columns: one per dimension in ``by`` (integer codes), ``persons``, ``deaths``.
        Only person-level dimensions (in the persons table) may be used.
        """
        return self._run_plan(self.plan_persons_breakdown(outcome, by, filters, period))

    def flags_breakdown(self, outcome: str, by: Sequence[str] = (),
                        filters: Filters | None = None) -> pd.DataFrame:
        """Persons in the cohort of a person-level dataset and those flagged with ``outcome``
        (its event column is 1), over the whole follow-up window.

        Columns: one per dimension in ``by`` (integer codes), ``persons``, ``events``,
        ``record_key_sum`` (the flagged persons' record keys).
        """
        return self._run_plan(self.plan_flags_breakdown(outcome, by, filters))

    def linkage_rates(self, dimension: str) -> pd.DataFrame:
        """Everyone enumerated (``persons``) and those linked (``linked``) by one dimension."""
        return self._run_plan(self.plan_linkage_rates(dimension))

    def linkage_evaluation(self, dimension: str) -> pd.DataFrame:
        """People in the cohort by one dimension (integer codes), ``truth`` (1: a record truly
        belongs to them, 2: none does) and ``link`` (1: linked to their own record, 2: to another
        one, 3: not linked), with ``persons`` and ``record_key_sum``; catalog
        dataset.linkage.evaluation. Raw: disclosure control comes next."""
        return self._run_plan(self.plan_linkage_evaluation(dimension))

    def linkage_bias(self, dimension: str) -> pd.DataFrame:
        """The records to be linked by one characteristic (its dimension's codes) and ``linked``
        (bool), with ``records`` and ``record_key_sum``; catalog dataset.linkage.bias. Raw."""
        return self._run_plan(self.plan_linkage_bias(dimension))

    def linkage_model(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The trained linkage model's parameters (comparison, level, m_probability,
        u_probability, match_weight) and settings (setting, value), as stored: they describe the
        linkage, not people (catalog dataset.linkage.model)."""
        model = self._linkage_part("model")
        ids = self._identifiers
        tables = (("parameters", model.parameters_table,
                   ("comparison", "level", "m_probability", "u_probability", "match_weight")),
                  ("settings", model.settings_table, ("setting", "value")))
        return tuple(self._run(f"linkage_model_{name}",  # type: ignore[return-value]
                               {f"{name}_table": ids.table(table),
                                **{f"{column}_column": ids.column(table, column)
                                   for column in columns}}, {})
                     for name, table, columns in tables)

    def schema_mismatches(self) -> list[str]:
        """Differences between the database's tables and the catalog's (empty when they agree).

        Each entry is one readable line, e.g. ``persons.died_suicide: missing``. Useful
        after a build, and at app start to tell a stale database from a broken query.
        """
        rows = self.database.cursor().execute(load_query("schema_columns")).fetchall()
        actual = {(table, column): data_type for table, column, data_type in rows}
        problems = []
        for table in self.catalog.tables.values():
            for column in table.columns.values():
                found = actual.get((table.name, column.name))
                if found is None:
                    problems.append(f"{table.name}.{column.name}: missing")
                elif found != column.type:
                    problems.append(f"{table.name}.{column.name}: type {found}, catalog says {column.type}")
        return problems

    # --- planning: validation, then fragments and parameters --------------------------

    def plan_breakdown(self, outcome: str, by: Sequence[str] = (), filters: Filters | None = None,
                       period: tuple[int, int] | None = None, by_year: bool = False) -> QueryPlan:
        """Validate a breakdown request and return the plan :meth:`breakdown` runs."""
        self._require_person_time("events and person-years")
        chosen_outcome = self.catalog.outcome(outcome)
        cohort, exposure = self.catalog.cohort, self.catalog.cohort.exposure
        tables = (cohort.persons_table, exposure.terms_table)
        dimensions = self._breakdown_dimensions(by, tables)
        age = self.catalog.standardisation_dimension
        if (age.table, age.column) != (exposure.terms_table, exposure.age_group_column):
            raise QueryError(f"standard population dimension {age.code!r} is not the attained age "
                             f"group of the exposure terms; cannot age-standardise")
        dimensions = [d for d in dimensions if d.code != age.code]
        year_from, year_to = self._period(period)
        if filters is not None and not isinstance(filters, Mapping):
            raise QueryError(f"filters must map dimension codes to values, got {filters!r}")
        filters = dict(filters or {})
        age_values = filters.pop(age.code, None)
        conditions, parameters = self._filters(filters, (cohort.persons_table,))
        age_filters = self._age_filters(age_values, parameters)
        ids = self._identifiers
        year_alias = ids.bare_column(exposure.terms_table, exposure.year_column)
        fragments = {
            **self._cohort_fragments(),
            **self._exposure_fragments(),
            **age_filters,
            "dimension_columns": self._select_list(dimensions, suffix=",\n    "),
            "dimension_names": ids.join([ids.alias(d.code) for d in dimensions], "", suffix=", "),
            "year_alias": year_alias,
            "age_group_alias": ids.alias(age.code),
            "year_group_column": ids.join([year_alias] if by_year else [], "", suffix=", "),
            "event_column": ids.column(cohort.persons_table, chosen_outcome.event_column),
            "filter_conditions": conditions,
        }
        return QueryPlan("breakdown_events", fragments,
                         {"year_from": year_from, "year_to": year_to, **parameters},
                         tuple(d.code for d in dimensions)
                         + ((cohort.year_column,) if by_year else ()) + (age.code,))

    def plan_persons_breakdown(self, outcome: str, by: Sequence[str] = (),
                               filters: Filters | None = None,
                               period: tuple[int, int] | None = None) -> QueryPlan:
        """Validate a persons request and return the plan :meth:`persons_breakdown` runs."""
        self._require_person_time("deaths in a period")
        fragments, parameters, dimensions = self._persons_fragments(outcome, by, filters)
        year_from, year_to = self._period(period)
        return QueryPlan("breakdown_persons", fragments,
                         {"year_from": year_from, "year_to": year_to, **parameters},
                         tuple(d.code for d in dimensions))

    def plan_flags_breakdown(self, outcome: str, by: Sequence[str] = (),
                             filters: Filters | None = None) -> QueryPlan:
        """Validate a person-level request and return the plan :meth:`flags_breakdown` runs."""
        if not self.catalog.is_person_level:
            raise QueryError(f"dataset {self.catalog.code!r} is a person_time dataset: its "
                             "outcomes are events over person-years, not flags over people")
        fragments, parameters, dimensions = self._persons_fragments(outcome, by, filters)
        return QueryPlan("breakdown_flags", fragments, parameters,
                         tuple(d.code for d in dimensions))

    def _persons_fragments(self, outcome: str, by: Sequence[str], filters: Filters | None):
        """Fragments, filter values and dimensions of a query over the persons table alone
        (breakdown_persons, breakdown_flags)."""
        chosen_outcome = self.catalog.outcome(outcome)
        cohort = self.catalog.cohort
        tables = (cohort.persons_table,)
        dimensions = self._breakdown_dimensions(by, tables)
        conditions, parameters = self._filters(filters, tables)
        fragments = {
            **self._cohort_fragments(),
            "dimension_columns": self._select_list(dimensions, suffix=",\n    "),
            "event_column": self._identifiers.column(cohort.persons_table,
                                                     chosen_outcome.event_column),
            "filter_conditions": conditions,
        }
        return fragments, parameters, dimensions

    def plan_linkage_rates(self, dimension: str) -> QueryPlan:
        """Validate a linkage-rate request and return the plan :meth:`linkage_rates` runs."""
        (chosen,) = self._breakdown_dimensions([dimension], (self.catalog.cohort.persons_table,))
        fragments = {**self._cohort_fragments(), "dimension_column": self._select_list([chosen])}
        return QueryPlan("linkage_rates", fragments, {}, (chosen.code,))

    def plan_linkage_evaluation(self, dimension: str) -> QueryPlan:
        """Validate an evaluation request (a dimension of the catalog's evaluation ``by``)."""
        evaluation = self._linkage_part("evaluation")
        if dimension not in evaluation.by:
            raise QueryError(f"linkage precision and recall are reported by "
                             f"{', '.join(evaluation.by)}, not {dimension!r}")
        persons = self.catalog.cohort.persons_table
        (chosen,) = self._breakdown_dimensions([dimension], (persons,))
        ids = self._identifiers
        fragments = {**self._cohort_fragments(), "dimension_column": self._select_list([chosen]),
                     **{key: ids.column(persons, getattr(evaluation, key))
                        for key in ("true_match_column", "linked_column", "correct_column")}}
        return QueryPlan("linkage_evaluation", fragments, {}, (chosen.code,))

    def plan_linkage_bias(self, dimension: str) -> QueryPlan:
        """Validate a linkage-bias request (a characteristic of the catalog's bias section)."""
        bias = self._linkage_part("bias")
        if dimension not in bias.characteristics:
            raise QueryError(f"linked and unlinked records are compared on "
                             f"{', '.join(bias.characteristics)}, not {dimension!r}")
        chosen, ids = self.catalog.dimension(dimension), self._identifiers
        value = ids.column(bias.table, bias.characteristics[dimension])
        fragments = {"bias_table": ids.table(bias.table), "characteristic_value": value,
                     "characteristic_column": ids.select_as(value, ids.alias(chosen.code)),
                     "linked_column": ids.column(bias.table, bias.linked_column),
                     "record_key_column": ids.column(bias.table, bias.record_key_column)}
        return QueryPlan("linkage_bias", fragments,
                         {"category_codes": [c.code for c in chosen.categories]}, (chosen.code,))

    # --- validation helpers ------------------------------------------------------------

    def _linkage_part(self, name: str):
        """The catalog's dataset.linkage.<name> section; QueryError when it has none."""
        part = getattr(self.catalog.linkage, name)
        if part is None:
            raise QueryError(f"dataset {self.catalog.code!r} declares no linkage {name} "
                             f"(dataset.linkage.{name} in its catalog)")
        return part

    def _breakdown_dimensions(self, by: Sequence[str], tables: tuple[str, ...]) -> list[Dimension]:
        if isinstance(by, str) or not isinstance(by, Sequence):
            raise QueryError(f"breakdown dimensions must be a list of dimension codes, got {by!r}")
        if len(by) > MAX_QUERY_DIMENSIONS:
            raise QueryError(f"at most {MAX_QUERY_DIMENSIONS} breakdown dimensions; "
                             f"got {len(by)}: {', '.join(map(str, by))}")
        dimensions = [self._dimension_in(code, tables) for code in by]
        if len({d.code for d in dimensions}) != len(dimensions):
            raise QueryError(f"a dimension is repeated in the breakdown: {', '.join(by)}")
        return dimensions

    def _dimension_in(self, code: str, tables: tuple[str, ...]) -> Dimension:
        dimension = self.catalog.dimension(code)
        if dimension.table not in tables:
            raise QueryError(f"dimension {code!r} is stored in table {dimension.table!r} and "
                             f"cannot be used here (only dimensions in {', '.join(tables)})")
        return dimension

    def _require_person_time(self, what: str) -> None:
        if self.catalog.is_person_level:
            raise QueryError(f"dataset {self.catalog.code!r} is a person_level dataset: it has "
                             f"no {what} (its outcomes are flags over people)")

    def _period(self, period: tuple[int, int] | None) -> tuple[int, int]:
        return check_period(self.catalog.follow_up, period)

    def _filters(self, filters: Filters | None,
                 tables: tuple[str, ...]) -> tuple[SqlFragment, dict[str, object]]:
        """The ``{filter_conditions}`` fragment and its bound category-code lists."""
        if filters is None:
            filters = {}
        if not isinstance(filters, Mapping):
            raise QueryError(f"filters must map dimension codes to values, got {filters!r}")
        ids = self._identifiers
        conditions: list[SqlFragment] = []
        parameters: dict[str, object] = {}
        for index, (code, values) in enumerate(filters.items()):
            dimension = self._dimension_in(code, tables)
            name = f"filter_{index}"
            conditions.append(ids.any_of(ids.column(dimension.table, dimension.column),
                                         ids.parameter(name)))
            parameters[name] = self._filter_codes(dimension, values)
        return ids.join(conditions, "\n  ", prefix="AND "), parameters

    def _age_filters(self, values: object, parameters: dict[str, object]) -> dict[str, SqlFragment]:
        """The attained age group's filter, on person-years (the exposure terms' age group) and
        on events (the persons' exit age group), bound once into ``parameters``."""
        ids, cohort = self._identifiers, self.catalog.cohort
        if values is None:
            return {"terms_age_filter": ids.join([], ""), "exit_age_filter": ids.join([], "")}
        age = self.catalog.standardisation_dimension
        name = f"filter_{len(parameters)}"
        parameters[name] = self._filter_codes(age, values)
        on_terms = ids.any_of(ids.column(cohort.exposure.terms_table, age.column), ids.parameter(name))
        on_exits = ids.any_of(ids.column(cohort.persons_table, cohort.exit_age_group_column),
                              ids.parameter(name))
        return {"terms_age_filter": ids.join([on_terms], "", prefix="AND "),
                "exit_age_filter": ids.join([on_exits], "", prefix="AND ")}

    @staticmethod
    def _filter_codes(dimension: Dimension, values: object) -> list[int]:
        if isinstance(values, (str, numbers.Integral)):
            values = [values]
        if not isinstance(values, Sequence) or len(values) == 0:
            raise QueryError(f"filter on dimension {dimension.code!r} needs at least one value, "
                             f"got {values!r}")
        return sorted({dimension.resolve(value).code for value in values})

    # --- SQL building and running ------------------------------------------------------

    def _select_list(self, dimensions: list[Dimension], suffix: str = "") -> SqlFragment:
        ids = self._identifiers
        columns = [ids.select_as(ids.column(d.table, d.column), ids.alias(d.code))
                   for d in dimensions]
        return ids.join(columns, "", suffix=suffix) if suffix else ids.join(columns, ", ")

    def _cohort_fragments(self) -> dict[str, SqlFragment]:
        ids, cohort = self._identifiers, self.catalog.cohort
        persons = cohort.persons_table
        fragments = {
            "persons_table": ids.table(persons),
            "cohort_filter_column": ids.column(persons, cohort.cohort_filter_column),
            "record_key_column": ids.column(persons, cohort.record_key_column),
        }
        if not self.catalog.is_person_level:  # where an event falls (person-time datasets)
            fragments["exit_year_column"] = ids.column(persons, cohort.exit_year_column)
            fragments["exit_age_group_column"] = ids.column(persons, cohort.exit_age_group_column)
        return fragments

    def _exposure_fragments(self) -> dict[str, SqlFragment]:
        ids, cohort = self._identifiers, self.catalog.cohort
        persons, exposure = cohort.persons_table, cohort.exposure
        terms = exposure.terms_table
        return {
            "survivor_class_column": ids.column(persons, exposure.survivor_class_column),
            "death_class_column": ids.column(persons, exposure.death_class_column),
            "next_band_column": ids.column(persons, exposure.next_band_column),
            "followed_column": ids.column(persons, exposure.followed_column),
            "terms_table": ids.table(terms),
            "terms_class_column": ids.column(terms, exposure.class_column),
            "terms_year_column": ids.column(terms, exposure.year_column),
            "terms_age_group_column": ids.column(terms, exposure.age_group_column),
            "constant_column": ids.column(terms, exposure.constant_column),
            "next_band_coefficient_column": ids.column(terms, exposure.next_band_coefficient_column),
            "followed_coefficient_column": ids.column(terms, exposure.followed_coefficient_column),
        }

    def render(self, plan: QueryPlan) -> str:
        """The SQL text of a plan (identifiers filled, values still ``$parameters``)."""
        template = load_query(plan.query)
        wanted = placeholders(template)
        return render_query(template, {name: fragment for name, fragment in plan.fragments.items()
                                       if name in wanted})

    def _run_plan(self, plan: QueryPlan) -> pd.DataFrame:
        frame = self._run(plan.query, plan.fragments, plan.parameters)
        for column in plan.code_columns:
            frame[column] = frame[column].astype("int64")
        return frame

    def _run(self, query: str, fragments: Mapping[str, SqlFragment],
             parameters: Mapping[str, object]) -> pd.DataFrame:
        """Render ``queries/<query>.sql`` and run it with ``parameters`` bound by DuckDB.

        Values are never put into the SQL text. A database error (e.g. a value of the wrong
        type bound by a caller that skipped validation) becomes a QueryError.
        """
        sql = self.render(QueryPlan(query, dict(fragments)))
        expected = named_parameters(sql)
        if expected != set(parameters):
            raise QueryError(f"query {query!r} takes parameters {sorted(expected)}, "
                             f"got {sorted(parameters)}")
        try:
            return self.database.cursor().execute(sql, dict(parameters)).df()
        except duckdb.Error as error:  # an unreadable file, or a QueryError
            raise query_failure(self.database.path, query, error) from error
