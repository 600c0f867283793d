"""`python -m explorer publish` and the published file (issue 6): every catalog public view is
written, every number is the one the PUBLIC policy lets through, hidden cells carry nothing,
no true count of a suppressed cell is in the file, statuses are CellStatus values and the row
flags of the MeasureTable travel with the rows (issue 11), and a malformed file is refused
clearly."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.tables.aggregate import raw_table
from explorer.db.runner import QueryRunner
from explorer.tables.measure_table import MARGIN_SUFFIX, replaced_for_leak_tests
from explorer.release.published_file import (FORMAT, FORMAT_VERSION, PUBLISHED_STATUSES, PublishedFileError,
                                load_publication, published_path, view_csv)
from explorer.release.publish import build_view_table, publish, view_request
from explorer.catalog.safe_messaging import wording_problems
from explorer.sdc.status import CellStatus
from explorer.sdc.structure import build_structure
from explorer.tables import build_table, policy_for

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = ("value", "lower", "upper", "events", "denominator")
SHOWN, PRIMARY = CellStatus.SHOWN.value, CellStatus.SUPPRESSED_PRIMARY.value
pytestmark = pytest.mark.sql


@pytest.fixture(scope="module")
def published_file(tmp_path_factory, census_catalog, default_database) -> Path:
    out = tmp_path_factory.mktemp("published") / "census_mortality.json"
    result = publish(census_catalog, database_path=default_database, out=out)
    assert result.path == out and not result.skipped
    return out


@pytest.fixture(scope="module")
def document(published_file) -> dict:
    return json.loads(published_file.read_text(encoding="utf-8"))


def _rows_by_labels(view: dict) -> dict[tuple[str, ...], dict]:
    codes = [d["code"] for d in view["dimensions"]]
    return {tuple(row["dims"][code] for code in codes): row for row in view["table"]["rows"]}


def _same(published: object, protected: object) -> bool:
    if published is None:
        return protected is None or (isinstance(protected, float) and math.isnan(protected))
    return float(published) == float(protected)


def _true_counts(catalog, view, database) -> dict[tuple[str, ...], float]:
    """True death counts of every cell of the view's table (margins too), straight from the
    aggregate layer: the test's oracle for what must never be published."""
    raw = raw_table(view_request(catalog, view), catalog, QueryRunner(database, catalog))
    structure = build_structure(raw.dimensions)
    true = structure.coverage @ raw.counts
    labels = [tuple(raw.label(d.code, row[d.code]) for d in raw.dimensions)
              for _, row in structure.cells.iterrows()]
    return dict(zip(labels, true))


# --- what is written ------------------------------------------------------------------------

def _public_label(catalog) -> str:
    return policy_for(catalog, "public").label


def test_publish_writes_every_catalog_public_view(document, census_catalog):
    assert document["format"] == FORMAT and document["format_version"] == FORMAT_VERSION == 2
    assert [v["code"] for v in document["views"]] == [v.code for v in census_catalog.public_views]
    assert document["dataset"] == {"code": "census_mortality", "title": census_catalog.title,
                                   "version": census_catalog.version,
                                   "description": " ".join(census_catalog.description.split())}
    assert document["policy"]["label"] == _public_label(census_catalog)
    assert document["provenance"] == list(census_catalog.provenance)
    for view in document["views"]:
        assert view["table"]["policy"] == _public_label(census_catalog)
        assert view["table"]["rows"]


def test_every_number_is_the_public_policys_protected_one(document, census_catalog, database):
    public = policy_for(census_catalog, "public")
    for view_doc, view in zip(document["views"], census_catalog.public_views):
        expected = build_table(view_request(census_catalog, view), census_catalog, database, public)
        assert expected.policy == _public_label(census_catalog)
        rows = view_doc["table"]["rows"]
        assert len(rows) == len(expected.frame)
        flags = expected.row_flags
        for row, (_, want), (_, flag) in zip(rows, expected.frame.iterrows(), flags.iterrows()):
            assert row["dims"] == {code: want[code] for code in view.by}
            assert row["status"] == want["status"]
            assert row["marker"] == want["marker"]
            assert row["levels"] == {code: flag[code] for code in view.by}
            assert row["margins"] == {code: flag[f"{code}{MARGIN_SUFFIX}"] for code in view.by}
            assert (row["is_margin"], row["is_reference"]) == (flag["is_margin"], flag["is_reference"])
            for name in NUMBERS:
                assert _same(row[name], want[name]), (view.code, row["dims"], name)
        assert view_doc["table"]["legend"] == expected.legend
        assert view_doc["table"]["method"] == expected.method


