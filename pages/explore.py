"""Explore: one protected table (and chart) for an outcome, measure, breakdown, filters and
period (no period, and no trend by year, for a person-level dataset). Thin: widgets and layout;
validation, queries, statistics and disclosure control live in explorer/. The view is bound to
the URL (explorer.app.view_state) so it can be shared."""

import streamlit as st

from explorer.app.cached import (alternatives_for_view, csv_download, hidden_cell_summary,
                                  linkage_notes_for, load_catalog_for_app, require_router,
                                  view_charts_for, view_tables_for, view_workbook_for)
from explorer.app.chart_display import show_chart
from explorer.app.copy_link import copy_link_button
from explorer.app.downloads import XLSX_MIME
from explorer.app.explore_text import recent_trend_frame, trend_caption
from explorer.app.table_display import SORT_ORDERS, readable_table
from explorer.app.url_sync import notices, state_from_url, state_to_url
from explorer.app.view_state import ExploreView, view_from_query_params, view_to_query_params
from explorer.app.widgets import escape_markdown, seed_view_widgets, view_selectors
from explorer.auth import OFFICIAL, STATISTICIAN, require_role
from explorer.errors import ExplorerError
from explorer.tables import (hidden_reason, measures_for, nothing_to_draw, policy_for,
                             recent_trends)

require_router()
AUDIENCE = require_role(OFFICIAL, STATISTICIAN)  # tables are protected for the signed-in role
STATISTICIAN_VIEW = AUDIENCE == STATISTICIAN
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
    empty = nothing_to_draw(table)
    trend_empty = None if trend is None else nothing_to_draw(trend)
    figure, trend_figure = view_charts_for(request)  # None where there is nothing to draw
    recent = None if trend is None else recent_trends(trend)
    policy = policy_for(catalog, AUDIENCE)
    download = csv_download(table, catalog)
    trend_download = None if trend is None else csv_download(trend, catalog)
    workbook = view_workbook_for(request)
    linkage_notes = linkage_notes_for(request)  # None unless the catalog evaluates its linkage
    why_hidden = hidden_reason(table, catalog)
    alternatives = alternatives_for_view(request, table) if why_hidden else []
except ExplorerError as error:  # one plain message; the file and cause for statisticians only
    st.error(error.page_message(details=STATISTICIAN_VIEW))
    st.stop()

params = view_to_query_params(view, catalog)
state_to_url("explore", url, params, view)


def _apply(alternative_request) -> None:
    """One click: the widgets show the alternative's view (the URL follows on this run)."""
    seed_view_widgets("explore", ExploreView.of(alternative_request), catalog)


# --- the result -------------------------------------------------------------------------------
st.subheader(table.title)
if why_hidden:
    with st.container(border=True):
        st.markdown(f":material/visibility_off: {why_hidden}")
        if alternatives:
            st.markdown("**What would show more:**")
            for index, alternative in enumerate(alternatives):
                st.button(f"{alternative.label}: {alternative.shows}", key=f"explore_alternative_{index}",
                          on_click=_apply, args=(alternative.request,),
                          icon=":material/auto_fix_high:")
        else:
            st.markdown("No coarser grouping, longer period or fewer filters would show more of "
                        "these groups.")
if empty:
    st.info(empty, icon=":material/bar_chart_off:")
else:
    show_chart(figure, table, key="explore_chart")
if empty and table.comparison_text:  # otherwise the chart's text alternative says it
    st.markdown(table.comparison_text)
if linkage_notes is not None:
    st.info(linkage_notes.quality, icon=":material/link:")
    for flag in linkage_notes.flags:
        st.warning(flag, icon=":material/link_off:")

file_stem = f"{catalog.code}_{request.outcome}_{request.measure}_{'_'.join(request.by)}"
st.markdown("**Table**")
actions = st.columns([1, 1, 1.1, 1.4], vertical_alignment="center")
actions[0].download_button("Download CSV", download, file_name=f"{file_stem}.csv", mime="text/csv",
                           icon=":material/download:")
actions[1].download_button("Download Excel", workbook, file_name=f"{file_stem}.xlsx",
                           mime=XLSX_MIME, icon=":material/table_view:",
                           help="The table and, on its own sheet, the trend by calendar year"
                                if trend is not None else "The table, with a cover sheet of notes")
if trend_download is not None:
    actions[2].download_button("Download trend CSV", trend_download,
                               file_name=f"{file_stem}_by_year.csv", mime="text/csv",
                               icon=":material/download:")
copy_link_button(container=actions[3])
order = st.segmented_control("Order rows", list(SORT_ORDERS), key="explore_order",
                             format_func=SORT_ORDERS.get, default="table", required=True)
st.table(readable_table(table, catalog, statistician=STATISTICIAN_VIEW, order=order or "table"),
         hide_index=True)
st.caption(f"Unit: {table.unit}. " + (table.legend or "No cells are hidden or marked."))

if trend is not None:
    st.subheader("Trend by calendar year")
    st.caption(trend_caption(request, trend, catalog))
    if trend_empty:
        st.info(trend_empty, icon=":material/bar_chart_off:")
    else:
        show_chart(trend_figure, trend, key="explore_trend_chart")
    recent_shown = recent_trend_frame(recent)
    if recent_shown is not None:
        st.markdown("**Recent trend, last five years**")
        st.table(recent_shown, hide_index=True)
    else:
        st.caption("Recent trend: no group has five recent years shown, so none is tested.")
    with st.expander("Trend table"):
        st.table(readable_table(trend, catalog, statistician=STATISTICIAN_VIEW), hide_index=True)

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

if STATISTICIAN_VIEW:  # the same view, cell by cell, on the review page
    st.page_link("pages/review.py", label="Review this view's disclosure control",
                 icon=":material/fact_check:", query_params=params)
