"""The Disclosure review page (statisticians only), through app.py's router: true values under
a banner, the policy switcher, the output-check report as the only download, and a refusal for
every other role (in the router and in the page's own guard)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.auth import ROLE_KEY, USER_KEY
from explorer.release.output_report import WARNING
from explorer.release.review import BANNER, review_policy, review_view_tables
from explorer.tables.request import validate_request

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/review.py"
SMALL_CELLS = {"outcome": "suicide", "measure": "asmr", "by": "ethnicity,region",
               "where.sex": "female"}

pytestmark = [pytest.mark.app]


def _app(monkeypatch, data_dir, role: str | None) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if role is not None:
        at.session_state[ROLE_KEY] = role
        at.session_state[USER_KEY] = f"test {role}"
    return at


def _open(at: AppTest, **params) -> AppTest:
    at.run()
    assert not at.exception
    for name, value in params.items():
        at.query_params[name] = value
    return at.switch_page(PAGE).run()


def _table(at: AppTest, index: int = 0):
    """The cell table of tab ``index`` (0 the view, 1 its trend): each tab shows its grid of the
    suppression pattern, then its cell table."""
    return at.table[2 * index + 1].value


def _grid(at: AppTest, index: int = 0):
    return at.table[2 * index].value


def _texts(elements) -> list[str]:
    return [element.value for element in elements]


def _expected_reviews(census_catalog, database, choice="statistician", threshold=None):
    request = validate_request(census_catalog, outcome="suicide", measure="asmr",
                               by=["ethnicity", "region"], where={"sex": ("female",)},
                               audience="statistician")
    return review_view_tables(request, census_catalog, database,
                              review_policy(census_catalog, choice, threshold))


def _counts(text_column) -> list[float]:
    return [float(v.replace(",", "")) if v else np.nan for v in text_column]


def test_statistician_sees_true_values_under_the_banner(monkeypatch, default_database_dir,
                                                        database, census_catalog, downloads):
    at = _open(_app(monkeypatch, default_database_dir, "statistician"), **SMALL_CELLS,
               policy="statistician")
    assert not at.exception and not at.error
    assert BANNER in _texts(at.warning)
    assert "Disclosure review" in _texts(at.title)
    assert at.radio(key="review_policy").value == "statistician"
    view, trend = _expected_reviews(census_catalog, database)
    for index, review in enumerate((view, trend)):
        shown = _table(at, index)
        assert len(shown) == len(review.frame)
        assert _counts(shown["True count"]) == review.frame["true_count"].tolist()
        hidden = (review.frame["suppression"] != "").to_numpy()
        assert hidden.any()
        # hidden cells: the true count beside a blank shown value, with the audit interval
        assert (shown.loc[hidden, "Shown value"] == "").all()
        assert (shown.loc[hidden, "True count"] != "").all()
        assert (shown.loc[hidden, "Audit interval"].str.contains(" to ")).all()
        assert set(shown.loc[hidden, "Status"]) <= {"suppressed primary", "suppressed secondary"}
    metrics = [(m.label, m.value) for m in at.metric]  # five per table: view, then trend
    for table_metrics, review in zip((dict(metrics[:5]), dict(metrics[5:])), (view, trend)):
        assert table_metrics["Hidden (primary)"] == str((review.frame["suppression"] == "primary").sum())
        assert table_metrics["Need a decision"] == str(len(review.decisions()))
        assert table_metrics["Audit passes"] == "yes"
    # the view is in the URL, with the policy, so a link reopens it
    assert at.query_params["by"] in ("ethnicity,region", ["ethnicity,region"])
    assert at.query_params["policy"] in ("statistician", ["statistician"])


def test_the_only_downloads_are_the_output_check_report(monkeypatch, default_database_dir,
                                                        database, census_catalog, downloads):
    at = _open(_app(monkeypatch, default_database_dir, "statistician"), **SMALL_CELLS,
               policy="statistician")
    assert [b.label for b in at.get("download_button")] == [
        "Download output-check report (HTML)", "Download output-check report (JSON)"]
    assert not at.dataframe  # st.dataframe has a CSV button; the true values use st.table
    assert [d["mime"] for d in downloads] == ["text/html", "application/json"]
    html_report, json_report = downloads[0]["data"], downloads[1]["data"]
    assert downloads[0]["file_name"].endswith(".html") and downloads[1]["file_name"].endswith(".json")
    body = html_report[html_report.index("<body>"):]
    assert body.index(WARNING) < body.index("<h1>")
    report = json.loads(json_report)
    assert report["warning"] == WARNING and next(iter(report)) == "warning"
    view, trend = _expected_reviews(census_catalog, database)
    for record, review in zip(report["tables"], (view, trend)):
        hidden = review.hidden()
        assert {(c["cell"]["ethnicity"], c["rule"]) for c in record["hidden_cells"]
                if "ethnicity" in c["cell"]} == set(zip(hidden["ethnicity"], hidden["rule"]))
        assert len(record["hidden_cells"]) == len(hidden)


@pytest.mark.parametrize("policy", ["official", "statistician"])
def test_the_cli_review_command_prints_the_pages_report(monkeypatch, default_database_dir,
                                                          default_database, downloads, policy, capsys):
    """``python -m explorer review ... --format json`` is the page's JSON report (less its time)."""
    from explorer import cli

    at = _open(_app(monkeypatch, default_database_dir, "statistician"), **SMALL_CELLS, policy=policy)
    assert not at.exception and not at.error
    page = json.loads(downloads[-1]["data"])
    code = cli.main(["review", "--dataset", "census_mortality", "--outcome", "suicide",
                     "--measure", "asmr", "--by", "ethnicity,region", "--where", "sex=female",
                     "--policy", policy, "--format", "json", "--database", str(default_database)])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert next(iter(printed)) == "warning" and printed["warning"] == WARNING
    for report in (page, printed):
        report.pop("generated_at")
    assert printed == page
    assert printed["tables"][0]["policy"]["name"] == policy