def test_statuses_are_cell_status_values(document):
    """One status vocabulary: every published status is a CellStatus reader status, and under
    the public policy (no secondary suppression) every hidden cell is suppressed_primary."""
    statuses = {row["status"] for view in document["views"] for row in view["table"]["rows"]}
    assert statuses <= {status.value for status in PUBLISHED_STATUSES}
    assert all(CellStatus(status).reader_status.value == status for status in statuses)
    assert statuses == {SHOWN, PRIMARY}


def test_hidden_cells_carry_no_number_and_no_internals(document, published_file):
    hidden = [row for view in document["views"] for row in view["table"]["rows"]
              if CellStatus(row["status"]).hidden]
    assert hidden, "the public views should hide some cells"
    for row in hidden:
        assert row["status"] == PRIMARY
        assert row["value"] is row["lower"] is row["upper"] is row["events"] is None
        assert "[c]" in row["marker"]
    text = published_file.read_text(encoding="utf-8")
    for internal in ("true_value", "audit", "rule", "suppressed_secondary",
                     "record_key", "cell_key"):
        assert internal not in text, internal


def test_no_true_count_of_a_suppressed_cell_is_published(document, census_catalog, database):
    """Against the raw counts (aggregate layer, test only): hidden cells' true counts appear
    nowhere in their rows (nor their person-years), and every shown count is a perturbed one
    (noise of at most the policy's max_noise, at least the threshold), not always the true
    count; person-years are rounded to the policy's base."""
    public = policy_for(census_catalog, "public")
    differs = 0
    for view_doc, view in zip(document["views"], census_catalog.public_views):
        true = _true_counts(census_catalog, view, database)
        rows = _rows_by_labels(view_doc)
        assert set(rows) == set(true)
        for labels, row in rows.items():
            numbers = [row[name] for name in NUMBERS if row[name] is not None]
            if CellStatus(row["status"]).hidden:
                assert numbers == []  # no deaths, no rate, and no person-years either
                continue
            assert row["denominator"] % public.denominator_base == 0, (view.code, labels)
            if row["events"] is None:  # structural zero: nothing to count
                assert row["marker"] == "[z]" and true[labels] == 0
                continue
            assert row["events"] == int(row["events"]) >= public.threshold, (view.code, labels)
            assert abs(row["events"] - true[labels]) <= public.max_noise, (view.code, labels)
            differs += row["events"] != true[labels]
    assert differs > 0, "every shown count equals its true count: perturbation did nothing"


def test_crude_rates_come_from_the_perturbed_counts(document):
    view = next(v for v in document["views"] if v["measure"]["code"] == "crude_rate")
    checked = 0
    for row in view["table"]["rows"]:
        if row["value"] is not None:
            assert row["value"] == pytest.approx(row["events"] / row["denominator"] * 1e5, abs=0.006)
            checked += 1
    assert checked >= 10


def test_covid_view_starts_in_2020(document):
    covid = next(v for v in document["views"] if v["code"] == "covid19_by_ethnicity")
    assert covid["period"] == [2020, 2021] and covid["about_suicide"] is False


def test_a_view_that_fails_its_audit_is_not_published(census_catalog, database, monkeypatch):
    from explorer.sdc.protected_table import ProtectedTable

    monkeypatch.setattr(ProtectedTable, "audit_passes", property(lambda self: False))
    with pytest.raises(Exception, match="fails the disclosure audit"):
        build_view_table(census_catalog, census_catalog.public_views[0], database)


def test_a_view_with_secondary_suppression_is_not_published(census_catalog, database, monkeypatch):
    """The published file never tells primary from secondary suppression: a public view with a
    secondary suppression (the public policy has none today) is refused, not published."""
    import explorer.release.publish as publishing

    real = publishing.measure_table

    def with_a_secondary(protected, request, catalog):
        table = real(protected, request, catalog)
        frame = table.frame
        hidden = frame["status"] == PRIMARY
        frame.loc[hidden.idxmax(), "status"] = CellStatus.SUPPRESSED_SECONDARY.value
        return replaced_for_leak_tests(table, frame=frame)

    monkeypatch.setattr(publishing, "measure_table", with_a_secondary)
    view = next(v for v in census_catalog.public_views if v.code == "suicide_by_sex_and_age")
    with pytest.raises(Exception, match="suppressed_secondary.*not publishing it"):
        build_view_table(census_catalog, view, database)


# --- reading it back -------------------------------------------------------------------------

