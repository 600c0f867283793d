"""Home page: what the product is for and the state of the chosen dataset."""

import streamlit as st

from explorer.app.cached import database_status, load_catalog_for_app, require_router
from explorer.auth import PUBLIC, current_role

require_router()

catalog = load_catalog_for_app(st.session_state["dataset"])
status = database_status(catalog.code)

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
    st.warning(status.message)
if current_role() == PUBLIC:
    st.caption("You are reading the public pages. Officials and statisticians sign in (menu: "
               "Sign in) to build breakdowns and review disclosure control.")
else:
    st.caption("The pages open to you are in the menu.")
