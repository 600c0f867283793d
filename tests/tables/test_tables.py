"""Requests to protected measure tables on the default synthetic database (issue 4), and the
`python -m explorer table` command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from explorer.errors import QueryError
from explorer.sdc.status import CellStatus
from explorer.tables.request import parse_period, parse_where, validate_request
from explorer.tables import build_table, to_csv

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.sql
SHOWN = CellStatus.SHOWN.value


def table(catalog, database, audience="official", **request):
    request.setdefault("where", {})
    return build_table(validate_request(catalog, audience=audience, **request), catalog, database).frame


def row(frame, column, label):
    return frame[frame[column] == label].iloc[0]


def test_male_suicide_asmr_is_about_three_times_female(census_catalog, database):
    frame = table(census_catalog, database, outcome="suicide", measure="asmr", by=["sex"])
    ratio = row(frame, "sex", "Male")["value"] / row(frame, "sex", "Female")["value"]
    assert 2.5 < ratio < 3.8


def test_disabled_rate_ratio_above_one_with_ci_excluding_one(census_catalog, database):
    for measure in ("rate_ratio", "adjusted_rate_ratio"):
        frame = table(census_catalog, database, outcome="suicide", measure=measure, by=["disability"])
        for label in ("Limited a lot", "Limited a little"):
            r = row(frame, "disability", label)
            assert r["value"] > 1 and r["lower"] > 1, (measure, label, r.to_dict())
        assert row(frame, "disability", "Not limited")["value"] == 1


def test_sii_across_three_ordered_groups_is_calculated(census_catalog, database):
    """Disability has three ordered levels: the SII and RII are calculated (PHE's function asks
    for five quantiles; the tables stage allows three), higher among disabled people."""
    for measure, no_gap in (("sii", 0), ("rii", 1)):
        frame = table(census_catalog, database, outcome="all_cause", measure=measure,
                      by=["disability"])
        assert frame["value"].iat[0] > no_gap and frame["lower"].iat[0] > no_gap, frame


def test_crude_rate_equals_an_independent_sql_computation(census_catalog, database, default_database):
    # the statistician policy shows true counts (denominators rounded to 10)
    frame = table(census_catalog, database, audience="statistician", outcome="suicide",
                  measure="crude_rate", by=["sex"])
    with duckdb.connect(str(default_database), read_only=True) as con:
        events, person_years = con.execute(
            # men's suicides, and their days followed from the later of census day and their
            # 10th birthday (suicide is counted from age 10) to the last day followed
            "SELECT sum(died_suicide), sum(greatest(0, exit_date + 1 - greatest(entry_date, "
            "CAST(birth_date + INTERVAL 10 YEAR AS DATE)))) / 365.25 FROM persons "
            "WHERE linked AND sex = 1").fetchone()
    assert row(frame, "sex", "Male")["value"] == pytest.approx(events / person_years * 1e5, abs=0.005)
    assert row(frame, "sex", "Male")["events"] == events


def test_measure_for_a_suppressed_cell_is_hidden_with_the_same_marker(census_catalog, database):
    frame = table(census_catalog, database, outcome="suicide", measure="asmr",
                  by=["ethnicity_detailed"], where={"region": ("wales",)})
    hidden = frame[frame["status"] != SHOWN]
    assert len(hidden) >= 2
    assert (hidden["marker"] == "[c]").all()
    assert hidden[["value", "lower", "upper", "events"]].isna().all().all()
    assert set(hidden["status"]) <= {status.value for status in CellStatus if status.hidden}


def test_sii_over_a_hidden_group_is_hidden(census_catalog, database):
    frame = table(census_catalog, database, outcome="suicide", measure="sii",
                  by=["deprivation_quintile"], where={"region": ("wales",), "ethnicity": ("mixed",)})
    assert frame.loc[0, "marker"] == "[c]" and np.isnan(frame.loc[0, "value"])
    assert np.isnan(frame.loc[0, "denominator"])  # a sum without the hidden group would give its own
    frame = table(census_catalog, database, outcome="suicide", measure="sii", by=["deprivation_quintile"])
    assert frame.loc[0, "status"] == SHOWN and frame.loc[0, "value"] > 0  # worse in deprived areas


@pytest.mark.parametrize("audience", ["official", "public"])
def test_flexible_outputs_are_perturbed_within_the_noise_bound(census_catalog, database, audience):
    from explorer.tables import policy_for

    bound = policy_for(census_catalog, audience).max_noise
    for by in (["region"], ["ethnicity_detailed"], ["religion", "sex"]):
        shown = table(census_catalog, database, audience=audience, outcome="all_cause",
                      measure="count", by=by)
        true = table(census_catalog, database, audience="statistician", outcome="all_cause",
                     measure="count", by=by)
        both = (shown["status"] == SHOWN) & (true["status"] == SHOWN)
        difference = (shown.loc[both, "events"] - true.loc[both, "events"]).to_numpy()
        assert np.abs(difference).max() <= bound
        assert (difference != 0).mean() > 0.4       # perturbed, not rounded or copied
        assert (shown.loc[both, "events"] % 5 != 0).any()
        assert shown.loc[shown["status"] == SHOWN, "events"].min() >= 10 or \
            shown.loc[shown["status"] == SHOWN, "events"].eq(0).any()
        denominators = shown.loc[shown["status"] == SHOWN, "denominator"]
        assert (denominators % policy_for(census_catalog, audience).denominator_base == 0).all()
        assert shown.loc[shown["status"] != SHOWN, "denominator"].isna().all()


def test_low_reliability_and_not_available_markers_for_rates(census_catalog, database):
    frame = table(census_catalog, database, outcome="suicide", measure="crude_rate", by=["age_group"],
                  where={"sex": ("female",), "region": ("london",)})
    shown = frame[frame["status"] == SHOWN]
    few = shown[(shown["events"] < 20) & (shown["events"] >= 10)]
    assert (few["marker"] == "[u]").all()
    structural = shown[shown["age_group"].isin(["0-4", "5-9"])]
    assert (structural["marker"] == "[z]").all() and structural["value"].isna().all()


def test_request_validation_messages(census_catalog):
    with pytest.raises(QueryError, match="unknown measure 'nonsense'"):
        validate_request(census_catalog, outcome="suicide", measure="nonsense", by=["sex"])
    with pytest.raises(QueryError, match="needs an ordered dimension"):
        validate_request(census_catalog, outcome="suicide", measure="sii", by=["religion"])
    with pytest.raises(QueryError, match="exactly one dimension"):
        validate_request(census_catalog, outcome="suicide", measure="rate_ratio", by=["sex", "region"])
    for measure in ("asmr", "rate_ratio", "adjusted_rate_ratio"):  # standardising within an age band is meaningless
        with pytest.raises(QueryError, match=r"adjusted for age group \(attained\), so it cannot be broken down by it"):
            validate_request(census_catalog, outcome="suicide", measure=measure, by=["age_group"])
    with pytest.raises(QueryError, match="choose the crude rate"):
        validate_request(census_catalog, outcome="suicide", measure="asmr", by=["sex", "age_group"])
    with pytest.raises(QueryError, match="region"):
        validate_request(census_catalog, outcome="suicide", measure="count", by=["sex"],
                         where=parse_where(["region=x'; DROP TABLE persons; --"]))
    with pytest.raises(QueryError, match="counted from 2020"):
        validate_request(census_catalog, outcome="covid19", measure="count", by=["sex"],
                         period=parse_period("2011-2015", census_catalog))
    request = validate_request(census_catalog, outcome="covid19", measure="count", by=["sex"])
    assert request.period == (2020, 2021)


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "explorer", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env)


def test_cli_table_csv_and_json(default_database_dir):
    env = dict(os.environ, EXPLORER_DATA_DIR=str(default_database_dir))
    result = _cli("table", "--dataset", "census_mortality", "--outcome", "suicide", "--measure", "crude_rate",
                  "--by", "sex,age_group", "--where", "region=London", "--period", "2011-2021",
                  "--audience", "official", "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.columns[:2]) == ["sex", "age_group"]
    assert {"value", "lower", "upper", "events", "denominator", "status", "marker"} <= set(frame.columns)
    hidden = frame[frame["status"] != SHOWN]
    assert hidden[["value", "events"]].isna().all().all() and (hidden["marker"] == "[c]").all()
    result = _cli("table", "--dataset", "census_mortality", "--outcome", "suicide", "--measure", "count",
                  "--by", "sex", "--format", "json", env=env)
    document = json.loads(result.stdout)
    assert document["policy"] == "official v2.0" and len(document["rows"]) == 3


@pytest.mark.parametrize("args, phrase", [
    (["--measure", "nonsense", "--by", "sex"], "unknown measure"),
    (["--measure", "asmr", "--by", "sex,age_group"], "choose the crude rate (crude_rate) for age-specific rates"),
    (["--measure", "count", "--by", "sex; DROP TABLE persons"], "unknown dimension"),
    (["--measure", "count", "--by", "sex", "--where", "region=x'; DROP TABLE persons; --"], "region"),
    (["--measure", "count", "--by", "sex", "--period", "1990-2000"], "outside the follow-up"),
    (["--measure", "count", "--by", "sex", "--audience", "everyone"], "unknown audience"),
])
def test_cli_bad_arguments_exit_2_with_one_line(default_database_dir, args, phrase):
    env = dict(os.environ, EXPLORER_DATA_DIR=str(default_database_dir))
    result = _cli("table", "--dataset", "census_mortality", "--outcome", "suicide", *args, env=env)
    assert result.returncode == 2
    assert phrase in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_missing_database_says_how_to_build_it(tmp_path):
    env = dict(os.environ, EXPLORER_DATA_DIR=str(tmp_path))
    result = _cli("table", "--dataset", "census_mortality", "--outcome", "suicide", "--measure", "count",
                  "--by", "sex", env=env)
    assert result.returncode == 2
    assert "python -m explorer build-data --dataset census_mortality" in result.stderr


@pytest.mark.parametrize("request_fields", [
    {"measure": "crude_rate", "by": ["ethnicity", "age_group"]},
    {"measure": "asmr", "by": ["ethnicity", "sex"]},
    {"measure": "adjusted_rate_ratio", "by": ["disability"]},
    {"measure": "count", "by": ["region"], "where": {"sex": ("female",)}},
    {"measure": "sii", "by": ["deprivation_quintile"]},
    {"measure": "proportion", "by": ["sex"]},
])
def test_view_tables_from_one_scan_equal_separate_builds(census_catalog, database, request_fields):
    """The Explore page builds its view and trend tables from one query; they must equal the
    tables built one by one."""
    from explorer.tables.request import trend_request
    from explorer.tables import build_view_tables

    request = validate_request(census_catalog, outcome="suicide", **request_fields)
    view, trend = build_view_tables(request, census_catalog, database)
    pd.testing.assert_frame_equal(view.frame, build_table(request, census_catalog, database).frame)
    pd.testing.assert_frame_equal(trend.frame, build_table(trend_request(request), census_catalog, database).frame)
