"""The read-only connection and the query runner, on the hand-made tiny database."""

from __future__ import annotations

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.catalog import Catalog
from explorer.db import (
    QUERY_PARAMETERS, Database, QueryRunner, load_query, named_parameters, open_database,
    placeholders, query_names,
)
from explorer.errors import DatabaseMissingError, QueryError

pytestmark = pytest.mark.sql

CENSUS = datetime.date(2011, 3, 27)

INJECTION = "x'; DROP TABLE persons; --"
EVENT_FLAGS = {"all_cause": "died", "suicide": "died_suicide", "covid19": "died_covid19",
               "circulatory": "died_circulatory", "cancer": "died_cancer"}


@pytest.fixture(scope="module")
def tiny_database(tiny_db) -> Database:
    with open_database(tiny_db.path) as opened:
        yield opened


@pytest.fixture(scope="module")
def runner(tiny_database: Database, census_catalog: Catalog) -> QueryRunner:
    return QueryRunner(tiny_database, census_catalog)


DAYS = 365.25


def test_breakdown_is_one_query_over_persons_and_the_exposure_terms(runner) -> None:
    sql = runner.render(runner.plan_breakdown("suicide", ["sex", "region"],
                                              filters={"religion": ["christian"]}))
    assert '"person_time"' not in sql and "JOIN \"exposure_terms\"" in sql
    assert sql.count('FROM "persons"') == 3  # survivors, deaths, events


def _expected_breakdown(tiny_db, outcome: str, by: list[str], period=(2011, 2021),
                        filters: dict[str, list[int]] | None = None) -> pd.DataFrame:
    """The same breakdown computed in pandas from the exact Lexis split of the fixture's
    persons (queries/reference/lexis_split.sql; codes only)."""
    rows = tiny_db.person_time
    rows = rows[rows["year"].between(*period)]
    for column, codes in (filters or {}).items():
        rows = rows[rows[column].isin(codes)]
    keys = [code for code in by if code != "age_group"] + ["age_group"]
    rows = rows.assign(event_key=rows[EVENT_FLAGS[outcome]].astype("int64") * rows["record_key"])
    result = (rows.groupby(keys, as_index=False)
              .agg(events=(EVENT_FLAGS[outcome], "sum"), person_years=("person_years", "sum"),
                   record_key_sum=("event_key", "sum")))
    return result.astype({key: "int64" for key in keys} | {"events": "int64"})


def _assert_same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-12)


# --- exact sums --------------------------------------------------------------------------

def test_breakdown_by_sex_exact_sums(runner: QueryRunner) -> None:
    frame = runner.breakdown("suicide", ["sex"])
    assert list(frame.columns) == ["sex", "age_group", "events", "person_years", "record_key_sum"]
    totals = frame.groupby("sex")[["events", "person_years"]].sum()
    # Men: persons 1, 5, 9 and 11 (followed days by hand below), 3 and 7 (suicides).
    men_days = 3933 + (datetime.date(2020, 11, 12) - CENSUS).days \
        + (datetime.date(2016, 1, 11) - CENSUS).days + 3933 \
        + (datetime.date(2015, 8, 21) - CENSUS).days + (datetime.date(2020, 3, 16) - CENSUS).days
    assert totals.loc[1, "events"] == 2 and totals.loc[1, "person_years"] == pytest.approx(men_days / DAYS, rel=1e-12)
    assert totals.loc[2, "events"] == 0
    assert frame["sex"].dtype == "int64"


def test_breakdown_without_dimensions_is_by_age_group(runner: QueryRunner, tiny_db) -> None:
    frame = runner.breakdown("all_cause", [])
    assert list(frame.columns) == ["age_group", "events", "person_years", "record_key_sum"]
    assert frame["events"].sum() == 6
    followed = tiny_db.persons.loc[tiny_db.persons["linked"], "days_followed"].sum()
    assert frame["person_years"].sum() == pytest.approx(followed / DAYS, rel=1e-12)  # person 12 excluded
    # Person 9 reached 90 on 7 July 2015 and died in the open top band on 10 January 2016.
    top = frame.set_index("age_group").loc[19]
    assert top["events"] == 1
    assert top["person_years"] == pytest.approx(
        (datetime.date(2016, 1, 11) - datetime.date(2015, 7, 7)).days / DAYS, rel=1e-12)


