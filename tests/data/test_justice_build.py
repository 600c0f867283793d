"""The justice_education builder: deterministic, the catalog's tables and nothing else (no
identifier is published), links one to one, linkage quality high overall and lower for the
groups given more identifier errors, the trained Splink model stored whole."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import splink

from explorer.data import build_dataset
from explorer.data.justice import build as justice_build
from explorer.data.justice import linkage
from explorer.db.connection import open_database
from explorer.db.runner import QueryRunner

pytestmark = pytest.mark.sql

ROOT = Path(__file__).resolve().parents[2]
PUPILS, SEED = 20_000, 2022   # as tests/fixtures/justice_education.py's justice_database
KEYS = {"pupils": "person_id", "justice_records": "justice_id", "linkage_model": "comparison, level",
        "linkage_settings": "setting"}
IDENTIFYING = ("name", "surname", "postcode", "dob", "birth_date", "date_of_birth", "birth_day",
               "birth_month", "address")


def table_checksums(path: Path) -> dict[str, tuple]:
    """Per table: row count and an order-independent checksum of every column, each value hashed
    with its row's key (so equal values in different rows cannot cancel out)."""
    with duckdb.connect(str(path), read_only=True) as connection:
        return {table: connection.execute(
            f"SELECT count(*), bit_xor(hash({key}, COLUMNS(*))) FROM {table}").fetchone()
            for table, key in KEYS.items()}


def _query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.slow
def test_same_seed_and_size_give_identical_tables_with_one_thread(justice_database, tmp_path,
                                                                  monkeypatch):
    def single_threaded():
        connection = duckdb.connect(":memory:")
        connection.execute("SET threads = 1")
        return connection

    monkeypatch.setattr(justice_build, "_open_work", single_threaded)
    again = tmp_path / "again.duckdb"
    report = build_dataset("justice_education", persons=PUPILS, seed=SEED, out=again)
    assert report.persons == PUPILS and report.path == again
    assert table_checksums(again) == table_checksums(justice_database)


@pytest.mark.slow
def test_a_different_seed_gives_different_tables(justice_database, tmp_path):
    other = tmp_path / "other.duckdb"
    build_dataset("justice_education", persons=PUPILS, seed=SEED + 1, out=other)
    first, second = table_checksums(justice_database), table_checksums(other)
    assert first["pupils"] != second["pupils"]
    assert first["justice_records"] != second["justice_records"]
    assert first["linkage_model"] != second["linkage_model"]


def test_the_database_matches_the_catalog(justice_database, justice_catalog):
    with open_database(justice_database, justice_catalog.code) as database:
        assert QueryRunner(database, justice_catalog).schema_mismatches() == []


def test_only_the_catalog_tables_are_published_and_none_holds_an_identifier(justice_database,
                                                                           justice_catalog):
    """Names, dates of birth and postcodes stay in the build's in-memory work tables: the file
    holds exactly the catalog's tables and columns, none of them identifying, and no date."""
    columns = _query(justice_database, "SELECT table_name, column_name, data_type "
                                       "FROM information_schema.columns ORDER BY ALL")
    tables = {table for table, _, _ in columns}
    assert tables == set(justice_catalog.tables)
    assert {(t, c) for t, c, _ in columns} == {
        (table.name, column) for table in justice_catalog.tables.values() for column in table.columns}
    assert [c for _, c, _ in columns if any(word in c.lower() for word in IDENTIFYING)] == []
    assert [c for _, c, kind in columns if kind in ("DATE", "TIMESTAMP")] == []
    views = _query(justice_database, "SELECT count(*) FROM duckdb_views() WHERE NOT internal")
    assert views == [(0,)]
    # The commonest names and a postcode area never reach the file, not even in a freed block.
    raw = justice_database.read_bytes()
    assert [word for word in (b"SMITH", b"JONES", b"KHAN", b"OLIVER", b"OLIVIA", b"MUHAMMAD")
            if word in raw] == []


def test_links_are_one_to_one_and_flags_come_from_linked_records_only(justice_database):
    (pupil_links, record_links, pupils_linked_twice), = _query(justice_database, """
        SELECT (SELECT sum(linked_to_justice) FROM pupils),
               (SELECT count(*) FROM justice_records WHERE linked),
               (SELECT count(*) FROM (SELECT person_id FROM pupils GROUP BY 1 HAVING count(*) > 1))""")
    assert pupil_links == record_links > 0 and pupils_linked_twice == 0
    (inconsistent,), = _query(justice_database, """
        SELECT count(*) FROM pupils WHERE
            cautioned_or_sentenced <> linked_to_justice
            OR serious_violence > cautioned_or_sentenced OR custody > cautioned_or_sentenced
            OR (age_first_offence IS NULL) <> (linked_to_justice = 0)
            OR (match_probability IS NULL) <> (linked_to_justice = 0)
            OR link_correct > linked_to_justice OR link_correct > has_justice_record
            OR NOT in_cohort""")
    assert inconsistent == 0
    # A pupil whose justice record was missed has no flag: the point of the dataset.
    (missed_with_flag, missed), = _query(justice_database, """
        SELECT sum(cautioned_or_sentenced), count(*) FROM pupils
        WHERE has_justice_record = 1 AND linked_to_justice = 0""")
    assert missed > 0 and missed_with_flag == 0
    (bad_probability,), = _query(justice_database, """
        SELECT count(*) FROM justice_records
        WHERE match_probability < 0 OR match_probability > 1 OR (linked AND match_probability IS NULL)""")
    assert bad_probability == 0


