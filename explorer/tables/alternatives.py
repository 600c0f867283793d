"""What would work when a view's cells are hidden (issue 17, "graceful hiding").

When disclosure control hides groups of a view ([c]: too few events to show; [x]: too few for a
reliable rate), the Explore page says why (``hidden_reason``), says so when nothing is left to
draw (``nothing_to_draw``), and offers requests that would show more (``alternatives_for``):
the coarser grouping of a breakdown dimension declared in the catalog (``Dimension.coarser``),
the whole follow-up instead of a shorter period, or one filter fewer. This follows ONS "Create a
custom dataset", which offers coarser classifications when a chosen one is too detailed.

Everything here reads protected MeasureTables only (statuses, markers and counts of hidden
rows), and every request offered is an ordinary validated TableRequest: a coarser grouping is a
fixed partition declared in the catalog, never a set of categories chosen by the user, so
offering it opens no differencing route (docs/sdc.md, "Requests that open routes are refused").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from explorer.catalog import Catalog
from explorer.errors import QueryError
from explorer.sdc.status import CellStatus, Marker
from explorer.tables.build import policy_for
from explorer.tables.measure_table import MeasureTable
from explorer.tables.request import (RATIO_MEASURES, TableRequest, offered_periods,
                                     validate_request)

COARSER, LONGER_PERIOD, FEWER_FILTERS = "coarser", "longer_period", "fewer_filters"
KINDS = (COARSER, LONGER_PERIOD, FEWER_FILTERS)
"""Kinds of alternative, in the order preferred among equally good ones: a coarser grouping
keeps the people and years asked about, a longer period keeps the people, and dropping a
filter changes who is counted."""
MAX_ALTERNATIVES = 4
_HIDDEN_STATUSES = frozenset({CellStatus.SUPPRESSED_PRIMARY.value,
                              CellStatus.SUPPRESSED_SECONDARY.value})
_FIGURE_WORDS = {"count": "figure", "proportion": "percentage", "rate_ratio": "comparison",
                 "adjusted_rate_ratio": "comparison", "proportion_ratio": "comparison",
                 "sii": "figure", "rii": "figure"}
"""What a measure's value is called in plain words (default: a rate)."""


@dataclass(frozen=True)
class Alternative:
    """A request the page can offer as a button. ``label`` is the button text, ``shows`` what
    the alternative's protected table gains, both in plain words."""

    kind: str
    label: str
    request: TableRequest
    shows: str


@dataclass(frozen=True)
class _Hidden:
    """Counts of a protected table's interior rows: all of them, hidden ones ([c] or [x]),
    and why the hidden ones are hidden."""

    rows: int
    hidden: int
    primary: int
    secondary: int
    unreliable: int
    with_value: int
    non_reference_with_value: int
    non_reference: int


def _interior(table: MeasureTable) -> _Hidden:
    frame, flags = table.frame, table.row_flags
    interior = ~flags["is_margin"].to_numpy(bool)
    status = frame["status"].astype(str).to_numpy()
    marker = frame["marker"].astype(str).to_numpy()
    suppressed = np.isin(status, list(_HIDDEN_STATUSES))
    unreliable = ~suppressed & (marker == Marker.NOT_AVAILABLE.value)
    hidden = interior & (suppressed | unreliable)
    has_value = interior & frame["value"].notna().to_numpy()
    reference = flags["is_reference"].to_numpy(bool)
    return _Hidden(
        rows=int(interior.sum()), hidden=int(hidden.sum()),
        primary=int((interior & (status == CellStatus.SUPPRESSED_PRIMARY.value)).sum()),
        secondary=int((interior & (status == CellStatus.SUPPRESSED_SECONDARY.value)).sum()),
        unreliable=int((interior & unreliable).sum()), with_value=int(has_value.sum()),
        non_reference_with_value=int((has_value & ~reference).sum()),
        non_reference=int((interior & ~reference).sum()))


def hidden_rows(table: MeasureTable) -> tuple[int, int]:
    """(hidden, all) interior (non-margin) rows of a protected table; hidden: [c] (suppressed)
    or [x] (too few shown events for a reliable measure)."""
    counts = _interior(table)
    return counts.hidden, counts.rows


def _groups(count: int) -> str:
    return f"{count} group" if count == 1 else f"{count} groups"


def _events_words(table: MeasureTable) -> str:
    return table.events_label.lower()