def test_switching_policy_changes_the_table(monkeypatch, default_database_dir, database,
                                           census_catalog, downloads):
    at = _open(_app(monkeypatch, default_database_dir, "statistician"), **SMALL_CELLS,
               policy="statistician")
    statistician = _table(at)
    assert at.number_input(key="review_threshold").disabled

    at.radio(key="review_policy").set_value("public").run()
    assert not at.exception
    public = _table(at)
    assert "perturbed" in set(public["Status"]) and "perturbed" not in set(statistician["Status"])
    assert (public["True count"] == statistician["True count"]).all()
    assert (public["Shown value"] != statistician["Shown value"]).any()
    assert at.query_params["policy"] in ("public", ["public"])

    at.radio(key="review_policy").set_value("custom").run()
    at.number_input(key="review_threshold").set_value(3).run()
    assert not at.exception
    custom = _table(at)
    expected, _ = _expected_reviews(census_catalog, database, "custom", 3)
    assert (custom["Status"] == expected.frame["status"].str.replace("_", " ")).all()
    primary = lambda frame: (frame["Status"] == "suppressed primary").sum()
    assert 0 < primary(custom) < primary(statistician)
    assert at.query_params["threshold"] in ("3", ["3"])
    assert "threshold3" in " ".join(_texts(at.caption))


def test_a_review_link_with_a_custom_threshold_reopens_it(monkeypatch, default_database_dir, downloads):
    at = _open(_app(monkeypatch, default_database_dir, "statistician"),
               **SMALL_CELLS, policy="custom", threshold="20")
    assert not at.exception and not at.info
    assert at.radio(key="review_policy").value == "custom"
    assert at.number_input(key="review_threshold").value == 20
    assert at.selectbox(key="review_by2").value == "region"


def test_a_tampered_policy_link_shows_a_notice(monkeypatch, default_database_dir, downloads):
    at = _open(_app(monkeypatch, default_database_dir, "statistician"),
               policy="<b>everyone</b>", threshold="0")
    assert not at.exception and not at.error
    notices = " ".join(_texts(at.info))
    assert "policy" in notices and "threshold" in notices
    assert at.radio(key="review_policy").value == "official"  # the default, DEFAULT_POLICY


@pytest.mark.parametrize("role", [None, "public", "official"])
def test_other_roles_are_refused(monkeypatch, default_database_dir, role, downloads):
    at = _open(_app(monkeypatch, default_database_dir, role), **SMALL_CELLS)
    assert not at.exception
    refusal = " ".join(_texts(at.warning))
    assert "only open to statisticians" in refusal
    assert BANNER not in refusal
    assert not at.table and not at.dataframe and not at.get("download_button") and not downloads


