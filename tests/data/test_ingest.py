"""``python -m explorer ingest``: a linked extract in the ONS Data Science Campus schema becomes a
database in the person-level model with the same events and person-years as a direct
computation on the file; each kind of bad input is one line, exit status 2, and no file."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from explorer.catalog import load_catalog
from explorer.cli.commands import main
from explorer.db.connection import open_database
from explorer.db.runner import QueryRunner
from explorer.paths import catalog_dir
from fixtures.dsc_extract import dsc_extract

pytestmark = pytest.mark.sql

DATASET = "ons_dsc_census_mortality"
START, END = "2011-03-27", "2021-12-31"

# Independent of the ingest: the extract read straight from the file, followed day by day.
_PEOPLE = """
WITH people AS (
    SELECT
        CAST(sex AS INTEGER) AS sex,
        make_date(CAST(dob_year AS INTEGER), CAST(dob_month AS INTEGER), CAST(dob_day AS INTEGER)) AS birth,
        CASE WHEN dodyr <> 'NA' THEN make_date(CAST(dodyr AS INTEGER), CAST(dodmt AS INTEGER),
                                               CAST(doddy AS INTEGER)) END AS death,
        replace(fic10und, '.', '') AS cause
    FROM read_csv($path, all_varchar = true)
),"""

_DIRECT_PERSON_DAYS = _PEOPLE + f"""
followed AS (
    SELECT *, least(coalesce(death, DATE '{END}'), DATE '{END}') AS last_day
    FROM people
    WHERE death IS NULL OR death >= DATE '{START}'
),
days AS (
    SELECT sex, birth, CAST(unnest(generate_series(DATE '{START}', last_day, INTERVAL 1 DAY)) AS DATE) AS day
    FROM followed
)
SELECT sex, year(day) AS year, least(date_sub('year', birth, day) // 5 + 1, 19) AS age_group,
       count(*) / 365.25 AS person_years
FROM days
GROUP BY ALL
"""

_DIRECT_DEATHS = _PEOPLE + f"""
deaths AS (
    SELECT *, date_sub('year', birth, death) AS age
    FROM people
    WHERE death BETWEEN DATE '{START}' AND DATE '{END}'
)
SELECT sex, year(death) AS year, least(age // 5 + 1, 19) AS age_group,
       count(*) AS all_cause,
       count(*) FILTER (WHERE (left(cause, 3) BETWEEN 'X60' AND 'X84' OR cause = 'Y870') AND age >= 10
                           OR (left(cause, 3) BETWEEN 'Y10' AND 'Y34' OR cause = 'Y872') AND age >= 15)
           AS suicide,
       count(*) FILTER (WHERE cause IN ('U071', 'U072')) AS covid19
FROM deaths
GROUP BY ALL
"""


@pytest.fixture(scope="module")
def direct(dsc_extract_files) -> pd.DataFrame:
    """Person-years and deaths by sex, year and attained age group, from the CSV itself."""
    with duckdb.connect() as connection:
        years = connection.execute(_DIRECT_PERSON_DAYS, {"path": str(dsc_extract_files[0])}).df()
        deaths = connection.execute(_DIRECT_DEATHS, {"path": str(dsc_extract_files[0])}).df()
    frame = years.merge(deaths, on=["sex", "year", "age_group"], how="outer")
    return frame.fillna(0)


@pytest.fixture(scope="module")
def runner(dsc_database):
    with open_database(dsc_database) as database:
        yield QueryRunner(database, load_catalog(DATASET))


@pytest.mark.parametrize("outcome", ["all_cause", "suicide", "covid19"])
def test_events_and_person_years_by_sex_and_age_group_equal_the_direct_computation(
        runner, direct, outcome):
    ingested = runner.breakdown(outcome, ["sex"], by_year=True)
    ingested = ingested.rename(columns={"events": outcome, "person_years": "ingested_years"})
    merged = direct.merge(ingested, on=["sex", "year", "age_group"], how="outer",
                          suffixes=("_direct", "_ingested")).fillna(0)
    assert len(merged) == len(direct)  # no cell the file does not have
    assert (merged[f"{outcome}_direct"] == merged[f"{outcome}_ingested"]).all()
    assert merged["ingested_years"].to_numpy() == pytest.approx(merged["person_years"].to_numpy(),
                                                                rel=1e-9)
    by_sex_age = merged.groupby(["sex", "age_group"])[[f"{outcome}_direct", f"{outcome}_ingested"]].sum()
    assert (by_sex_age.iloc[:, 0] == by_sex_age.iloc[:, 1]).all()
    assert merged[f"{outcome}_direct"].sum() > (2 if outcome != "all_cause" else 400)


def test_the_follow_up_rules_and_the_report(dsc_extract_files, tmp_path, capsys):
    out = tmp_path / "dsc.duckdb"
    assert main(["ingest", "--dataset", DATASET, "--source", str(dsc_extract_files[0]),
                 "--out", str(out)]) == 0
    report = capsys.readouterr().out
    frame = dsc_extract()
    dated = frame[frame["dodyr"] != "NA"]
    death = pd.to_datetime(dated["dodyr"] + "-" + dated["dodmt"] + "-" + dated["doddy"])
    before, after = int((death < START).sum()), int((death > END).sum())
    assert before > 0 and after > 0
    assert f"excluded: {before:,} persons who died before follow-up started" in report
    assert f"counted as surviving to 31 December 2021: {after:,} persons" in report
    with duckdb.connect(str(out), read_only=True) as connection:
        persons, survivors, late = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE died = 0), "
            "count(*) FILTER (WHERE exit_date > DATE '2021-12-31') FROM persons").fetchone()
        tables = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    assert persons == len(frame) - before and late == 0
    assert survivors == persons - int(((death >= START) & (death <= END)).sum())
    assert tables == {"persons", "exposure_terms"}  # no work table is published


def test_csv_and_parquet_give_the_same_database(dsc_extract_files, dsc_database, tmp_path):
    out = tmp_path / "from_parquet.duckdb"
    assert main(["ingest", "--dataset", DATASET, "--source", str(dsc_extract_files[1]),
                 "--out", str(out)]) == 0
    query = "SELECT * FROM persons ORDER BY person_id"
    with duckdb.connect(str(out), read_only=True) as a, \
            duckdb.connect(str(dsc_database), read_only=True) as b:
        pd.testing.assert_frame_equal(a.execute(query).df(), b.execute(query).df())


# --- bad input: one line, exit 2, nothing written ------------------------------------------

def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def _with(frame: pd.DataFrame, rows: list[int], **values: str) -> pd.DataFrame:
    changed = frame.copy()
    for column, value in values.items():
        changed.loc[rows, column] = value
    return changed


def _first_death(frame: pd.DataFrame) -> int:
    return int(frame.index[frame["dodyr"] != "NA"][0])


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    frame = dsc_extract()
    dead = _first_death(frame)
    parquet_named_csv = tmp / "parquet.csv"
    with duckdb.connect() as connection:
        connection.register("extract", frame)
        connection.execute("COPY extract TO $path (FORMAT parquet)", {"path": str(parquet_named_csv)})
    return {
        "missing column": (_write(frame.drop(columns=["ethpuk11"]), tmp / "a.csv"),
                           "lacks column(s) ethpuk11"),
        "unknown codes": (_write(_with(frame, [5, 6, 7], ethpuk11="19").pipe(
            _with, [8], relpuk11="0"), tmp / "b.csv"),
            "unknown codes in column ethpuk11 (dimension ethnicity): 3 rows, e.g. '19'"),
        "unknown missing value": (_write(_with(frame, [9], sex="NA"), tmp / "c.csv"),
                                  "unknown codes in column sex (dimension sex): 1 rows, e.g. '(missing)'"),
        "impossible birth date": (_write(_with(frame, [10], dob_month="02", dob_day="30"), tmp / "d.csv"),
                                  "1 rows have a date of birth that is missing, incomplete or cannot "
                                  "exist (first: row 11,"),
        "impossible death date": (_write(_with(frame, [dead], dodmt="13"), tmp / "e.csv"),
                                  "1 rows have a date of death that is incomplete or cannot exist"),
        "incomplete death date": (_write(_with(frame, [dead], doddy="NA"), tmp / "f.csv"),
                                  "1 rows have a date of death that is incomplete or cannot exist"),
        "death before birth": (_write(_with(frame, [dead], dodyr="1890"), tmp / "g.csv"),
                               "1 rows have a date of death before the date of birth"),
        "parquet named .csv": (parquet_named_csv, "is not a CSV file (it holds a Parquet file)"),
        "csv named .parquet": (_write(frame, tmp / "h.parquet"), "is not a Parquet file"),
        "unsupported extension": (_write(frame, tmp / "i.txt"), "unsupported file type '.txt'"),
        "no such file": (tmp / "absent.csv", "not found"),
    }


_CASES = ["missing column", "unknown codes", "unknown missing value", "impossible birth date",
          "impossible death date", "incomplete death date", "death before birth",
          "parquet named .csv", "csv named .parquet", "unsupported extension", "no such file"]


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    return _bad_inputs(tmp_path_factory.mktemp("bad_inputs"))


def _refused(argv: list[str], out: Path, capsys) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert captured.out == ""
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no temporary file left behind either
    return lines[0]


@pytest.mark.parametrize("case", _CASES)
def test_each_bad_input_is_one_line_exit_2_and_no_file(case, bad_inputs, tmp_path, capsys):
    source, expected = bad_inputs[case]
    out = tmp_path / "out" / "dsc.duckdb"
    out.parent.mkdir()
    line = _refused(["ingest", "--dataset", DATASET, "--source", str(source), "--out", str(out)],
                    out, capsys)
    assert expected in line


def test_a_failed_ingest_leaves_the_previous_database_untouched(bad_inputs, tmp_path, capsys):
    out = tmp_path / "dsc.duckdb"
    out.write_bytes(b"previous database")
    source, _ = bad_inputs["death before birth"]
    assert main(["ingest", "--dataset", DATASET, "--source", str(source), "--out", str(out)]) == 2
    assert out.read_bytes() == b"previous database"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dsc.duckdb"]


@pytest.fixture
def catalog_with_id_column(tmp_path, monkeypatch) -> Path:
    """The DSC catalog with ``source.id_column: person_ref``, served from a temporary catalog
    folder (EXPLORER_CATALOG_DIR)."""
    folder = tmp_path / "catalogs"
    shutil.copytree(catalog_dir() / "policies", folder / "policies")
    document = yaml.safe_load((catalog_dir() / f"{DATASET}.yaml").read_text(encoding="utf-8"))
    document["source"]["id_column"] = "person_ref"
    (folder / f"{DATASET}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("EXPLORER_CATALOG_DIR", str(folder))
    return folder


def test_duplicate_ids_are_refused(catalog_with_id_column, tmp_path, capsys):
    frame = dsc_extract()
    frame.insert(0, "person_ref", [f"P{i:05d}" for i in range(len(frame))])
    frame.loc[[20, 21], "person_ref"] = "P00007"
    source = _write(frame, tmp_path / "ids.csv")
    out = tmp_path / "out" / "dsc.duckdb"
    out.parent.mkdir()
    line = _refused(["ingest", "--dataset", DATASET, "--source", str(source), "--out", str(out)],
                    out, capsys)
    assert "duplicate ids in column person_ref: 3 rows share an id (e.g. P00007 (3 rows))" in line


def test_record_keys_follow_the_id_not_the_row_order(catalog_with_id_column, tmp_path, capsys):
    """With an id column, a person's record key (and so the cell key noise) does not change when
    the extract's rows are reordered."""
    frame = dsc_extract()
    frame.insert(0, "person_ref", [f"P{i:05d}" for i in range(len(frame))])
    keys = []
    for name, rows in (("a", frame), ("b", frame.iloc[::-1])):
        out = tmp_path / f"{name}.duckdb"
        assert main(["ingest", "--dataset", DATASET, "--source",
                     str(_write(rows, tmp_path / f"{name}.csv")), "--out", str(out)]) == 0
        with duckdb.connect(str(out), read_only=True) as connection:
            keys.append(connection.execute(
                "SELECT sum(record_key), sum(record_key * died) FROM persons").fetchone())
    capsys.readouterr()
    assert keys[0] == keys[1]
