"""The published file keeps the ``comparison`` column and its sentence (issue 17): a round trip
gives back the marks of the MeasureTable that was published; a file published before the
column gets it computed from its shown numbers; a tampered comparison is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.release.published_file import PublishedFileError, display_frame, load_publication
from explorer.release.publish import build_view_table, is_current, publish

pytestmark = pytest.mark.sql


@pytest.fixture(scope="module")
def published(tmp_path_factory, census_catalog, default_database) -> Path:
    out = tmp_path_factory.mktemp("published_comparison") / "census_mortality.json"
    publish(census_catalog, database_path=default_database, out=out)
    return out


def test_round_trip_keeps_the_comparison_column(published, census_catalog, database):
    document = json.loads(published.read_text(encoding="utf-8"))
    publication = load_publication("census_mortality", published)
    for raw, view, public in zip(document["views"], publication.views, census_catalog.public_views):
        table = build_view_table(census_catalog, public, database)
        assert [row["comparison"] for row in raw["table"]["rows"]] == table.frame["comparison"].tolist()
        assert raw["table"]["comparison_text"] == table.comparison_text
        assert view.table.frame["comparison"].tolist() == table.frame["comparison"].tolist()
        assert view.table.comparison_text == table.comparison_text
        columns = list(view.table.frame.columns)
        assert columns[columns.index("denominator") + 1] == "comparison"
        assert "Compared with benchmark" in display_frame(view).columns
    marks = {row["comparison"] for raw in document["views"] for row in raw["table"]["rows"]}
    assert "benchmark" in marks and marks & {"higher", "lower", "similar"}


def test_a_file_published_before_the_column_gets_it_computed(tmp_path, published,
                                                             census_catalog):
    document = json.loads(published.read_text(encoding="utf-8"))
    for raw in document["views"]:
        raw["table"].pop("comparison_text")
        for row in raw["table"]["rows"]:
            row.pop("comparison")
    old = tmp_path / "census_mortality.json"
    old.write_text(json.dumps(document), encoding="utf-8")
    assert is_current(census_catalog, published)
    assert not is_current(census_catalog, old)  # publish --if-absent writes it again
    assert not load_publication("census_mortality", old).carries_comparisons
    before = {view.code: view for view in load_publication("census_mortality", published).views}
    for view in load_publication("census_mortality", old).views:
        assert "comparison" in view.table.frame.columns
        if len(view.dimensions) == 1:  # the reference group is the row flagged is_reference
            assert view.table.frame["comparison"].tolist() == \
                before[view.code].table.frame["comparison"].tolist()
            assert view.table.comparison_text == before[view.code].table.comparison_text
        else:  # no catalog to name a two-way table's reference group: not compared
            assert set(view.table.frame["comparison"]) == {""}


@pytest.mark.parametrize("mutate, phrase", [
    (lambda rows: rows[0].update(comparison="much higher"), "comparison"),
    (lambda rows: rows[0].pop("comparison"), "some rows have a comparison"),
    (lambda rows: next(row for row in rows if row["value"] is None).update(comparison="lower"),
     "carries a comparison"),
])
def test_a_tampered_comparison_is_refused(tmp_path, published, mutate, phrase):
    document = json.loads(published.read_text(encoding="utf-8"))
    view = next(view for view in document["views"]
                if any(row["value"] is None for row in view["table"]["rows"]))
    mutate(view["table"]["rows"])
    broken = tmp_path / "census_mortality.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PublishedFileError, match=phrase):
        load_publication("census_mortality", broken)
