"""A database built by an older version (its tables differ from the catalog) is rebuilt by
`build-data --if-absent` and refused by the app with a clear message, never half-queried."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from explorer.errors import DatabaseOutdatedError

pytestmark = pytest.mark.sql

ROOT = Path(__file__).resolve().parents[2]
PERSONS = 3000


def _build_data(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer", "build-data", "--dataset",
                           "census_mortality", "--persons", str(PERSONS), "--out", str(out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture
def outdated_database(tmp_path) -> Path:
    """A small database from which a column of the exposure index has been dropped (as a
    database of an older layout lacks it)."""
    path = tmp_path / "census_mortality.duckdb"
    assert _build_data(path).returncode == 0
    with duckdb.connect(str(path)) as connection:
        connection.execute("ALTER TABLE persons DROP COLUMN days_to_next_band")
    return path


def test_if_absent_keeps_a_matching_database(tmp_path):
    path = tmp_path / "census_mortality.duckdb"
    assert _build_data(path).returncode == 0
    result = _build_data(path, "--if-absent")
    assert result.returncode == 0 and "exists; not rebuilding" in result.stdout


def test_if_absent_rebuilds_a_database_that_does_not_match_the_catalog(outdated_database):
    result = _build_data(outdated_database, "--if-absent")
    assert result.returncode == 0, result.stderr
    assert "does not match the catalog (persons.days_to_next_band: missing); rebuilding" in result.stdout
    with duckdb.connect(str(outdated_database), read_only=True) as connection:
        columns = {row[0] for row in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'persons'").fetchall()}
    assert "days_to_next_band" in columns


def test_the_app_refuses_an_outdated_database_with_a_clear_message(outdated_database):
    from explorer.app.cached import _database_at
    from explorer.db.connection import DatabaseFile

    with pytest.raises(DatabaseOutdatedError) as raised:
        _database_at(DatabaseFile.at(outdated_database), "census_mortality")
    message = str(raised.value)
    assert str(outdated_database) not in message and str(outdated_database) in raised.value.detail
    assert "persons.days_to_next_band: missing" in message
    assert "python -m explorer build-data --dataset census_mortality" in message
    assert "\n" not in message
