"""The view selectors Explore and Disclosure review share: outcome, measure, period, one or two
breakdowns and filters on the other dimensions, kept in st.session_state under one key prefix
per page ("explore", "review"), so each page remembers its own view. The measures offered are
those that fit the dataset's shape (``measures_for``); a person-level dataset has no period
selector (its tables cover the whole follow-up window)."""

from __future__ import annotations

import streamlit as st

from explorer.catalog import Catalog
from explorer.tables.request import measures_for, offered_periods
from explorer.app.view_state import ExploreView

NONE = ""
_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$"


def escape_markdown(text: str) -> str:
    """User-supplied text shown through markdown: every special character escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def seed_view_widgets(prefix: str, view: ExploreView, catalog: Catalog) -> None:
    """Set the page's widgets (keys ``<prefix>_outcome`` ...) to show ``view``."""
    state = st.session_state
    state[f"{prefix}_outcome"] = view.outcome
    state[f"{prefix}_measure"] = view.measure
    state[f"{prefix}_by1"] = view.by[0]
    state[f"{prefix}_by2"] = view.by[1] if len(view.by) > 1 else NONE
    state[f"{prefix}_period"] = tuple(view.period)
    for code in catalog.dimensions:
        state[f"{prefix}_where_{code}"] = view.where.get(code, (NONE,))[0]


def view_selectors(prefix: str, catalog: Catalog) -> ExploreView:
    """Draw the selectors and return the view they describe (not validated yet: the page
    validates it with ``view.request``)."""
    dimensions = list(catalog.dimensions)
    label = {code: dimension.label for code, dimension in catalog.dimensions.items()}
    measures = measures_for(catalog)
    columns = st.columns(2 if catalog.is_person_level else 3)
    outcome = columns[0].selectbox("Outcome", list(catalog.outcomes), key=f"{prefix}_outcome",
                                   format_func=lambda code: catalog.outcomes[code].label)
    if st.session_state.get(f"{prefix}_measure") not in measures:  # e.g. from another dataset
        st.session_state[f"{prefix}_measure"] = catalog.explore_default.measure
    measure = columns[1].selectbox("Measure", list(measures), key=f"{prefix}_measure",
                                   format_func=measures.get)
    periods = offered_periods(catalog, outcome)
    if catalog.is_person_level:
        period = next(iter(periods))  # the whole follow-up window: nothing to choose
    else:
        if tuple(st.session_state.get(f"{prefix}_period", ())) not in periods:
            st.session_state[f"{prefix}_period"] = next(iter(periods))  # the whole follow-up
        period = columns[2].selectbox(
            "Period (years of death)", list(periods), key=f"{prefix}_period",
            format_func=periods.get,
            help="The whole follow-up, a fixed period or one year. Free ranges are not offered: "
                 "two overlapping ranges could be subtracted to reveal a hidden count.")
    left, right = st.columns(2)
    by1 = left.selectbox("Break down by", dimensions, key=f"{prefix}_by1", format_func=label.get)
    by2 = right.selectbox("and by (optional)", [NONE, *dimensions], key=f"{prefix}_by2",
                          format_func=lambda code: label.get(code, "(none)"))
    by = (by1,) if by2 in (NONE, by1) else (by1, by2)

    where = {}
    with st.expander("Filter other groups"):
        st.caption("Choose one group to look within, or everyone.")
        columns = st.columns(3)
        for i, code in enumerate(code for code in dimensions if code not in by):
            names = {NONE: "Everyone", **catalog.dimensions[code].filter_choices()}
            if st.session_state.get(f"{prefix}_where_{code}", NONE) not in names:
                st.session_state[f"{prefix}_where_{code}"] = NONE
            chosen = columns[i % 3].selectbox(label[code], list(names), key=f"{prefix}_where_{code}",
                                              format_func=names.get)
            if chosen != NONE:
                where[code] = (chosen,)
    return ExploreView(outcome=outcome, measure=measure, by=by, where=where, period=tuple(period))


__all__ = ["NONE", "escape_markdown", "seed_view_widgets", "view_selectors"]