def test_breakdown_by_age_group_is_not_duplicated(runner: QueryRunner, tiny_db) -> None:
    frame = runner.breakdown("suicide", ["age_group"])
    assert list(frame.columns) == ["age_group", "events", "person_years", "record_key_sum"]
    assert frame.set_index("age_group").loc[6, "events"] == 1
    _assert_same(frame, _expected_breakdown(tiny_db, "suicide", ["age_group"]))


@pytest.mark.parametrize("by", [
    ["religion"],
    ["sex", "disability"],
    ["ethnicity", "region"],
    ["sex", "region", "deprivation_quintile"],
    ["age_group", "sex", "ethnicity_detailed"],
])
@pytest.mark.parametrize("outcome", ["all_cause", "suicide", "covid19"])
def test_breakdown_matches_pandas(runner: QueryRunner, tiny_db, outcome: str, by: list[str]) -> None:
    _assert_same(runner.breakdown(outcome, by), _expected_breakdown(tiny_db, outcome, by))


_PROPERTY_DIMENSIONS = ["sex", "age_group", "ethnicity", "religion", "disability", "region",
                        "deprivation_quintile", "ethnicity_detailed"]


@st.composite
def _breakdown_requests(draw):
    by = draw(st.lists(st.sampled_from(_PROPERTY_DIMENSIONS), max_size=3, unique=True))
    filtered = draw(st.lists(st.sampled_from(["sex", "region", "disability", "age_group"]),
                             max_size=2, unique=True))
    codes = {"sex": [1, 2], "region": [1, 7, 10], "disability": [1, 2, 3], "age_group": [5, 9, 10, 17]}
    filters = {code: draw(st.lists(st.sampled_from(codes[code]), min_size=1, max_size=3))
               for code in filtered}
    year_from = draw(st.integers(2011, 2021))
    year_to = draw(st.integers(year_from, 2021))
    outcome = draw(st.sampled_from(sorted(EVENT_FLAGS)))
    return outcome, by, filters, (year_from, year_to)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=_breakdown_requests())
def test_any_valid_breakdown_matches_pandas(runner: QueryRunner, tiny_db, request) -> None:
    outcome, by, filters, period = request
    frame = runner.breakdown(outcome, by, filters=filters, period=period)
    _assert_same(frame, _expected_breakdown(tiny_db, outcome, by, period=period, filters=filters))


def test_tiny_database_matches_the_catalog(runner: QueryRunner) -> None:
    assert runner.schema_mismatches() == []


def test_breakdown_by_three_dimensions_exact(runner: QueryRunner) -> None:
    frame = runner.breakdown("all_cause", ["sex", "region", "disability"])
    cell = frame[(frame["sex"] == 2) & (frame["region"] == 7) & (frame["disability"] == 1)]
    assert cell["events"].sum() == 1  # person 2: circulatory death on 1 July 2020
    assert cell["person_years"].sum() == pytest.approx(
        (datetime.date(2020, 7, 2) - CENSUS).days / DAYS, rel=1e-12)
    # Person 2 turned 60 (band 13) on 15 June 2015 and 65 (band 14) on 15 June 2020.
    by_band = cell.groupby("age_group")["person_years"].sum() * DAYS
    assert by_band.round(9).to_dict() == {
        12: (datetime.date(2015, 6, 15) - CENSUS).days,
        13: (datetime.date(2020, 6, 15) - datetime.date(2015, 6, 15)).days,
        14: (datetime.date(2020, 7, 2) - datetime.date(2020, 6, 15)).days}


def test_breakdown_with_filters_and_period(runner: QueryRunner, tiny_db) -> None:
    frame = runner.breakdown("suicide", ["sex"], filters={"region": ["london", "North East"],
                                                          "ethnicity": [1, "mixed", "asian"]},
                             period=(2015, 2020))
    expected = _expected_breakdown(tiny_db, "suicide", ["sex"], period=(2015, 2020),
                                   filters={"region": [7, 1], "ethnicity": [1, 2, 3]})
    _assert_same(frame, expected)
    assert frame["events"].sum() == 2


def test_filter_on_age_group_and_single_year(runner: QueryRunner) -> None:
    # Person 5 (born 28 March 1941) died of COVID-19 on 11 November 2020, aged 79.
    frame = runner.breakdown("covid19", ["sex"], filters={"age_group": ["age_75_79"]},
                             period=(2020, 2020))
    assert frame.to_dict("records") == [
        {"sex": 1, "age_group": 16, "events": 1,
         "person_years": pytest.approx((datetime.date(2020, 11, 12) - datetime.date(2020, 1, 1)).days / DAYS),
         "record_key_sum": 5 * 17 % 256}]


