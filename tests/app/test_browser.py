"""Real-browser tests: Playwright driving Debian's chromium against `streamlit run` on a free
local port (TESTING.md). Screenshots of each page go to docs/screenshots/."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright import sync_api as playwright_api

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT = 90_000
#: A link of the app's own menu (explorer.auth.navigation draws it with st.page_link).
MENU_LINK = '[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]'

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(default_database_dir, local_accounts):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (.ci/run installs it)")
    env = dict(os.environ, EXPLORER_DATA_DIR=str(default_database_dir),
               EXPLORER_ACCOUNTS=str(local_accounts.path))
    with streamlit_server(env) as url:
        yield url


@contextlib.contextmanager
def streamlit_server(env: dict[str, str]):
    """`streamlit run app.py` on a free local port with ``env``; yields its URL once healthy."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.5)
    else:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("streamlit did not start")
    try:
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2600}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=WAIT)


def _wait_idle(page) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT)


def _submit_sign_in(page, user: str, password: str) -> None:
    """Fill in and submit the sign-in page's form (the page must be showing it)."""
    page.get_by_label("User name", exact=True).fill(user)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    _wait_idle(page)


def _open_signed_in(page, url: str, user: str, password: str) -> None:
    """Open ``url`` in a new session: the page refuses a public visitor, so follow its
    "Sign in" link and sign in; the app then returns to ``url`` with its query string."""
    _open(page, url)
    page.get_by_text("Please sign in to open it").wait_for(timeout=WAIT)
    page.get_by_test_id("stMain").get_by_role("link", name="Sign in").click()
    _submit_sign_in(page, user, password)


def _choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.get_by_role("button", name="Open").click()
    page.get_by_role("option", name=option, exact=True).click()
    _wait_idle(page)


def _chart_title(page) -> str:
    page.wait_for_selector(".js-plotly-plot .gtitle", timeout=WAIT)
    return page.locator(".js-plotly-plot .gtitle").first.text_content() or ""


def test_home_and_catalog_pages_render(page, server, local_accounts):
    _open(page, server)
    page.get_by_text("Linked Data Inequalities Explorer").first.wait_for(timeout=WAIT)
    page.screenshot(path=str(SHOTS / "home.png"), full_page=True)
    page.locator(MENU_LINK).filter(has_text="Sign in").click()
    _submit_sign_in(page, "olivia", local_accounts.password("olivia"))
    page.locator(MENU_LINK).filter(has_text="Data catalog").click()
    page.get_by_text("Dimensions").first.wait_for(timeout=WAIT)
    _wait_idle(page)
    page.screenshot(path=str(SHOTS / "data_catalog.png"), full_page=True)


def test_explore_chart_selector_download_and_shared_url(page, server, local_accounts):
    password = local_accounts.password("olivia")
    _open_signed_in(page, f"{server}/explore?outcome=suicide&measure=asmr&by=ethnicity_detailed"
                    "&where.region=wales", "olivia", password)
    first_title = _chart_title(page)
    assert "Age-standardised" in first_title or "age-standardised" in first_title
    _wait_idle(page)
    page.screenshot(path=str(SHOTS / "explore.png"), full_page=True)

    with page.expect_download(timeout=WAIT) as download:
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "[c]" in text and text.startswith("#")

    with page.expect_download(timeout=WAIT) as download:
        page.locator('[data-testid="stDownloadButton"] button').filter(has_text="Excel").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames == ["Cover", "Table", "Trend"]
    cells = [row for row in workbook["Table"].iter_rows(values_only=True)]
    markers = cells[0].index("marker")
    assert any(row[markers] and "[c]" in row[markers] for row in cells[1:])

    _choose(page, "Measure", "Crude rate per 100,000 person-years")
    page.wait_for_function(
        "(old) => { const t = document.querySelector('.js-plotly-plot .gtitle');"
        " return t && t.textContent !== old; }", arg=first_title, timeout=WAIT)
    assert "rude rate" in _chart_title(page)
    page.wait_for_function("() => location.search.includes('measure=crude_rate')", timeout=WAIT)
    shared = page.url

    # another browser (the same browser would keep her signed in: test_browser_sign_in.py)
    other = page.context.browser.new_context(viewport={"width": 1400, "height": 2600}).new_page()
    _open_signed_in(other, shared, "olivia", password)
    assert "rude rate" in _chart_title(other)
    measure_box = other.get_by_role("combobox", name="Measure")
    assert measure_box.input_value() == "Crude rate per 100,000 person-years"
    other.context.close()


def test_tampered_url_shows_a_notice(page, server, local_accounts):
    _open_signed_in(page, f"{server}/explore?measure=nonsense", "olivia",
                    local_accounts.password("olivia"))
    page.get_by_text("Ignored measure").first.wait_for(timeout=WAIT)
    _chart_title(page)
    page.screenshot(path=str(SHOTS / "explore_tampered_url.png"), full_page=True)
