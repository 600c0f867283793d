"""A freshly started server's first paint (issue 16): with pages/ beside app.py, Streamlit starts
in its legacy pages-directory mode and used to show its own file-name page list ("app, data
catalog, explore, ...") until app.py's router took over. The app now hides Streamlit's page
list (client.showSidebarNavigation = false) and draws the role's own menu first, and a page
run alone hands over to the router (explorer.app.cached.require_router). Each test starts its
own server, so its first page is the server's first run. Screenshot:
docs/screenshots/first_paint.png."""

from __future__ import annotations

import os

import pytest
import test_browser
from test_browser import MENU_LINK, SHOTS, WAIT, _wait_idle, streamlit_server

browser = test_browser.browser  # Debian's chromium, once per module

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUBLIC_MENU = ["Home", "Public summary", "Sign in"]
FILE_NAMES = {"app", "data catalog", "explore", "home", "public summary", "review", "sign in"}

# Records, from the very first DOM change, every Streamlit page-list link ever drawn.
WATCH_STREAMLIT_NAV = """
window.__streamlitNav = [];
new MutationObserver(() => {
  for (const link of document.querySelectorAll('[data-testid="stSidebarNav"] a, '
                                               + 'a[data-testid="stSidebarNavLink"]')) {
    window.__streamlitNav.push(link.innerText.trim());
  }
}).observe(document, {childList: true, subtree: true});
"""


@pytest.fixture
def fresh_server(default_database_dir, local_accounts):
    env = dict(os.environ, EXPLORER_DATA_DIR=str(default_database_dir),
               EXPLORER_ACCOUNTS=str(local_accounts.path))
    with streamlit_server(env) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(WATCH_STREAMLIT_NAV)
    page = context.new_page()
    yield page
    context.close()


def _menu_at_first_paint(page) -> list[str]:
    """The sidebar's menu as soon as its first link is drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=WAIT)
    page.wait_for_selector(MENU_LINK, timeout=WAIT)
    return [text.strip().splitlines()[-1] for text in page.locator(MENU_LINK).all_inner_texts()]


def _streamlit_page_list(page) -> list[str]:
    return page.evaluate("window.__streamlitNav")


def test_first_paint_of_a_fresh_server_shows_the_role_menu(page, fresh_server):
    page.goto(fresh_server)
    menu = _menu_at_first_paint(page)
    page.screenshot(path=str(SHOTS / "first_paint.png"))
    assert menu == PUBLIC_MENU
    assert _streamlit_page_list(page) == []
    links = page.get_by_test_id("stSidebar").locator("a").all_inner_texts()
    assert not FILE_NAMES & {text.strip().splitlines()[-1] for text in links}  # less the icon

    page.get_by_text("You are reading the public pages").wait_for(timeout=WAIT)
    assert _streamlit_page_list(page) == []
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


def test_a_deep_link_as_a_fresh_servers_first_visit_runs_inside_the_router(page, fresh_server):
    """The first run of /review on a fresh server runs pages/review.py alone (Streamlit's
    pages-directory mode); it hands over to app.py, which refuses a public visitor politely,
    with the menu and the dataset picker."""
    page.goto(f"{fresh_server}/review")
    assert _menu_at_first_paint(page) == PUBLIC_MENU
    page.get_by_text("this page is only open to statisticians").wait_for(timeout=WAIT)
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Dataset").wait_for(timeout=WAIT)
    _wait_idle(page)
    page.screenshot(path=str(SHOTS / "first_paint_deep_link.png"))
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _streamlit_page_list(page) == []
