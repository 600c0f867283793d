"""The justice-education dataset in a real browser (Playwright + Debian chromium against
`streamlit run`, EXPLORER_DATA_DIR pointing at the justice-education database's folder): an
official picks the dataset, Explore shows pupils cautioned or sentenced by free school meals with
the linkage note beside the result (and by ethnic group, the flag for a group whose linkage
recall is notably lower), and the Data catalog page renders precision and recall, the linkage
model and the linkage-bias view. Screenshots: docs/screenshots/explore_linkage.png,
explore_linkage_flag.png and data_catalog_linkage.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import test_browser
from test_browser import (CHROMIUM, MENU_LINK, SHOTS, WAIT, _choose, _open, _submit_sign_in,
                          _wait_idle)

browser = test_browser.browser
page = test_browser.page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = "Pupils in England linked to youth justice records (synthetic, Data First style)"


@pytest.fixture(scope="module")
def justice_server(justice_db_path: Path, local_accounts):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (.ci/run installs it)")
    env = dict(os.environ, EXPLORER_DATA_DIR=str(justice_db_path.parent),
               EXPLORER_ACCOUNTS=str(local_accounts.path))
    with test_browser.streamlit_server(env) as url:
        yield url


TALL = {"width": 1400, "height": 5400}
"""Tall enough for the whole Data catalog page in one screenshot (Streamlit scrolls inside its
main container, so a full-page screenshot is the viewport)."""


def _sidebar_link(page, name: str):
    return page.locator(MENU_LINK).filter(has_text=name)


def _grid_texts(page) -> list[str]:
    """Cells of the page's data grids and static tables (Explore's table is a static one)."""
    return [*page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts(),
            *[text.strip() for text in page.locator('[data-testid="stTable"] td').all_inner_texts()]]


def _headers(page) -> list[str]:
    return page.locator('[data-testid="stDataFrame"] [role="columnheader"]').all_inner_texts()


def test_explore_and_the_data_catalog_show_linkage_quality_and_bias(page, justice_server,
                                                                     local_accounts):
    # (The dataset is picked after a page change inside the session: on the Home page opened
    # directly at "/", Streamlit 1.67 reruns the picker back to the first dataset.)
    _open(page, f"{justice_server}/sign_in")
    page.get_by_label("User name", exact=True).wait_for(timeout=WAIT)
    _submit_sign_in(page, "olivia", local_accounts.password("olivia"))
    _sidebar_link(page, "Home").click()
    _wait_idle(page)
    _choose(page, "Dataset", TITLE)
    page.get_by_text("Database ready: justice_education.duckdb").wait_for(timeout=WAIT)

    # Explore opens on the catalog's view: cautioned or sentenced, by free school meals
    _sidebar_link(page, "Explore").click()
    page.wait_for_selector(".js-plotly-plot .gtitle", timeout=WAIT)
    _wait_idle(page)
    title = page.locator(".js-plotly-plot .gtitle").first.text_content() or ""
    assert "autioned or sentenced" in title and "free school meals" in title.lower()
    note = page.get_by_text("Linkage quality (whole cohort): precision")
    note.wait_for(timeout=WAIT)
    assert note.is_visible()
    cells = _grid_texts(page)
    assert "Eligible for free school meals" in cells and "Not eligible" in cells
    page.screenshot(path=str(SHOTS / "explore_linkage.png"), full_page=True)

    # by ethnic group, a group whose linkage recall is notably lower is flagged beside the result
    _choose(page, "Break down by", "Ethnic group")
    flag = page.get_by_text("Linkage found fewer of the records").first
    flag.wait_for(timeout=WAIT)
    assert "(ethnic group)" in flag.inner_text()
    _wait_idle(page)
    page.screenshot(path=str(SHOTS / "explore_linkage_flag.png"), full_page=True)

    # the Data catalog page: precision and recall by group, the model, the linkage-bias view
    page.set_viewport_size(TALL)
    _sidebar_link(page, "Data catalog").click()
    page.get_by_role("heading", name="Linkage bias").wait_for(timeout=WAIT)
    page.get_by_text("Chi-square test of independence").first.wait_for(timeout=WAIT)
    _wait_idle(page)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=WAIT)
    assert page.get_by_role("heading", name="Precision and recall").is_visible()
    assert page.get_by_role("heading", name="The linkage model").is_visible()
    wanted = ["Recall (%)", "Precision (%)", "m probability", "Standardised difference"]
    page.wait_for_function(  # each grid draws its headers when it is drawn: wait for all four
        "(wanted) => { const shown = [...document.querySelectorAll("
        "'[data-testid=\"stDataFrame\"] [role=\"columnheader\"]')].map(h => h.innerText.trim());"
        " return wanted.every(w => shown.includes(w)); }", arg=wanted, timeout=WAIT)
    headers = _headers(page)
    assert set(wanted) <= set(headers)
    bias_chart = page.locator(".js-plotly-plot").nth(2)
    assert "Linked and unlinked records by sex" in (bias_chart.locator(".gtitle").text_content() or "")
    assert bias_chart.locator(".legendtext").all_text_contents() == ["Linked records",
                                                                    "Unlinked records"]
    page.screenshot(path=str(SHOTS / "data_catalog_linkage.png"), full_page=True)
