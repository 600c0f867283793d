"""Every database fault is one plain message on Home and Explore, never a traceback; no server
path (nor a lock holder's PID) for anyone but a signed-in statistician; a rebuilt or replaced
database is picked up at the next rerun without a restart."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from explorer.auth import ROLE_KEY, USER_KEY
from fixtures.database_faults import FAULTS, faulty_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.app

MESSAGE_KINDS = ("error", "warning", "info", "success", "exception")
TEXT_KINDS = MESSAGE_KINDS + ("title", "header", "subheader", "markdown", "caption", "text", "code")
ROLES = ["public", "official", "statistician"]


def _app(monkeypatch, data_dir: Path, role: str) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if role != "public":
        at.session_state[ROLE_KEY] = role
        at.session_state[USER_KEY] = f"test-{role}"
    return at


def _texts(at: AppTest) -> list[str]:
    return [str(element.value) for kind in TEXT_KINDS for element in at.get(kind)]


def _messages(at: AppTest) -> list[str]:
    return [str(element.value) for kind in MESSAGE_KINDS for element in at.get(kind)]


def _page(monkeypatch, data_dir: Path, role: str, page: str) -> AppTest:
    at = _app(monkeypatch, data_dir, role).run()
    if page != "pages/home.py":
        at = at.switch_page(page).run()
    return at


@pytest.fixture(params=FAULTS)
def fault_dir(request, tmp_path, small_database):
    with faulty_database(request.param, small_database, tmp_path / "census_mortality.duckdb"):
        yield request.param, tmp_path


def _check_one_plain_message(at: AppTest, fault: str, data_dir: Path, role: str, kind: str) -> str:
    assert not at.exception
    shown = _messages(at)
    assert len(at.get(kind)) == 1, shown
    assert len([m for m in shown if "database" in m.lower() or "data " in m.lower()]) == 1, shown
    everything = " ".join(_texts(at))
    assert "Traceback" not in everything and 'File "' not in everything
    assert not re.search(r"PID \d", everything)  # a lock holder's process id, never
    if role != "statistician":
        assert str(data_dir) not in everything and "/tmp" not in everything
    return at.get(kind)[0].value


@pytest.mark.parametrize("role", ROLES)
def test_home_shows_one_plain_message_for_each_fault(monkeypatch, fault_dir, role):
    fault, data_dir = fault_dir
    at = _page(monkeypatch, data_dir, role, "pages/home.py")
    message = _check_one_plain_message(at, fault, data_dir, role, "warning")
    assert not at.success  # never "Database ready" for a file that cannot be used
    if role == "public":
        assert message == "The data for this dataset are not available yet."
    elif fault == "missing":
        assert "python -m explorer build-data --dataset census_mortality" in message
    if role == "statistician":
        assert str(data_dir) in message  # the file and the cause, for statisticians only


@pytest.mark.parametrize("role", ["official", "statistician"])
def test_explore_shows_one_plain_message_for_each_fault(monkeypatch, fault_dir, role):
    fault, data_dir = fault_dir
    at = _page(monkeypatch, data_dir, role, "pages/explore.py")
    message = _check_one_plain_message(at, fault, data_dir, role, "error")
    assert not at.dataframe and not at.get("plotly_chart")
    if fault == "locked":
        assert "in use by another program" in message
    elif fault != "missing":
        assert message.startswith("The database for this dataset cannot be read; an "
                                  "administrator needs to rebuild it.")
    if role == "statistician":
        assert str(data_dir) in message and "cause:" in message or fault == "missing"


def _rebuild(source: Path, target: Path) -> None:
    """Replace ``target`` as a build does: a new file renamed over it."""
    temporary = target.with_name(f".{target.name}.test-copy")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def test_a_replaced_database_is_picked_up_at_the_next_rerun(monkeypatch, tmp_path, small_database):
    from explorer.app.cached import shared_database
    from explorer.data import build_dataset

    other = tmp_path / "other" / "census_mortality.duckdb"
    build_dataset("census_mortality", persons=2000, seed=99, out=other)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _rebuild(small_database, data_dir / "census_mortality.duckdb")

    at = _page(monkeypatch, data_dir, "official", "pages/explore.py")
    assert not at.exception and not at.error
    at.selectbox(key="explore_outcome").set_value("all_cause").run()
    at.selectbox(key="explore_measure").set_value("count").run()
    before = at.table[0].value
    assert before["Deaths (number)"].str.fullmatch(r"[\d,]+").all()
    old = shared_database("census_mortality")

    _rebuild(other, data_dir / "census_mortality.duckdb")
    at.run()
    assert not at.exception and not at.error
    after = at.table[0].value
    assert not after["Deaths (number)"].equals(before["Deaths (number)"])  # another database's
    assert shared_database("census_mortality") is not old
    with pytest.raises(duckdb.Error):  # the replaced file's connection was closed
        old.cursor().execute("SELECT 1")

    with faulty_database("corrupt", small_database, data_dir / "corrupt.duckdb"):
        os.replace(data_dir / "corrupt.duckdb", data_dir / "census_mortality.duckdb")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The database for this dataset cannot be read; an administrator needs to rebuild it."]


@pytest.mark.parametrize("content", ["{not json", '["a list"]'])
def test_sign_in_with_a_bad_accounts_file_shows_no_path(monkeypatch, tmp_path, small_database,
                                                        content):
    accounts = tmp_path / "secret" / "accounts.json"
    accounts.parent.mkdir()
    accounts.write_text(content, encoding="utf-8")
    monkeypatch.setenv("EXPLORER_ACCOUNTS", str(accounts))
    at = _page(monkeypatch, small_database.parent, "public", "pages/sign_in.py")
    at.text_input(key="sign_in_user").input("olivia")
    at.text_input[1].input("a long password")
    at.button[0].click().run()
    assert not at.exception
    assert len(at.error) == 1
    assert "accounts file" in at.error[0].value and "administrator" in at.error[0].value
    assert str(tmp_path) not in " ".join(_texts(at))


@pytest.mark.parametrize("role", ROLES)
def test_public_summary_with_a_bad_published_file_shows_a_path_to_statisticians_only(
        monkeypatch, tmp_path, role):
    published = tmp_path / "published" / "census_mortality.json"
    published.parent.mkdir()
    published.write_text("{not json", encoding="utf-8")
    at = _page(monkeypatch, tmp_path, role, "pages/public_summary.py")
    assert not at.exception
    assert len(at.warning) == 1 and "not valid JSON" in at.warning[0].value
    shown = " ".join(_texts(at))
    assert (str(published) in shown) == (role == "statistician")
