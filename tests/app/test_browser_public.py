"""The public summary in a real browser (Playwright + Debian chromium against `streamlit run`)
with a data directory that holds only the published file: no microdata database at all. A
public visitor opens it from the sidebar, sees every chart drawn, the headlines and the
Samaritans support notice, and downloads a CSV with GSS markers. Screenshot:
docs/screenshots/public_summary.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.release.published_file import load_publication
from test_browser import (CHROMIUM, MENU_LINK, SHOTS, WAIT, _open, _wait_idle, browser,  # noqa: F401
                          page, streamlit_server)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def public_server(published_only_dir):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (.ci/run installs it)")
    assert not list(published_only_dir.glob("*.duckdb"))
    env = dict(os.environ, EXPLORER_DATA_DIR=str(published_only_dir))
    env.pop("EXPLORER_ACCOUNTS", None)
    with streamlit_server(env) as url:
        yield url


def _wait_for_charts(page, count: int) -> None:
    page.wait_for_function(  # every chart drawn (a chart has several .main-svg layers)
        f"() => [...document.querySelectorAll('.js-plotly-plot')]"
        f".filter(plot => plot.querySelector('.main-svg')).length >= {count}", timeout=WAIT)


def test_public_summary_from_the_sidebar_without_a_database(page, public_server,
                                                            published_only_dir):
    publication = load_publication("census_mortality",
                                   published_only_dir / "published" / "census_mortality.json")
    _open(page, public_server)
    page.locator(MENU_LINK).filter(has_text="Public summary").click()
    page.get_by_role("heading", name="Public summary").wait_for(timeout=WAIT)
    _wait_for_charts(page, len(publication.views))
    _wait_idle(page)
    assert "/public_summary" in page.url
    assert page.locator(".js-plotly-plot").count() == len(publication.views)
    main = page.get_by_test_id("stMain")
    notice = main.locator('[data-testid="stAlert"]').filter(has_text="116 123")
    assert notice.first.is_visible()
    assert "jo@samaritans.org" in notice.first.inner_text()
    text = main.inner_text()
    for view in publication.views:
        assert view.title in text
        assert view.headline.split(" (")[0] in text  # "Between 2011 and 2021, ... the group "X""
    assert "Traceback" not in text and "Error" not in text
    # Streamlit scrolls inside its own container, so grow the window to the page's height to
    # capture every view in one screenshot.
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 12000)})
    _wait_for_charts(page, len(publication.views))
    _wait_idle(page)
    page.screenshot(path=str(SHOTS / "public_summary.png"), full_page=True)


def test_public_csv_download_has_markers_and_the_support_line(page, public_server):
    _open(page, f"{public_server}/public_summary")
    page.get_by_role("heading", name="Public summary").wait_for(timeout=WAIT)
    _wait_idle(page)
    # suicide by sex and age group (hidden, [z] and [u] cells), found by its widget key rather
    # than its position, which depends on how far the page has drawn
    button = page.locator(".st-key-public_download_suicide_by_sex_and_age button")
    button.wait_for(timeout=WAIT)
    with page.expect_download(timeout=WAIT) as download:
        button.click()
    assert download.value.suggested_filename == "census_mortality_suicide_by_sex_and_age.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Suicide by sex and age group")
    assert "116 123" in text and "jo@samaritans.org" in text
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body[0] == "sex,age_group,value,lower,upper,events,denominator,comparison,status,marker"
    assert any(line.endswith(",suppressed_primary,[c]") for line in body)
    assert not any(",hidden," in line for line in body)
    assert any(line.endswith("[z]") for line in body)


def test_the_public_task_suicide_and_disability_reads_in_plain_words(page, public_server,
                                                                     published_only_dir):
    """Issue 17, the public's task: "What does this say about suicide and disability?" The
    headline says how many times as high in words, the contents list reaches every view and the
    glossary, and the glossary explains the words a reader meets."""
    publication = load_publication("census_mortality",
                                   published_only_dir / "published" / "census_mortality.json")
    disability = next(view for view in publication.views if "disability" in view.title.lower())
    assert "times as high" in disability.headline and "person-years" not in disability.headline
    _open(page, f"{public_server}/public_summary")
    page.get_by_role("heading", name="Public summary").wait_for(timeout=WAIT)
    _wait_for_charts(page, len(publication.views))
    main = page.get_by_test_id("stMain")
    contents = main.locator("a[href^='#']").filter(has_text=disability.title)
    contents.first.click()
    heading = main.get_by_role("heading", name=disability.title)
    heading.wait_for(timeout=WAIT)
    assert heading.is_visible()
    assert disability.headline.split(" (")[0] in main.inner_text()
    main.locator("a[href^='#']").filter(has_text="Words used on this page").first.click()
    glossary = main.get_by_role("heading", name="Words used on this page")
    glossary.wait_for(timeout=WAIT)
    text = main.inner_text()
    for word in ("Person-years", "Age-standardised", "interval"):
        assert word.lower() in text.lower()
    assert page.get_by_text("Chart: ", exact=False).count() == len(publication.views)
