"""Home page: what the product is for and the state of the chosen dataset."""

import streamlit as st

from explorer.app.cached import database_status, load_catalog_for_app, require_router
from explorer.auth import PUBLIC, STATISTICIAN, current_role

require_router()

catalog = load_catalog_for_app(st.session_state["dataset"])
status = database_status(catalog.code)
role = current_role()

st.title("Linked Data Inequalities Explorer")
st.markdown(
    "Explore how outcomes differ between groups of people in linked administrative data. "
    "Every number shown passes statistical disclosure control first."
)
st.subheader(catalog.title)
st.write(catalog.description)
if status.ready:
    st.success(f"Database ready: {status.path.name} (dataset version {catalog.version}).")
else:
    # no server path unless a statistician is signed in; no build command for the public
    st.warning(status.message(signed_in=role != PUBLIC, details=role == STATISTICIAN))
if role == PUBLIC:
    st.caption("You are reading the public pages. Officials and statisticians sign in (menu: "
               "Sign in) to build breakdowns and review disclosure control.")
else:
    st.caption("The pages open to you are in the menu.")