def test_one_to_one_resolution_is_best_weight_wins():
    """Justice record 1 is the best candidate of pupils 10 and 20, but pupil 10 prefers justice
    record 2: 2-10 and 1-20 are accepted; pair 3-30 is under the threshold."""
    weight = linkage.THRESHOLD_MATCH_WEIGHT
    with duckdb.connect(":memory:") as connection:
        connection.execute("CREATE TABLE candidate_pairs AS SELECT * FROM (VALUES "
                           "(1, 10, $w + 5, 0.9, 0), (1, 20, $w + 4, 0.8, 0), (2, 10, $w + 9, 0.99, 0),"
                           " (2, 20, $w + 1, 0.7, 1), (3, 30, $w - 1, 0.4, 2)) "
                           "AS t(justice_id, person_id, match_weight, match_probability, match_key)",
                           {"w": weight})
        linkage.resolve_one_to_one(connection)
        links = connection.execute("SELECT justice_id, person_id FROM links ORDER BY 1").fetchall()
        best = connection.execute("SELECT * FROM best_candidates ORDER BY 1").fetchall()
    assert links == [(1, 20), (2, 10)]
    assert [justice for justice, _ in best] == [1, 2, 3]


def test_linkage_precision_and_recall_are_high(justice_default_database):
    (precision, recall), = _query(justice_default_database, """
        SELECT sum(link_correct) / sum(linked_to_justice), sum(link_correct) / sum(has_justice_record)
        FROM pupils""")
    assert precision > 0.99 and recall > 0.9


def _recall(path: Path, column: str) -> dict[int, float]:
    return dict(_query(path, f"SELECT {column}, sum(link_correct) / sum(has_justice_record) "
                             f"FROM pupils GROUP BY 1"))


def test_recall_is_lower_for_the_groups_given_more_identifier_errors(justice_default_database):
    """More name-spelling variation for Asian and Other names, more moves for pupils eligible for
    free school meals, in London and in care (explorer.data.justice.parameters)."""
    ethnicity = _recall(justice_default_database, "ethnicity")
    assert ethnicity[3] < ethnicity[1] - 0.05 and ethnicity[5] < ethnicity[1] - 0.05   # Asian, Other
    fsm = _recall(justice_default_database, "fsm")
    assert fsm[1] < fsm[2] - 0.015
    care = _recall(justice_default_database, "social_care")
    assert care[1] < care[2] < care[3]
    region = _recall(justice_default_database, "region")
    assert region[7] < sum(region.values()) / len(region)


def test_the_stored_model_has_m_and_u_for_every_comparison_level(justice_database):
    rows = _query(justice_database, "SELECT comparison, level, m_probability, u_probability, "
                                    "match_weight FROM linkage_model")
    levels = {}
    for comparison, level, m, u, weight in rows:
        levels.setdefault(comparison, []).append(level)
        assert 0 < m <= 1 and 0 < u <= 1, (comparison, level)
        assert weight == pytest.approx(math.log2(m / u), abs=1e-5)
    assert {name: len(found) for name, found in levels.items()} == {
        "first_name": 4, "surname": 4, "dob": 4, "sex": 2, "postcode": 5}
    for comparison, found in levels.items():
        m_total = sum(m for c, _, m, _, _ in rows if c == comparison)
        assert m_total == pytest.approx(1.0, abs=1e-6), comparison


def test_the_settings_record_the_run(justice_database):
    settings = dict(_query(justice_database, "SELECT setting, value FROM linkage_settings"))
    assert settings["splink_version"] == splink.__version__
    assert float(settings["threshold_match_weight"]) == linkage.THRESHOLD_MATCH_WEIGHT
    threshold_probability = float(settings["threshold_match_probability"])
    assert threshold_probability == pytest.approx(1 / (1 + 2 ** -linkage.THRESHOLD_MATCH_WEIGHT), abs=1e-6)
    prior = float(settings["probability_two_random_records_match"])
    assert 0 < prior < 1e-3
    assert float(settings["prior_match_weight"]) == pytest.approx(math.log2(prior / (1 - prior)), abs=1e-3)
    rules = [settings[f"blocking_rule_{n}"] for n in range(1, len(linkage.BLOCKING_RULES) + 1)]
    assert all(rule.startswith("(l.") or rule.startswith("l.") for rule in rules)
    pairs = [int(settings[f"blocking_rule_{n}_pairs"]) for n in range(1, len(rules) + 1)]
    assert int(settings["pairs_compared"]) == sum(pairs) > 0


@pytest.mark.slow
def test_build_data_prints_one_line_with_the_linkage_quality(tmp_path):
    out = tmp_path / "cli.duckdb"
    result = subprocess.run([sys.executable, "-m", "explorer", "build-data", "--dataset",
                             "justice_education", "--persons", "3000", "--seed", "5", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and result.stderr == ""
    assert lines[0].startswith("built justice_education: 3,000 pupils, ")
    assert "justice records" in lines[0] and "precision" in lines[0] and "recall" in lines[0]
    assert out.exists()
