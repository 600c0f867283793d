"""Disclosure review (statisticians only): every cell of a view's tables with its true count,
the value the chosen policy shows, its status and rule, and the interval an attacker could
deduce for each hidden cell (filtered to all cells, hidden cells or cells that need a
decision), a grid of the suppression pattern, and the output-check report (HTML, JSON). The
policy defaults to the audience the view is made for (official), unless the link names one. Thin: the review
and the report are built in explorer.release.review and explorer.release.output_report. The true values are
shown in a static table (no CSV toolbar) and leave the page only inside the report."""

import streamlit as st

from explorer.app.cached import load_catalog_for_app, require_router, review_tables_for
from explorer.auth import require_role
from explorer.errors import ExplorerError
from explorer.release import (
    BANNER, CELL_FILTERS, CUSTOM, MAX_CUSTOM_THRESHOLD, POLICY_CHOICES, POLICY_PARAMETERS,
    REASON_TEXT, REVIEW_AUDIENCE, WARNING, DecisionReason, grid_style,
    policy_caption, report_filename, report_html, report_json, review_frame, suppression_grid,
    summary_lines,
)
from explorer.tables import policy_for
from explorer.app.review_state import policy_from_query_params, policy_to_query_params
from explorer.app.url_sync import notices, state_from_url, state_to_url
from explorer.app.view_state import ExploreView, view_from_query_params, view_to_query_params
from explorer.app.widgets import escape_markdown, seed_view_widgets, view_selectors

require_router()
require_role("statistician")

AUDIENCE = REVIEW_AUDIENCE
POLICY_NAMES = {"public": "Public", "official": "Official", "statistician": "Statistician",
                CUSTOM: "Custom threshold"}
catalog = load_catalog_for_app(st.session_state["dataset"])
default_threshold = policy_for(catalog, "official").threshold


def _seed_widgets(state: tuple[ExploreView, str, int]) -> None:
    view, choice, threshold = state
    seed_view_widgets("review", view, catalog)
    st.session_state["review_policy"] = choice
    st.session_state["review_threshold"] = threshold


def _read_url(url: dict[str, list[str]]) -> tuple[tuple[ExploreView, str, int], list[str]]:
    view_params = {name: value for name, value in url.items() if name not in POLICY_PARAMETERS}
    view, view_notices = view_from_query_params(view_params, catalog)
    choice, threshold, policy_notices = policy_from_query_params(url, default_threshold)
    return (view, choice, threshold), view_notices + policy_notices


# --- the view and policy: from a new URL (e.g. Explore's link), else the session's last ------
url = state_from_url("review", catalog.code, _read_url, _seed_widgets, "review_outcome")

st.title("Disclosure review")
st.warning(BANNER, icon=":material/warning:")
for notice in notices("review"):
    st.info(escape_markdown(notice), icon=":material/link_off:")

# --- widgets (the same view an official can build on Explore) ---------------------------------
view = view_selectors("review", catalog)

left, right = st.columns([3, 1])
choice = left.radio("Disclosure control policy", POLICY_CHOICES, key="review_policy",
                    format_func=POLICY_NAMES.get, horizontal=True,
                    help="Public, official and statistician are the audiences' policies; a custom "
                         "threshold is applied to the official policy. Explore's views are "
                         "made for officials, so official is the default.")
threshold = right.number_input("Custom frequency threshold", min_value=1,
                               max_value=MAX_CUSTOM_THRESHOLD, step=1, key="review_threshold",
                               disabled=choice != CUSTOM)

# --- build everything before showing any of it ------------------------------------------------
try:
    request = view.request(catalog, AUDIENCE)
    reviews = review_tables_for(request, choice, int(threshold))
    report_as_html = report_html(reviews, catalog)
    report_as_json = report_json(reviews, catalog)
except ExplorerError as error:
    st.error(str(error))
    st.stop()

params = {**view_to_query_params(view, catalog), **policy_to_query_params(choice, int(threshold))}
state_to_url("review", url, params, (view, choice, int(threshold)))

# --- the review -------------------------------------------------------------------------------
st.caption(policy_caption(choice, reviews[0].policy))
cells = st.radio("Cells to list", tuple(CELL_FILTERS), key="review_cells",
                 format_func=CELL_FILTERS.get, horizontal=True,
                 help="Applies to the cell table of each tab; the grid always shows every cell.")
tab_names = ["The view", "Trend by calendar year"][:len(reviews)]  # no trend: person-level
for tab, review in zip(st.tabs(tab_names), reviews):
    with tab:
        st.subheader(review.title)
        hidden = review.hidden()
        columns = st.columns(5)
        columns[0].metric("Hidden (primary)", int((hidden["suppression"] == "primary").sum()))
        columns[1].metric("Hidden (secondary)", int((hidden["suppression"] == "secondary").sum()))
        columns[2].metric("Need a decision", len(review.decisions()))
        columns[3].metric("Audit passes", "yes" if review.audit_passes else "NO")
        columns[4].metric("Recommendation", review.recommendation.value)
        st.markdown("\n".join(f"- {line}" for line in summary_lines(review)))
        for reason in review.recommendation_reasons():
            st.markdown(f"- {reason}")
        with st.expander("Suppression pattern (grid)", expanded=True):
            grid = suppression_grid(review)
            st.caption(f"Rows: {grid.index.name}; columns: {grid.columns.name or 'status'}; "
                       "totals and subtotals included. [c] primary: hidden as a small or "
                       "revealing cell; [c] secondary: hidden to protect another cell; "
                       "\"! decide\": the cell needs a decision.")
            st.table(grid_style(grid))
        listed = review_frame(review, cells)
        st.caption(f"Cell table: {len(listed)} of {len(review.frame)} cells "
                   f"({CELL_FILTERS[cells].lower()}).")
        if len(listed):
            st.table(listed)
        else:
            st.info(f"No cells to list: {CELL_FILTERS[cells].lower()} finds none in this table.",
                    icon=":material/filter_alt_off:")
        st.caption("Audit interval: what an attacker can deduce about a hidden cell from every "
                   "shown cell and margin (under a perturbed policy, knowing only that each shown "
                   "count lies within the p-table's maximum noise of its true count). Must reach: the range the interval must cover (a "
                   "primary cell: its value minus and plus the protection level, not below 0; a "
                   "secondary cell: only not exact). Needs a decision: "
                   + "; ".join(f"{reason.value.replace('_', ' ')}: {REASON_TEXT[reason]}"
                               for reason in DecisionReason) + ".")

st.subheader("Output-check report")
st.caption(f"{'Both tables' if len(reviews) > 1 else 'The table'}, the policy, the rules applied, "
           f"every hidden cell with its rule and audit interval, the cells needing a decision and "
           f"a recommendation. {WARNING}.")
left, right = st.columns(2)
left.download_button("Download output-check report (HTML)", report_as_html,
                     file_name=report_filename(reviews, catalog, "html"), mime="text/html",
                     icon=":material/download:", key="review_report_html")
right.download_button("Download output-check report (JSON)", report_as_json,
                      file_name=report_filename(reviews, catalog, "json"), mime="application/json",
                      icon=":material/download:", key="review_report_json")
