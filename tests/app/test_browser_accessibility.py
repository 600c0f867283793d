"""Accessibility (issues 16 and 17): axe-core (axe-playwright-python), run with the WCAG 2.0,
2.1 and 2.2 A and AA rules, finds no serious or critical violation on any page, for any role:
the public visitor's pages (Home, Public summary, Sign in), an official's (also Explore, Data
catalog) and a statistician's (also Disclosure review). Every violation found is listed in the
failure message. Charts add no stops to the tab order (no plotly toolbar), and every chart has
a text alternative beside it. A screenshot of every page for every role goes to
docs/screenshots/<role>_<page>.png."""

from __future__ import annotations

import os

import pytest
import test_browser
from axe_playwright_python.sync_playwright import Axe
from test_browser import MENU_LINK, WAIT, _open, _submit_sign_in, _wait_idle, streamlit_server

browser = test_browser.browser
page = test_browser.page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUBLIC_PAGES = ["Home", "Public summary", "Sign in"]
OFFICIAL_PAGES = ["Home", "Public summary", "Explore", "Data catalog"]
STATISTICIAN_PAGES = [*OFFICIAL_PAGES, "Disclosure review"]
BLOCKING = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
SHOTS = test_browser.SHOTS
HEADINGS = {"Home": "Linked Data Inequalities Explorer", "Data catalog": "About the data"}
#: What each page draws last: axe runs once it is there.
LOADED = {"Explore": ".js-plotly-plot", "Public summary": ".js-plotly-plot",
          "Disclosure review": '[data-testid="stTable"]'}


@pytest.fixture(scope="module")
def server(tmp_path_factory, default_database, published_only_dir, local_accounts):
    """A server whose data directory holds both the test database (Explore, Data catalog,
    Disclosure review) and the published public views (Public summary's charts)."""
    directory = tmp_path_factory.mktemp("axe_data")
    (directory / default_database.name).symlink_to(default_database)
    (directory / "published").symlink_to(published_only_dir / "published")
    env = dict(os.environ, EXPLORER_DATA_DIR=str(directory),
               EXPLORER_ACCOUNTS=str(local_accounts.path))
    with streamlit_server(env) as url:
        yield url


def _open_page(page, title: str) -> None:
    page.locator(MENU_LINK).filter(has_text=title).first.click()
    page.get_by_test_id("stMain").get_by_role("heading", name=HEADINGS.get(title, title)).first.wait_for(timeout=WAIT)
    if title in LOADED:
        page.wait_for_selector(LOADED[title], timeout=WAIT)
    _wait_idle(page)


def _blocking_violations(page) -> list[str]:
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in violations if v["impact"] in BLOCKING]


@pytest.mark.parametrize("user, pages", [(None, PUBLIC_PAGES), ("olivia", OFFICIAL_PAGES),
                                         ("sam", STATISTICIAN_PAGES)],
                         ids=["public", "official", "statistician"])
def test_no_serious_or_critical_axe_violations_on_any_page(page, server, local_accounts, user,
                                                           pages):
    _open(page, f"{server}/sign_in")
    page.get_by_label("User name", exact=True).wait_for(timeout=WAIT)
    if user is not None:
        _submit_sign_in(page, user, local_accounts.password(user))
        page.get_by_text(f"You are signed in as {user}").wait_for(timeout=WAIT)
    found = {}
    role = user and {"olivia": "official", "sam": "statistician"}[user] or "public"
    for title in pages:
        _open_page(page, title)
        found[title] = _blocking_violations(page)
        found[title] += _chart_problems(page)
        page.screenshot(path=str(SHOTS / f"{role}_{title.lower().replace(' ', '_')}.png"),
                        full_page=True)
    assert [link.strip().splitlines()[-1] for link in page.locator(MENU_LINK).all_inner_texts()] \
        == pages
    assert not any(found.values()), "\n".join(f"{title}: {problem}" for title, problems
                                              in found.items() for problem in problems)


def _chart_problems(page) -> list[str]:
    """Charts: no focusable element inside a plotly chart (its toolbar would add stops to the
    tab order), and each chart followed by its text alternative ("Chart: <title>. ...")."""
    problems = []
    charts = page.locator(".js-plotly-plot")
    focusable = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(chart =>"
        " Array.from(chart.querySelectorAll('a[href], button, [tabindex]:not([tabindex=\"-1\"])')))"
        ".length")
    if focusable:
        problems.append(f"{focusable} focusable elements inside charts (toolbar tab stops)")
    if page.locator(".modebar").count():
        problems.append("a plotly toolbar (modebar) is drawn")
    alternatives = page.get_by_text("Chart: ", exact=False).count()
    if alternatives < charts.count():
        problems.append(f"{charts.count()} charts but {alternatives} text alternatives")
    return problems
