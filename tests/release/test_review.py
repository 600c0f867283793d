"""The statistician's disclosure review (explorer.release.review) and the output-check report
(explorer.release.output_report): hand-computed audit intervals, every hidden cell in the report, the
custom threshold, and no path from the review to the Explore page, CSV or CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from explorer.db.connection import open_database
from explorer.errors import ExplorerError
from explorer.release.output_report import (
    REPORT_SCHEMA,
    WARNING,
    report_filename,
    report_html,
    report_json,
)
from explorer.release.review import (
    BANNER,
    DecisionReason,
    Recommendation,
    display_frame,
    review_from_protected,
    review_policy,
    review_table,
    review_view_tables,
    summary_lines,
)
from explorer.app.review_state import policy_from_query_params, policy_to_query_params
from explorer.sdc.policy import load_policy
from explorer.sdc.protect import protect
from explorer.sdc.raw_table import RawTable
from explorer.sdc.structure import DimensionLevels
from explorer.tables.request import trend_request, validate_request
from explorer.tables import policy_for, build_view_tables, protected_view_tables, to_csv

ROOT = Path(__file__).resolve().parents[2]
UNPERTURBED = load_policy("statistician")  # hand-made tables: exact values, secondary suppression
NO_SECONDARY = dataclasses.replace(UNPERTURBED, secondary_enabled=False)
WHEN = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def two_by_three(counts) -> RawTable:
    return RawTable(dimensions=(DimensionLevels("a", ("r0", "r1")),
                                DimensionLevels("b", ("k0", "k1", "k2"))),
                    counts=np.asarray(counts, float).ravel(), structural_zero=np.zeros(6, bool))


def one_way(counts, labels=None) -> RawTable:
    categories = tuple(f"c{i}" for i in range(len(counts)))
    return RawTable(dimensions=(DimensionLevels("a", categories),), counts=np.asarray(counts, float),
                    structural_zero=np.zeros(len(counts), bool),
                    labels={"a": dict(zip(categories, labels))} if labels else {})


def row(frame: pd.DataFrame, **labels) -> pd.Series:
    mask = np.ones(len(frame), bool)
    for code, label in labels.items():
        mask &= (frame[code] == label).to_numpy()
    (index,) = np.flatnonzero(mask)
    return frame.iloc[index]


def interval(frame, **labels) -> tuple[float, float]:
    cell = row(frame, **labels)
    return float(cell["audit_lower"]), float(cell["audit_upper"])


# --- (a) audit intervals for a known small table equal hand-computed values ---------------------

@pytest.mark.unit
def test_audit_intervals_of_a_small_two_by_three_table_equal_hand_computed_values():
    #            k0   k1   k2 | total
    #     r0      3   20   30 |    53
    #     r1     15   25   40 |    80
    #  total     18   45   70 |   133
    # Primary: (r0,k0) = 3 < 10. The cheapest safe complement (cost = value + 1, margins x10) is
    # the rectangle (r0,k0), (r0,k1), (r1,k0), (r1,k1): cost 21 + 16 + 26 = 63, against 88 for
    # the rectangle through k2 (a hidden cell alone in a row or column would be exact).
    # The attacker sees k2, every margin and the total, so with x00 = t:
    #   row r0:    x00 + x01 = 53 - 30 = 23  ->  x01 = 23 - t
    #   column k0: x00 + x10 = 18            ->  x10 = 18 - t
    #   row r1:    x10 + x11 = 80 - 40 = 40  ->  x11 = 22 + t
    #   column k1: x01 + x11 = 45            (23 - t + 22 + t: no new information)
    # and every cell >= 0: t >= 0, t <= 23, t <= 18, t >= -22, so 0 <= t <= 18, giving
    #   x00 in [0, 18], x01 in [5, 23], x10 in [0, 18], x11 in [22, 40].
    # x00 = 3 must reach [3 - min(3, 5), 3 + 5] = [0, 8]: it does (protected).
    review = review_from_protected(protect(two_by_three([[3, 20, 30], [15, 25, 40]]), UNPERTURBED))
    frame = review.frame
    assert len(frame) == 12  # 6 interior cells, 5 margins, the grand total
    assert interval(frame, a="r0", b="k0") == (0, 18)
    assert interval(frame, a="r0", b="k1") == (5, 23)
    assert interval(frame, a="r1", b="k0") == (0, 18)
    assert interval(frame, a="r1", b="k1") == (22, 40)
    primary = row(frame, a="r0", b="k0")
    assert (primary["status"], primary["suppression"], primary["rule"]) == (
        "suppressed_primary", "primary", "frequency_threshold")
    assert primary["true_count"] == 3 and math.isnan(primary["shown_value"])
    assert (primary["required_lower"], primary["required_upper"]) == (0, 8)
    for a, b in (("r0", "k1"), ("r1", "k0"), ("r1", "k1")):
        cell = row(frame, a=a, b=b)
        assert (cell["status"], cell["suppression"], cell["rule"]) == (
            "suppressed_secondary", "secondary", "secondary_suppression")
    hidden = frame["suppression"] != ""
    assert hidden.sum() == 4 and frame.loc[hidden, "protected"].all()
    shown = frame[~hidden]
    assert shown["audit_lower"].isna().all() and shown["protected"].isna().all()
    assert (shown["shown_value"] == shown["true_count"]).all()  # unperturbed: true values shown
    assert review.audit_passes and review.recommendation is Recommendation.PASS
    assert summary_lines(review) == ["1 cell hidden by frequency threshold",
                                     "3 cells hidden by secondary suppression",
                                     "0 cells need a decision", "Audit passes: yes"]
    shown_text = display_frame(review)
    assert row(shown_text, A="r0", B="k1")["Audit interval"] == "5 to 23"
    assert row(shown_text, A="r0", B="k0")["Must reach"] == "0 to 8"


@pytest.mark.sql
def test_review_table_intervals_on_the_tiny_database_equal_hand_computed_values(tiny_db, census_catalog):
    # Suicides in the tiny database: person 3 (North East) and person 7 (London), both in
    # England. With a custom threshold of 2, both regional 1s are primary; every other region
    # (and Wales, and its subtotal) is a shown 0. The attacker's equations:
    #   England = North East + London (other English regions shown as 0)
    #   Total   = England + Wales = England (Wales shown as 0)
    # If England and Total were shown (2), each 1 would lie in [0, 2], short of [0, 1 + 5]; so
    # the engine hides both margins. Then nothing bounds the four hidden cells from above:
    # each lies in [0, no limit), and the primary cells reach [0, 6] (protected).
    request = validate_request(census_catalog, outcome="suicide", measure="count", by=["region"],
                               audience="statistician")
    with open_database(tiny_db.path) as database:
        review = review_table(request, census_catalog, database,
                              policy_for(census_catalog, "statistician").with_threshold(2))
    frame = review.frame
    hidden = frame[frame["suppression"] != ""]
    assert sorted(zip(hidden["region"], hidden["suppression"], hidden["true_count"])) == [
        ("England", "secondary", 2), ("London", "primary", 1), ("North East", "primary", 1),
        ("Total", "secondary", 2)]
    assert (hidden["audit_lower"] == 0).all() and np.isinf(hidden["audit_upper"]).all()
    assert hidden["protected"].all() and review.audit_passes
    assert (frame.loc[frame["suppression"] == "", "true_count"] == 0).all()
    assert "0 to no limit" in set(display_frame(review)["Audit interval"])


@pytest.mark.unit
def test_decision_reasons_name_exact_and_approximate_disclosure():
    # Secondary suppression off: a lone hidden cell is recovered exactly (35 - 12 - 20 = 3).
    exact = review_from_protected(protect(one_way([3, 12, 20]), NO_SECONDARY))
    cell = row(exact.frame, a="c0")
    assert interval(exact.frame, a="c0") == (3, 3)
    assert cell["decision_reasons"] == DecisionReason.EXACTLY_DISCLOSED.value
    assert not cell["protected"] and not exact.audit_passes
    assert exact.recommendation is Recommendation.REVIEW
    # [1, 2, 30]: the two small cells add up to 33 - 30 = 3, so each lies in [0, 3], short of
    # value + 5 (6 and 7): under-protected, though not exact.
    under = review_from_protected(protect(one_way([1, 2, 30]), NO_SECONDARY))
    for label, value in (("c0", 1), ("c1", 2)):
        assert interval(under.frame, a=label) == (0, 3)
        cell = row(under.frame, a=label)
        assert (cell["required_lower"], cell["required_upper"]) == (0, value + 5)
        assert cell["decision_reasons"] == DecisionReason.UNDER_PROTECTED.value
    assert not under.audit_passes
    assert any("protection range" in reason for reason in under.recommendation_reasons())


@pytest.mark.unit
def test_protected_flag_agrees_with_the_engine_audit():
    rng = np.random.default_rng(7)
    for policy in (UNPERTURBED, NO_SECONDARY):
        for _ in range(20):
            protected = protect(two_by_three(rng.integers(0, 25, size=6)), policy)
            frame = review_from_protected(protected).frame
            hidden = (frame["suppression"] != "").to_numpy()
            if protected.audit is None:
                assert not hidden.any()
                continue
            failing = protected.audit.failing
            assert (frame.loc[hidden, "protected"].to_numpy(bool) == ~failing[hidden]).all()


# --- policy choice --------------------------------------------------------------------------------

@pytest.mark.unit
def test_policy_choices_and_custom_threshold(census_catalog):
    assert review_policy(census_catalog, "public").perturbation == "cell_key"
    assert review_policy(census_catalog, "official").name == "official"
    assert review_policy(census_catalog, "statistician").name == "statistician"
    custom = review_policy(census_catalog, "custom", 7)
    assert custom.threshold == 7 and custom.name == "official_custom" and "threshold7" in custom.version
    assert custom.description.startswith("Custom frequency threshold 7")
    for bad in (0, None, 100000):
        with pytest.raises(ExplorerError, match="whole number"):
            review_policy(census_catalog, "custom", bad)
    with pytest.raises(ExplorerError, match="unknown policy"):
        review_policy(census_catalog, "everyone")


@pytest.mark.unit
def test_policy_query_params_round_trip_and_reject_tampering():
    assert policy_from_query_params({}, 10) == ("official", 10, [])  # DEFAULT_POLICY
    params = policy_to_query_params("custom", 7)
    assert params == {"policy": "custom", "threshold": "7"}
    assert policy_from_query_params(params, 10) == ("custom", 7, [])
    assert policy_to_query_params("public", 7) == {"policy": "public"}
    choice, threshold, notices = policy_from_query_params(
        {"policy": ["<script>"], "threshold": "-3"}, 10)
    assert (choice, threshold) == ("official", 10) and len(notices) == 2
    for bad in ("²", "9" * 5000, "1e3", "1001", ""):
        _, threshold, notices = policy_from_query_params({"threshold": bad}, 10)
        assert threshold == 10 and len(notices) == 1


# --- on the default database ------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_cells_request(census_catalog):
    """A view with many small cells: female suicides by ethnic group and region."""
    return validate_request(census_catalog, outcome="suicide", measure="asmr",
                            by=["ethnicity", "region"], where={"sex": ("female",)},
                            audience="statistician")


def _hidden_cells(protected, dimensions) -> set[tuple]:
    """(labels..., rule) of every hidden cell, from the ProtectedTable's own published cells."""
    cells = protected.cells()
    hidden = cells[cells["status"].str.startswith("suppressed")]
    return {(*(str(r[f"{code}_label"]) for code in dimensions), bool(r["is_margin"]), r["rule"])
            for _, r in hidden.iterrows()}