def test_persons_breakdown(runner: QueryRunner) -> None:
    frame = runner.persons_breakdown("suicide", ["sex"])
    assert frame.to_dict("records") == [
        {"sex": 1, "persons": 6, "deaths": 2, "record_key_sum": (3 * 17 % 256) + (7 * 17 % 256)},
        {"sex": 2, "persons": 5, "deaths": 0, "record_key_sum": 0}]
    later = runner.persons_breakdown("suicide", ["sex", "ethnicity"], filters={"sex": ["male"]},
                                     period=(2016, 2021))
    assert later["persons"].sum() == 6
    assert later["deaths"].sum() == 1  # only person 7 (2020); person 3 died in 2015
    total = runner.persons_breakdown("all_cause", [])
    assert total[["persons", "deaths"]].to_dict("records") == [{"persons": 11, "deaths": 6}]


def test_persons_breakdown_rejects_the_attained_age_dimension(runner: QueryRunner) -> None:
    with pytest.raises(QueryError, match="dimension 'age_group' is stored in table 'exposure_terms'"):
        runner.persons_breakdown("suicide", ["age_group"])


def test_linkage_rates(runner: QueryRunner) -> None:
    frame = runner.linkage_rates("sex")
    assert frame[["sex", "persons", "linked"]].to_dict("records") == [
        {"sex": 1, "persons": 6, "linked": 6}, {"sex": 2, "persons": 6, "linked": 5}]
    keys = {pid: pid * 17 % 256 for pid in range(1, 13)}  # the tiny database's record keys
    assert frame["linked_record_key_sum"].tolist() == [sum(keys[p] for p in (1, 3, 5, 7, 9, 11)),
                                                       sum(keys[p] for p in (2, 4, 6, 8, 10))]
    assert frame["not_linked_record_key_sum"].tolist() == [0, keys[12]]


# --- validation before SQL ---------------------------------------------------------------

@pytest.mark.parametrize(("call", "message"), [
    (lambda r: r.breakdown("suicid", ["sex"]), "unknown outcome 'suicid'; choose from: all_cause"),
    (lambda r: r.breakdown("suicide", ["foo"]), "unknown dimension 'foo'; choose from: sex, age_group"),
    (lambda r: r.breakdown("suicide", ["sex; DROP TABLE persons"]),
     "unknown dimension 'sex; DROP TABLE persons'; choose from: sex"),
    (lambda r: r.breakdown("suicide", ["sex", "region", "religion", "tenure"]),
     "at most 3 breakdown dimensions"),
    (lambda r: r.breakdown("suicide", ["sex", "sex"]), "repeated"),
    (lambda r: r.breakdown("suicide", "sex"), "must be a list"),
    (lambda r: r.breakdown("suicide", ["sex"], filters={"sex": ["martian"]}),
     "unknown value 'martian' for dimension 'sex'"),
    (lambda r: r.breakdown("suicide", ["sex"], filters={"sex": []}), "needs at least one value"),
    (lambda r: r.breakdown("suicide", ["sex"], filters={"nope": ["x"]}), "unknown dimension 'nope'"),
    (lambda r: r.breakdown("suicide", ["sex"], period=(2010, 2015)), "outside the follow-up years 2011 to 2021"),
    (lambda r: r.breakdown("suicide", ["sex"], period=(2015, 2022)), "outside the follow-up"),
    (lambda r: r.breakdown("suicide", ["sex"], period=(2019, 2015)), "reversed"),
    (lambda r: r.breakdown("suicide", ["sex"], period=("2011", 2015)), "two calendar years"),
    (lambda r: r.linkage_rates("age_group"), "stored in table 'exposure_terms'"),
])
def test_invalid_requests_are_rejected(runner: QueryRunner, call, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(runner)


def _persons_count(tiny_database: Database) -> int:
    return tiny_database.cursor().execute('SELECT count(*) FROM "persons"').fetchone()[0]


@pytest.mark.parametrize("dimension", ["sex", "region", "religion", "ethnicity_detailed", "age_group"])
def test_injection_value_is_an_unknown_category(runner: QueryRunner, tiny_database: Database,
                                                dimension: str) -> None:
    with pytest.raises(QueryError, match=rf"unknown value {INJECTION!r} for dimension '{dimension}'"):
        runner.breakdown("suicide", ["sex"], filters={dimension: [INJECTION]})
    assert _persons_count(tiny_database) == 12


@pytest.mark.parametrize("query", ["breakdown_events", "breakdown_persons"])
def test_injection_value_bound_directly_is_only_data(runner: QueryRunner,
                                                     tiny_database: Database, query: str) -> None:
    planner = {"breakdown_events": runner.plan_breakdown,
               "breakdown_persons": runner.plan_persons_breakdown}[query]
    plan = planner("suicide", ["sex"], filters={"sex": ["male"]})
    assert plan.query == query
    for value in ([INJECTION], INJECTION):
        params = {**plan.parameters, "filter_0": value}
        try:
            frame = runner._run(plan.query, plan.fragments, params)
        except QueryError as error:
            assert "query" in str(error) and "\n" not in str(error)
        else:
            assert frame.empty
    assert _persons_count(tiny_database) == 12
    assert tiny_database.cursor().execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'persons'").fetchone()[0] == 1


def test_run_rejects_unbound_or_extra_parameters(runner: QueryRunner) -> None:
    plan = runner.plan_breakdown("suicide", ["sex"])
    with pytest.raises(QueryError, match="takes parameters"):
        runner._run(plan.query, plan.fragments, {"year_from": 2011})
    with pytest.raises(QueryError, match="takes parameters"):
        runner._run(plan.query, plan.fragments, {**plan.parameters, "extra": 1})


# --- the connection ----------------------------------------------------------------------

def test_connection_is_read_only(tiny_database: Database) -> None:
    with pytest.raises(duckdb.Error, match="read-only"):
        tiny_database.cursor().execute('DELETE FROM "persons"')
    with pytest.raises(duckdb.Error, match="read-only"):
        tiny_database.cursor().execute("CREATE TABLE scratch (x INTEGER)")
    assert _persons_count(tiny_database) == 12


def test_missing_database_names_the_build_command(tmp_path: Path) -> None:
    missing = tmp_path / "census_mortality.duckdb"
    with pytest.raises(DatabaseMissingError) as caught:
        open_database(missing)
    message = str(caught.value)
    assert str(missing) not in message and str(missing) in caught.value.detail  # path: detail only
    assert "python -m explorer build-data --dataset census_mortality" in message
    assert "make data" in message


def test_each_thread_gets_its_own_cursor(tiny_database: Database) -> None:
    cursors = []

    def remember() -> None:
        cursors.append(tiny_database.cursor())
        assert tiny_database.cursor() is cursors[-1]

    threads = [threading.Thread(target=remember) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(cursor) for cursor in cursors}) == 3


