"""Sign-in and roles in the app (AppTest from app.py): each role's menu lists only its pages,
a page's URL opened by a role that may not see it shows a polite refusal, and sign-in with a
wrong password fails with a clear message."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from explorer.auth import NEXT_KEY, ROLE_KEY, USER_KEY

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PUBLIC_MENU = ["Home", "Public summary", "Sign in"]
OFFICIAL_MENU = ["Home", "Public summary", "Explore", "Data catalog"]
STATISTICIAN_MENU = [*OFFICIAL_MENU, "Disclosure review"]
ALL_PAGES = {"Home", "Public summary", "Sign in", "Explore", "Data catalog", "Disclosure review"}

pytestmark = [pytest.mark.app]


@pytest.fixture(scope="module")
def passwords(local_accounts) -> dict[str, str]:
    """olivia (official) and sam (statistician), from conftest's accounts file."""
    return {user: local_accounts.password(user) for user in local_accounts.users}


@pytest.fixture
def menus(monkeypatch) -> list[dict[str, list[tuple[str, str]]]]:
    """What app.py passes to st.navigation on each run: section -> [(title, visibility)]."""
    seen = []
    navigation = st.navigation

    def spy(pages, **kwargs):
        seen.append({section: [(page.title, page.visibility) for page in section_pages]
                     for section, section_pages in pages.items()})
        return navigation(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return seen


@pytest.fixture
def app(monkeypatch, default_database_dir, local_accounts) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(default_database_dir))
    monkeypatch.setenv("EXPLORER_ACCOUNTS", str(local_accounts.path))
    return AppTest.from_file(APP, default_timeout=60)


def _menu(menus) -> list[str]:
    """The titles visible in the latest run's menu, in order."""
    return [title for pages in menus[-1].values() for title, visibility in pages
            if visibility == "visible"]


def _registered(menus) -> set[str]:
    return {title for pages in menus[-1].values() for title, _ in pages}


def _warnings(at: AppTest) -> str:
    return " ".join(warning.value for warning in at.warning)


def _sign_in(at: AppTest, user: str, password: str) -> AppTest:
    """Sign in through the sign-in page's form."""
    at.switch_page("pages/sign_in.py").run()
    assert not at.exception
    at.text_input(key="sign_in_user").input(user)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def _is_refused(at: AppTest, who: str) -> bool:
    return f"this page is only open to {who}" in _warnings(at)


def test_public_visitor_sees_only_public_pages_and_is_refused_elsewhere(app, menus):
    at = app.run()
    assert not at.exception
    assert _menu(menus) == PUBLIC_MENU
    assert _registered(menus) == ALL_PAGES  # every URL routes, to the page or to a refusal
    assert list(menus[-1]) == ["Everyone"]

    at.switch_page("pages/review.py").run()
    assert not at.exception and not at.error
    assert [t.value for t in at.main.title] == ["Disclosure review"]
    assert _is_refused(at, "statisticians") and "Please sign in" in _warnings(at)
    assert [link.value for link in at.main.page_link] == ["Sign in"]
    assert not at.main.selectbox and not at.dataframe and not at.table  # nothing of the page itself
    assert _menu(menus) == PUBLIC_MENU

    for page, who in [("pages/explore.py", "officials and statisticians"),
                      ("pages/data_catalog.py", "officials and statisticians")]:
        at.switch_page(page).run()
        assert not at.exception and _is_refused(at, who)
        assert not at.main.selectbox and not at.dataframe


def test_official_signs_in_opens_explore_but_not_review(app, passwords, menus):
    at = _sign_in(app.run(), "olivia", passwords["olivia"])
    assert not at.exception and not at.error
    assert at.session_state[ROLE_KEY] == "official" and at.session_state[USER_KEY] == "olivia"
    assert any("signed in as olivia (official)" in s.value for s in at.success)
    assert _menu(menus) == OFFICIAL_MENU
    assert list(menus[-1]) == ["Everyone", "Officials and statisticians"]
    assert "Signed in as **olivia** (official)" in [m.value for m in at.sidebar.markdown]

    at.switch_page("pages/review.py").run()
    assert not at.exception
    assert _is_refused(at, "statisticians")
    assert "You are signed in as olivia (official)" in _warnings(at)
    assert not at.main.selectbox and not at.table

    at.switch_page("pages/explore.py").run()
    assert not at.exception and not at.error and not _warnings(at)
    assert list(at.table[0].value["Sex"]) == ["Male", "Female", "Total"]
    text = " ".join(m.value for m in at.markdown)
    assert "Policy official v" in text  # the signed-in role is the audience


def test_statistician_signs_in_and_opens_review(app, passwords, menus):
    from explorer.release.review import BANNER

    at = _sign_in(app.run(), "sam", passwords["sam"])
    assert at.session_state[ROLE_KEY] == "statistician"
    assert _menu(menus) == STATISTICIAN_MENU
    at.switch_page("pages/review.py").run()
    assert not at.exception and not at.error
    assert not _is_refused(at, "statisticians")
    assert [t.value for t in at.main.title] == ["Disclosure review"]
    assert BANNER in _warnings(at)
    assert at.main.selectbox  # the review page's own widgets

    at.switch_page("pages/explore.py").run()
    assert not at.exception and "Policy statistician v" in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("user, password_of", [("olivia", None),     # a wrong password
                                               ("nobody", "olivia")])  # an unknown user
