"""The ingested ONS DSC extract works everywhere with no code change: every page through app.py
(Home, Explore, Data catalog, Disclosure review, Public summary after publish) and the CLI's
table and review commands, on a database made by ``python -m explorer ingest``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.auth import ROLE_KEY, USER_KEY
from explorer.cli.commands import main

ROOT = Path(__file__).resolve().parents[2]
DATASET = "ons_dsc_census_mortality"

pytestmark = [pytest.mark.app]


@pytest.fixture(scope="module")
def published(dsc_database) -> Path:
    """The ingested database's folder, with its public views published beside it."""
    out = dsc_database.parent / "published" / f"{DATASET}.json"
    assert main(["publish", "--dataset", DATASET, "--database", str(dsc_database),
                 "--out", str(out)]) == 0
    return dsc_database.parent


def _open(monkeypatch, data_dir: Path, page: str, role: str | None) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["dataset"] = DATASET
    if role:
        at.session_state[ROLE_KEY] = role
        at.session_state[USER_KEY] = f"test {role}"
    at.run()
    assert not at.exception
    at = at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["dataset"] == DATASET
    return at


def _text(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "title", "header",
                                              "subheader", "success", "info")
                    for e in getattr(at, kind))


def test_home(monkeypatch, published):
    at = _open(monkeypatch, published, "pages/home.py", None)
    assert "Database ready: ons_dsc_census_mortality.duckdb" in _text(at)


def test_explore_opens_on_the_catalogs_view(monkeypatch, published):
    at = _open(monkeypatch, published, "pages/explore.py", "official")
    frame = at.table[0].value
    assert list(frame["Sex"]) == ["Male", "Female", "Total"]
    at.selectbox(key="explore_by1").set_value("household_deprivation").run()
    assert not at.exception and not at.error
    assert "Not deprived in any dimension" in set(at.table[0].value.iloc[:, 0])


def test_data_catalog(monkeypatch, published):
    at = _open(monkeypatch, published, "pages/data_catalog.py", "official")
    assert "ONS DSC synthetic census-2011-mortality extract" in _text(at)


def test_disclosure_review(monkeypatch, published):
    at = _open(monkeypatch, published, "pages/review.py", "statistician")
    assert at.table, "the review page shows no table"


def test_public_summary(monkeypatch, published):
    at = _open(monkeypatch, published, "pages/public_summary.py", None)
    assert "Suicide by sex" in _text(at)


def test_cli_table_and_review(dsc_database, capsys):
    assert main(["table", "--dataset", DATASET, "--database", str(dsc_database),
                 "--outcome", "all_cause", "--measure", "asmr", "--by", "region"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["region"] for row in rows} >= {"London", "Wales", "England", "Total"}
    assert main(["review", "--dataset", DATASET, "--database", str(dsc_database),
                 "--outcome", "suicide", "--measure", "count", "--by", "sex"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report and "suppressed" in json.dumps(report)
