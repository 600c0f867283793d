"""The view selectors Explore and Disclosure review share: outcome, measure, period, one or two
breakdowns and filters on the other dimensions, kept in st.session_state under one key prefix
per page ("explore", "review"), so each page remembers its own view. The measures offered are
those that fit the dataset's shape (``measures_for``); a person-level dataset has no period
selector (its tables cover the whole follow-up window)."""

from __future__ import annotations

import streamlit as st

from explorer.catalog import Catalog
from explorer.tables.choices import breakdowns_for, second_breakdowns_for
from explorer.tables.comparison import RATE_MEASURES
from explorer.tables.request import BENCHMARKS, DEFAULT_BENCHMARK, measures_for, offered_periods
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
    state[f"{prefix}_benchmark"] = view.benchmark
    for code in catalog.dimensions:
        state[f"{prefix}_where_{code}"] = view.where.get(code, (NONE,))[0]


def view_selectors(prefix: str, catalog: Catalog) -> ExploreView:
    """Draw the selectors and return the view they describe (validated when the page asks for
    its ``request``). Only pairs that validate are offered: the measures with at least one
    breakdown, and for the chosen measure only the breakdowns it fits (``breakdowns_for``)."""
    label = {code: dimension.label for code, dimension in catalog.dimensions.items()}
    columns = st.columns(2 if catalog.is_person_level else 3)
    outcome = columns[0].selectbox("Outcome", list(catalog.outcomes), key=f"{prefix}_outcome",
                                   format_func=lambda code: catalog.outcomes[code].label)
    measures = {code: text for code, text in measures_for(catalog).items()
                if breakdowns_for(catalog, outcome, code)}
    if st.session_state.get(f"{prefix}_measure") not in measures:  # e.g. from another dataset
        st.session_state[f"{prefix}_measure"] = (catalog.explore_default.measure
                                                 if catalog.explore_default.measure in measures
                                                 else next(iter(measures)))
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
            help="The years this outcome's deaths are counted in, a fixed period or one year. "
                 "Free ranges are not offered: two overlapping ranges could be subtracted to "
                 "reveal a hidden count.")
    firsts = breakdowns_for(catalog, outcome, measure)
    if st.session_state.get(f"{prefix}_by1") not in firsts:
        st.session_state[f"{prefix}_by1"] = firsts[0]
    left, right = st.columns(2)
    by1 = left.selectbox("Break down by", firsts, key=f"{prefix}_by1", format_func=label.get,
                         help=f"The breakdowns {measures[measure][0].lower()}{measures[measure][1:]} "
                              "can be calculated for.")
    seconds = second_breakdowns_for(catalog, outcome, measure, by1)
    if st.session_state.get(f"{prefix}_by2", NONE) not in (NONE, *seconds):
        st.session_state[f"{prefix}_by2"] = NONE
    by2 = right.selectbox("and by (optional)", [NONE, *seconds], key=f"{prefix}_by2",
                          format_func=lambda code: label.get(code, "(none)"),
                          disabled=not seconds,
                          help=None if seconds else "This measure compares the groups of one "
                                                    "breakdown.")
    by = (by1,) if by2 in (NONE, by1) else (by1, by2)
    dimensions = list(catalog.dimensions)
    benchmark = DEFAULT_BENCHMARK
    if measure in RATE_MEASURES:
        if st.session_state.get(f"{prefix}_benchmark") not in BENCHMARKS:
            st.session_state[f"{prefix}_benchmark"] = DEFAULT_BENCHMARK
        reference = catalog.dimension(by1).reference_category.label
        names = {"reference": f"{reference} (the reference group)",
                 "total": f"Everyone (the total of {label[by1].lower()})"}
        benchmark = st.radio(
            "Compare each group with", list(names), key=f"{prefix}_benchmark",
            format_func=names.get, horizontal=True,
            help="Each group is marked higher, similar or lower: higher or lower when its 95% "
                 "confidence interval does not include the benchmark's value.")

    where = {}
    with st.expander("Filter other groups"):
        st.caption("Choose one group to look within, or everyone.")
        columns = st.columns(3)
        broken_down = {catalog.dimensions[code].stored_as for code in by}
        # no filter on a breakdown, or on another grouping of the same people (disability and
        # disability_grouped): a filter there only empties some of the breakdown's groups
        filters = [code for code in dimensions
                   if catalog.dimensions[code].stored_as not in broken_down]
        for i, code in enumerate(filters):
            names = {NONE: "Everyone", **catalog.dimensions[code].filter_choices()}
            if st.session_state.get(f"{prefix}_where_{code}", NONE) not in names:
                st.session_state[f"{prefix}_where_{code}"] = NONE
            chosen = columns[i % 3].selectbox(label[code], list(names), key=f"{prefix}_where_{code}",
                                              format_func=names.get)
            if chosen != NONE:
                where[code] = (chosen,)
    return ExploreView(outcome=outcome, measure=measure, by=by, where=where, period=tuple(period),
                       benchmark=benchmark)


__all__ = ["NONE", "escape_markdown", "seed_view_widgets", "view_selectors"]