class _Tables(HTMLParser):
    """The rows of every <table id=...> in an HTML page, as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = dict(attrs).get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None


@pytest.mark.sql
@pytest.mark.parametrize("choice", ["official", "public"])
def test_report_lists_every_hidden_cell_of_the_view_with_its_rule(census_catalog, database,
                                                                   small_cells_request, choice):
    policy = review_policy(census_catalog, choice)
    reviews = review_view_tables(small_cells_request, census_catalog, database, policy)
    protected = protected_view_tables(small_cells_request, census_catalog, database, policy)
    data = json.loads(report_json(reviews, census_catalog, generated_at=WHEN))
    jsonschema.validate(data, REPORT_SCHEMA)
    page = report_html(reviews, census_catalog, generated_at=WHEN)
    parser = _Tables()
    parser.feed(page)
    assert [t["role"] for t in data["tables"]] == ["view", "trend"]
    for record, table in zip(data["tables"], protected):
        expected = _hidden_cells(table, table.dimensions)
        assert len(expected) > 5, "the view should hide cells"
        listed = {(*(c["cell"][code] for code in table.dimensions), c["is_margin"], c["rule"])
                  for c in record["hidden_cells"]}
        assert listed == expected
        assert len(record["hidden_cells"]) == len(expected)
        assert record["cell_counts"]["hidden"] == len(expected)
        # every hidden cell has its true value and an interval containing it
        for c in record["hidden_cells"]:
            upper = math.inf if c["audit_upper"] is None else c["audit_upper"]
            assert c["audit_lower"] <= c["true_value"] <= upper
        # the HTML table lists the same cells, with the same rules
        rows = parser.tables[f"hidden-{record['uid']}"]
        header, body = rows[0], rows[1:]
        assert header[:5] == ["cell", "margin", "status", "suppression", "rule"]
        html_listed = {(*(dict(part.split(": ", 1) for part in r[0].split(" / "))[code]
                          for code in table.dimensions), r[1] == "yes", r[4]) for r in body}
        assert html_listed == expected
    view = data["tables"][0]
    assert view["request"] == {
        "outcome": "suicide", "outcome_label": "Suicide", "measure": "asmr",
        "measure_label": "Age-standardised rate per 100,000 person-years",
        "by": ["ethnicity", "region"], "where": {"sex": ["Female"]}, "period": [2011, 2021],
        "audience": "statistician"}
    assert view["policy"]["name"] == choice and view["policy"]["frequency_threshold"] == 10
    assert data["tables"][1]["request"]["by"] == list(trend_request(small_cells_request).by)
    assert data["dataset"] == {"code": "census_mortality", "title": census_catalog.title,
                               "version": census_catalog.version}
    assert data["generated_at"] == "2026-11-26T12:00:00+00:00"


@pytest.mark.sql
def test_report_marks_unprotected_values_first_and_counts_cells(census_catalog, database,
                                                                small_cells_request):
    reviews = review_view_tables(small_cells_request, census_catalog, database,
                                 review_policy(census_catalog, "official"))
    text = report_json(reviews, census_catalog)
    assert text.lstrip().startswith('{\n  "warning": "CONTAINS UNPROTECTED VALUES')
    data = json.loads(text)
    assert data["warning"] == WARNING
    page = report_html(reviews, census_catalog)
    body = page[page.index("<body>"):]
    assert body.index(WARNING) < body.index("<h1>")
    assert WARNING in page[:page.index("</head>")]  # the title says it too
    for record, review in zip(data["tables"], reviews):
        counts = record["cell_counts"]
        assert sum(counts["by_status"].values()) == counts["total"] == len(review.frame)
        assert counts["by_status"]["suppressed_primary"] == (review.frame["suppression"] == "primary").sum()
        assert record["rules_applied"]["frequency_threshold"] == counts["by_status"]["suppressed_primary"]
        decisions = review.decisions()
        assert counts["needs_decision"] == len(decisions) == len(record["needs_decision"])
        # an asmr shown from 10 to 19 events (marked [u]) is flagged for a decision; one from
        # fewer than 10 is not shown at all, so it is not
        flagged = [d["shown_value"] for d in record["needs_decision"]
                   if any(r["code"] == "low_reliability_rate" for r in d["reasons"])]
        assert flagged and all(10 <= value < 20 for value in flagged)
        frame = review.frame
        unflagged = frame[(frame["suppression"] == "") & ~frame["needs_decision"]]
        assert not unflagged["shown_value"].between(10, 19.5).any()
        assert record["recommendation"] == "review" and record["summary"].startswith("review; ")
    assert data["recommendation"] == "review"
    assert report_filename(reviews, census_catalog, "json") == (
        "output_check_census_mortality_suicide_asmr_by-ethnicity-region_"
        f"{small_cells_request.period[0]}-{small_cells_request.period[1]}_sex-female_"
        "policy-official.json")


@pytest.mark.unit
def test_report_html_escapes_every_label(census_catalog):
    nasty = '<script>alert("x")</script> & <b>'
    review = review_from_protected(protect(one_way([3, 12, 20], [nasty, "b", "c"]), UNPERTURBED),
                                   title="<i>title</i>")
    page = report_html([review], census_catalog, generated_at=WHEN)
    assert "<script>" not in page and "<i>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    data = json.loads(report_json([review], census_catalog, generated_at=WHEN))
    jsonschema.validate(data, REPORT_SCHEMA)
    assert data["tables"][0]["request"] is None
    assert {c["cell"]["a"] for c in data["tables"][0]["hidden_cells"]} == {nasty, "b"}


# --- (c) the custom threshold changes which cells are hidden ----------------------------------

@pytest.mark.sql
def test_custom_threshold_changes_which_cells_are_hidden(census_catalog, database, small_cells_request):
    primary = {}
    for threshold in (3, 10, 20):
        review = review_table(small_cells_request, census_catalog, database,
                              review_policy(census_catalog, "custom", threshold))
        frame = review.frame
        assert review.policy.threshold == threshold and review.policy.perturbed
        assert not any("exactly_disclosed" in str(r) for r in frame["decision_reasons"])
        is_primary = (frame["suppression"] == "primary") & (frame["rule"] == "frequency_threshold")
        # cells hidden by the threshold are exactly the counts from 1 to threshold - 1 ...
        small = (frame["true_count"] >= 1) & (frame["true_count"] < threshold)
        assert (is_primary == small).all()
        # ... and the others hidden are counts that perturbation took below the threshold
        pushed = frame["rule"] == "frequency_threshold_after_perturbation"
        assert (frame.loc[pushed, "true_count"] >= threshold).all()
        assert (frame.loc[pushed, "true_count"] < threshold + review.policy.max_noise).all()
        primary[threshold] = set(map(tuple, frame.loc[is_primary, ["ethnicity", "region"]].to_numpy()))
    assert primary[3] < primary[10] < primary[20]


# --- (d) nothing in the review is reachable from the Explore / CSV / CLI path -------------------

@pytest.mark.unit
def test_only_the_review_page_reaches_the_review_and_report_modules():
    users = {}
    for path in list(ROOT.glob("explorer/**/*.py")) + list(ROOT.glob("pages/*.py")) + [ROOT / "app.py"]:
        text = path.read_text()
        names = set(re.findall(r"\b(review_tables_for|explorer\.release\.review|explorer\.release\.output_report|"
                               r"review_view_tables|review_table|report_html|report_json)\b", text))
        if names:
            users[str(path.relative_to(ROOT))] = names
    assert set(users) <= {"explorer/release/review.py", "explorer/release/output_report.py",
                          "explorer/release/review_display.py",  # the page's views of a review
                          "explorer/release/__init__.py", "explorer/app/cached.py",
                          "explorer/app/review_state.py",  # the policy choices only
                          "pages/review.py", "explorer/cli/commands.py"}, users
    # the CLI: only its review command (for output checkers), never the table command
    cli = (ROOT / "explorer/cli/commands.py").read_text()
    table_command = cli[cli.index("def _cmd_table"):cli.index("\ndef ", cli.index("def _cmd_table") + 1)]
    assert not re.search(r"review|report_", table_command)
    assert users["pages/review.py"] >= {"review_tables_for", "report_html", "report_json"}
    # app_support only defines the review builder; no other page calls it
    assert "review_tables_for" not in (ROOT / "pages/explore.py").read_text()


@pytest.mark.sql
def test_explore_tables_and_csv_carry_no_true_value_of_a_hidden_cell(census_catalog, database,
                                                                    small_cells_request):
    official = dataclasses.replace(small_cells_request, audience="official")
    review_view, review_trend = review_view_tables(official, census_catalog, database,
                                                   review_policy(census_catalog, "official"))
    table, trend = build_view_tables(official, census_catalog, database)
    for review, measure in ((review_view, table), (review_trend, trend)):
        frame = measure.frame
        assert not {"true_count", "true_value", "audit_lower", "audit_upper"} & set(frame.columns)
        assert len(frame) == len(review.frame)  # asmr keeps every cell, in the same order
        hidden = (review.frame["suppression"] != "").to_numpy()
        assert hidden.any()
        assert frame.loc[hidden, ["value", "lower", "upper", "events"]].isna().all().all()
        csv = pd.read_csv(io.StringIO(to_csv(measure)), dtype=str, keep_default_na=False)
        for i in np.flatnonzero(hidden):
            labels = [str(review.frame.iloc[i][code]) for code in review.dimensions]
            assert csv.loc[i, list(review.dimensions)].tolist() == labels
            assert (csv.loc[i, ["value", "lower", "upper", "events"]] == "").all(), labels


@pytest.mark.unit
def test_banner_says_true_values_are_for_output_checking_only():
    assert BANNER == "True values: for output checking only — do not copy or share"
    assert WARNING == "CONTAINS UNPROTECTED VALUES — for output checkers only"
