"""The Data catalog and Explore pages on the justice-education dataset (issue 15): the catalog page
shows protected precision and recall by group, the linkage model and the linkage-bias view;
Explore always shows the linkage-quality line, and flags a comparison whose groups' recall
differs by the catalog's recall gap; census_mortality's Data catalog page is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.auth import ROLE_KEY, USER_KEY

ROOT = Path(__file__).resolve().parents[2]
DATASET = "justice_education"

pytestmark = [pytest.mark.app]


@pytest.fixture
def justice_app(monkeypatch, justice_db_path) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(justice_db_path.parent))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["dataset"] = DATASET
    at.session_state[ROLE_KEY] = "official"
    at.session_state[USER_KEY] = "test official"
    return at


def _open(at: AppTest, page: str, **params) -> AppTest:
    at.run()
    assert not at.exception
    for name, value in params.items():
        at.query_params[name] = value
    return at.switch_page(page).run()


def _texts(at: AppTest, *kinds: str) -> list[str]:
    kinds = kinds or ("title", "header", "subheader", "markdown", "caption", "info", "warning")
    return [str(element.value) for kind in kinds for element in getattr(at, kind)]


def _frame_with(at: AppTest, column: str):
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def test_the_data_catalog_shows_precision_recall_model_and_bias(justice_app):
    at = _open(justice_app, "pages/data_catalog.py")
    assert not at.exception and not at.error, [e.value for e in at.error]
    headers = _texts(at, "header", "subheader")
    assert {"Linkage", "Precision and recall", "The linkage model", "Linkage bias"} <= set(headers)
    assert "catalog_linkage_by" not in [box.key for box in at.selectbox]  # truth known: no rates
    quality = _frame_with(at, "Recall (%)")
    assert list(quality["Group"]) == ["Male", "Female", "Total"]
    assert quality["Precision (%)"].iat[-1] not in ("", "[c]")
    at.selectbox(key="catalog_evaluation_by").set_value("ethnicity").run()
    assert not at.exception
    assert "White" in list(_frame_with(at, "Recall (%)")["Group"])
    model = _frame_with(at, "m probability")
    assert {"Comparison", "Level", "u probability", "Match weight (log2 m/u)"} <= set(model.columns)
    assert any(text.startswith("**Threshold.**") for text in _texts(at, "markdown"))
    bias = _frame_with(at, "Standardised difference")
    assert list(bias["Sex"]) == ["Male", "Female"]
    assert any(text.startswith("Chi-square test of independence") for text in _texts(at, "markdown"))
    at.selectbox(key="catalog_bias_by").set_value("ethnicity").run()
    assert not at.exception
    bias = _frame_with(at, "Standardised difference")
    assert "Ethnic group" in bias.columns and "[c]" in set(bias["% of unlinked records"])
    assert len(at.get("plotly_chart")) == 3  # precision, recall, linked against unlinked


def test_a_statistician_gets_the_same_views_under_their_policy(justice_app):
    justice_app.session_state[ROLE_KEY] = "statistician"
    at = _open(justice_app, "pages/data_catalog.py")
    assert not at.exception and not at.error
    captions = " ".join(_texts(at, "caption"))
    assert "statistician v" in captions


def test_explore_shows_the_linkage_note_beside_the_result(justice_app):
    at = _open(justice_app, "pages/explore.py")
    assert not at.exception and not at.error
    assert at.selectbox(key="explore_outcome").value == "cautioned_or_sentenced"
    infos = _texts(at, "info")
    assert any(text.startswith("Linkage quality (whole cohort): precision ") for text in infos)


def test_explore_flags_a_group_whose_recall_is_notably_lower(justice_app):
    at = _open(justice_app, "pages/explore.py", by="ethnicity")
    assert not at.exception and not at.error
    warnings = _texts(at, "warning")
    assert any(text.startswith("Linkage found fewer of the records") and "(ethnic group)" in text
               for text in warnings), warnings
    assert any(text.startswith("Linkage quality") for text in _texts(at, "info"))


def test_a_breakdown_outside_the_evaluation_has_the_note_and_no_flag(justice_app):
    at = _open(justice_app, "pages/explore.py", by="sen")
    assert not at.exception and not at.error
    assert any(text.startswith("Linkage quality") for text in _texts(at, "info"))
    assert not any(text.startswith("Linkage found fewer") for text in _texts(at, "warning"))


def test_census_mortality_pages_are_unchanged(monkeypatch, default_database_dir):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(default_database_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[ROLE_KEY] = "official"
    at.session_state[USER_KEY] = "test official"
    at = _open(at, "pages/data_catalog.py")
    assert not at.exception and not at.error
    assert "catalog_linkage_by" in [box.key for box in at.selectbox]
    headers = _texts(at, "header", "subheader")
    assert "Precision and recall" not in headers and "Linkage bias" not in headers
    explore = at.switch_page("pages/explore.py").run()
    assert not any(text.startswith("Linkage quality") for text in _texts(explore, "info"))
