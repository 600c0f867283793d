"""The Streamlit app renders from its entry point (AppTest, no browser)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")

pytestmark = pytest.mark.app


def _run_app(monkeypatch, data_dir: Path) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_dir))
    return AppTest.from_file(APP, default_timeout=30).run()


def test_home_page_renders_with_dataset_picker(monkeypatch, default_database_dir):
    at = _run_app(monkeypatch, default_database_dir)
    assert not at.exception
    assert at.title[0].value == "Linked Data Inequalities Explorer"
    picker = at.sidebar.selectbox(key="dataset")
    assert picker.value == "census_mortality"
    assert "Database ready" in at.success[0].value


def test_home_page_says_how_to_build_a_missing_database(monkeypatch, tmp_path):
    """Officials read the command that builds it; the public only that the data are not
    available yet; nobody but a statistician the server path (tests/app/test_faults.py)."""
    from explorer.auth import ROLE_KEY

    at = _run_app(monkeypatch, tmp_path)
    assert not at.exception
    assert at.warning[0].value == "The data for this dataset are not available yet."
    at.session_state[ROLE_KEY] = "official"
    at.run()
    message = at.warning[0].value
    assert "not found" in message and str(tmp_path) not in message
    assert "python -m explorer build-data --dataset census_mortality" in message
