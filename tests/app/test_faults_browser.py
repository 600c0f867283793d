"""In a real browser (Playwright + Debian chromium against `streamlit run`), a corrupt database
shows one plain message and no traceback: to the public on Home, and to a signed-in official on
Home and Explore, with no server path anywhere on the page."""

from __future__ import annotations

import os

import pytest
import test_browser
from test_browser import SHOTS, WAIT, _open, _submit_sign_in, _wait_idle, streamlit_server

from fixtures.database_faults import faulty_database

browser = test_browser.browser
page = test_browser.page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNREADABLE = "The database for this dataset cannot be read; an administrator needs to rebuild it."


def _menu_link(page, label: str):
    """A link of the sidebar's menu, whichever element draws it."""
    return page.get_by_test_id("stSidebar").locator("a").filter(has_text=label).first


def _assert_no_traceback(page, data_dir) -> str:
    text = page.get_by_test_id("stApp").inner_text()
    assert "Traceback" not in text and 'File "' not in text
    assert str(data_dir) not in text and ".duckdb" not in text.replace("census_mortality.duckdb", "")
    assert page.get_by_test_id("stException").count() == 0
    return text


def test_a_corrupt_database_shows_one_message_and_no_traceback(page, tmp_path, small_database,
                                                              local_accounts):
    data_dir = tmp_path / "data"
    with faulty_database("corrupt", small_database, data_dir / "census_mortality.duckdb"):
        env = dict(os.environ, EXPLORER_DATA_DIR=str(data_dir),
                   EXPLORER_ACCOUNTS=str(local_accounts.path))
        with streamlit_server(env) as url:
            _open(page, url)
            page.get_by_text("The data for this dataset are not available yet.").wait_for(timeout=WAIT)
            _wait_idle(page)
            _assert_no_traceback(page, data_dir)

            page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]').filter(has_text="Sign in").click()
            _submit_sign_in(page, "olivia", local_accounts.password("olivia"))
            page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]').filter(has_text="Explore").click()
            page.get_by_text(UNREADABLE).wait_for(timeout=WAIT)
            _wait_idle(page)
            text = _assert_no_traceback(page, data_dir)
            assert text.count(UNREADABLE) == 1
            assert page.get_by_test_id("stAlert").count() == 1
            page.screenshot(path=str(SHOTS / "fault_corrupt_database.png"), full_page=True)
