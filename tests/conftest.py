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
# person_id: [(year, age_group, person_years, cause_group or None)]; causes 1 suicide,
# 2 COVID-19, 3 circulatory, 4 cancer. Person-years are exact binary fractions.
_TINY_SEGMENTS = {
    1: [(2011, 9, 0.75, None), (2015, 9, 1.0, None), (2020, 10, 1.0, None)],
    2: [(2011, 12, 0.75, None), (2015, 13, 1.0, None), (2020, 14, 0.5, 3)],
    3: [(2011, 5, 0.75, None), (2015, 6, 0.5, 1)],
    4: [(2011, 7, 0.75, None), (2015, 8, 1.0, None), (2020, 9, 1.0, None)],
    5: [(2011, 15, 0.75, None), (2015, 16, 1.0, None), (2020, 17, 0.25, 2)],
    6: [(2011, 3, 0.75, None), (2015, 4, 1.0, None), (2020, 5, 1.0, None)],
    7: [(2011, 6, 0.75, None), (2015, 7, 1.0, None), (2020, 8, 0.25, 1)],
    8: [(2011, 9, 0.75, None), (2015, 10, 1.0, None), (2020, 11, 1.0, None)],
    9: [(2011, 18, 0.5, 4)],
    10: [(2011, 11, 0.75, None), (2015, 12, 1.0, None), (2020, 13, 1.0, None)],
    11: [(2011, 9, 0.75, None), (2015, 10, 1.0, None), (2021, 11, 1.0, None)],
    12: [(2011, 9, 0.75, None), (2015, 10, 1.0, None)],  # not linked: must never count
}
_CAUSE_FLAGS = {1: "died_suicide", 2: "died_covid19", 3: "died_circulatory", 4: "died_cancer"}


@dataclass(frozen=True)
class TinyDatabase:
    """The tiny database file and the rows in it, for computing expected results."""

    path: Path
    persons: pd.DataFrame
    linkage: pd.DataFrame
    person_time: pd.DataFrame


def _tiny_tables() -> dict[str, pd.DataFrame]:
    persons, linkage, deaths, person_time = [], [], [], []
    for pid, (sex, eth, eth_det, religion, disability, region, depq, linked) in _TINY_PERSONS.items():
        persons.append({
            "person_id": pid, "sex": sex, "birth_date": datetime.date(1970, 1, pid),
            "age_at_census": 41, "age_group_census": 9, "ethnicity": eth,
            "ethnicity_detailed": eth_det, "religion": religion, "disability": disability,
            "partnership": 2, "nssec": 3, "qualification": 1, "economic_activity": 1,
            "tenure": 1, "region": region, "deprivation_quintile": depq, "armed_forces": 2,
            "record_key": pid * 17 % 256})
        linkage.append({"person_id": pid, "match_status": 1 if linked else 3,
                        "match_probability": 0.99 if linked else 0.2, "linked": linked})
        for year, age_group, years, cause in _TINY_SEGMENTS[pid]:
            row = {"person_id": pid, "year": year, "age_group": age_group,
                   "person_years": years, "died": int(cause is not None)}
            row.update({flag: int(cause == c) for c, flag in _CAUSE_FLAGS.items()})
            # cohort.person_columns_in_person_time: the person's attributes on each segment
            row.update({column: value for column, value in persons[-1].items()
                        if column not in ("person_id", "birth_date", "age_at_census",
                                          "age_group_census")}, linked=linked)
            person_time.append(row)
            if cause is not None:
                deaths.append({"person_id": pid, "date_of_death": datetime.date(year, 6, 1),
                               "age_at_death": 50, "underlying_cause": "X70",
                               "cause_group": cause})
    return {name: pd.DataFrame(rows) for name, rows in
            [("persons", persons), ("linkage", linkage), ("deaths", deaths),
             ("person_time", person_time)]}


@pytest.fixture(scope="session")
def census_catalog() -> Catalog:
    """The real census_mortality catalog."""
    return load_catalog("census_mortality")


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory, census_catalog: Catalog) -> TinyDatabase:
    """A 12-person census_mortality database with the catalog's exact column types."""
    path = tmp_path_factory.mktemp("tiny") / "census_mortality.duckdb"
    frames = _tiny_tables()
    with duckdb.connect(str(path)) as connection:
        for name, table in census_catalog.tables.items():
            columns = ", ".join(f'"{c.name}" {c.type}' for c in table.columns.values())
            connection.execute(f'CREATE TABLE "{name}" ({columns})')
            frame = frames[name][list(table.columns)]  # noqa: F841 - read by DuckDB below
            connection.execute(f'INSERT INTO "{name}" SELECT * FROM frame')
    return TinyDatabase(path, frames["persons"], frames["linkage"], frames["person_time"])


@pytest.fixture(scope="session")
def default_database_dir(tmp_path_factory, census_catalog: Catalog) -> Path:
    """A data directory holding the default-size database (the catalog's default persons and
    seed), built once per test session with the real builder."""
    from explorer.synth import build_dataset

    directory = tmp_path_factory.mktemp("default_data")
    defaults = census_catalog.build_defaults
    build_dataset(census_catalog.code, persons=defaults.persons, seed=defaults.seed,
                  out=directory / f"{census_catalog.code}.duckdb")
    return directory


@pytest.fixture(scope="session")
def default_database(default_database_dir: Path, census_catalog: Catalog) -> Path:
    """Path of the default-size database file."""
    return default_database_dir / f"{census_catalog.code}.duckdb"


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
    from explorer.publish import publish

    directory = tmp_path_factory.mktemp("published_only")
    publish(census_catalog, database_path=default_database,
            out=directory / "published" / "census_mortality.json")
    return directory


# --- AppTest ------------------------------------------------------------------------------

@pytest.fixture
def navigation_not_pages_directory(monkeypatch):
    """AppTest resets PagesManager.uses_pages_directory before every run, and because a pages/
    folder sits beside app.py each run then starts in the legacy pages-directory mode, which
    re-runs the current page's file *without* app.py (so the sidebar dataset picker, and with
    it session_state["dataset"], vanishes on the second run of a page). A served app leaves
    that mode for good once app.py first calls st.navigation; this puts AppTest in the same
    steady state."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
