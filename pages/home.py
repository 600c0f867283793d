"""Home page: what the product is for and the state of the chosen dataset."""

import streamlit as st

from explorer.app_support import database_status, load_catalog_for_app, require_router

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
st.caption("Breakdown pages arrive with the next releases; this page confirms the data are in place.")
