"""Every page renders from the entry point; the Explore page follows its widgets and the URL."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.app.cached import csv_download, hidden_cell_summary
from explorer.auth import ROLE_KEY, USER_KEY
from explorer.tables.measure_table import MeasureTable
from explorer.sdc.status import CellStatus

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["pages/home.py", "pages/explore.py", "pages/data_catalog.py"]

pytestmark = [pytest.mark.app]


def _as_official(at: AppTest) -> AppTest:
    """Act as a signed-in official (Explore and Data catalog are for signed-in roles; sign-in
    itself is tested in test_auth_pages.py)."""
    at.session_state[ROLE_KEY] = "official"
    at.session_state[USER_KEY] = "test-official"
    return at


@pytest.fixture
def app(monkeypatch, default_database_dir) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(default_database_dir))
    return _as_official(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))


def _open(at: AppTest, page: str) -> AppTest:
    at.run()
    assert not at.exception
    return at.switch_page(page).run()


def _table(at: AppTest):
    """The view's table as shown (st.table: text cells, headers in words)."""
    tables = at.table
    assert tables, "no table shown"
    return tables[0].value


def _numbers(column) -> list[float]:
    """A shown column's numbers ("1,234.5" -> 1234.5; a marker -> NaN)."""
    return [float(cell.split()[0].replace(",", "")) if cell and not cell.startswith("[")
            else float("nan") for cell in column]


def _param(at: AppTest, name: str) -> str:
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(app, page):
    at = _open(app, page)
    assert not at.exception
    assert not at.error


def test_explore_shows_default_view_table_and_method(app):
    at = _open(app, "pages/explore.py")
    assert at.selectbox(key="explore_measure").value == "asmr"
    assert at.selectbox(key="explore_outcome").value == "suicide"
    frame = _table(at)
    assert list(frame["Sex"]) == ["Male", "Female", "Total"]
    assert frame.columns[1] == "Age-standardised rate (per 100,000 person-years)"
    expander_labels = [e.label for e in at.expander]
    assert "How this was calculated" in expander_labels
    text = " ".join(m.value for m in at.markdown)
    assert "European Standard Population 2013" in text and "official v" in text
    assert _param(at, "measure") == "asmr"


def test_changing_measure_and_breakdown_changes_the_table(app):
    at = _open(app, "pages/explore.py")
    before = _table(at)
    at.selectbox(key="explore_measure").set_value("count").run()
    assert not at.exception and not at.error
    after_measure = _table(at)
    assert list(after_measure["Sex"]) == list(before["Sex"])
    assert after_measure.columns[1] == "Deaths (number)"
    assert _numbers(after_measure.iloc[:, 1]) != _numbers(before.iloc[:, 1])
    assert _param(at, "measure") == "count"

    at.selectbox(key="explore_by1").set_value("region").run()
    assert not at.exception and not at.error
    after_by = _table(at)
    assert "Region" in after_by.columns and "Sex" not in after_by.columns
    assert len(after_by) != len(after_measure)
    assert _param(at, "by") == "region"

    at.selectbox(key="explore_by2").set_value("sex").run()
    two = _table(at)
    assert {"Region", "Sex"} <= set(two.columns) and len(two) > len(after_by)


def test_tampered_url_shows_a_notice_and_the_default(app):
    app.query_params["measure"] = "nonsense"
    app.query_params["where.region"] = "x'; DROP TABLE persons; --"
    at = _open(app, "pages/explore.py")
    assert not at.exception and not at.error
    notices = [info.value for info in at.info]
    assert any("measure=nonsense" in n and "not a measure" in n for n in notices)
    assert any("where" in n and "region" in n for n in notices)
    assert at.selectbox(key="explore_measure").value == "asmr"
    assert list(_table(at)["Sex"]) == ["Male", "Female", "Total"]


def test_good_url_sets_the_widgets(app):
    app.query_params["measure"] = "count"
    app.query_params["by"] = "region,sex"
    app.query_params["period"] = "2016-2019"
    at = _open(app, "pages/explore.py")
    assert not at.exception and not at.info
    assert at.selectbox(key="explore_measure").value == "count"
    assert at.selectbox(key="explore_by2").value == "sex"
    assert tuple(at.selectbox(key="explore_period").value) == (2016, 2019)


def test_a_measure_of_one_breakdown_is_never_offered_a_second(app):
    """Invalid pairs are not offered (explorer.tables.choices): choosing a rate ratio with two
    breakdowns drops the second and disables its selector, instead of refusing the view."""
    at = _open(app, "pages/explore.py")
    at.selectbox(key="explore_by2").set_value("region").run()
    at.selectbox(key="explore_measure").set_value("rate_ratio").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="explore_by2").disabled
    assert at.selectbox(key="explore_by2").value == ""
    assert "Region" not in _table(at).columns and _param(at, "by") == "sex"


def test_missing_database_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path))
    at = _open(_as_official(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)),
               "pages/explore.py")
    assert not at.exception
    assert "build-data" in at.error[0].value
    assert not at.dataframe