def test_load_publication_rebuilds_measure_tables_and_headlines(published_file, census_catalog):
    publication = load_publication("census_mortality", published_file)
    assert [v.code for v in publication.views] == [v.code for v in census_catalog.public_views]
    assert publication.about_suicide
    for view in publication.views:
        assert view.table.request.audience == "public"
        assert list(view.table.frame.columns[:len(view.dimensions)]) == [d.code for d in view.dimensions]
        assert view.headline.startswith(("Between 2011 and 2021", "Between 2020 and 2021"))
        assert "deaths per 100,000 people a year" in view.headline  # plain words
        if view.about_suicide:
            assert not wording_problems(view.headline), view.headline
            assert not wording_problems(view.what_it_means + " " + view.what_it_does_not_mean)
    by_sex = publication.views[0]
    flags = by_sex.table.row_flags
    assert flags["is_margin"].tolist() == [False, False, True]  # carried, not guessed from labels
    assert flags["is_reference"].tolist() == [False, True, False]  # female, the reference
    assert 'highest for the group "Male"' in by_sex.headline
    assert 'lowest for the group "Female"' in by_sex.headline


def test_view_csv_has_markers_notes_and_the_support_line(published_file):
    publication = load_publication("census_mortality", published_file)
    by_age = next(v for v in publication.views if v.code == "suicide_by_sex_and_age")
    text = view_csv(by_age, publication)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any(f"Disclosure control policy: {by_age.table.policy} (" in line for line in header)
    assert by_age.table.policy.startswith("public v")
    assert any("116 123" in line and "jo@samaritans.org" in line for line in header)
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body[0] == "sex,age_group,value,lower,upper,events,denominator,comparison,status,marker"
    assert any(line.endswith(f",{PRIMARY},[c]") for line in body)
    assert any(line.endswith("[z]") for line in body) and any(line.endswith("[u]") for line in body)
    covid = next(v for v in publication.views if v.code == "covid19_by_ethnicity")
    assert "116 123" not in view_csv(covid, publication)


def _broken(tmp_path: Path, published_file: Path, mutate) -> Path:
    document = json.loads(published_file.read_text(encoding="utf-8"))
    mutate(document)
    path = tmp_path / "census_mortality.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _first_hidden(document: dict) -> dict:
    return next(row for view in document["views"] for row in view["table"]["rows"]
                if row["status"] == PRIMARY)


def _first_margin(document: dict) -> dict:
    return next(row for view in document["views"] for row in view["table"]["rows"]
                if row["is_margin"])


MALFORMED = {
    "hidden cell with a count": (lambda d: _first_hidden(d).update(events=7),
                                 "a hidden cell carries a number"),
    "hidden cell without [c]": (lambda d: _first_hidden(d).update(marker=""), "no [c] marker"),
    "other format version": (lambda d: d.update(format_version=99), "format_version"),
    "missing policy": (lambda d: d.pop("policy"), "'policy' is a required property"),
    "unknown status": (lambda d: d["views"][0]["table"]["rows"][0].update(status="perturbed"),
                       "views.0.table.rows.0.status"),
    "old status word": (lambda d: _first_hidden(d).update(status="hidden"), ".status"),
    "secondary status": (lambda d: _first_hidden(d).update(status="suppressed_secondary"),
                         ".status"),
    "row without flags": (lambda d: d["views"][0]["table"]["rows"][0].pop("is_margin"),
                          "'is_margin' is a required property"),
    "margin flags disagree": (lambda d: _first_margin(d).update(is_margin=False),
                              "does not match the row's margins"),
    "levels not the view's": (lambda d: d["views"][0]["table"]["rows"][0].update(levels={"x": 1}),
                              "views.0.table.rows.0.levels"),
    "row dims not the view's": (lambda d: d["views"][0]["table"]["rows"][0].update(dims={"x": "y"}),
                                "views.0.table.rows.0.dims"),
    "other dataset": (lambda d: d["dataset"].update(code="other"), "dataset.code"),
    "repeated view": (lambda d: d["views"].append(d["views"][0]), "a view code is repeated"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_published_file_is_refused_clearly(tmp_path, published_file, case):
    mutate, phrase = MALFORMED[case]
    path = _broken(tmp_path, published_file, mutate)
    with pytest.raises(PublishedFileError) as caught:
        load_publication("census_mortality", path)
    message = str(caught.value)
    assert phrase in message and "\n" not in message
    assert str(path) not in message and str(path) in caught.value.detail  # no server path shown
    assert "python -m explorer publish --dataset census_mortality" in message


def test_absent_and_unreadable_files_say_how_to_publish(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path))
    assert published_path("census_mortality") == tmp_path / "published" / "census_mortality.json"
    with pytest.raises(PublishedFileError, match=r"No public summary has been published .*"
                       r"python -m explorer publish --dataset census_mortality"):
        load_publication("census_mortality")
    bad = tmp_path / "published" / "census_mortality.json"
    bad.parent.mkdir()
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PublishedFileError, match="is not valid JSON"):
        load_publication("census_mortality")


