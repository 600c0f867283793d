"""Every page on a person-level dataset (the test-only pupil_cohort catalog, served beside
census_mortality from a catalog directory with EXPLORER_CATALOG_DIR): no page or library code
knows the dataset. Explore offers only the measures that fit, no period and no trend; the Data
catalog prints the window the flags cover and no standard population; Disclosure review shows
one table; the public summary reads the published proportions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.auth import ROLE_KEY, USER_KEY
from explorer.release.publish import publish

ROOT = Path(__file__).resolve().parents[2]
DATASET = "pupil_cohort"
REFUSED_WORDS = re.compile(r"death|died|person-years|age-standardised|ICD-10", re.IGNORECASE)

pytestmark = [pytest.mark.app]


def _app(role: str | None = "official") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["dataset"] = DATASET
    if role is not None:
        at.session_state[ROLE_KEY] = role
        at.session_state[USER_KEY] = f"test {role}"
    return at


def _open(at: AppTest, page: str, **params) -> AppTest:
    at.run()
    assert not at.exception
    assert at.selectbox(key="dataset").value == DATASET
    for name, value in params.items():
        at.query_params[name] = value
    return at.switch_page(page).run()


def _texts(at: AppTest) -> list[str]:
    """What the page says in words: titles, headers, markdown, captions, notices."""
    elements = [*at.title, *at.header, *at.subheader, *at.markdown, *at.caption, *at.info,
                *at.warning, *at.success]
    return [str(element.value) for element in elements]


def _param(at: AppTest, name: str) -> str:
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value


@pytest.mark.parametrize("page", ["pages/home.py", "pages/explore.py", "pages/data_catalog.py"])
def test_page_renders_without_exception_or_error(pupil_env, page):
    at = _open(_app(), page)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_the_picker_offers_both_datasets(pupil_env):
    at = _app().run()
    assert set(at.selectbox(key="dataset").options) >= {
        "Census 2011 cohort linked to death registrations, 2011 to 2021 (synthetic)",
        "Pupil cohort linked to youth justice records (synthetic test data)"}


def test_explore_shows_the_proportion_with_no_period_and_no_trend(pupil_env, pupil_data):
    at = _open(_app(), "pages/explore.py")
    assert not at.exception and not at.error
    measure = at.selectbox(key="explore_measure")
    assert measure.value == "proportion"
    assert measure.options == ["Number of people with the outcome",
                               "Proportion of people with the outcome",
                               "Ratio of proportions against the reference group",
                               "Slope index of inequality", "Relative index of inequality"]
    assert "explore_period" not in [box.key for box in at.selectbox]
    frame = at.table[0].value
    assert list(frame["Free school meals"]) == ["Eligible for free school meals", "Not eligible", "Total"]
    cohort = pupil_data.pupils[pupil_data.pupils["in_cohort"]]
    direct = cohort.groupby("fsm")["cautioned_or_sentenced"].mean().to_numpy() * 100
    shown = [float(cell.split()[0]) for cell in frame.iloc[:2, 1]]
    assert shown == pytest.approx(direct, abs=0.05)
    assert len(at.table) == 1 and not at.dataframe and len(at.get("plotly_chart")) == 1  # no trend table or chart
    texts = _texts(at)
    assert not any("Trend" in text or "calendar year" in text for text in texts)
    assert "period" not in at.query_params
    assert _param(at, "measure") == "proportion" and _param(at, "by") == "fsm"
    words = [text for text in texts if not text.startswith("**Disclosure control.**")]
    assert not [text for text in words if REFUSED_WORDS.search(text)]
    assert any(text.startswith("Unit: % of pupils.") for text in texts)


def test_explore_follows_the_widgets_through_every_measure(pupil_env):
    at = _open(_app(), "pages/explore.py")
    at.selectbox(key="explore_by1").set_value("sen").run()
    for code in ("count", "proportion_ratio", "sii", "rii"):
        at.selectbox(key="explore_measure").set_value(code).run()
        assert not at.exception and not at.error, (code, [e.value for e in at.error])
        assert not at.table[0].value.iloc[:, 1].str.startswith("[").all(), code
        assert _param(at, "measure") == code
    at.selectbox(key="explore_measure").set_value("proportion").run()
    at.selectbox(key="explore_by2").set_value("sex").run()
    assert not at.exception and not at.error
    assert {"Special educational needs", "Sex"} <= set(at.table[0].value.columns)


def test_a_link_with_a_period_or_a_rate_gets_a_notice_not_an_error(pupil_env):
    at = _open(_app(), "pages/explore.py", measure="asmr", period="2015", by="sen")
    assert not at.exception and not at.error
    notices = [info.value.replace("\\", "") for info in at.info]  # markdown escapes dropped
    assert any("period=2015" in n and "no periods" in n for n in notices), notices
    assert any("measure=asmr" in n and "age-standardised rates need person-years" in n
               for n in notices), notices
    assert at.selectbox(key="explore_measure").value == "proportion"
    assert list(at.table[0].value["Special educational needs"])[0] == "Education health and care plan"


def test_data_catalog_prints_the_window_and_no_standard_population(pupil_env, pupil_catalog):
    at = _open(_app(), "pages/data_catalog.py")
    assert not at.exception and not at.error
    texts = _texts(at)
    assert any("the outcome flags cover 01 September 2012 to 31 August 2020" in t for t in texts)
    assert not any("follow-up" in t or "Age-standardised" in t or "ICD-10" in t for t in texts)
    for outcome in pupil_catalog.outcomes.values():
        assert any(outcome.label in t and "% of pupils" in t for t in texts)
    labels = " ".join(e.label for e in at.expander)
    assert all(d.label in labels for d in pupil_catalog.dimensions.values())
    value = "Percentage (% of records linked)"
    linkage = next(d.value for d in at.table if value in d.value.columns)
    assert not linkage[value].str.startswith("[").any()


def test_review_shows_one_table_and_its_report(pupil_env, downloads):
    at = _open(_app("statistician"), "pages/review.py", outcome="permanent_exclusion",
               measure="count", by="ethnicity,region")
    assert not at.exception and not at.error
    assert [tab.label for tab in at.tabs] == ["The view"]
    shown = at.table[1].value  # at.table[0] is the grid of the suppression pattern
    assert "True count" in shown.columns and (shown["Status"] == "suppressed primary").any()
    assert "period" not in at.query_params
    report = json.loads(next(d["data"] for d in downloads if "JSON" in d["label"]))
    assert [table["role"] for table in report["tables"]] == ["view"]
    assert report["dataset"]["code"] == DATASET


def test_review_refuses_an_official(pupil_env):
    at = _open(_app("official"), "pages/review.py")
    assert not at.exception
    assert not at.table


def test_public_summary_reads_the_published_proportions(pupil_env, pupil_catalog, pupil_data,
                                                        monkeypatch, tmp_path):
    publish(pupil_catalog, database_path=pupil_data.path,
            out=tmp_path / "published" / f"{DATASET}.json")
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path))  # the published file, no database
    at = _open(_app(role=None), "pages/public_summary.py")
    assert not at.exception and not at.error
    texts = _texts(at)
    headlines = [t for t in texts if t.startswith("**Between 2012 and 2020, the percentage of pupils")]
    assert len(headlines) == 2 and all("% of pupils)" in h for h in headlines)
    assert not any("Samaritans" in t for t in texts)  # no view is about suicide
    frames = [frame.value for frame in at.dataframe]
    assert all("Percentage (% of pupils)" in frame.columns for frame in frames)
    assert len(at.get("plotly_chart")) == 2
