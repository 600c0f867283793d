"""The synthetic builder is deterministic and honours the data contract (census_mortality.yaml)."""

from pathlib import Path

import duckdb
import pytest
import yaml

from explorer.errors import ExplorerError
from explorer.data import build, build_dataset

pytestmark = pytest.mark.sql

PERSONS = 30_000
CATALOG = Path(__file__).resolve().parents[2] / "data_catalog" / "census_mortality.yaml"
TABLES = ("persons", "linkage", "deaths", "exposure_terms")


def table_checksums(path: Path) -> dict[str, tuple]:
    """Order-independent checksum per table: row count and bit_xor of each column's hash."""
    with duckdb.connect(str(path), read_only=True) as connection:
        return {table: connection.execute(
            f"SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM {table}").fetchone()
            for table in TABLES}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "first.duckdb"
    build_dataset("census_mortality", persons=PERSONS, seed=7, out=path)
    return path


@pytest.fixture(scope="module")
def catalog() -> dict:
    return yaml.safe_load(CATALOG.read_text(encoding="utf-8"))


def test_same_seed_same_contents_with_one_thread(built, tmp_path, monkeypatch):
    def single_threaded(path):
        connection = duckdb.connect(str(path))
        connection.execute("SET threads = 1")
        return connection

    monkeypatch.setattr(build, "_open_database", single_threaded)
    again = tmp_path / "again.duckdb"
    report = build_dataset("census_mortality", persons=PERSONS, seed=7, out=again)
    assert report.persons == PERSONS and report.path == again and report.seconds > 0
    assert table_checksums(again) == table_checksums(built)


def test_chunks_made_by_worker_processes_equal_chunks_made_in_order_here(tmp_path, monkeypatch):
    """With more than one chunk, worker processes simulate ahead of the writer; the contents
    must not depend on that (each chunk has its own random stream)."""
    monkeypatch.setattr(build, "CHUNK_PERSONS", 4_000)
    pooled = tmp_path / "pooled.duckdb"
    build_dataset("census_mortality", persons=10_000, seed=7, out=pooled)  # 3 chunks: the pool

    def in_order(persons, seed):
        sizes = build.chunk_sizes(persons)
        first = 1
        for index, size in enumerate(sizes):
            yield build.generate_chunk(seed, index, first, size)
            first += size

    monkeypatch.setattr(build, "_generated_chunks", in_order)
    serial = tmp_path / "serial.duckdb"
    build_dataset("census_mortality", persons=10_000, seed=7, out=serial)
    assert table_checksums(pooled) == table_checksums(serial)


def test_different_seed_differs(built, tmp_path):
    other = tmp_path / "other.duckdb"
    build_dataset("census_mortality", persons=PERSONS, seed=8, out=other)
    first, second = table_checksums(built), table_checksums(other)
    assert all(first[table] != second[table] for table in TABLES)


def test_overwrites_and_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "nested" / "db.duckdb"
    build_dataset("census_mortality", persons=500, seed=1, out=out)
    report = build_dataset("census_mortality", persons=700, seed=1, out=out)
    assert report.persons == 700 and "700 persons" in report.summary()
    assert sorted(p.name for p in out.parent.iterdir()) == ["db.duckdb"]


def test_unknown_dataset_is_a_user_error(tmp_path):
    with pytest.raises(ExplorerError, match="unknown dataset"):
        build_dataset("no_such_dataset", persons=10, seed=1, out=tmp_path / "x.duckdb")


def test_tables_columns_and_types_match_the_catalog(built, catalog):
    with duckdb.connect(str(built), read_only=True) as connection:
        rows = connection.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database()").fetchall()
    actual = {(table, column): kind for table, column, kind in rows}
    expected = {(table, column): spec["type"]
                for table, table_spec in catalog["tables"].items()
                for column, spec in table_spec["columns"].items()}
    assert actual == expected


def test_stored_category_codes_are_declared(built, catalog):
    with duckdb.connect(str(built), read_only=True) as connection:
        for key, dimension in catalog["dimensions"].items():
            if "grouping_of" in dimension:  # a coarser grouping: stored as its base dimension
                continue
            declared = {category["code"] for category in dimension["categories"]}
            stored = {row[0] for row in connection.execute(
                f"SELECT DISTINCT {dimension['column']} FROM {dimension['table']}").fetchall()}
            assert stored <= declared, f"{key}: undeclared codes {stored - declared}"
        cause_groups = {row[0] for row in connection.execute(
            "SELECT DISTINCT cause_group FROM deaths").fetchall()}
        assert cause_groups <= {1, 2, 3, 4, 5}


