"""The public summary page (AppTest from app.py, as a public visitor): it renders from the
published file alone, with the microdata database file absent and the database layer never
called; it shows the support notice for suicide views, a headline, a chart and a CSV download
per view; and a clear message when nothing has been published."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.release.published_file import load_publication
from explorer.catalog.safe_messaging import wording_problems
from explorer.sdc.status import CellStatus

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/public_summary.py"
pytestmark = [pytest.mark.app]


@pytest.fixture
def database_forbidden(monkeypatch):
    """Any attempt to open a DuckDB database fails the test."""
    import duckdb

    import explorer.db.connection as connection

    def refuse(*args, **kwargs):
        raise AssertionError(f"the public page opened a database: {args}")

    monkeypatch.setattr(duckdb, "connect", refuse)
    monkeypatch.setattr(connection, "open_database", refuse)


def _public_page(monkeypatch, data_dir: Path) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    return at.switch_page(PAGE).run()


def test_public_page_renders_without_the_database(monkeypatch, published_only_dir,
                                                  database_forbidden, census_catalog):
    assert sorted(p.name for p in published_only_dir.rglob("*") if p.is_file()) == \
        ["census_mortality.json"]
    at = _public_page(monkeypatch, published_only_dir)
    assert not at.exception and not at.error
    publication = load_publication("census_mortality", published_only_dir / "published" /
                                   "census_mortality.json")
    views = publication.views
    assert len(views) == len(census_catalog.public_views)

    headers = [header.value for header in at.header]
    assert headers[:len(views)] == [view.title for view in views]
    markdown = [element.value for element in at.markdown]
    for view in views:
        assert f"**{view.headline}**" in markdown
        assert view.what_it_means in markdown and view.what_it_does_not_mean in markdown
    assert len(at.get("plotly_chart")) == len(views)

    downloads = at.get("download_button")
    assert len(downloads) == len(views)
    assert [button.proto.label for button in downloads] == ["Download this table (CSV)"] * len(views)
    assert [button.proto.id.split("-")[-1] for button in downloads] == [
        f"public_download_{view.code}" for view in views]

    assert "What this shows" in " ".join(markdown) and "What this does not show" in " ".join(markdown)
    assert any("Disclosure control" in text for text in markdown)


def test_support_notice_shows_with_every_suicide_view(monkeypatch, published_only_dir,
                                                      database_forbidden):
    at = _public_page(monkeypatch, published_only_dir)
    notice = [info.value for info in at.info]
    assert len(notice) == 1 and "116 123" in notice[0] and "jo@samaritans.org" in notice[0]
    notices = [markdown.value for markdown in at.markdown]  # markdown, not captions: contrast
    suicide_views = [v for v in load_publication(
        "census_mortality", published_only_dir / "published" / "census_mortality.json").views
        if v.about_suicide]
    assert sum("116 123" in text for text in notices) == len(suicide_views)
    page_text = " ".join(element.value for element in [*at.markdown, *at.caption, *at.info]
                         if isinstance(element.value, str))
    assert "commit" not in page_text.casefold()
    for view in suicide_views:
        assert not wording_problems(view.headline)


def test_page_without_suicide_views_shows_no_notice(monkeypatch, tmp_path, published_only_dir):
    source = published_only_dir / "published" / "census_mortality.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    document["views"] = [v for v in document["views"] if not v["about_suicide"]]
    target = tmp_path / "published" / "census_mortality.json"
    target.parent.mkdir()
    target.write_text(json.dumps(document), encoding="utf-8")
    at = _public_page(monkeypatch, tmp_path)
    assert not at.exception and not at.info
    assert [header.value for header in at.header][0] == document["views"][0]["title"]


def test_absent_published_file_says_how_to_publish(monkeypatch, tmp_path, database_forbidden):
    at = _public_page(monkeypatch, tmp_path)
    assert not at.exception
    warnings = [warning.value for warning in at.warning]
    assert len(warnings) == 1
    assert "No public summary has been published" in warnings[0]
    assert "python -m explorer publish --dataset census_mortality" in warnings[0]
    assert not at.get("plotly_chart") and not at.get("download_button")


def test_malformed_published_file_is_a_message_not_a_stack_trace(monkeypatch, tmp_path,
                                                                 published_only_dir):
    shutil.copytree(published_only_dir / "published", tmp_path / "published")
    path = tmp_path / "published" / "census_mortality.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    hidden = next(row for view in document["views"] for row in view["table"]["rows"]
                  if CellStatus(row["status"]).hidden)
    hidden["events"] = 3  # a hidden cell must never carry a count
    path.write_text(json.dumps(document), encoding="utf-8")
    at = _public_page(monkeypatch, tmp_path)
    assert not at.exception
    assert "a hidden cell carries a number" in at.warning[0].value
    assert not at.get("plotly_chart")


def test_public_charts_take_totals_and_reference_from_the_file(monkeypatch, published_only_dir):
    """The file carries each row's flags, so the public charts mark the reference group and
    the total without the catalog (which the public page does not read for them)."""
    import explorer.catalog

    from explorer.app.charts import chart_for, margin_rows

    def refuse(*args, **kwargs):
        raise AssertionError("the public charts loaded the catalog")

    monkeypatch.setattr(explorer.catalog, "load_catalog", refuse)
    publication = load_publication("census_mortality", published_only_dir / "published" /
                                   "census_mortality.json")
    by_sex = next(view for view in publication.views if view.code == "suicide_by_sex")
    names = [trace.name for trace in chart_for(by_sex.table).data]
    assert names == ["Higher than Female", "Female (the group others are compared with)", "Everyone (total)"]
    for view in publication.views:
        assert (margin_rows(view.table) == ~view.interior).all()
        chart_for(view.table)


def test_contents_list_links_to_every_view_and_the_glossary(monkeypatch, published_only_dir,
                                                            database_forbidden):
    at = _public_page(monkeypatch, published_only_dir)
    assert not at.exception and not at.error
    publication = load_publication("census_mortality", published_only_dir / "published" /
                                   "census_mortality.json")
    markdown = [element.value for element in at.markdown]
    contents = next(text for text in markdown if text.startswith("**On this page**"))
    # the contents come before the first view's heading: it is the first markdown with links
    assert markdown.index(contents) < markdown.index(f"**{publication.views[0].headline}**")
    links = re.findall(r"- \[([^\]]+)\]\(#([^)]+)\)", contents)
    assert links == [(view.title, view.code) for view in publication.views] + [
        ("Words used on this page", "words-used-on-this-page"), ("About these figures", "about")]
    anchors = [header.proto.anchor for header in at.header]
    for _, anchor in links:
        assert anchor in anchors  # every link has its heading on the page


def test_glossary_explains_the_jargon_in_plain_words(monkeypatch, published_only_dir,
                                                     database_forbidden):
    at = _public_page(monkeypatch, published_only_dir)
    headers = [header.value for header in at.header]
    assert "Words used on this page" in headers
    markdown = [element.value for element in at.markdown]
    words = next(text for text in markdown if text.startswith("- **Person-years"))
    for term in ("Person-years", "Age-standardised", "Interval (95% confidence interval)",
                 "[c] hidden", "[u] less reliable", "[x] not available", "[z] not applicable"):
        assert f"- **{term}" in words, term
    assert not wording_problems(words)
    # the headlines themselves avoid the jargon the glossary explains
    publication = load_publication("census_mortality", published_only_dir / "published" /
                                   "census_mortality.json")
    for view in publication.views:
        for jargon in ("person-years", "confidence interval", "cohort"):
            assert jargon not in view.headline, (jargon, view.headline)


def test_every_chart_is_accessible_and_has_its_text_alternative(monkeypatch, published_only_dir,
                                                                database_forbidden):
    from explorer.app.chart_text import chart_summary
    from explorer.app.charts import CHART_CONFIG

    at = _public_page(monkeypatch, published_only_dir)
    publication = load_publication("census_mortality", published_only_dir / "published" /
                                   "census_mortality.json")
    captions = [caption.value for caption in at.caption]
    for view in publication.views:
        assert f"Chart: {chart_summary(view.table)}" in captions
    charts = at.get("plotly_chart")
    assert len(charts) == len(publication.views)
    for chart in charts:
        assert chart.proto.theme == ""  # theme=None: plotly's own, contrast-checked layout
        assert json.loads(chart.proto.config) == CHART_CONFIG
