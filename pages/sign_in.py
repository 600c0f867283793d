"""Sign in: officials and statisticians sign in here (an organisation account through the
identity provider when the deployment configures one, else a local account); signed in, the
page says who you are and offers sign-out. Thin: checks live in explorer.auth."""

import streamlit as st
from streamlit.errors import StreamlitAuthError

from explorer.app.cached import require_router
from explorer.auth import (PUBLIC, accounts_path, current_role, current_user, oidc_available,
                           oidc_configured, sign_in_local, sign_out)
from explorer.auth.roles import ROLE_NAMES
from explorer.auth.session import SESSION_HOURS, continue_after_sign_in
from explorer.errors import ExplorerError

require_router()
st.title("Sign in")

role = current_role()
if role != PUBLIC:
    st.success(f"You are signed in as {current_user()} ({ROLE_NAMES[role]}). "
               "The pages open to you are in the menu.", icon=":material/verified_user:")
    if st.button("Sign out", icon=":material/logout:"):
        sign_out()
        st.switch_page("pages/home.py")
    st.stop()

if current_user() is not None:  # signed in with the identity provider, but given no role
    st.info(f"You are signed in as {current_user()}, but your account has no role in this app, "
            "so you see the public pages. Ask the administrator if you need more.")
    if st.button("Sign out", icon=":material/logout:"):
        sign_out()
        st.switch_page("pages/home.py")
    st.stop()

st.write("Officials and statisticians sign in to explore breakdowns and review disclosure "
         "control. Everyone can read the public pages without signing in.")

if oidc_configured():
    st.subheader("With your organisation account")
    if oidc_available():
        if st.button("Sign in with your organisation account", type="primary",
                     icon=":material/badge:"):
            try:
                st.login()
            except StreamlitAuthError as error:
                st.error(f"Organisation sign-in is misconfigured; please tell the administrator. "
                         f"({error})")
    else:
        st.warning("Sign-in through the organisation's identity provider is configured, but the "
                   "server lacks the packages it needs (Authlib and httpx: pip install "
                   "\"streamlit[auth]==1.67.0\"). Please tell the administrator.")

if accounts_path().is_file():
    if oidc_configured():
        st.subheader("With a local account")
    with st.form("sign_in_form", clear_on_submit=True):
        username = st.text_input("User name", key="sign_in_user", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    st.caption(f"You stay signed in in this browser for {SESSION_HOURS} hours, or until you "
               "sign out.")
    if submitted:
        if not username.strip() or not password:
            st.error("Enter your user name and password.")
        else:
            try:
                new_role = sign_in_local(username, password)
            except ExplorerError as error:
                st.error(str(error), icon=":material/error:")
            else:
                continue_after_sign_in(new_role)
elif not oidc_configured():
    st.info("No accounts have been set up on this server yet. An administrator adds one with "
            "`python -m explorer add-user --user NAME --role official` (or `statistician`).")