def hidden_reason(table: MeasureTable, catalog: Catalog) -> str | None:
    """One or two plain sentences saying why some of the table's groups are hidden, or None
    when none is. Read from the protected table's statuses and markers; the threshold is the
    audience's policy's (catalog sdc policies)."""
    counts = _interior(table)
    if counts.hidden == 0:
        return None
    threshold = policy_for(catalog, table.request.audience).threshold
    events = _events_words(table)
    reasons = []
    them = "it" if counts.hidden == 1 else "them"
    if counts.primary:
        reasons.append(f"fewer than {threshold} {events} were counted in {them}")
    if counts.secondary:
        reasons.append(f"{'its' if counts.hidden == 1 else 'their'} numbers could otherwise "
                       "be worked out from the other groups and the total")
    if counts.unreliable:
        reasons.append(f"too few {events} were counted for a reliable "
                       f"{_FIGURE_WORDS.get(table.request.measure, 'rate')}")
    verb = "is" if counts.hidden == 1 else "are"
    how = ("combining groups or fewer filters counts more people" if catalog.is_person_level
           else "combining groups, a longer period or fewer filters counts more people")
    return (f"{counts.hidden} of {_groups(counts.rows)} {verb} hidden because "
            f"{', or '.join(reasons)}; {how}.")


def nothing_to_draw(table: MeasureTable) -> str | None:
    """A message when no interior row of the protected table has a value to draw (for a ratio
    table, whose reference row is 1 by definition: no group other than the reference has a
    value), else None."""
    counts = _interior(table)
    ratio = table.request.measure in RATIO_MEASURES
    left = counts.non_reference_with_value if ratio else counts.with_value
    if left > 0:
        return None
    if ratio:
        return ("Nothing to draw: no group other than the reference group has a value that can "
                "be shown.")
    return "Nothing to draw: no group has a value that can be shown."


def _validated(catalog: Catalog, request: TableRequest, **changes) -> TableRequest | None:
    """``request`` with ``changes``, validated like any request (None if it does not
    validate)."""
    parts = {field.name: getattr(request, field.name) for field in dataclasses.fields(request)
             if field.name != "dataset"}
    parts.update(changes)
    try:
        return validate_request(catalog, **parts)
    except QueryError:
        return None


def _candidates(request: TableRequest, catalog: Catalog) -> list[tuple[str, str, TableRequest]]:
    """(kind, label, request) for each alternative worth building, in KINDS order."""
    candidates = []
    for position, code in enumerate(request.by):
        if code not in catalog.dimensions:  # the trend's pseudo-dimension year
            continue
        for coarser in catalog.dimension(code).coarser:
            by = (*request.by[:position], coarser, *request.by[position + 1:])
            checked = _validated(catalog, request, by=by)
            if checked is not None:
                candidates.append((COARSER, f"Use {catalog.dimension(coarser).label}", checked))
    if not catalog.is_person_level:
        whole = next(iter(offered_periods(catalog, request.outcome)))
        if tuple(request.period) != whole:
            checked = _validated(catalog, request, period=whole)
            if checked is not None:
                candidates.append((LONGER_PERIOD,
                                   f"Use the whole follow-up, {whole[0]} to {whole[1]}", checked))
    for code, values in request.where.items():
        dimension = catalog.dimension(code)
        choices = dimension.filter_choices()
        chosen = ", ".join(choices.get(value, value) for value in values)
        where = {other: kept for other, kept in request.where.items() if other != code}
        checked = _validated(catalog, request, where=where)
        if checked is not None:
            candidates.append((FEWER_FILTERS, f"Remove the filter {dimension.label}: {chosen}",
                               checked))
    return candidates


def _shows(counts: _Hidden) -> str:
    return (f"shows {counts.rows - counts.hidden} of {_groups(counts.rows)} "
            f"({counts.hidden} hidden)")


def alternatives_for(request: TableRequest, table: MeasureTable, catalog: Catalog,
                     build: Callable[[TableRequest], MeasureTable]) -> list[Alternative]:
    """Requests that would hide fewer groups than the view, best first, at most four; empty
    when no interior row of the view is hidden.

    Candidates: each breakdown dimension's coarser groupings (``Dimension.coarser``), the whole
    follow-up when the view covers a shorter period, and the view without each of its filters
    (one at a time). Each is built with ``build`` (the page's cached table builder) and kept
    only if its protected table hides fewer interior rows than the view's; ordered by the
    share of its rows hidden, then by kind (``KINDS``: a coarser grouping keeps the people and
    years asked about), then by the rows shown (more first)."""
    view = _interior(table)
    if view.hidden == 0:
        return []
    scored = []
    for order, (kind, label, candidate) in enumerate(_candidates(request, catalog)):
        counts = _interior(build(candidate))
        if counts.hidden >= view.hidden:
            continue
        share = counts.hidden / counts.rows if counts.rows else 1.0
        scored.append(((share, KINDS.index(kind), -(counts.rows - counts.hidden), order),
                       Alternative(kind, label, candidate, _shows(counts))))
    scored.sort(key=lambda item: item[0])
    return [alternative for _, alternative in scored[:MAX_ALTERNATIVES]]


__all__ = ["Alternative", "COARSER", "FEWER_FILTERS", "KINDS", "LONGER_PERIOD",
           "alternatives_for", "hidden_reason", "hidden_rows", "nothing_to_draw"]
