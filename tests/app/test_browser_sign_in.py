"""A sign-in that lasts, in a real browser (Playwright + Debian chromium against `streamlit run`
started here, with an accounts file of this module's own): a reload and a permalink opened in
the same browser keep an official signed in on the same view; a statistician demoted in the
accounts file loses the review page at the next request; sign-out ends it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import test_browser
from test_browser import ROOT, WAIT, _open, _submit_sign_in, _wait_idle, streamlit_server

browser = test_browser.browser
page = test_browser.page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORDS = {"olivia": "olivia's long password", "sam": "sam's long password"}
VIEW = "explore?outcome=suicide&measure=count&by=sex"
REFUSED = "this page is only open to"


def _add_user(path, user: str, role: str, *, replace: bool = False) -> None:
    """`python -m explorer add-user`, as an administrator would."""
    subprocess.run([sys.executable, "-m", "explorer", "add-user", "--user", user, "--role", role,
                    "--accounts", str(path), "--password-stdin", *(["--replace"] * replace)],
                   input=PASSWORDS[user] + "\n", text=True, check=True, capture_output=True,
                   cwd=ROOT)


@pytest.fixture(scope="module")
def accounts(tmp_path_factory):
    path = tmp_path_factory.mktemp("sign_in_accounts") / "accounts.json"
    _add_user(path, "olivia", "official")
    _add_user(path, "sam", "statistician")
    return path


@pytest.fixture(scope="module")
def server(default_database_dir, accounts):
    env = dict(os.environ, EXPLORER_DATA_DIR=str(default_database_dir),
               EXPLORER_ACCOUNTS=str(accounts))
    with streamlit_server(env) as url:
        yield url


def _main(page):
    return page.get_by_test_id("stMain")


def _sidebar(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def _sign_in_from_refusal(page, user: str) -> None:
    page.get_by_text("Please sign in to open it").wait_for(timeout=WAIT)
    _main(page).get_by_role("link", name="Sign in").click()
    _submit_sign_in(page, user, PASSWORDS[user])


def _on_the_view(page, user_line: str) -> None:
    """The Explore view VIEW is showing, signed in, with no refusal."""
    page.wait_for_selector(".js-plotly-plot", timeout=WAIT)
    _main(page).get_by_role("heading", name="Explore").wait_for(timeout=WAIT)
    _wait_idle(page)
    assert REFUSED not in _main(page).inner_text()
    assert user_line in _sidebar(page)
    assert page.get_by_role("combobox", name="Measure").input_value() == "Number of deaths"
    assert "measure=count" in page.url and "by=sex" in page.url


def test_reload_and_a_permalink_keep_the_official_signed_in_on_the_view(page, server):
    _open(page, f"{server}/{VIEW}")
    _sign_in_from_refusal(page, "olivia")
    page.wait_for_function("() => location.pathname.endsWith('/explore')", timeout=WAIT)
    _on_the_view(page, "Signed in as olivia (official)")

    cookies = {c["name"]: c for c in page.context.cookies()}
    cookie = cookies["explorer_session"]
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert 8 * 3600 - 300 < cookie["expires"] - time.time() <= 8 * 3600
    assert "olivia" not in cookie["value"] and "official" not in cookie["value"]

    page.reload()  # a reload starts a new Streamlit session: the cookie signs it in
    page.wait_for_selector('[data-testid="stApp"]', timeout=WAIT)
    _on_the_view(page, "Signed in as olivia (official)")

    permalink = page.context.new_page()  # a shared link opened in the same browser
    _open(permalink, f"{server}/{VIEW}")
    _on_the_view(permalink, "Signed in as olivia (official)")

    # sign-out ends it: the cookie is cleared and the link is refused again
    permalink.get_by_role("button", name="Sign out").click()
    permalink.wait_for_function(
        "() => !document.cookie.includes('explorer_session=v1')", timeout=WAIT)
    _open(permalink, f"{server}/{VIEW}")
    permalink.get_by_text("Please sign in to open it").wait_for(timeout=WAIT)
    assert "Signed in as" not in _sidebar(permalink)
    # the first tab's session is signed out at its next request too (the token is revoked)
    page.reload()
    page.get_by_text("Please sign in to open it").wait_for(timeout=WAIT)


def test_a_demoted_statistician_loses_the_review_page_at_the_next_request(page, server,
                                                                          accounts):
    _open(page, f"{server}/review")
    _sign_in_from_refusal(page, "sam")
    page.get_by_text("True values: for output checking only").wait_for(timeout=WAIT)
    page.wait_for_function("() => location.pathname.endsWith('/review')", timeout=WAIT)
    _wait_idle(page)
    assert "Signed in as sam (statistician)" in _sidebar(page)

    _add_user(accounts, "sam", "official", replace=True)  # the administrator demotes sam
    try:
        # the next request within the same session: any rerun, here a widget on the page
        _main(page).locator('[data-testid="stRadio"]').get_by_text("Public", exact=True).click()
        page.get_by_text(f"{REFUSED} statisticians").wait_for(timeout=WAIT)
        _wait_idle(page)
        assert "True values" not in _main(page).inner_text()
        assert "Signed in as sam" not in _sidebar(page)

        page.reload()  # nor does the browser's cookie sign the old role back in
        page.get_by_text(f"{REFUSED} statisticians").wait_for(timeout=WAIT)
        assert "Please sign in to open it" in _main(page).inner_text()
    finally:
        _add_user(accounts, "sam", "statistician", replace=True)


def test_the_latest_sign_in_in_a_browser_wins_and_other_tabs_do_not_undo_it(page, server):
    _open(page, f"{server}/sign_in")
    _submit_sign_in(page, "olivia", PASSWORDS["olivia"])
    page.get_by_text("You are signed in as olivia (official)").wait_for(timeout=WAIT)

    other = page.context.new_page()  # the same browser: already olivia, who signs out there
    _open(other, f"{server}/sign_in")
    other.get_by_text("You are signed in as olivia (official)").wait_for(timeout=WAIT)
    _main(other).get_by_role("button", name="Sign out").click()
    _wait_idle(other)
    _open(other, f"{server}/sign_in")
    _submit_sign_in(other, "sam", PASSWORDS["sam"])
    other.get_by_text("You are signed in as sam (statistician)").wait_for(timeout=WAIT)

    # the first tab's session ended with olivia's token; its next run clears only that token
    page.locator(test_browser.MENU_LINK).filter(has_text="Home").first.click()
    _wait_idle(page)
    assert "Signed in as olivia" not in _sidebar(page)
    page.wait_for_timeout(1000)
    page.reload()  # the browser's cookie is sam's now
    page.wait_for_selector('[data-testid="stApp"]', timeout=WAIT)
    page.get_by_text("Signed in as sam (statistician)").wait_for(timeout=WAIT)
