"""Who is signed in to this browser session, and the guards pages call.

A local sign-in lives in ``st.session_state`` under the keys below and, so that it survives a
reload, a new tab or a permalink in the same browser, in a signed session token (tokens.py)
kept in the ``explorer_session`` cookie until sign-out or expiry. ``st.context.cookies`` reads
the cookie when a browser session starts; Streamlit cannot set cookies from the server, so
``sync_session_cookie`` (app.py calls it on every run) writes or clears it with a small script.
Every run re-checks the token against the accounts file (re-read when it changes), so a removed
or re-roled account is signed out at its next request. A person signed in through the
organisation's identity provider (``st.login``, when secrets have an [auth] section) keeps
Streamlit's identity cookie instead; their role comes from the secrets' [explorer.roles] mapping.
"""

from __future__ import annotations

import importlib.util
import re
import secrets
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from explorer.auth.accounts import (AccountsError, AuthenticationError, accounts_path,
                                    authenticate, cached_accounts)
from explorer.auth.oidc import (DEFAULT_GROUPS_CLAIM, RoleMappingError, check_role_mapping,
                                role_for_identity)
from explorer.auth.roles import PUBLIC, ROLE_NAMES, ROLES, SIGN_IN_ROLES, audience_label, may_open
from explorer.auth.throttle import SIGN_IN_THROTTLE, attempt_keys
from explorer.auth.tokens import (SECRET_FILE_NAME, SESSION_LIFETIME_SECONDS, issue_token,
                                  load_or_create_secret, token_expiry, verify_token)

#: session_state key holding the signed-in local user's role (a value of ROLES).
ROLE_KEY = "auth_role"
#: session_state key holding the signed-in local user's name.
USER_KEY = "auth_user"
#: session_state key holding the page a refused visitor asked for: {"page", "url_path", "query"}.
NEXT_KEY = "auth_next"
#: session_state key holding a local sign-in's session token (its presence means the sign-in
#: is re-checked against the accounts file on every run).
TOKEN_KEY = "auth_token"
#: session_state key holding a token this session signed out or found invalid: the browser's
#: cookie is cleared, and the value st.context.cookies still shows is ignored.
CLEARED_KEY = "auth_cookie_cleared"
_CLIENT_KEY = "auth_client"
#: How long a local sign-in lasts, in hours (for the sign-in page's words).
SESSION_HOURS = SESSION_LIFETIME_SECONDS // 3600
#: The cookie holding the session token.
COOKIE_NAME = "explorer_session"
_TOKEN_TEXT = re.compile(r"^[A-Za-z0-9._-]{1,512}$")
#: Tokens signed out in this server process (token -> expiry): refused even if a copy remains.
_revoked: dict[str, int] = {}
_revoked_lock = threading.Lock()
_fallback_secret = secrets.token_bytes(32)
_file_secrets: dict[str, bytes] = {}  # secret file path -> its secret (read once per process)

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


def session_secret() -> bytes:
    """The secret session tokens are signed with: secrets' [explorer] session_secret, else the
    ``session_secret`` file beside the accounts file (made on first use, mode 0600), else (that
    directory not writable) a random secret for this server process."""
    configured = _secrets_section("explorer").get("session_secret")
    if isinstance(configured, str) and configured.strip():
        return configured.strip().encode("utf-8")
    path = accounts_path().parent / SECRET_FILE_NAME
    if str(path) not in _file_secrets:
        try:
            _file_secrets[str(path)] = load_or_create_secret(path)
        except OSError:
            return _fallback_secret
    return _file_secrets[str(path)]


def _cookie_token() -> str | None:
    """The session token the browser sent when this session started, or None."""
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no request context (bare script runs)
        return None
    return token if isinstance(token, str) and _TOKEN_TEXT.fullmatch(token) else None


def _is_revoked(token: str) -> bool:
    now = time.time()
    with _revoked_lock:
        for old in [old for old, expires in _revoked.items() if expires <= now]:
            del _revoked[old]
        return token in _revoked


def _check_token(token: str) -> tuple[str, str] | None:
    """(user, role) that ``token`` signs in now, or None (invalid, expired, revoked, or its
    account changed or gone)."""
    if _is_revoked(token):
        return None
    try:
        accounts = cached_accounts(accounts_path())
    except AccountsError:
        return None
    if not accounts:
        return None
    user = verify_token(session_secret(), token, accounts)
    role = accounts[user]["role"] if user is not None else None
    return (user, role) if role in SIGN_IN_ROLES else None


def _end_local_session(token: str | None) -> None:
    for key in (ROLE_KEY, USER_KEY, TOKEN_KEY):
        st.session_state.pop(key, None)
    if token:
        st.session_state[CLEARED_KEY] = token


