"""The Streamlit app renders from its entry point (AppTest, no browser)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")

pytestmark = pytest.mark.app


def _run_app(monkeypatch, data_dir: Path) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_dir))
    return AppTest.from_file(APP, default_timeout=30).run()


def test_home_page_renders_with_dataset_picker(monkeypatch, tmp_path):
    (tmp_path / "census_mortality.duckdb").write_bytes(b"")
    at = _run_app(monkeypatch, tmp_path)
    assert not at.exception
    assert at.title[0].value == "Linked Data Inequalities Explorer"
    picker = at.sidebar.selectbox(key="dataset")
    assert picker.value == "census_mortality"
    assert "Database ready" in at.success[0].value


def test_home_page_says_how_to_build_a_missing_database(monkeypatch, tmp_path):
    at = _run_app(monkeypatch, tmp_path)
    assert not at.exception
    message = at.warning[0].value
    assert "not found" in message
    assert "python -m explorer build-data --dataset census_mortality" in message
