"""The person-level model gives the same numbers as the exact Lexis split it replaced.

The database stores one row per person (entry, exit, cause) and an exposure index; person-years
by attained age group and calendar year are computed at query time (docs/data-model.md). The
reference is the split the first version of the builder stored, one row per person per year per
age group (queries/reference/lexis_split.sql), computed here from the same persons. Events,
person-years and record-key sums must agree cell for cell (person-years to 1e-9 relative), and so
must every measure built from them.
"""

from __future__ import annotations


import pandas as pd
import pytest

from explorer.db import QueryRunner
from explorer.tables.request import validate_request
from explorer.tables import build_view_tables

pytestmark = pytest.mark.sql

RELATIVE = 1e-9


@pytest.fixture(scope="module")
def reference(lexis_reference):
    return lexis_reference


def reference_breakdown(connection, catalog, outcome, by=(), filters=None, period=None,
                        by_year=False) -> pd.DataFrame:
    """QueryRunner.breakdown's result computed from the reference split."""
    age = catalog.standardisation_dimension.code
    dimensions = [code for code in by if code != age]
    flag = catalog.outcome(outcome).event_column
    first, last = period or (catalog.follow_up.first_year, catalog.follow_up.last_year)
    conditions, parameters = ["year BETWEEN $first AND $last"], {"first": first, "last": last}
    for index, (code, values) in enumerate((filters or {}).items()):
        dimension = catalog.dimension(code)
        column = "age_group" if code == age else dimension.column
        conditions.append(f"{column} = ANY($f{index})")
        parameters[f"f{index}"] = sorted({dimension.resolve(value).code for value in values})
    keys = [*(catalog.dimension(code).column for code in dimensions),
            *(["year"] if by_year else []), "age_group"]
    frame = connection.execute(
        f"SELECT {', '.join(keys)}, CAST(sum({flag}) AS BIGINT) AS events, "
        f"sum(person_years) AS person_years, CAST(sum({flag} * record_key) AS BIGINT) AS record_key_sum "
        f"FROM person_time WHERE {' AND '.join(conditions)} GROUP BY ALL ORDER BY ALL",
        parameters).df()
    frame.columns = [*dimensions, *(["year"] if by_year else []), age, "events", "person_years",
                     "record_key_sum"]
    return frame.astype({key: "int64" for key in frame.columns[:-3]})


REQUESTS = [
    dict(outcome="suicide", by=["sex", "ethnicity"]),
    dict(outcome="all_cause", by=["ethnicity_detailed", "region"], by_year=True),
    dict(outcome="covid19", by=["religion"], period=(2020, 2021), by_year=True),
    dict(outcome="cancer", by=["disability", "age_group"], filters={"region": ["london"]}),
    dict(outcome="circulatory", by=[], filters={"age_group": ["age_60_64", "age_65_69"],
                                                "sex": ["female"]}, period=(2016, 2019)),
    dict(outcome="suicide", by=["nssec", "sex", "deprivation_quintile"], by_year=True),
    dict(outcome="all_cause", by=["age_group"], period=(2021, 2021)),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r['outcome']}-{'-'.join(r['by']) or 'all'}")
def test_events_and_person_years_equal_the_exact_split_cell_for_cell(
        reference, database, census_catalog, request_) -> None:
    new = QueryRunner(database, census_catalog).breakdown(**request_)
    old = reference_breakdown(reference, census_catalog, **request_)
    assert len(new) == len(old) > 0
    keys = list(old.columns[:-3])
    assert new[keys].equals(old[keys])  # the same cells, in the same order
    assert new["events"].tolist() == old["events"].tolist()
    assert new["record_key_sum"].tolist() == old["record_key_sum"].tolist()
    relative = ((new["person_years"] - old["person_years"]).abs() / old["person_years"]).max()
    assert relative <= RELATIVE


def test_every_person_year_of_the_cohort_is_counted_once(reference, database, census_catalog) -> None:
    total = QueryRunner(database, census_catalog).breakdown("all_cause", [])["person_years"].sum()
    followed_days = reference.execute(
        "SELECT sum(exit_date - entry_date + 1) FROM persons WHERE linked").fetchone()[0]
    assert total == pytest.approx(followed_days / 365.25, rel=1e-12)


@pytest.mark.parametrize("measure, by, where, period", [
    ("asmr", ["ethnicity"], {}, None),
    ("rate_ratio", ["disability"], {"sex": ("female",)}, None),
    ("adjusted_rate_ratio", ["religion"], {}, None),
    ("sii", ["deprivation_quintile"], {}, (2016, 2019)),
    ("crude_rate", ["region", "sex"], {}, (2020, 2021)),
])
def test_every_measure_equals_the_one_from_the_exact_split(
        reference, database, census_catalog, monkeypatch, measure, by, where, period) -> None:
    """The Explore page's two tables (view and trend), protected and measured, from the
    person-level model and from the reference split: the same table to 1e-9 relative."""
    request = validate_request(census_catalog, outcome="suicide", measure=measure, by=by,
                               where=where, period=period)
    view, trend = build_view_tables(request, census_catalog, database)

    def from_reference(self, outcome, by=(), filters=None, period=None, by_year=False):
        return reference_breakdown(reference, census_catalog, outcome, by, filters, period, by_year)

    monkeypatch.setattr(QueryRunner, "breakdown", from_reference)
    old_view, old_trend = build_view_tables(request, census_catalog, database)
    for new, old in ((view, old_view), (trend, old_trend)):
        assert len(new.frame) > 0
        pd.testing.assert_frame_equal(new.frame, old.frame, check_exact=False, rtol=RELATIVE)