def _local_session() -> tuple[str | None, str] | None:
    """(user, role) of this session's local sign-in, restored from the cookie when the session
    has none and re-checked against the accounts file; None when not signed in locally."""
    role = st.session_state.get(ROLE_KEY)
    if role not in ROLES:
        cookie = _cookie_token()
        if cookie is None or cookie == st.session_state.get(CLEARED_KEY):
            return None
        checked = _check_token(cookie)
        if checked is None:
            _end_local_session(cookie)
            return None
        st.session_state[USER_KEY], st.session_state[ROLE_KEY] = checked
        st.session_state[TOKEN_KEY] = cookie
        return checked
    token = st.session_state.get(TOKEN_KEY)
    if token is None:  # set by code, not by a sign-in (AppTest tests act as a role this way)
        return st.session_state.get(USER_KEY), role
    checked = _check_token(token)
    if checked is None or checked != (st.session_state.get(USER_KEY), role):
        _end_local_session(token)
        return None
    return checked


def current_role() -> str:
    """The role of this session: a local sign-in's role, else the identity provider's
    person's mapped role, else ``public``."""
    local = _local_session()
    if local is not None:
        return local[1]
    identity = _oidc_identity()
    return _oidc_role(identity) if identity is not None else PUBLIC


def current_user() -> str | None:
    """A name for whoever is signed in (local user name, or the provider's name or e-mail)."""
    local = _local_session()
    if local is not None:
        return local[0]
    identity = _oidc_identity()
    if identity is None:
        return None
    return identity.get("email") or identity.get("name") or "signed-in user"


def _client_id() -> str:
    """Who is attempting, for throttling: the client's IP address, else this browser session."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context
        address = None
    if address:
        return f"ip:{address}"
    if _CLIENT_KEY not in st.session_state:
        st.session_state[_CLIENT_KEY] = secrets.token_hex(8)
    return f"session:{st.session_state[_CLIENT_KEY]}"


def sign_in_local(username: str, password: str, path: Path | None = None) -> str:
    """Check the user name and password against the accounts file and sign this session in
    (and, through the session cookie, this browser until sign-out or expiry); returns the
    role. AuthenticationError ("Wrong user name or password.") otherwise, or ThrottledError
    after too many failures for this user name or client."""
    path = path or accounts_path()
    keys = attempt_keys(username, _client_id())
    SIGN_IN_THROTTLE.check(keys)
    try:
        role = authenticate(path, username, password)
    except AuthenticationError:
        SIGN_IN_THROTTLE.failed(keys)
        raise
    SIGN_IN_THROTTLE.succeeded(next(iter(keys)))
    name = username.strip()
    entry = cached_accounts(path).get(name)
    if entry is None:  # the file changed between the two reads
        raise AuthenticationError()
    st.session_state[USER_KEY] = name
    st.session_state[ROLE_KEY] = role
    st.session_state[TOKEN_KEY] = issue_token(session_secret(), name, entry)
    st.session_state.pop(CLEARED_KEY, None)
    return role


def sign_out() -> None:
    """Sign this session out (locally; through the identity provider too when signed in there):
    the session token is revoked in this server and the browser's cookie is cleared on the next
    run. ``st.logout`` redirects the browser, which starts a new session."""
    signed_in_with_provider = st.session_state.get(ROLE_KEY) not in ROLES and _oidc_identity()
    token = st.session_state.get(TOKEN_KEY) or _cookie_token()
    if token:
        with _revoked_lock:
            _revoked[token] = token_expiry(token) or int(time.time())
        st.session_state[CLEARED_KEY] = token
    for key in (ROLE_KEY, USER_KEY, TOKEN_KEY, NEXT_KEY):
        st.session_state.pop(key, None)
    if signed_in_with_provider:
        st.logout()


def _cookie_script(value: str, max_age: int, only_if: str | None = None) -> str:
    """A script setting the session cookie to ``value``, once per browser tab (a later run does
    not undo a newer sign-in made in another tab); ``only_if``: only while the cookie holds that
    token, so clearing a stale token never clears a newer sign-in either."""
    if only_if is None:
        guard = (f"var done = 'explorer_cookie_set:{value}';"
                 "try { if (sessionStorage.getItem(done)) { return; }"
                 " sessionStorage.setItem(done, '1'); } catch (e) {}")
    else:
        guard = (f"var now = ('; ' + document.cookie).split('; {COOKIE_NAME}=')[1];"
                 f"if (!now || now.split(';')[0] !== '{only_if}') {{ return; }}")
    return ("<script>(function () {" + guard +
            f"var c = '{COOKIE_NAME}={value}; Path=/; Max-Age={max_age}; SameSite=Strict';"
            "if (window.location.protocol === 'https:') { c += '; Secure'; }"
            "document.cookie = c;})();</script>")


def sync_session_cookie() -> None:
    """Call once per run (app.py): write the session cookie after a local sign-in, or clear it
    after a sign-out or when its token is no longer valid. Draws nothing visible."""
    local = _local_session()
    token = st.session_state.get(TOKEN_KEY) if local is not None else None
    if token is not None and _TOKEN_TEXT.fullmatch(token):
        if _cookie_token() != token:
            remaining = max((token_expiry(token) or 0) - int(time.time()), 0)
            st.sidebar.html(_cookie_script(token, remaining), unsafe_allow_javascript=True)
    elif isinstance(cleared := st.session_state.get(CLEARED_KEY), str) and \
            _TOKEN_TEXT.fullmatch(cleared):
        st.sidebar.html(_cookie_script("", 0, only_if=cleared), unsafe_allow_javascript=True)


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
