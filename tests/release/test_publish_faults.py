"""publish validates the new file before it replaces the good one, leaves no temporary file,
records the database it was built from, and --if-absent republishes after a rebuild."""

from __future__ import annotations

import errno
import json
import os
import shutil

import pytest

from explorer.cli.commands import main
from explorer.errors import ExplorerError
from explorer.release import publish as publish_module
from explorer.release.published_file import PublishedFileError, load_publication
from explorer.release.publish import publish

pytestmark = pytest.mark.sql


@pytest.fixture
def published(tmp_path, small_database, census_catalog):
    """A data folder with its database (a copy of small_database) and a good published file."""
    database = tmp_path / "census_mortality.duckdb"
    shutil.copyfile(small_database, database)
    out = tmp_path / "published" / "census_mortality.json"
    publish(census_catalog, database_path=database, out=out)
    return database, out


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_file_that_does_not_validate_never_replaces_the_good_one(published, census_catalog,
                                                                   monkeypatch):
    database, out = published
    good = out.read_bytes()
    real = publish_module.build_publication

    def malformed(*args, **kwargs):
        document = real(*args, **kwargs)
        document["views"][0]["table"]["rows"][0]["status"] = "perturbed"
        return document

    monkeypatch.setattr(publish_module, "build_publication", malformed)
    with pytest.raises(PublishedFileError, match="malformed"):
        publish(census_catalog, database_path=database, out=out)
    assert out.read_bytes() == good
    assert _leftovers(out.parent) == []


def test_a_full_disk_leaves_the_good_file_and_is_one_line_with_exit_2(published, monkeypatch,
                                                                     capsys):
    database, out = published
    good = out.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publish_module.os, "replace", full)
    status = main(["publish", "--dataset", "census_mortality", "--database", str(database),
                   "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "No space left on device" in err and "the file there is unchanged" in err
    assert out.read_bytes() == good
    assert _leftovers(out.parent) == []


def test_if_absent_republishes_when_the_database_changed(published, census_catalog, tmp_path):
    database, out = published
    first = load_publication("census_mortality", out)
    assert first.database_fingerprint
    assert publish(census_catalog, database_path=database, out=out, if_absent=True).skipped

    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(database, rebuilt)
    os.utime(rebuilt, ns=(1_000_000_000, 1_000_000_000))  # another build: another mtime
    os.replace(rebuilt, database)
    again = publish(census_catalog, database_path=database, out=out, if_absent=True)
    assert not again.skipped
    assert load_publication("census_mortality", out).database_fingerprint != first.database_fingerprint
    assert publish(census_catalog, database_path=database, out=out, if_absent=True).skipped


def test_if_absent_republishes_a_file_published_before_fingerprints(published, census_catalog):
    database, out = published
    document = json.loads(out.read_text(encoding="utf-8"))
    del document["database_fingerprint"]  # as published by an earlier version: still valid
    out.write_text(json.dumps(document), encoding="utf-8")
    assert load_publication("census_mortality", out).database_fingerprint is None
    assert not publish(census_catalog, database_path=database, out=out, if_absent=True).skipped


def test_if_absent_keeps_a_current_file_when_the_database_is_gone(published, census_catalog):
    database, out = published
    database.unlink()
    assert publish(census_catalog, database_path=database, out=out, if_absent=True).skipped
    with pytest.raises(ExplorerError):  # without --if-absent there is nothing to publish from
        publish(census_catalog, database_path=database, out=out)
    load_publication("census_mortality", out)


def test_publish_removes_temporaries_of_a_killed_publish(published, census_catalog):
    database, out = published
    dead = out.with_name(f".{out.name}.publishing-{2**22 + 12345}")  # above pid_max: not running
    dead.write_text("half", encoding="utf-8")
    publish(census_catalog, database_path=database, out=out)
    assert not dead.exists() and _leftovers(out.parent) == []
