"""Explore: one protected table (and chart) for an outcome, measure, breakdown, filters and
period (no period, and no trend by year, for a person-level dataset). Thin: widgets and layout;
validation, queries, statistics and disclosure control live in explorer/. The view is bound to
the URL (explorer.app.view_state) so it can be shared."""

import streamlit as st

from explorer.app.cached import (csv_download, hidden_cell_summary, linkage_notes_for,
                                  load_catalog_for_app, require_router, view_tables_for,
                                  view_workbook_for)
from explorer.auth import OFFICIAL, STATISTICIAN, require_role
from explorer.app.downloads import XLSX_MIME
from explorer.app.charts import chart_for
from explorer.errors import ExplorerError
from explorer.tables import measures_for, policy_for
from explorer.app.url_sync import notices, state_from_url, state_to_url
from explorer.app.view_state import view_from_query_params, view_to_query_params
from explorer.app.widgets import escape_markdown, seed_view_widgets, view_selectors

require_router()
AUDIENCE = require_role(OFFICIAL, STATISTICIAN)  # tables are protected for the signed-in role
catalog = load_catalog_for_app(st.session_state["dataset"])

# --- the view: from a new URL, else the session's last view ----------------------------------
url = state_from_url("explore", catalog.code, lambda url: view_from_query_params(url, catalog),
                     lambda view: seed_view_widgets("explore", view, catalog), "explore_outcome")

st.title("Explore")
for notice in notices("explore"):
    st.info(escape_markdown(notice), icon=":material/link_off:")

# --- widgets ----------------------------------------------------------------------------------
view = view_selectors("explore", catalog)

# --- build everything before showing any of it ------------------------------------------------
try:
    request = view.request(catalog, AUDIENCE)
    table, trend = view_tables_for(request)  # no trend (None) for a person-level dataset
    figure = chart_for(table)
    trend_figure = None if trend is None else chart_for(trend)
    policy = policy_for(catalog, AUDIENCE)
    download = csv_download(table, catalog)
    workbook = view_workbook_for(request)
    linkage_notes = linkage_notes_for(request)  # None unless the catalog evaluates its linkage
except ExplorerError as error:  # one plain message; the file and cause for statisticians only
    st.error(error.page_message(details=AUDIENCE == STATISTICIAN))
    st.stop()

params = view_to_query_params(view, catalog)
state_to_url("explore", url, params, view)

# --- the result -------------------------------------------------------------------------------
st.subheader(table.title)
st.plotly_chart(figure)
st.dataframe(table.frame, hide_index=True)
st.caption(f"Unit: {table.unit}. " + (table.legend or "No cells are hidden or marked."))
if linkage_notes is not None:
    st.info(linkage_notes.quality, icon=":material/link:")
    for flag in linkage_notes.flags:
        st.warning(flag, icon=":material/link_off:")

if trend is not None:
    st.subheader("Trend by calendar year")
    st.caption("The same outcome by year of death for the first breakdown, protected as one "
               "table (groups x years with their totals), so some years may be hidden to protect "
               "others.")
    st.plotly_chart(trend_figure, key="explore_trend_chart")
    with st.expander("Trend table"):
        st.dataframe(trend.frame, hide_index=True)

with st.expander("How this was calculated"):
    chosen_outcome = catalog.outcome(request.outcome)
    codes = f" (ICD-10 {chosen_outcome.icd10})." if chosen_outcome.icd10 else ""
    st.markdown(f"**Outcome.** {chosen_outcome.label}: {chosen_outcome.definition}{codes}")
    st.markdown(f"**Measure.** {measures_for(catalog)[request.measure]}. {table.method}")
    if catalog.standard_population is not None:
        st.markdown(f"**Standard population.** {catalog.standard_population.name} "
                    f"({catalog.standard_population.source}).")
    st.markdown(f"**Disclosure control.** Policy {table.policy}: {policy.description}")
    hidden = hidden_cell_summary(table, policy.threshold)
    st.markdown("**Cells not shown in full.** " + ("None." if not hidden else ""))
    for line in hidden:
        st.markdown(f"- {line}")
    if table.notes:
        st.markdown("**Notes.**")
        for note in table.notes:
            st.markdown(f"- {note}")
    st.markdown(f"**Dataset.** {catalog.title}, version {catalog.version}.")

if AUDIENCE == STATISTICIAN:  # the same view, cell by cell, on the review page
    st.page_link("pages/review.py", label="Review this view's disclosure control",
                 icon=":material/fact_check:", query_params=params)

file_stem = f"{catalog.code}_{request.outcome}_{request.measure}_{'_'.join(request.by)}"
left, right, _ = st.columns([1, 1, 3])
left.download_button("Download CSV", download, file_name=f"{file_stem}.csv", mime="text/csv",
                     icon=":material/download:")
right.download_button("Download Excel", workbook,
                      file_name=f"{file_stem}.xlsx", mime=XLSX_MIME, icon=":material/table_view:")
