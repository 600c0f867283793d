"""Streamlit entry point: the router. Shared framing (menu, title, dataset picker, who is
signed in) lives here; pages are listed explicitly (st.navigation does not auto-discover
pages/). Every page is registered for every visitor, so each URL routes; the menu
(explorer.auth.navigation, drawn first) lists only the pages the role may open, and a page it
may not open shows a polite refusal in its place. Streamlit's own page list (which would list
pages/ by file name) is off: client.showSidebarNavigation = false in .streamlit/config.toml."""

import streamlit as st

from explorer.app.cached import dataset_choices, load_catalog_for_app
from explorer.auth.navigation import PageSpec, navigate, run_page
from explorer.auth.session import sync_session_cookie
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
page, spec = navigate(PAGES)  # the role's menu, before anything slow
sync_session_cookie()  # write or clear the sign-in cookie (explorer.auth.session)

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

run_page(page, spec)