def test_reading_modules_never_import_the_database_layer():
    code = ("import sys; import explorer.release.published_file, explorer.app.charts, explorer.release.headlines, "
            "explorer.catalog.safe_messaging; bad = sorted(m for m in sys.modules if m == 'duckdb' or "
            "m.startswith(('explorer.db', 'explorer.tables.build', 'explorer.tables.aggregate'))); "
            "assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- the command line -----------------------------------------------------------------------

def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "explorer", "publish", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))


def test_cli_publishes_prints_what_it_wrote_and_skips_when_current(tmp_path, default_database,
                                                                    census_catalog):
    out = tmp_path / "out" / "views.json"
    result = _cli("--dataset", "census_mortality", "--database", str(default_database),
                  "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"Wrote {len(census_catalog.public_views)} public views to {out}" in result.stdout
    for view in census_catalog.public_views:
        assert f"{view.code}: {view.title}" in result.stdout
    assert out.stat().st_mode & 0o044 == 0o044  # readable by the web server, not private
    written = out.read_text(encoding="utf-8")

    again = _cli("--dataset", "census_mortality", "--database", str(default_database),
                 "--out", str(out), "--if-absent")
    assert again.returncode == 0 and "up to date; not publishing again" in again.stdout
    assert out.read_text(encoding="utf-8") == written

    out.write_text("{}", encoding="utf-8")  # malformed: --if-absent publishes again
    repaired = _cli("--dataset", "census_mortality", "--database", str(default_database),
                    "--out", str(out), "--if-absent")
    assert repaired.returncode == 0 and "Wrote" in repaired.stdout
    load_publication("census_mortality", out)


def test_cli_default_paths_follow_the_data_dir(tmp_path, default_database):
    (tmp_path / "census_mortality.duckdb").symlink_to(default_database)
    result = _cli("--dataset", "census_mortality", env={"EXPLORER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "published" / "census_mortality.json").is_file()


@pytest.mark.parametrize("args, phrase", [
    (["--dataset", "census_mortality", "--database", "/nonexistent/x.duckdb"],
     "database file of dataset census_mortality was not found"),
    (["--dataset", "no_such_dataset"], "unknown dataset 'no_such_dataset'"),
    (["--dataset", "census_mortality", "--database", "{bad}"], "database for this dataset cannot be read"),
    ([], "the following arguments are required: --dataset"),
])
def test_cli_errors_are_one_line_with_exit_2(tmp_path, args, phrase):
    if "{bad}" in args:
        bad = tmp_path / "bad.duckdb"
        bad.write_text("not a database", encoding="utf-8")
        args = [str(bad) if a == "{bad}" else a for a in args]
    result = _cli(*args, "--out", str(tmp_path / "never.json"))
    assert result.returncode == 2
    assert phrase in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "never.json").exists()


def test_shown_perturbed_counts_are_consistent_across_views(document):
    """The cell key method gives the same cell the same value in every table: the Total of
    suicide by sex equals the Total of suicide by ethnicity (same period, same people)."""
    totals = {v["code"]: _rows_by_labels(v)[("Total",)]["events"]
              for v in document["views"] if v["outcome"]["code"] == "suicide"
              and len(v["dimensions"]) == 1}
    assert len(set(totals.values())) == 1, totals
    assert np.isfinite(list(totals.values())[0])


def test_make_publish_writes_the_file_once(tmp_path, default_database, census_catalog):
    """`make run` publishes (target `publish`, after `data`) when the file is absent, and
    leaves an up-to-date file alone. (-o: never reinstall the venv from inside a test.)"""
    (tmp_path / "census_mortality.duckdb").symlink_to(default_database)
    env = dict(os.environ, EXPLORER_DATA_DIR=str(tmp_path))
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "publish"]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "not rebuilding" in first.stdout
    assert f"Wrote {len(census_catalog.public_views)} public views" in first.stdout
    assert load_publication("census_mortality", tmp_path / "published" / "census_mortality.json")
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and "up to date; not publishing again" in second.stdout