def test_concurrent_queries_from_eight_threads(tiny_db, census_catalog: Catalog) -> None:
    requests = [("suicide", ["sex"]), ("all_cause", ["region", "disability"]),
                ("covid19", ["ethnicity"]), ("cancer", ["sex", "religion", "deprivation_quintile"])]
    with open_database(tiny_db.path) as shared:
        runner = QueryRunner(shared, census_catalog)
        expected = [runner.breakdown(outcome, by) for outcome, by in requests]

        def work(index: int) -> list[pd.DataFrame]:
            return [runner.breakdown(*requests[(index + i) % len(requests)]) for i in range(20)]

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(work, range(8)))
    for index, frames in enumerate(results):
        for i, frame in enumerate(frames):
            _assert_same(frame, expected[(index + i) % len(requests)])


# --- the query files ---------------------------------------------------------------------

def test_every_query_file_parameter_is_bound_by_the_runner() -> None:
    assert set(query_names()) == set(QUERY_PARAMETERS)
    for name in query_names():
        assert named_parameters(load_query(name)) == QUERY_PARAMETERS[name], name


@pytest.mark.parametrize("plan_for", [
    lambda r: r.plan_breakdown("suicide", ["sex", "age_group"], {"region": ["wales"], "sex": [1]}),
    lambda r: r.plan_breakdown("all_cause"),
    lambda r: r.plan_persons_breakdown("cancer", ["religion"], {"disability": ["limited_a_lot"]}),
    lambda r: r.plan_linkage_rates("region"),
])
def test_rendered_sql_binds_exactly_the_plan_parameters(runner: QueryRunner, plan_for) -> None:
    plan = plan_for(runner)
    sql = runner.render(plan)
    assert named_parameters(sql) == set(plan.parameters)
    assert placeholders(sql) == set()


def test_named_parameters_ignores_comments_and_strings() -> None:
    sql = "SELECT '$not_a_param' -- $nor_this\nFROM t WHERE a = $a AND b = ANY($filter_0)"
    assert named_parameters(sql) == {"a", "filter_0"}