def test_data_catalog_lists_every_dimension(app, census_catalog):
    at = _open(app, "pages/data_catalog.py")
    labels = " ".join(e.label for e in at.expander)
    for dimension in census_catalog.dimensions.values():
        assert dimension.label in labels
    text = " ".join(m.value for m in at.markdown)
    for outcome in census_catalog.outcomes.values():
        assert outcome.label in text
    assert census_catalog.linkage.by_group_note in " ".join(i.value for i in at.info)


def test_csv_download_has_notes_header_then_the_protected_table(app, census_catalog):
    at = _open(app, "pages/explore.py")
    from explorer.app.cached import measure_table_for
    from explorer.app.view_state import default_view
    table = measure_table_for(default_view(census_catalog).request(census_catalog))
    assert isinstance(table, MeasureTable)
    text = csv_download(table, census_catalog)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[0] == f"# {table.title}"
    assert any("Disclosure control policy: official" in line for line in header)
    body = text.splitlines()[len(header)]
    assert body.split(",")[:2] == ["sex", "value"]
    assert "true_value" not in text
    assert isinstance(hidden_cell_summary(table), list)


def test_a_filter_changes_the_table_and_the_url(app):
    at = _open(app, "pages/explore.py")
    at.selectbox(key="explore_measure").set_value("count").run()
    before = _table(at)
    at.selectbox(key="explore_where_region").set_value("london").run()
    assert not at.exception and not at.error
    after = _table(at)
    assert _numbers(after["Deaths (number)"])[-1] < _numbers(before["Deaths (number)"])[-1]
    assert _param(at, "where.region") == "london"


def test_explore_draws_the_chart(app):
    at = _open(app, "pages/explore.py")
    assert not at.exception
    assert at.get("plotly_chart")


def test_hidden_cells_are_counted_by_status_and_reason(monkeypatch, default_database_dir,
                                                      census_catalog):
    from explorer.app.cached import measure_table_for
    from explorer.tables.request import validate_request

    monkeypatch.setenv("EXPLORER_DATA_DIR", str(default_database_dir))
    request = validate_request(census_catalog, outcome="suicide", measure="count",
                               by=("ethnicity_detailed", "region"))
    table = measure_table_for(request)
    lines = hidden_cell_summary(table, threshold=10)
    primary = (table.frame["status"] == CellStatus.SUPPRESSED_PRIMARY.value).sum()
    assert primary > 0
    assert any(line.startswith(f"{primary} cells hidden (primary): fewer than 10") for line in lines)
    assert measure_table_for(request) is not None  # second call served from the cache


def test_data_catalog_charts_protected_linkage_rates_by_group(app):
    at = _open(app, "pages/data_catalog.py")
    assert at.get("plotly_chart")

    value = "Percentage (% of records linked)"

    def linkage_frame():
        return next(d.value for d in at.table if value in d.value.columns)

    assert {value, "Lower 95% limit (% of records linked)",
            "Upper 95% limit (% of records linked)"} <= set(linkage_frame().columns)
    at.selectbox(key="catalog_linkage_by").set_value("region").run()
    assert not at.exception
    frame = linkage_frame()
    london = frame[frame["Region"] == "London"].iloc[0]
    rest = frame[frame["Region"] == "South East"].iloc[0]
    assert _numbers([london[value]]) < _numbers([rest[value]])  # London links less well


def test_linkage_rates_protect_small_unlinked_counts(database, census_catalog):
    """Linked and unlinked counts are protected together: a group with a handful of unlinked
    people gets no rate (it would reveal them)."""
    from explorer.tables.linkage_quality import linkage_rate_table

    table = linkage_rate_table(census_catalog, database, "armed_forces")
    frame = table.frame
    assert set(frame["marker"]) <= {"", "[c]"}
    assert frame.loc[frame["marker"] == "[c]", ["value", "events"]].isna().all().all()
    assert table.policy.startswith("official")
    # one status vocabulary: reader statuses of CellStatus, hidden exactly where marked [c]
    assert set(frame["status"]) <= {status.value for status in CellStatus.reader_statuses()}
    hidden = frame["status"].map(lambda status: CellStatus(status).hidden)
    assert (hidden == (frame["marker"] == "[c]")).all()
    # the measures step flags the total and the catalog's reference group
    flags = table.row_flags
    reference = census_catalog.dimension("armed_forces").reference_category
    assert flags["is_margin"].tolist() == [False] * (len(frame) - 1) + [True]
    assert frame.loc[flags["is_reference"], "armed_forces"].tolist() == [reference.label]


def test_explore_offers_csv_and_excel_downloads(app):
    at = _open(app, "pages/explore.py")
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel", "Download trend CSV"]


def test_a_statistician_gets_a_link_to_review_the_same_view(app):
    at = _open(app, "pages/explore.py")
    assert not [link for link in at.get("page_link") if "Review" in link.proto.label]
    app.session_state[ROLE_KEY] = "statistician"
    at = app.run()
    links = [link for link in at.get("page_link") if "Review" in link.proto.label]
    assert len(links) == 1
    assert links[0].proto.query_string == "outcome=suicide&measure=asmr&by=sex&period=2011-2021"
