"""Streamlit entry point: the router. Shared framing (title, dataset picker, who is signed in)
lives here; pages are listed explicitly (st.navigation does not auto-discover pages/). Every
page is registered for every visitor, so each URL routes; explorer.auth.navigation hides the
pages a role may not open from its menu and shows a polite refusal in their place."""

import streamlit as st

from explorer.app.cached import dataset_choices, load_catalog_for_app
from explorer.auth.navigation import PageSpec, route
from explorer.errors import ExplorerError

# Who may open each page: explorer/auth/roles.py (PAGE_ACCESS, keyed by url_path).
PAGES = [
    PageSpec("pages/home.py", "home", "Home", ":material/home:", default=True),
    PageSpec("pages/public_summary.py", "public_summary", "Public summary", ":material/public:"),
    PageSpec("pages/sign_in.py", "sign_in", "Sign in", ":material/login:"),
    PageSpec("pages/explore.py", "explore", "Explore", ":material/query_stats:"),
    PageSpec("pages/data_catalog.py", "data_catalog", "Data catalog", ":material/menu_book:"),
    PageSpec("pages/review.py", "review", "Disclosure review", ":material/fact_check:"),
]

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

route(PAGES)
