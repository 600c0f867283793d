"""A local sign-in that lasts (AppTest from app.py): the session token written to the browser's
cookie, a new browser session signed in from that cookie, every run re-checking the account
(a demoted or removed user loses access at the next request), sign-out ending the token, and
sign-in throttling with one plain message."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.auth import ROLE_KEY, USER_KEY, add_user
from explorer.auth import session as session_module
from explorer.auth.session import CLEARED_KEY, COOKIE_NAME, TOKEN_KEY
from explorer.auth.throttle import USER_FAILURES

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PASSWORDS = {"olivia": "olivia's long password", "sam": "sam's long password"}
THROTTLED = "Too many failed sign-in attempts. Please wait a minute and try again."

pytestmark = [pytest.mark.app]


@pytest.fixture
def accounts(tmp_path, monkeypatch, default_database_dir) -> Path:
    """An accounts file of this test's own (tests here change it)."""
    path = tmp_path / "accounts.json"
    add_user(path, "olivia", PASSWORDS["olivia"], "official")
    add_user(path, "sam", PASSWORDS["sam"], "statistician")
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(default_database_dir))
    monkeypatch.setenv("EXPLORER_ACCOUNTS", str(path))
    return path


def _new_session(monkeypatch, cookie: str | None = None) -> AppTest:
    """A new browser session whose request carried ``cookie`` as the session cookie."""
    monkeypatch.setattr(session_module, "_cookie_token", lambda: cookie)
    return AppTest.from_file(APP, default_timeout=60)


def _sign_in(at: AppTest, user: str, password: str) -> AppTest:
    at.switch_page("pages/sign_in.py").run()
    at.text_input(key="sign_in_user").input(user)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def _scripts(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html")
            if element.proto.unsafe_allow_javascript and COOKIE_NAME in element.proto.body]


def _refused(at: AppTest, who: str) -> bool:
    return any(f"this page is only open to {who}" in warning.value for warning in at.warning)


def test_a_sign_in_writes_a_session_cookie_that_signs_in_a_new_session(accounts, monkeypatch):
    at = _sign_in(_new_session(monkeypatch).run(), "olivia", PASSWORDS["olivia"])
    assert not at.exception and at.session_state[ROLE_KEY] == "official"
    token = at.session_state[TOKEN_KEY]
    scripts = _scripts(at)
    assert len(scripts) == 1 and f"{COOKIE_NAME}={token}; Path=/; Max-Age=" in scripts[0]
    assert "SameSite=Strict" in scripts[0] and "'; Secure'" in scripts[0]
    max_age = int(scripts[0].split("Max-Age=")[1].split(";")[0])
    assert 8 * 3600 - 120 <= max_age <= 8 * 3600

    # a reload or a permalink: a new session whose request carries the cookie
    again = _new_session(monkeypatch, token)
    again.query_params.update({"outcome": "suicide", "measure": "count", "by": "sex"})
    again.run().switch_page("pages/explore.py").run()
    assert not again.exception and not _refused(again, "officials and statisticians")
    assert again.session_state[USER_KEY] == "olivia"
    assert again.selectbox(key="explore_measure").value == "count"
    assert _scripts(again) == []  # the browser already holds this token


def test_a_forged_or_foreign_cookie_signs_nobody_in(accounts, monkeypatch):
    at = _sign_in(_new_session(monkeypatch).run(), "olivia", PASSWORDS["olivia"])
    token = at.session_state[TOKEN_KEY]
    parts = token.split(".")
    parts[1] = "c2Ft"  # "sam", keeping olivia's signature
    for cookie in [".".join(parts), token[:-3], "v1.x.1.2.3"]:
        other = _new_session(monkeypatch, cookie).run()
        assert ROLE_KEY not in other.session_state
        assert other.session_state[CLEARED_KEY] == cookie  # the browser is told to drop it
        assert any("Max-Age=0" in script for script in _scripts(other))
        other.switch_page("pages/explore.py").run()
        assert _refused(other, "officials and statisticians")


def test_a_demoted_statistician_loses_review_at_the_next_request(accounts, monkeypatch):
    at = _sign_in(_new_session(monkeypatch).run(), "sam", PASSWORDS["sam"])
    at.switch_page("pages/review.py").run()
    assert not _refused(at, "statisticians")
    token = at.session_state[TOKEN_KEY]

    add_user(accounts, "sam", PASSWORDS["sam"], "official", replace=True)
    at.switch_page("pages/review.py").run()
    assert not at.exception and _refused(at, "statisticians")
    assert ROLE_KEY not in at.session_state and TOKEN_KEY not in at.session_state
    assert any("Max-Age=0" in script for script in _scripts(at))
    # nor does the old cookie sign a new session in
    assert ROLE_KEY not in _new_session(monkeypatch, token).run().session_state


def test_a_removed_user_is_signed_out_at_the_next_request(accounts, monkeypatch):
    at = _sign_in(_new_session(monkeypatch).run(), "olivia", PASSWORDS["olivia"])
    accounts.write_text(accounts.read_text().replace('"olivia"', '"olivia2"'))
    at.switch_page("pages/explore.py").run()
    assert _refused(at, "officials and statisticians") and ROLE_KEY not in at.session_state


def test_sign_out_ends_the_token_and_clears_the_cookie(accounts, monkeypatch):
    at = _sign_in(_new_session(monkeypatch).run(), "sam", PASSWORDS["sam"])
    token = at.session_state[TOKEN_KEY]
    # this session started with the cookie (st.context.cookies keeps showing it)
    monkeypatch.setattr(session_module, "_cookie_token", lambda: token)
    at.sidebar.button(key="auth_sign_out").click().run()
    assert not at.exception and ROLE_KEY not in at.session_state
    assert at.session_state[CLEARED_KEY] == token
    clear = [script for script in _scripts(at) if "Max-Age=0" in script]
    assert clear and f"!== '{token}'" in clear[0]  # only clears this token, not a newer one
    at.switch_page("pages/review.py").run()
    assert _refused(at, "statisticians")  # the stale cookie does not sign the session back in
    assert ROLE_KEY not in _new_session(monkeypatch, token).run().session_state  # revoked


def test_repeated_failures_are_throttled_with_one_plain_message(accounts, monkeypatch):
    at = _new_session(monkeypatch).run()
    for _ in range(USER_FAILURES):
        at = _sign_in(at, "olivia", "not her password")
        assert [error.value for error in at.error] == ["Wrong user name or password."]
    at = _sign_in(at, "olivia", PASSWORDS["olivia"])  # even the right password must wait
    assert [error.value for error in at.error] == [THROTTLED]
    assert ROLE_KEY not in at.session_state

    other = _new_session(monkeypatch).run()  # an unknown name gets the same treatment
    for _ in range(USER_FAILURES):
        other = _sign_in(other, "nobody", "not a password")
    other = _sign_in(other, "nobody", "not a password")
    assert [error.value for error in other.error] == [THROTTLED]

    fresh = _sign_in(_new_session(monkeypatch).run(), "sam", PASSWORDS["sam"])
    assert fresh.session_state[ROLE_KEY] == "statistician"  # other names are not held up
