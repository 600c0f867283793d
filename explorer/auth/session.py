"""Who is signed in to this browser session, and the guards pages call.

Sign-in state lives in ``st.session_state`` (one browser session; a new tab or a reload
starts signed out) under the keys below. A person signed in through the organisation's
identity provider (``st.login``, when secrets have an [auth] section) keeps Streamlit's
identity cookie instead; their role comes from the secrets' [explorer.roles] mapping.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from explorer.auth.accounts import accounts_path, authenticate
from explorer.auth.oidc import (DEFAULT_GROUPS_CLAIM, RoleMappingError, check_role_mapping,
                                role_for_identity)
from explorer.auth.roles import PUBLIC, ROLE_NAMES, ROLES, audience_label, may_open

#: session_state key holding the signed-in local user's role (a value of ROLES).
ROLE_KEY = "auth_role"
#: session_state key holding the signed-in local user's name.
USER_KEY = "auth_user"
#: session_state key holding the page a refused visitor asked for: {"page", "url_path", "query"}.
NEXT_KEY = "auth_next"

SIGN_IN_PAGE_FILE = "pages/sign_in.py"
HOME_PAGE_FILE = "pages/home.py"


def _secrets_section(name: str) -> Mapping[str, Any]:
    """A top-level section of st.secrets, or {} (also when there is no secrets file)."""
    try:
        section = st.secrets.get(name)
    except StreamlitSecretNotFoundError:
        return {}
    return section if isinstance(section, Mapping) else {}


def oidc_configured() -> bool:
    """Whether the deployment configured sign-in through an identity provider ([auth])."""
    return bool(_secrets_section("auth"))


def oidc_available() -> bool:
    """Whether st.login can run here: [auth] configured and streamlit[auth]'s packages
    (Authlib, httpx) installed."""
    return oidc_configured() and all(importlib.util.find_spec(name) is not None
                                     for name in ("authlib", "httpx"))


def _oidc_identity() -> dict[str, Any] | None:
    """The identity provider's claims for the signed-in person, or None."""
    if not oidc_configured():
        return None
    identity = st.user.to_dict()
    return identity if identity.get("is_logged_in") is True else None


def _role_mapping() -> tuple[Mapping[str, Any], str]:
    """The secrets' [explorer.roles] mapping and groups claim name."""
    settings = _secrets_section("explorer")
    mapping = settings.get("roles", {})
    return (mapping if isinstance(mapping, Mapping) else {},
            str(settings.get("groups_claim", DEFAULT_GROUPS_CLAIM)))


def _oidc_role(identity: Mapping[str, Any]) -> str:
    try:
        return role_for_identity(identity, *_role_mapping())
    except RoleMappingError:
        return PUBLIC  # the router shows role_mapping_problem()


def role_mapping_problem() -> str | None:
    """What is wrong with the deployment's [explorer.roles] (everyone is then public), or None."""
    if not oidc_configured():
        return None
    try:
        check_role_mapping(_role_mapping()[0])
    except RoleMappingError as error:
        return str(error)
    return None


def current_role() -> str:
    """The role of this session: a local sign-in's role, else the identity provider's
    person's mapped role, else ``public``."""
    role = st.session_state.get(ROLE_KEY)
    if role in ROLES:
        return role
    identity = _oidc_identity()
    return _oidc_role(identity) if identity is not None else PUBLIC


def current_user() -> str | None:
    """A name for whoever is signed in (local user name, or the provider's name or e-mail)."""
    if st.session_state.get(ROLE_KEY) in ROLES:
        return st.session_state.get(USER_KEY)
    identity = _oidc_identity()
    if identity is None:
        return None
    return identity.get("email") or identity.get("name") or "signed-in user"


def sign_in_local(username: str, password: str, path: Path | None = None) -> str:
    """Check the user name and password against the accounts file and sign this session in;
    returns the role. AuthenticationError ("Wrong user name or password.") otherwise."""
    role = authenticate(path or accounts_path(), username, password)
    st.session_state[USER_KEY] = username.strip()
    st.session_state[ROLE_KEY] = role
    return role


def sign_out() -> None:
    """Sign this session out (locally; through the identity provider too when signed in there).
    ``st.logout`` redirects the browser, which starts a new session."""
    signed_in_with_provider = st.session_state.get(ROLE_KEY) not in ROLES and _oidc_identity()
    for key in (ROLE_KEY, USER_KEY, NEXT_KEY):
        st.session_state.pop(key, None)
    if signed_in_with_provider:
        st.logout()


def remember_refused_page(page_file: str, url_path: str) -> None:
    """Remember the refused page and its URL's query parameters, to open after sign-in."""
    query = {name: st.query_params.get_all(name) for name in st.query_params}
    st.session_state[NEXT_KEY] = {"page": page_file, "url_path": url_path, "query": query}


def continue_after_sign_in(role: str) -> None:
    """After a sign-in: open the page that was refused before it (with its URL's query
    parameters) when ``role`` may open it, else rerun so the menu shows ``role``'s pages."""
    wanted = st.session_state.pop(NEXT_KEY, None)
    if wanted and may_open(role, wanted["url_path"]):
        st.switch_page(wanted["page"], query_params=wanted["query"])
    st.rerun()


def show_refusal(allowed: frozenset[str] | tuple[str, ...], title: str | None = None) -> None:
    """A polite refusal: who the page is for, who you are, and how to sign in."""
    role = current_role()
    who = audience_label(frozenset(allowed))
    if title:
        st.title(title)
    if role == PUBLIC:
        st.warning(f"Sorry, this page is only open to {who}. Please sign in to open it.",
                   icon=":material/lock:")
        st.page_link(SIGN_IN_PAGE_FILE, label="Sign in", icon=":material/login:")
    else:
        st.warning(f"Sorry, this page is only open to {who}. You are signed in as "
                   f"{current_user()} ({ROLE_NAMES[role]}).", icon=":material/lock:")
        st.page_link(HOME_PAGE_FILE, label="Back to the home page", icon=":material/home:")


def require_role(*roles: str) -> str:
    """Call at the top of a page: the current role when it is one of ``roles``; otherwise show
    the polite refusal and stop the page."""
    role = current_role()
    if role in roles:
        return role
    show_refusal(roles)
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover - st.stop raises