@pytest.mark.parametrize("role", ["public", "official"])
def test_the_page_guards_itself_when_the_router_lets_it_run(monkeypatch, default_database_dir, role,
                                                            downloads):
    """Defence in depth: with the router's check switched off, the page's own require_role
    still refuses."""
    import explorer.auth.navigation

    monkeypatch.setattr(explorer.auth.navigation, "may_open", lambda role, url_path: True)
    at = _open(_app(monkeypatch, default_database_dir, role), **SMALL_CELLS)
    assert not at.exception
    assert "only open to statisticians" in " ".join(_texts(at.warning))
    # no "Disclosure review" title: not the router's refusal, the page's own (before its title)
    assert "Disclosure review" not in _texts(at.title)
    assert not at.table and not at.get("download_button") and not downloads


def test_default_policy_is_official_and_the_caption_says_why(monkeypatch, default_database_dir,
                                                             downloads):
    at = _open(_app(monkeypatch, default_database_dir, "statistician"), **SMALL_CELLS)
    assert not at.exception and not at.error and not at.info
    assert at.radio(key="review_policy").value == "official"
    assert at.query_params["policy"] in ("official", ["official"])
    captions = " ".join(_texts(at.caption))
    assert "Policy official" in captions and "the default, because Explore's views are made for " \
        "officials" in captions
    assert "policy-official" in downloads[0]["file_name"]

    at.radio(key="review_policy").set_value("public").run()
    assert "the default is official" in " ".join(_texts(at.caption))
    assert "policy-public" in downloads[-1]["file_name"]
    # the two audiences' reports have two names: neither overwrites the other
    names = {d["file_name"] for d in downloads if d["mime"] == "text/html"}
    assert len(names) == 2


def test_filter_lists_hidden_cells_or_cells_that_need_a_decision(monkeypatch, default_database_dir,
                                                                 database, census_catalog,
                                                                 downloads):
    at = _open(_app(monkeypatch, default_database_dir, "statistician"), **SMALL_CELLS,
               policy="statistician")
    radio = at.radio(key="review_cells")
    assert radio.value == "all" and radio.options == ["All cells", "Hidden cells only",
                                                      "Cells that need a decision"]
    view, trend = _expected_reviews(census_catalog, database)
    assert len(_table(at, 0)) == len(view.frame) and len(_table(at, 1)) == len(trend.frame)

    at.radio(key="review_cells").set_value("hidden").run()
    assert not at.exception
    for index, review in enumerate((view, trend)):
        shown = _table(at, index)
        hidden = review.hidden()
        assert len(shown) == len(hidden) < len(review.frame)
        assert set(shown["Status"]) <= {"suppressed primary", "suppressed secondary"}
        assert _counts(shown["True count"]) == hidden["true_count"].tolist()
    assert f"Cell table: {len(view.hidden())} of {len(view.frame)} cells (hidden cells only)." \
        in _texts(at.caption)

    at.radio(key="review_cells").set_value("decisions").run()
    assert not at.exception
    tables = iter(at.table)
    for review in (view, trend):
        next(tables)  # the grid: always every cell
        decisions = review.decisions()
        if len(decisions):
            shown = next(tables).value
            assert len(shown) == len(decisions)
            assert (shown["Needs a decision"] != "").all()
    if not all(len(review.decisions()) for review in (view, trend)):
        assert any("No cells to list" in text for text in _texts(at.info))


def test_grid_shows_the_suppression_pattern_of_each_table(monkeypatch, default_database_dir,
                                                          database, census_catalog, downloads):
    from explorer.release.review import suppression_grid

    at = _open(_app(monkeypatch, default_database_dir, "statistician"), **SMALL_CELLS,
               policy="statistician")
    assert [e.label for e in at.expander].count("Suppression pattern (grid)") == 2  # per tab
    for index, review in enumerate(_expected_reviews(census_catalog, database)):
        grid = _grid(at, index)
        expected = suppression_grid(review)
        # rows: ethnic groups and the total; columns: the second dimension, margins included
        assert list(grid.index) == list(expected.index)
        assert list(grid.columns) == list(expected.columns)
        assert grid.to_numpy().tolist() == expected.to_numpy().tolist()
        words = set(grid.to_numpy().ravel())
        assert "[c] primary" in words and "shown" in words
        assert grid.index[-1] == "Total" and grid.columns[-1] in ("Total", "All years")
    assert any(text.startswith("Rows: Ethnic group; columns: Region") for text in _texts(at.caption))
    # the grid holds statuses only, never a number
    assert not any(re.search(r"\d", str(word)) for word in _grid(at, 0).to_numpy().ravel())
