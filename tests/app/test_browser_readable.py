"""Issue 17 in a real browser, as an official would try it (Playwright and Debian's chromium
against `streamlit run`, on the test-size database):

- "Which ethnic groups had the highest COVID-19 death rates, and is the difference from White
  British clear?" is answered by the marking: the chart's legend says higher / similar / lower
  than White British in words, and every row's `comparison` in the downloaded CSV agrees with
  its own 95% interval against White British's rate, checked here independently.
- "Suicide by disability for women in the North West": the disabled groups are hidden; the page
  says why and offers the coarser grouping declared in the catalog; one click applies it and
  the table then shows disabled women's rate.
- The table's downloads sit beside it (the Excel workbook carries the trend), and "Copy link to
  this view" puts the view's address on the clipboard.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import test_browser
from openpyxl import load_workbook
from test_browser import SHOTS, WAIT, _open_signed_in, _wait_idle

browser = test_browser.browser
server = test_browser.server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2600}, accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    yield page
    context.close()


def _csv_rows(page, button_text: str) -> list[dict]:
    with page.expect_download(timeout=WAIT) as download:
        page.locator('[data-testid="stDownloadButton"] button').filter(has_text=button_text).first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body)))


def _number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def test_covid_comparison_with_white_british_is_marked(page, server, local_accounts):
    _open_signed_in(page, f"{server}/explore?outcome=covid19&measure=asmr&by=ethnicity_detailed",
                    "olivia", local_accounts.password("olivia"))
    page.wait_for_selector(".js-plotly-plot", timeout=WAIT)
    _wait_idle(page)
    legend = " ".join(page.locator(".js-plotly-plot .legendtext").all_text_contents())
    assert "Higher than" in legend and "White: English" in legend, legend
    page.get_by_text("Chart: ", exact=False).first.wait_for(timeout=WAIT)
    page.screenshot(path=str(SHOTS / "explore_comparison.png"), full_page=True)

    rows = _csv_rows(page, "Download CSV")
    assert "comparison" in rows[0]
    reference = next(row for row in rows if row["ethnicity_detailed"].startswith("White: English"))
    benchmark = float(reference["value"])
    assert reference["comparison"] == "benchmark"
    marked = {}
    for row in rows:
        if row is reference:
            continue
        lower, upper = _number(row["lower"]), _number(row["upper"])
        if row["status"] != "shown" or lower is None or upper is None:
            assert row["comparison"] == "", row
            continue
        expected = "higher" if lower > benchmark else "lower" if upper < benchmark else "similar"
        assert row["comparison"] == expected, row
        marked[row["ethnicity_detailed"]] = expected
    assert "higher" in marked.values(), marked  # some groups' rates are clearly above White British


def test_hidden_disabled_women_in_the_north_west_offer_a_coarser_grouping(page, server,
                                                                          local_accounts):
    _open_signed_in(page, f"{server}/explore?outcome=suicide&measure=asmr&by=disability"
                    "&where.sex=female&where.region=north_west", "olivia",
                    local_accounts.password("olivia"))
    page.wait_for_selector('[data-testid="stDownloadButton"]', timeout=WAIT)
    _wait_idle(page)
    before = _csv_rows(page, "Download CSV")
    hidden = [row["disability"] for row in before if row["status"] != "shown"]
    assert {"Limited a lot", "Limited a little"} <= set(hidden), before
    page.get_by_text("hidden", exact=False).first.wait_for(timeout=WAIT)
    button = page.get_by_role("button").filter(has_text="Disability (2 groups)").first
    button.wait_for(timeout=WAIT)
    page.screenshot(path=str(SHOTS / "explore_hidden_alternatives.png"), full_page=True)
    button.click()
    page.wait_for_function("() => location.search.includes('by=disability_grouped')", timeout=WAIT)
    _wait_idle(page)
    after = _csv_rows(page, "Download CSV")
    disabled = next(row for row in after if row["disability_grouped"].startswith("Disabled"))
    assert disabled["status"] == "shown" and float(disabled["value"]) > 0, after
    assert "where.sex=female" in page.url and "where.region=north_west" in page.url


def test_downloads_beside_the_table_carry_the_trend_and_the_link_copies(page, server,
                                                                        local_accounts):
    _open_signed_in(page, f"{server}/explore?outcome=suicide&measure=rate_ratio&by=sex",
                    "olivia", local_accounts.password("olivia"))
    page.wait_for_selector(".js-plotly-plot", timeout=WAIT)
    _wait_idle(page)
    with page.expect_download(timeout=WAIT) as download:
        page.locator('[data-testid="stDownloadButton"] button').filter(has_text="Excel").first.click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames == ["Cover", "Table", "Trend"]
    header = [cell.value for cell in workbook["Trend"][1]]
    assert "year" in header and "comparison" in header
    # the trend says what it shows when it is not the view's measure
    page.get_by_text("not the age-standardised rate ratio", exact=False).first.wait_for(timeout=WAIT)
    # no toolbar: nothing inside a chart takes a tab stop
    assert page.locator(".js-plotly-plot .modebar").count() == 0
    page.get_by_role("button", name="Copy link to this view").click()
    page.get_by_text("Link copied", exact=False).wait_for(timeout=WAIT)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url and "measure=rate_ratio" in copied


def test_the_statistician_reviews_religion_by_region_without_scrolling_every_cell(
        page, server, local_accounts):
    """Issue 17, the statistician's task: religion x region. The policy opens on the official
    audience; "hidden cells only" lists just the hidden cells; the suppression pattern is a
    grid; the report's file name carries the dataset, the view and the policy."""
    _open_signed_in(page, f"{server}/review?outcome=suicide&measure=count&by=religion,region",
                    "sam", local_accounts.password("sam"))
    page.get_by_text("True values: for output checking only").wait_for(timeout=WAIT)
    page.wait_for_selector('[data-testid="stTable"]', timeout=WAIT)
    _wait_idle(page)
    main = page.get_by_test_id("stMain")
    assert main.get_by_role("radio", name="Official").is_checked()
    all_rows = main.locator('[data-testid="stTable"]').last.locator("tbody tr").count()
    main.get_by_text("Hidden cells only").first.click()
    _wait_idle(page)
    hidden_rows = main.locator('[data-testid="stTable"]').last.locator("tbody tr").count()
    assert 0 < hidden_rows < all_rows
    main.get_by_text("Suppression pattern (grid)").first.wait_for(timeout=WAIT)
    page.screenshot(path=str(SHOTS / "review_hidden_only.png"), full_page=True)
    with page.expect_download(timeout=WAIT) as download:
        page.locator('[data-testid="stDownloadButton"] button').filter(has_text="HTML").first.click()
    name = download.value.suggested_filename
    assert name.startswith("output_check_census_mortality_suicide_count_by-religion-region")
    assert "policy-official" in name
