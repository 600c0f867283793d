"""A database file DuckDB cannot use is one plain DatabaseUnreadableError (path and cause in its
detail, never a lock holder's PID), and a file's identity changes when it is replaced."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from explorer.db.connection import DatabaseFile, open_database
from explorer.db.runner import QueryRunner
from explorer.errors import DatabaseMissingError, DatabaseUnreadableError
from fixtures.database_faults import FAULTS, faulty_database

pytestmark = pytest.mark.sql


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "missing"])
def test_each_fault_is_one_plain_error(tmp_path, small_database, census_catalog, fault):
    target = tmp_path / "census_mortality.duckdb"
    with faulty_database(fault, small_database, target), \
            pytest.raises(DatabaseUnreadableError) as raised:
        with open_database(target) as database:  # a fault found only by a query counts too
            QueryRunner(database, census_catalog).schema_mismatches()
    error = raised.value
    assert str(target) not in str(error) and "\n" not in str(error)
    assert str(target) in error.detail and "\n" not in error.detail
    assert not re.search(r"PID \d", error.one_line())
    if fault == "locked":
        assert "in use by another program" in str(error)
        assert "held by another process" in error.detail
    else:
        assert str(error) == ("The database for this dataset cannot be read; an administrator "
                              "needs to rebuild it.")
    if fault == "other_version":
        assert "written by another DuckDB version" in error.detail
    if fault == "truncated":
        assert "truncated" in error.detail


def test_a_missing_file_names_the_command_not_the_path(tmp_path):
    with pytest.raises(DatabaseMissingError) as raised:
        open_database(tmp_path / "census_mortality.duckdb")
    assert str(tmp_path) not in str(raised.value)
    assert "python -m explorer build-data --dataset census_mortality" in str(raised.value)
    assert str(tmp_path) in raised.value.detail


def test_a_replaced_file_has_another_identity(tmp_path, small_database):
    target = tmp_path / "census_mortality.duckdb"
    shutil.copyfile(small_database, target)
    first = DatabaseFile.at(target)
    assert first == DatabaseFile.at(target) and first.path == str(target)
    shutil.copyfile(small_database, tmp_path / "new.duckdb")
    os.replace(tmp_path / "new.duckdb", target)
    second = DatabaseFile.at(target)
    assert second != first and second.inode != first.inode
    assert DatabaseFile.at(tmp_path / "absent.duckdb") is None
