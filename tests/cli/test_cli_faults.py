"""Every CLI failure is one line on stderr with exit status 2, never a traceback: a full disk, a
permission refused, a DuckDB error while building, a locked or damaged database. A build removes
the temporary files that killed builds left behind (never a live build's). A programming error
(any other exception) keeps its traceback: it is a bug to fix, not a message for the user."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from explorer.cli.commands import main
from explorer.data import build as build_module
from explorer.data import database_file
from explorer.data.database_file import remove_stale_temporaries, temporary_beside
from fixtures.database_faults import faulty_database

pytestmark = pytest.mark.sql

ROOT = Path(__file__).resolve().parents[2]
DEAD_PID = 2**22 + 4321  # above the kernel's largest pid_max: no such process


def _build(out: Path) -> list[str]:
    return ["build-data", "--dataset", "census_mortality", "--persons", "500", "--out", str(out)]


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and 'File "' not in err
    return err


def _no_leftovers(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_a_full_disk_during_build_is_one_line_with_exit_2(tmp_path, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "x.duckdb"))

    monkeypatch.setattr(database_file.os, "replace", full)
    assert main(_build(tmp_path / "census_mortality.duckdb")) == 2
    err = _one_line(capsys)
    assert "no space left on the disk" in err
    assert not (tmp_path / "census_mortality.duckdb").exists()
    _no_leftovers(tmp_path)


def test_a_permission_refused_is_one_line_with_exit_2(tmp_path, monkeypatch, capsys):
    def refused(source, target):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(source), str(target))

    monkeypatch.setattr(database_file.os, "replace", refused)
    assert main(_build(tmp_path / "census_mortality.duckdb")) == 2
    err = _one_line(capsys)
    assert "Permission denied" in err and "census_mortality.duckdb" in err
    _no_leftovers(tmp_path)


def test_a_duckdb_io_error_during_build_is_one_line_with_exit_2(tmp_path, monkeypatch, capsys):
    def failing(connection, persons, seed):
        raise duckdb.IOException('IO Error: Could not write file "x": No space left on device\n'
                                 "more lines")

    monkeypatch.setattr(build_module, "_write_tables", failing)
    assert main(_build(tmp_path / "census_mortality.duckdb")) == 2
    err = _one_line(capsys)
    assert "No space left on device" in err and "more lines" not in err
    _no_leftovers(tmp_path)


@pytest.mark.parametrize("fault", ["locked", "truncated", "corrupt"])
def test_a_damaged_or_locked_database_is_one_line_with_exit_2(tmp_path, small_database, capsys,
                                                              fault):
    target = tmp_path / "census_mortality.duckdb"
    with faulty_database(fault, small_database, target):
        status = main(["table", "--dataset", "census_mortality", "--outcome", "suicide",
                       "--measure", "count", "--database", str(target)])
    assert status == 2
    err = _one_line(capsys)
    assert str(target) in err and not re.search(r"PID \d", err)


def test_a_programming_error_keeps_its_traceback(tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise TypeError("a bug")

    monkeypatch.setattr("explorer.data.build_dataset", bug)
    with pytest.raises(TypeError):
        main(_build(tmp_path / "census_mortality.duckdb"))


def test_a_build_removes_temporaries_of_killed_builds_but_not_of_live_ones(tmp_path):
    out = tmp_path / "census_mortality.duckdb"
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        dead = [tmp_path / f".{out.name}.building-{DEAD_PID}",
                tmp_path / f".{out.name}.building-{DEAD_PID}.wal",
                tmp_path / f".{out.name}.ingesting-{DEAD_PID + 1}"]
        alive = tmp_path / f".{out.name}.building-{live.pid}"
        other = tmp_path / f".other.duckdb.building-{DEAD_PID}"  # another target's: not ours
        for path in [*dead, alive, other]:
            path.write_bytes(b"half a database")
        result = subprocess.run([sys.executable, "-m", "explorer", *_build(out)], cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert out.is_file()
        assert not any(path.exists() for path in dead)
        assert alive.exists() and other.exists()
    finally:
        live.kill()
        live.wait()
    assert remove_stale_temporaries(out) == [alive]  # its process has ended now


def test_temporary_beside_is_this_process_own(tmp_path):
    out = tmp_path / "x.duckdb"
    temporary = temporary_beside(out, "building")
    assert temporary.name == f".x.duckdb.building-{os.getpid()}"
    temporary.write_bytes(b"in progress")
    assert remove_stale_temporaries(out) == [] and temporary.exists()  # this process is alive
