"""Shared fixtures. ``tiny_db``: a hand-made DuckDB file with the catalog's exact tables."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from explorer.catalog import Catalog, load_catalog

# person_id: sex, ethnicity, ethnicity_detailed, religion, disability, region, deprivation,
# linked. Codes as in data_catalog/census_mortality.yaml. Person 12 is not linked.
_TINY_PERSONS = {
    1: (1, 1, 1, 2, 3, 7, 1, True),
    2: (2, 1, 2, 1, 1, 7, 2, True),
    3: (1, 3, 9, 6, 3, 1, 1, True),
    4: (2, 3, 10, 6, 2, 1, 3, True),
    5: (1, 4, 14, 2, 1, 10, 5, True),
    6: (2, 4, 15, 2, 3, 10, 5, True),
    7: (1, 2, 5, 9, 3, 7, 4, True),
    8: (2, 1, 1, 2, 3, 7, 1, True),
    9: (1, 1, 1, 1, 2, 1, 2, True),
    10: (2, 5, 17, 6, 3, 10, 3, True),
    11: (1, 1, 1, 2, 3, 7, 1, True),
    12: (2, 1, 1, 2, 3, 7, 1, False),
}
# person_id: (birth date, day of death or None, cause group); causes 1 suicide, 2 COVID-19,
# 3 circulatory, 4 cancer, 5 other. Edge cases: person 8 born on 29 February, person 10's
# birthday is census day, person 9 reaches 90 (the open top band) before dying, person 11 dies
# on the last day of follow-up, person 5 turns 70 the day after census day.
_TINY_LIVES = {
    1: (datetime.date(1970, 1, 1), None, None),
    2: (datetime.date(1955, 6, 15), datetime.date(2020, 7, 1), 3),
    3: (datetime.date(1990, 2, 10), datetime.date(2015, 8, 20), 1),
    4: (datetime.date(1980, 5, 5), None, None),
    5: (datetime.date(1941, 3, 28), datetime.date(2020, 11, 11), 2),
    6: (datetime.date(2000, 12, 31), None, None),
    7: (datetime.date(1985, 9, 9), datetime.date(2020, 3, 15), 1),
    8: (datetime.date(1972, 2, 29), None, None),
    9: (datetime.date(1925, 7, 7), datetime.date(2016, 1, 10), 4),
    10: (datetime.date(1966, 3, 27), None, None),
    11: (datetime.date(1968, 12, 31), datetime.date(2021, 12, 31), 5),
    12: (datetime.date(1970, 1, 12), None, None),
}
TEST_PERSONS = 1_000_000
"""Persons in the session's database (default_database): the calibration tests' size."""
_CENSUS_DAY, _FOLLOW_UP_END = datetime.date(2011, 3, 27), datetime.date(2021, 12, 31)
_CAUSE_FLAGS = {1: "died_suicide", 2: "died_covid19", 3: "died_circulatory", 4: "died_cancer"}
LEXIS_SPLIT = Path(__file__).resolve().parent.parent / "queries" / "reference" / "lexis_split.sql"


@dataclass(frozen=True)
class TinyDatabase:
    """The tiny database file and the rows in it, for computing expected results.
    ``person_time`` is the exact Lexis split of its followed persons by calendar year and
    attained age group (queries/reference/lexis_split.sql), with each person's attributes."""

    path: Path
    persons: pd.DataFrame
    linkage: pd.DataFrame
    person_time: pd.DataFrame