def test_detailed_ethnicity_is_consistent_with_its_parent(built, catalog):
    dimensions = catalog["dimensions"]
    parent_code = {c["key"]: c["code"] for c in dimensions["ethnicity"]["categories"]}
    child_code = {c["key"]: c["code"] for c in dimensions["ethnicity_detailed"]["categories"]}
    allowed = {(parent_code[parent], child_code[child])
               for parent, children in dimensions["ethnicity_detailed"]["hierarchy"]["children"].items()
               for child in children}
    with duckdb.connect(str(built), read_only=True) as connection:
        stored = set(connection.execute(
            "SELECT DISTINCT ethnicity, ethnicity_detailed FROM persons").fetchall())
    assert stored <= allowed


def test_follow_up_is_consistent_with_persons_and_deaths(built):
    with duckdb.connect(str(built), read_only=True) as connection:
        checks = connection.execute("""
            SELECT
                (SELECT count(*) FROM persons WHERE linked IS DISTINCT FROM (exit_date IS NOT NULL)),
                (SELECT count(*) FROM persons WHERE linked AND (
                    entry_date <> DATE '2011-03-27'
                    OR days_followed <> exit_date - entry_date + 1
                    OR exit_year <> year(exit_date)
                    OR exit_age_group <> least(date_sub('year', birth_date, exit_date) // 5 + 1, 19)
                    OR (survivor_class IS NULL) <> (died = 1)
                    OR (death_class IS NULL) <> (died = 0)
                    OR (died = 0 AND exit_date <> DATE '2021-12-31'))),
                (SELECT count(*) FROM persons WHERE NOT linked AND (died IS NOT NULL
                    OR survivor_class IS NOT NULL OR death_class IS NOT NULL)),
                (SELECT count(*) FROM persons p FULL JOIN deaths d ON d.person_id = p.person_id
                 WHERE (d.person_id IS NULL) <> (coalesce(p.died, 0) = 0)
                    OR p.exit_date <> d.date_of_death
                    OR (d.person_id IS NOT NULL  -- least() ignores NULLs
                        AND p.exit_age_group <> least(d.age_at_death // 5 + 1, 19))),
                (SELECT count(*) FROM deaths WHERE date_of_death <= DATE '2011-03-27'
                                              OR date_of_death > DATE '2021-12-31'),
                (SELECT count(*) FROM deaths WHERE underlying_cause LIKE 'U07%'
                                              AND date_of_death < DATE '2020-01-01'),
                (SELECT count(*) FROM persons WHERE age_at_census <> date_sub('year', birth_date, DATE '2011-03-27'))
        """).fetchone()
    assert checks == (0, 0, 0, 0, 0, 0, 0)


def test_persons_are_stored_survivors_then_deaths_by_cause_then_not_linked(built):
    """The order that lets a query read only the row groups of the survivors, or of one
    outcome's deaths (DuckDB zone maps)."""
    with duckdb.connect(str(built), read_only=True) as connection:
        order = connection.execute("""
            SELECT CASE WHEN NOT linked THEN 9 WHEN died = 0 THEN 0
                        ELSE coalesce(d.cause_group, 9) END AS part
            FROM persons p LEFT JOIN deaths d USING (person_id)
            ORDER BY p.rowid""").fetchall()
    parts = [part for (part,) in order]
    assert parts == sorted(parts) and parts[0] == 0 and parts[-1] == 9


def test_cause_group_and_flags_follow_the_ons_rule(built):
    with duckdb.connect(str(built), read_only=True) as connection:
        mismatches = connection.execute("""
            SELECT count(*) FROM deaths AS d JOIN persons AS t USING (person_id)
            WHERE t.died <> 1
                OR t.died_suicide <> (d.cause_group = 1)::UTINYINT
                OR t.died_covid19 <> (d.cause_group = 2)::UTINYINT
                OR t.died_circulatory <> (d.cause_group = 3)::UTINYINT
                OR t.died_cancer <> (d.cause_group = 4)::UTINYINT
                OR (d.cause_group = 1 AND d.age_at_death < 10)
                OR (d.cause_group = 2 AND d.date_of_death < DATE '2020-01-01')
        """).fetchone()[0]
    assert mismatches == 0