def test_wrong_password_or_unknown_user_shows_the_same_clear_error(app, passwords, menus, user,
                                                                    password_of):
    password = passwords[password_of] if password_of else "not her password"
    at = _sign_in(app.run(), user, password)
    assert not at.exception
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert ROLE_KEY not in at.session_state
    assert _menu(menus) == PUBLIC_MENU
    at.switch_page("pages/explore.py").run()
    assert _is_refused(at, "officials and statisticians")


def test_empty_form_asks_for_both_fields(app):
    at = app.run().switch_page("pages/sign_in.py").run()
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Enter your user name and password."]


def test_sign_in_returns_to_the_refused_page_with_its_url(app, passwords):
    app.query_params["measure"] = "count"
    app.query_params["by"] = "region"
    at = app.run().switch_page("pages/explore.py").run()
    assert _is_refused(at, "officials and statisticians")
    assert at.session_state[NEXT_KEY]["page"] == "pages/explore.py"

    at = _sign_in(at, "olivia", passwords["olivia"])
    assert not at.exception and not at.error
    assert at.selectbox(key="explore_measure").value == "count"
    assert at.selectbox(key="explore_by1").value == "region"


def test_sign_out_returns_to_the_public_pages(app, passwords, menus):
    at = _sign_in(app.run(), "sam", passwords["sam"])
    at.sidebar.button(key="auth_sign_out").click().run()
    assert not at.exception
    assert ROLE_KEY not in at.session_state and USER_KEY not in at.session_state
    assert _menu(menus) == PUBLIC_MENU
    at.switch_page("pages/review.py").run()
    assert _is_refused(at, "statisticians")


def test_seeded_session_state_acts_as_a_signed_in_role(app, menus):
    """How other tests act as a role: seed st.session_state[ROLE_KEY] before the first run."""
    app.session_state[ROLE_KEY] = "statistician"
    app.session_state[USER_KEY] = "tester"
    assert not app.run().exception
    assert _menu(menus) == STATISTICIAN_MENU


# --- sign-in through the organisation's identity provider (st.login / st.user) --------------

OIDC_SECRETS = {
    "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
             "client_id": "explorer", "client_secret": "s",
             "server_metadata_url": "https://idp.example.gov.uk/.well-known/openid-configuration"},
    "explorer": {"roles": {"statistician": ["sam.jones@example.gov.uk"],
                           "official": ["@example.gov.uk"]}},
}


@pytest.mark.parametrize("email, menu, review_opens", [
    ("sam.jones@example.gov.uk", STATISTICIAN_MENU, True),
    ("ann.lee@example.gov.uk", OFFICIAL_MENU, False),
    ("someone@elsewhere.org", PUBLIC_MENU, False),  # signed in, but not in the mapping: public
])
def test_identity_provider_users_get_their_mapped_role(app, menus, email, menu, review_opens):
    app.secrets.update(OIDC_SECRETS)
    app.user = {"is_logged_in": True, "email": email, "name": "A Person"}
    at = app.run()
    assert not at.exception
    assert _menu(menus) == menu
    at.switch_page("pages/review.py").run()
    assert not at.exception
    assert _is_refused(at, "statisticians") is not review_opens


def test_sign_in_page_offers_the_organisation_account_when_configured(app):
    app.secrets.update(OIDC_SECRETS)
    app.user = {"is_logged_in": False}
    at = app.run().switch_page("pages/sign_in.py").run()
    assert not at.exception
    assert "With your organisation account" in [h.value for h in at.subheader]
    assert "Sign in with your organisation account" in [b.label for b in at.button]  # pinned
    assert at.text_input(key="sign_in_user")  # the local accounts form is still there


def test_sign_in_page_says_when_the_oidc_packages_are_missing(app, monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None
                        if name in ("authlib", "httpx") else real_find_spec(name, *args))
    app.secrets.update(OIDC_SECRETS)
    app.user = {"is_logged_in": False}
    at = app.run().switch_page("pages/sign_in.py").run()
    assert not at.exception
    assert "Authlib" in _warnings(at)
    assert "Sign in with your organisation account" not in [b.label for b in at.button]


def test_without_accounts_or_provider_the_sign_in_page_says_how_to_add_one(app, monkeypatch,
                                                                           tmp_path):
    monkeypatch.setenv("EXPLORER_ACCOUNTS", str(tmp_path / "none.json"))
    at = app.run().switch_page("pages/sign_in.py").run()
    assert not at.exception and not at.text_input
    assert "python -m explorer add-user" in at.info[0].value


def test_a_provider_user_without_a_role_is_told_so(app):
    app.secrets.update(OIDC_SECRETS)
    app.user = {"is_logged_in": True, "email": "someone@elsewhere.org"}
    at = app.run()
    assert "Signed in as **someone@elsewhere\\.org** (public visitor)" in [
        m.value for m in at.sidebar.markdown]
    at.switch_page("pages/sign_in.py").run()
    assert "has no role in this app" in at.info[0].value and not at.text_input


def test_a_malformed_role_mapping_is_shown_and_opens_public_pages_only(app, menus):
    app.secrets.update({**OIDC_SECRETS, "explorer": {"roles": {"admin": ["a@example.gov.uk"]}}})
    app.user = {"is_logged_in": True, "email": "a@example.gov.uk"}
    at = app.run()
    assert not at.exception
    message = at.error[0].value
    assert "Sign-in is misconfigured" in message and "unknown role 'admin'" in message
    assert _menu(menus) == PUBLIC_MENU
