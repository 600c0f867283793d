"""Streamlit entry point: the router. Shared framing (title, dataset picker) lives here;
pages are listed explicitly (st.navigation does not auto-discover pages/)."""

import streamlit as st

from explorer.app_support import dataset_choices, load_catalog_for_app
from explorer.errors import ExplorerError

st.set_page_config(page_title="Linked Data Inequalities Explorer", layout="wide")

try:
    choices = dataset_choices()
except ExplorerError as error:
    st.error(str(error))
    st.stop()

st.sidebar.title("Linked Data Inequalities Explorer")
st.sidebar.caption("Inequality breakdowns from linked administrative data, "
                   "with disclosure control applied to every number.")
dataset = st.sidebar.selectbox("Dataset", list(choices), format_func=choices.get, key="dataset")

try:
    load_catalog_for_app(dataset)
except ExplorerError as error:
    st.error(str(error))
    st.stop()

navigation = st.navigation({
    "Overview": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)],
    "Explore": [st.Page("pages/explore.py", title="Explore", icon=":material/query_stats:")],
    "About the data": [st.Page("pages/data_catalog.py", title="Data catalog",
                               icon=":material/menu_book:")],
})
navigation.run()
