"""Disclosure review (statisticians only): every cell of a view's tables with its true count,
the value the chosen policy shows, its status and rule, and the interval an attacker could
deduce for each hidden cell; exports the output-check report (HTML, JSON). Thin: the review
and the report are built in explorer.review and explorer.output_report. The true values are
shown in a static table (no CSV toolbar) and leave the page only inside the report."""

import streamlit as st

from explorer.app_support import load_catalog_for_app, require_router, review_tables_for
from explorer.auth import require_role
from explorer.errors import ExplorerError
from explorer.output_report import WARNING, report_filename, report_html, report_json
from explorer.review import (
    BANNER,
    CUSTOM,
    MAX_CUSTOM_THRESHOLD,
    POLICY_CHOICES,
    POLICY_PARAMETERS,
    REASON_TEXT,
    DecisionReason,
    display_frame,
    policy_from_query_params,
    policy_to_query_params,
    summary_lines,
)
from explorer.table_request import MEASURES
from explorer.tables import policy_for
from explorer.view_state import (
    ExploreView,
    view_from_query_params,
    view_to_query_params,
)

require_router()
require_role("statistician")

AUDIENCE = "statistician"
NONE = ""
POLICY_NAMES = {"public": "Public", "official": "Official", "statistician": "Statistician",
                CUSTOM: "Custom threshold"}
_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$"


def _escape(text: str) -> str:
    """User-supplied text shown through markdown: every special character escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


catalog = load_catalog_for_app(st.session_state["dataset"])
dimensions = list(catalog.dimensions)
label = {code: dimension.label for code, dimension in catalog.dimensions.items()}
default_threshold = policy_for(catalog, "official").threshold


def _seed_widgets(view: ExploreView, choice: str, threshold: int) -> None:
    st.session_state["review_outcome"] = view.outcome
    st.session_state["review_measure"] = view.measure
    st.session_state["review_by1"] = view.by[0]
    st.session_state["review_by2"] = view.by[1] if len(view.by) > 1 else NONE
    st.session_state["review_period"] = tuple(view.period)
    st.session_state["review_policy"] = choice
    st.session_state["review_threshold"] = threshold
    for code in dimensions:
        st.session_state[f"review_where_{code}"] = list(view.where.get(code, ()))


# --- the view and policy: from a new URL (e.g. Explore's link), else the session's last ------
url = {name: st.query_params.get_all(name) for name in st.query_params}
if st.session_state.get("review_dataset") != catalog.code or (
        url and url != st.session_state.get("review_url")):
    view_params = {name: value for name, value in url.items() if name not in POLICY_PARAMETERS}
    view, notices = view_from_query_params(view_params, catalog)
    choice, threshold, policy_notices = policy_from_query_params(url, default_threshold)
    _seed_widgets(view, choice, threshold)
    st.session_state["review_dataset"] = catalog.code
    st.session_state["review_state"] = (view, choice, threshold)
    st.session_state["review_notices"] = notices + policy_notices
elif "review_outcome" not in st.session_state:  # came back from another page
    _seed_widgets(*st.session_state["review_state"])
    st.session_state["review_notices"] = []

st.title("Disclosure review")
st.warning(BANNER, icon=":material/warning:")
for notice in st.session_state.get("review_notices", []):
    st.info(_escape(notice), icon=":material/link_off:")

# --- widgets (the same view an official can build on Explore) ---------------------------------
left, middle, right = st.columns(3)
outcome = left.selectbox("Outcome", list(catalog.outcomes), key="review_outcome",
                         format_func=lambda code: catalog.outcomes[code].label)
measure = middle.selectbox("Measure", list(MEASURES), key="review_measure", format_func=MEASURES.get)
first, last = catalog.follow_up.first_year, catalog.follow_up.last_year
period = right.slider("Period (years of death)", min_value=first, max_value=last, key="review_period")
left, right = st.columns(2)
by1 = left.selectbox("Break down by", dimensions, key="review_by1", format_func=label.get)
by2 = right.selectbox("and by (optional)", [NONE, *dimensions], key="review_by2",
                      format_func=lambda code: label.get(code, "(none)"))
by = (by1,) if by2 in (NONE, by1) else (by1, by2)

where = {}
with st.expander("Filter other groups"):
    st.caption("Leave a list empty to include everyone.")
    columns = st.columns(3)
    for i, code in enumerate(code for code in dimensions if code not in by):
        names = {c.key: c.label for c in catalog.dimensions[code].categories}
        chosen = columns[i % 3].multiselect(label[code], list(names), key=f"review_where_{code}",
                                            format_func=names.get)
        if chosen:
            where[code] = tuple(chosen)

left, right = st.columns([3, 1])
choice = left.radio("Disclosure control policy", POLICY_CHOICES, key="review_policy",
                    format_func=POLICY_NAMES.get, horizontal=True,
                    help="Public, official and statistician are the audiences' policies; a custom "
                         "threshold is applied to the official policy.")
threshold = right.number_input("Custom frequency threshold", min_value=1,
                               max_value=MAX_CUSTOM_THRESHOLD, step=1, key="review_threshold",
                               disabled=choice != CUSTOM)

view = ExploreView(outcome=outcome, measure=measure, by=by, where=where, period=tuple(period))

# --- build everything before showing any of it ------------------------------------------------
try:
    request = view.request(catalog, AUDIENCE)
    reviews = review_tables_for(request, choice, int(threshold))
    report_as_html = report_html(reviews, catalog)
    report_as_json = report_json(reviews, catalog)
except ExplorerError as error:
    st.error(str(error))
    st.stop()

params = {**view_to_query_params(view), **policy_to_query_params(choice, int(threshold))}
if url != {name: [value] for name, value in params.items()}:
    st.query_params.from_dict(params)
st.session_state["review_url"] = {name: [value] for name, value in params.items()}
if (view, choice, int(threshold)) != st.session_state.get("review_state"):
    st.session_state["review_state"] = (view, choice, int(threshold))
    st.session_state["review_notices"] = []

# --- the review -------------------------------------------------------------------------------
st.caption(f"Policy {reviews[0].policy.label}: {reviews[0].policy.description}")
for tab, review in zip(st.tabs(["The view", "Trend by calendar year"]), reviews):
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
        st.table(display_frame(review))
        st.caption("Audit interval: what an attacker can deduce about a hidden cell from every "
                   "shown cell and margin. Must reach: the range the interval must cover (a "
                   "primary cell: its value minus and plus the protection level, not below 0; a "
                   "secondary cell: only not exact). Needs a decision: "
                   + "; ".join(f"{reason.value.replace('_', ' ')}: {REASON_TEXT[reason]}"
                               for reason in DecisionReason) + ".")

st.subheader("Output-check report")
st.caption(f"Both tables, the policy, the rules applied, every hidden cell with its rule and "
           f"audit interval, the cells needing a decision and a recommendation. {WARNING}.")
left, right = st.columns(2)
left.download_button("Download output-check report (HTML)", report_as_html,
                     file_name=report_filename(reviews, catalog, "html"), mime="text/html",
                     icon=":material/download:", key="review_report_html")
right.download_button("Download output-check report (JSON)", report_as_json,
                      file_name=report_filename(reviews, catalog, "json"), mime="application/json",
                      icon=":material/download:", key="review_report_json")
