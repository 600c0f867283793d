"""Sign-in and roles in a real browser (Playwright + Debian chromium against `streamlit run`,
with EXPLORER_ACCOUNTS pointing at an accounts file made by `python -m explorer add-user`):
each role's sidebar lists only its pages, and a page's URL it may not open shows a polite
refusal. Screenshots: docs/screenshots/sign_in.png, refusal.png and review.png."""

from __future__ import annotations

import pytest
import test_browser
from test_browser import MENU_LINK, SHOTS, WAIT, _open, _submit_sign_in, _wait_idle

# test_browser.py's fixtures: a `streamlit run` server (EXPLORER_ACCOUNTS -> conftest's
# accounts file made with add-user), Debian's chromium, and a fresh page per test.
server = test_browser.server
browser = test_browser.browser
page = test_browser.page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUBLIC_MENU = ["Home", "Public summary", "Sign in"]
OFFICIAL_MENU = ["Home", "Public summary", "Explore", "Data catalog"]
STATISTICIAN_MENU = [*OFFICIAL_MENU, "Disclosure review"]
REFUSED = "this page is only open to statisticians"


def _menu(page) -> list[str]:
    links = page.locator(MENU_LINK)
    links.first.wait_for(timeout=WAIT)
    return [text.strip().splitlines()[-1] for text in links.all_inner_texts()]  # less the icon


def _main(page):
    return page.get_by_test_id("stMain")


def _follow_sign_in_link(page) -> None:
    _main(page).get_by_role("link", name="Sign in").click()
    page.get_by_label("User name", exact=True).wait_for(timeout=WAIT)


def test_public_visitor_sees_public_pages_and_is_refused_at_review(page, server):
    _open(page, server)
    page.get_by_text("You are reading the public pages").wait_for(timeout=WAIT)
    assert _menu(page) == PUBLIC_MENU

    _open(page, f"{server}/review")
    page.get_by_text(REFUSED).wait_for(timeout=WAIT)
    _wait_idle(page)
    assert "Please sign in to open it" in _main(page).inner_text()
    assert _main(page).get_by_role("heading", name="Disclosure review").is_visible()
    assert page.get_by_text("Page not found").count() == 0  # a refusal, not Streamlit's 404
    assert _main(page).locator('[data-testid="stSelectbox"]').count() == 0
    assert _menu(page) == PUBLIC_MENU
    page.screenshot(path=str(SHOTS / "refusal.png"), full_page=True)

    _open(page, f"{server}/explore")
    page.get_by_text("this page is only open to officials and statisticians").wait_for(timeout=WAIT)


def test_official_signs_in_sees_explore_and_is_refused_at_review(page, server, local_accounts):
    _open(page, f"{server}/review")
    page.get_by_text(REFUSED).wait_for(timeout=WAIT)
    _follow_sign_in_link(page)
    page.get_by_label("User name", exact=True).fill("olivia")
    _wait_idle(page)
    page.screenshot(path=str(SHOTS / "sign_in.png"), full_page=True)
    _submit_sign_in(page, "olivia", local_accounts.password("olivia"))

    # an official may not open the review page she asked for: she stays on the sign-in page
    page.get_by_text("You are signed in as olivia (official)").wait_for(timeout=WAIT)
    assert _menu(page) == OFFICIAL_MENU
    assert "Signed in as olivia (official)" in page.get_by_test_id("stSidebar").inner_text()

    # the review URL, reached inside her session (browser history), is refused
    page.go_back()
    page.get_by_text(REFUSED).wait_for(timeout=WAIT)
    assert "You are signed in as olivia (official)" in _main(page).inner_text()
    assert _main(page).locator('[data-testid="stSelectbox"]').count() == 0

    page.locator(MENU_LINK).filter(has_text="Explore").click()
    page.wait_for_selector(".js-plotly-plot", timeout=WAIT)
    _main(page).get_by_role("heading", name="Explore").wait_for(timeout=WAIT)
    assert REFUSED not in _main(page).inner_text()


def test_statistician_signs_in_and_the_review_page_opens(page, server, local_accounts):
    _open(page, f"{server}/review")
    page.get_by_text(REFUSED).wait_for(timeout=WAIT)
    _follow_sign_in_link(page)
    _submit_sign_in(page, "sam", local_accounts.password("sam"))

    # signed in, the app returns to the page that was refused
    page.get_by_text("True values: for output checking only").wait_for(timeout=WAIT)
    page.wait_for_function("() => location.pathname.endsWith('/review')", timeout=WAIT)
    assert REFUSED not in _main(page).inner_text()
    assert _menu(page) == STATISTICIAN_MENU
    page.wait_for_selector('[data-testid="stTable"]', timeout=WAIT)  # the cells with true values
    _wait_idle(page)
    page.screenshot(path=str(SHOTS / "review.png"), full_page=True)

    page.locator(MENU_LINK).filter(has_text="Home").click()
    page.get_by_text("The pages open to you are in the menu").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are reading the public pages").wait_for(timeout=WAIT)
    assert _menu(page) == PUBLIC_MENU


def test_wrong_password_shows_a_clear_error(page, server):
    _open(page, f"{server}/sign_in")
    page.get_by_label("User name", exact=True).wait_for(timeout=WAIT)
    _submit_sign_in(page, "olivia", "not her password")
    page.get_by_text("Wrong user name or password.").wait_for(timeout=WAIT)
    assert _menu(page) == PUBLIC_MENU