def _age(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _tiny_person_rows() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """persons rows before the exposure index (with cause_group), linkage and deaths."""
    persons, linkage, deaths = [], [], []
    for pid, (sex, eth, eth_det, religion, disability, region, depq, linked) in _TINY_PERSONS.items():
        birth, death, cause = _TINY_LIVES[pid]
        age = _age(birth, _CENSUS_DAY)
        row = {"person_id": pid, "sex": sex, "birth_date": birth, "age_at_census": age,
               "age_group_census": min(age // 5 + 1, 19), "ethnicity": eth,
               "ethnicity_detailed": eth_det, "religion": religion, "disability": disability,
               "partnership": 2, "nssec": 3, "qualification": 1, "economic_activity": 1,
               "tenure": 1, "region": region, "deprivation_quintile": depq, "armed_forces": 2,
               "record_key": pid * 17 % 256, "linked": linked,
               "entry_date": _CENSUS_DAY if linked else None,
               "exit_date": (death or _FOLLOW_UP_END) if linked else None,
               "died": int(death is not None) if linked else None,
               "cause_group": cause or 0}
        row.update({flag: (int(cause == c) if linked else None) for c, flag in _CAUSE_FLAGS.items()})
        persons.append(row)
        linkage.append({"person_id": pid, "match_status": 1 if linked else 3,
                        "match_probability": 0.99 if linked else 0.2})
        if death is not None:
            deaths.append({"person_id": pid, "date_of_death": death,
                           "age_at_death": _age(birth, death), "underlying_cause": "X70",
                           "cause_group": cause})
    return pd.DataFrame(persons), pd.DataFrame(linkage), pd.DataFrame(deaths)


LAYER_MARKERS = ("unit", "sql", "app", "browser")
"""Every test carries at least one of these (pyproject.toml describes them); slow and golden
are extra."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to run a session in which a collected test has no layer marker."""
    unmarked = [item.nodeid for item in items
                if not any(item.get_closest_marker(name) for name in LAYER_MARKERS)]
    if unmarked:
        listed = "\n  ".join(unmarked)
        raise pytest.UsageError(
            f"{len(unmarked)} test(s) carry none of the layer markers {', '.join(LAYER_MARKERS)} "
            f"(add one, e.g. a module-level pytestmark = pytest.mark.unit):\n  {listed}")


@pytest.fixture(scope="session")
def census_catalog() -> Catalog:
    """The real census_mortality catalog."""
    return load_catalog("census_mortality")


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory, census_catalog: Catalog) -> TinyDatabase:
    """A 12-person census_mortality database with the catalog's exact column types, written by
    the person-level model's own build steps (explorer.data.exposure_index)."""
    from explorer.data import exposure_index

    path = tmp_path_factory.mktemp("tiny") / "census_mortality.duckdb"
    person_rows, linkage, deaths = _tiny_person_rows()
    with duckdb.connect(str(path)) as connection:
        for name, table in census_catalog.tables.items():
            columns = ", ".join(f'"{c.name}" {c.type}' for c in table.columns.values())
            connection.execute(f'CREATE TABLE "{name}" ({columns})')
        for name, frame in (("linkage", linkage), ("deaths", deaths)):  # noqa: B007 - read by DuckDB
            connection.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM frame')
        exposure_index.create_work_tables(connection, _CENSUS_DAY, _FOLLOW_UP_END)
        connection.execute("CREATE TEMP TABLE person_rows AS SELECT * FROM person_rows")
        exposure_index.add_person_rows(connection, _CENSUS_DAY, _FOLLOW_UP_END)
        exposure_index.finish(connection, _CENSUS_DAY, _FOLLOW_UP_END)
        connection.execute(LEXIS_SPLIT.read_text(encoding="utf-8"))
        person_time = connection.execute("SELECT * FROM person_time ORDER BY ALL").df()
        persons = connection.execute("SELECT * FROM persons ORDER BY person_id").df()
    return TinyDatabase(path, persons, linkage, person_time)


@pytest.fixture(scope="session")
def default_database_dir(tmp_path_factory, census_catalog: Catalog) -> Path:
    """A data directory holding the test-size database (TEST_PERSONS, the catalog's default
    seed), built once per test session with the real builder. The default dataset is larger
    (catalog build.default_persons); tests keep this small one."""
    from explorer.data import build_dataset

    directory = tmp_path_factory.mktemp("default_data")
    defaults = census_catalog.build_defaults
    build_dataset(census_catalog.code, persons=TEST_PERSONS, seed=defaults.seed,
                  out=directory / f"{census_catalog.code}.duckdb")
    return directory


@pytest.fixture(scope="session")
def default_database(default_database_dir: Path, census_catalog: Catalog) -> Path:
    """Path of the test-size database file (TEST_PERSONS persons)."""
    return default_database_dir / f"{census_catalog.code}.duckdb"


@pytest.fixture(scope="session")
def lexis_reference(default_database: Path):
    """A read-only connection to the test database holding the exact Lexis split of its
    followed persons as a TEMP table person_time (queries/reference/lexis_split.sql): the
    oracle the person-level model is compared with."""
    with duckdb.connect(str(default_database), read_only=True) as connection:
        connection.execute("SET enable_progress_bar = false")
        connection.execute(LEXIS_SPLIT.read_text(encoding="utf-8"))
        yield connection


@pytest.fixture(scope="session")
def database(default_database: Path):
    """The test-size database (default_database) opened read-only, once per session and shared
    by every test that queries it: a read-only ``Database`` hands each thread its own cursor
    (explorer.db.connection), so sharing it is safe. (test_query_runner.py opens the tiny
    database as ``tiny_database`` instead.)"""
    from explorer.db.connection import open_database

    with open_database(default_database) as opened:
        yield opened


@dataclass(frozen=True)
class LocalAccounts:
    """A local accounts file and the users in it: name -> (role, password)."""

    path: Path
    users: dict[str, tuple[str, str]]

    def password(self, user: str) -> str:
        return self.users[user][1]


LOCAL_USERS = {"olivia": ("official", "olivia's long password"),
               "sam": ("statistician", "sam's long password")}


@pytest.fixture(scope="session")
def local_accounts(tmp_path_factory) -> LocalAccounts:
    """An accounts file made with the real command (python -m explorer add-user
    --password-stdin): olivia is an official, sam a statistician. Point EXPLORER_ACCOUNTS at
    ``.path`` to sign in with them."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("accounts") / "accounts.json"
    for user, (role, password) in LOCAL_USERS.items():
        subprocess.run([sys.executable, "-m", "explorer", "add-user", "--user", user, "--role", role,
                        "--accounts", str(path), "--password-stdin"], input=password + "\n",
                       text=True, check=True, capture_output=True,
                       cwd=Path(__file__).resolve().parent.parent)
    return LocalAccounts(path, dict(LOCAL_USERS))


@pytest.fixture(scope="session")
def published_only_dir(tmp_path_factory, census_catalog, default_database) -> Path:
    """A data directory holding the published public views and nothing else (no database)."""
    from explorer.release.publish import publish

    directory = tmp_path_factory.mktemp("published_only")
    publish(census_catalog, database_path=default_database,
            out=directory / "published" / "census_mortality.json")
    return directory



@pytest.fixture(autouse=True)
def keep_main_module():
    """Streamlit's script runner (AppTest) installs the script it runs as sys.modules["__main__"]
    and leaves it there; a process pool started later with the spawn method (the synthetic
    builder's workers) would then re-run app.py in every worker. Put the real __main__ back."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main

# Fixture modules shared by several test folders (tests/ is on sys.path as the conftest's folder).
pytest_plugins = ["fixtures.dsc_extract", "fixtures.pupil_cohort", "fixtures.justice_tiny",
                  "fixtures.justice_education", "fixtures.database_faults"]
