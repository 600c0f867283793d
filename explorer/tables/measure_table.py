"""The measures step: the one place a MeasureTable is made, from a ProtectedTable.

A MeasureTable is the sealed carrier that charts, tables, downloads, publish and the CLI
accept. Its constructor demands a token this module alone holds (as ProtectedTable's does), so
only the measures step's functions make one:

- ``measure_table(protected, request, catalog)``: a request's measure (explorer.tables).
- ``linkage_measure_table(protected, dimension, catalog, audience)``: the Data catalog page's
  linkage rate by group, from the protected linked x unlinked table (explorer.tables.linkage_quality).
- ``linkage_evaluation_measure_tables`` and ``linkage_bias_measure_tables``: linkage precision and
  recall by group, and linked against unlinked records on a characteristic, from their protected
  tables (explorer.tables.linkage_evaluation, explorer.tables.linkage_bias; the figures are
  computed from the shown cells in explorer.tables.linkage_cells).
- ``restore_published(...)``: a validated view of the published file back into a MeasureTable
  (explorer.release.published_file); the file holds only protected numbers and the row flags made here.

It is read-only; ``frame`` and ``row_flags`` come back as copies, so no caller can edit it.
``events_label`` and ``denominator_label`` say what the ``events`` and ``denominator`` columns
count, for readers (charts' hover text, the public table's headers): deaths and person-years in
a person-time dataset, people with the outcome and people in a person-level one.

``frame`` columns: one per breakdown dimension (named by its code, holding category labels),
``value``, ``lower``, ``upper``, ``events`` (the count the policy allows: perturbed or rounded
for the public, empty when hidden), ``denominator``, ``comparison`` (the row against the
request's benchmark: higher, similar, lower, benchmark, or "" when not compared;
explorer.tables.comparison, which also writes the table's ``comparison_text``), ``status`` (a
reader status, ``CellStatus.reader_status``: shown, suppressed_primary or suppressed_secondary),
``marker`` (GSS: [c] hidden, [u] low reliability, [x] not available, [z] not applicable) and
``rule`` (not in published views). A measure for a hidden cell is hidden with the same marker.
Rates (and proportions, ratios, indices) from fewer than ``rate_reliability.hide_below`` shown
events are not calculated ([x]), and from fewer than ``flag_below`` are marked [u], as ONS does
for death statistics.

``row_flags``, one row per frame row, carries what later steps must not guess from labels: per
breakdown dimension ``<code>`` (the level the ProtectedTable cell carries: category code,
hierarchy group key, or ``TOTAL``) and ``<code>_is_margin`` (that level is the total or a
subtotal), then ``is_margin`` (the row is a margin of any dimension) and ``is_reference`` (the
catalog reference category of a one-dimension table, interior row).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from explorer.catalog import Catalog
from explorer.tables.cell_measures import MEASURE_FUNCTIONS, SHOWN, worst_status
from explorer.tables.linkage_cells import LINKAGE as LINKAGE_DIMENSION, bias_frames, evaluation_frames
from explorer.measures.proportions import proportion
from explorer.sdc.protected_table import ProtectedTable, ReadOnly
from explorer.sdc.status import CellStatus, Marker, marker_legend
from explorer.sdc.structure import TOTAL  # noqa: F401 - re-exported for the row flags
from explorer.tables.comparison import (COMPARISONS, NOT_COMPARED,
                                        compare_with_benchmark, dimension_labels, reference_for)
from explorer.tables.request import TableRequest

COLUMNS = ["value", "lower", "upper", "events", "denominator", "comparison", "status", "marker",
           "rule"]
NUMBER_COLUMNS = ("value", "lower", "upper", "events", "denominator")
"""The numbers of a row: a hidden row carries none of them, denominators included (docs/sdc.md,
attack 3)."""
FLAG_COLUMNS = ("is_margin", "is_reference")
MARGIN_SUFFIX = "_is_margin"
LINKED, NOT_LINKED = "linked", "not_linked"
"""The second dimension of the linkage table and its two categories (explorer.tables.linkage_quality)."""
_READER_STATUSES = frozenset(status.value for status in CellStatus.reader_statuses())
DEATHS, PERSON_YEARS = "Deaths", "Person-years"
PEOPLE_WITH_OUTCOME, PEOPLE = "People with the outcome", "People"
"""What a table's events and denominator columns count (``count_labels``)."""

_MEASURES_TOKEN = object()
"""Held by this module's measures step; a MeasureTable cannot be made without it."""


def row_flag_columns(dimensions: tuple[str, ...] | list[str]) -> list[str]:
    """The columns of ``row_flags`` for a table with these breakdown columns."""
    return [*dimensions, *(f"{code}{MARGIN_SUFFIX}" for code in dimensions), *FLAG_COLUMNS]


class MeasureTable:
    """A protected measure frame with its row flags and what a reader needs to interpret it.
    Made only by this module's functions (see the module docstring); read-only."""

    __slots__ = ("_request", "_frame", "_row_flags", "_dimensions", "_title", "_unit", "_method",
                 "_policy", "_legend", "_notes", "_events_label", "_denominator_label",
                 "_comparison_text")

    def __init__(self, *, token: object, request: TableRequest, frame: pd.DataFrame,
                 row_flags: pd.DataFrame, title: str, unit: str, method: str, policy: str,
                 legend: str, notes: tuple[str, ...], events_label: str = DEATHS,
                 denominator_label: str = PERSON_YEARS, comparison_text: str = "") -> None:
        if token is not _MEASURES_TOKEN:
            raise TypeError("a MeasureTable can only be made by the measures step "
                            "(explorer.tables.measure_table.measure_table and its siblings)")
        frame = frame.reset_index(drop=True).copy()
        dimensions = tuple(column for column in frame.columns if column not in COLUMNS)
        flags = row_flags.reset_index(drop=True).copy()
        if list(flags.columns) != row_flag_columns(dimensions) or len(flags) != len(frame):
            raise ValueError(f"row flags {list(flags.columns)} ({len(flags)} rows) do not match "
                             f"the frame's breakdown {list(dimensions)} ({len(frame)} rows)")
        unknown = set(frame["status"]) - _READER_STATUSES
        if unknown:
            raise ValueError(f"statuses {sorted(unknown)} are not reader statuses "
                             f"{sorted(_READER_STATUSES)}")
        for column in (*(f"{code}{MARGIN_SUFFIX}" for code in dimensions), *FLAG_COLUMNS):
            flags[column] = flags[column].astype(bool)
        for name, value in (("_request", request), ("_frame", frame), ("_row_flags", flags),
                            ("_dimensions", dimensions), ("_title", title), ("_unit", unit),
                            ("_method", method), ("_policy", policy), ("_legend", legend),
                            ("_notes", tuple(notes)), ("_events_label", events_label),
                            ("_denominator_label", denominator_label),
                            ("_comparison_text", comparison_text)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a MeasureTable is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a MeasureTable is read-only")

    def __reduce__(self):
        """Pickled (st.cache_data keeps tables) and copied through the measures step's own
        constructor call, so an unpickled table is checked like a new one."""
        return (_unpickle, (self._request, self._frame, self._row_flags, self._title, self._unit,
                            self._method, self._policy, self._legend, self._notes,
                            self._events_label, self._denominator_label,
                            self._comparison_text))

    request: ReadOnly[TableRequest] = ReadOnly()
    frame: ReadOnly[pd.DataFrame] = ReadOnly(
        "The measure frame (a copy: editing it does not change the table).", copy=True)
    row_flags: ReadOnly[pd.DataFrame] = ReadOnly(
        "Per frame row: each dimension's level and margin flag, is_margin, is_reference (a copy).",
        copy=True)
    dimensions: ReadOnly[tuple[str, ...]] = ReadOnly(
        "The frame's breakdown columns (dimension codes), in order.")
    title: ReadOnly[str] = ReadOnly()
    unit: ReadOnly[str] = ReadOnly()
    method: ReadOnly[str] = ReadOnly()
    policy: ReadOnly[str] = ReadOnly()
    legend: ReadOnly[str] = ReadOnly()
    notes: ReadOnly[tuple[str, ...]] = ReadOnly()
    events_label: ReadOnly[str] = ReadOnly("What the events column counts, e.g. 'Deaths'.")
    denominator_label: ReadOnly[str] = ReadOnly(
        "What the denominator column counts, e.g. 'Person-years'.")
    comparison_text: ReadOnly[str] = ReadOnly(
        "What the comparison column compares each row with, in plain words ('' for counts).")

    def __repr__(self) -> str:
        return (f"<MeasureTable {self._request.measure} by {'x'.join(self._dimensions) or '-'}: "
                f"{len(self._frame)} rows, policy {self._policy}>")


def _unpickle(request, frame, row_flags, title, unit, method, policy, legend,
              notes, events_label=None, denominator_label=None,
              comparison_text="") -> MeasureTable:
    return _seal(request, frame, row_flags, title=title, unit=unit, method=method, policy=policy,
                 legend=legend, notes=notes, events_label=events_label or DEATHS,
                 denominator_label=denominator_label or PERSON_YEARS,
                 comparison_text=comparison_text)


def _seal(request: TableRequest, frame: pd.DataFrame, row_flags: pd.DataFrame, *, title: str,
          unit: str, method: str, policy: str, legend: str | None = None,
          notes: tuple[str, ...] = (), events_label: str = DEATHS,
          denominator_label: str = PERSON_YEARS, comparison_text: str = "") -> MeasureTable:
    """The one call of the constructor in the measures step: refuses a hidden row that carries
    a number (a bug upstream), a frame without a valid ``comparison`` column, or a row marked
    by it whose value is not shown; writes the legend of the markers used when none is given."""
    hidden = ~frame["status"].isin([SHOWN]).to_numpy()
    carrying = hidden & frame[list(NUMBER_COLUMNS)].notna().any(axis=1).to_numpy()
    if carrying.any():
        raise ValueError(f"{int(carrying.sum())} hidden rows carry a number; not sealing the table")
    if "comparison" not in frame.columns:
        raise ValueError("the frame has no comparison column; not sealing the table")
    unknown = set(frame["comparison"]) - set(COMPARISONS)
    if unknown:
        raise ValueError(f"comparison values {sorted(map(str, unknown))} are not among "
                         f"{list(COMPARISONS)}; not sealing the table")
    marked = (frame["comparison"] != NOT_COMPARED).to_numpy() & frame["value"].isna().to_numpy()
    if marked.any():
        raise ValueError(f"{int(marked.sum())} rows without a shown value carry a comparison; "
                         "not sealing the table")
    if legend is None:
        used = {m for marker in frame["marker"] for m in str(marker).replace("][", "] [").split()}
        legend = marker_legend(used) if used else ""
    return MeasureTable(token=_MEASURES_TOKEN, request=request, frame=frame, row_flags=row_flags,
                        title=title, unit=unit, method=method, policy=policy, legend=legend,
                        notes=tuple(notes), events_label=events_label,
                        denominator_label=denominator_label, comparison_text=comparison_text)


def replaced_for_leak_tests(table: MeasureTable, **changes) -> MeasureTable:
    """TESTS ONLY: a copy of ``table`` with fields replaced (``frame``, ``request``, ...) and NO
    check, so that a test can build a leaky table and prove its leak check catches it.

    It bypasses the measures step on purpose; production code must never call it (a test
    fails when a module outside tests/ names it)."""
    fields = {"request": table.request, "frame": table.frame, "row_flags": table.row_flags,
              "title": table.title, "unit": table.unit, "method": table.method,
              "policy": table.policy, "legend": table.legend, "notes": table.notes,
              "events_label": table.events_label, "denominator_label": table.denominator_label,
              "comparison_text": table.comparison_text}
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"unknown MeasureTable fields {sorted(unknown)}")
    return MeasureTable(token=_MEASURES_TOKEN, **{**fields, **changes})


# --- the measures step ----------------------------------------------------------------------

def measure_table(protected: ProtectedTable, request: TableRequest, catalog: Catalog) -> MeasureTable:
    """Compute ``request.measure`` from ``protected``."""
    cells = protected.cells()
    compute = MEASURE_FUNCTIONS[request.measure]
    frame, unit, method, notes = compute(protected, cells, request, catalog)
    dims = [column for column in frame.columns if column not in COLUMNS]
    flags = _row_flags(cells, dims, request, catalog).loc[frame.index] if dims else \
        pd.DataFrame({name: np.zeros(len(frame), dtype=bool) for name in FLAG_COLUMNS})
    events_label, denominator_label = count_labels(catalog, request.measure)
    comparison, comparison_text = compare_with_benchmark(
        frame, flags.set_axis(frame.index), request, reference=reference_for(catalog, request),
        labels=dimension_labels(catalog, request))
    frame = _with_comparison(frame, comparison)
    return _seal(request, frame, flags, title=request.describe(catalog), unit=unit, method=method,
                 policy=_policy_label(protected), notes=tuple(notes) + protected.notes,
                 events_label=events_label, denominator_label=denominator_label,
                 comparison_text=comparison_text)


def _with_comparison(frame: pd.DataFrame, comparison) -> pd.DataFrame:
    """``frame`` with its ``comparison`` column (a Series on its index, or one value for every
    row) placed after ``denominator``."""
    frame = frame.drop(columns=["comparison"], errors="ignore")
    frame.insert(frame.columns.get_loc("denominator") + 1, "comparison", comparison)
    return frame


def count_labels(catalog: Catalog, measure: str) -> tuple[str, str]:
    """What a table's events and denominator columns count, for readers: deaths over
    person-years (people, for a proportion) in a person-time dataset; people with the outcome
    over people in a person-level one."""
    if catalog.is_person_level:
        return PEOPLE_WITH_OUTCOME, PEOPLE
    return DEATHS, PEOPLE if measure == "proportion" else PERSON_YEARS


def linkage_measure_table(protected: ProtectedTable, dimension: str, catalog: Catalog,
                          audience: str) -> MeasureTable:
    """Percentage of records linked into the cohort, by one person-level dimension, from the protected
    two-way table ``dimension`` x ``LINKAGE_DIMENSION`` (linked, not linked). A group's rate is
    computed only when both its counts are shown; otherwise it is hidden ([c]) with the worst
    status of the two."""
    chosen = catalog.dimension(dimension)
    cells = protected.cells()
    rows, flags = [], []
    for level in dict.fromkeys(cells[dimension]):  # categories, subtotals, total: engine order
        mine = cells[cells[dimension] == level].set_index(LINKAGE_DIMENSION)
        statuses = [CellStatus(status) for status in mine["status"]]
        hidden = any(status.hidden for status in statuses)
        linked, unlinked = mine["value"].get(LINKED), mine["value"].get(NOT_LINKED)
        rows.append({dimension: mine[f"{dimension}_label"].iat[0],
                     "events": np.nan if hidden else linked,
                     "denominator": np.nan if hidden else linked + unlinked,
                     "status": worst_status(statuses).value,
                     "marker": Marker.CONFIDENTIAL.value if hidden else "",
                     "rule": "linked_and_unlinked_protected_together" if hidden else ""})
        margin = bool(mine["is_margin"].get(LINKED))
        flags.append({dimension: level, f"{dimension}{MARGIN_SUFFIX}": margin,
                      "is_margin": margin,
                      "is_reference": not margin and level == chosen.reference_category.code})
    frame = pd.DataFrame(rows)
    result = proportion(frame["events"].to_numpy(float), frame["denominator"].to_numpy(float),
                        multiplier=100)
    for column, values in zip(("value", "lower", "upper"), (result.value, result.lower, result.upper)):
        frame[column] = np.round(values, 2)
    frame = _with_comparison(frame, NOT_COMPARED)  # linkage tables are not compared
    return _seal(_linkage_request(catalog, dimension, audience), frame[[dimension, *COLUMNS]],
                 pd.DataFrame(flags),
                 title=f"Records linked into the cohort, by {chosen.label.lower()}",
                 unit="% of records linked",
                 method="Linked records / all records x 100; 95% Wilson score CI. Linked and "
                 "unlinked counts are protected together before the rate is calculated.",
                 policy=_policy_label(protected), notes=protected.notes,
                 events_label="Linked records", denominator_label="Records")


def linkage_evaluation_measure_tables(protected: ProtectedTable, dimension: str, catalog: Catalog,
                                      audience: str) -> dict[str, MeasureTable]:
    """Linkage precision and recall by one dimension (``{"precision": ..., "recall": ...}``), from
    the protected group x truth x link table (explorer.tables.linkage_cells.evaluation_frames)."""
    chosen = catalog.dimension(dimension)
    words = {"precision": ("Linkage precision", "% of links made that were correct",
                           "Links made to the right record / all links made x 100"),
             "recall": ("Linkage recall", "% of true matches found",
                        "True matches the linkage found / all true matches x 100")}
    tables = {}
    for name, (frame, flags) in evaluation_frames(protected, dimension, catalog).items():
        title, unit, formula = words[name]
        frame = _with_comparison(frame, NOT_COMPARED)  # linkage tables are not compared
        tables[name] = _seal(
            _linkage_request(catalog, dimension, audience), frame[[dimension, *COLUMNS]], flags,
            title=f"{title}, by {chosen.label.lower()}", unit=unit,
            method=f"{formula}; 95% Wilson score CI. The counts behind precision and recall are "
                   "protected together as one table before either is calculated.",
            policy=_policy_label(protected), notes=protected.notes,
            events_label="Correct links",
            denominator_label="Links made" if name == "precision" else "True matches")
    return tables


def linkage_bias_measure_tables(protected: ProtectedTable, characteristic: str,
                                catalog: Catalog, audience: str) -> dict[str, MeasureTable]:
    """Linked against unlinked records on one characteristic (``{"shares": ..., "differences":
    ...}``), from the protected characteristic x linked-or-not table
    (explorer.tables.linkage_cells.bias_frames)."""
    chosen = catalog.dimension(characteristic)
    frames = {name: (_with_comparison(frame, NOT_COMPARED), flags)  # not compared
              for name, (frame, flags) in bias_frames(protected, characteristic, catalog).items()}
    frame, flags = frames["shares"]
    shares = _seal(
        _linkage_request(catalog, characteristic, audience),
        frame[[characteristic, LINKAGE_DIMENSION, *COLUMNS]], flags,
        title=f"Linked and unlinked records by {chosen.label.lower()}",
        unit="% of linked (or unlinked) records",
        method="Records in the group / all linked (or all unlinked) records x 100; 95% Wilson "
               "score CI. Linked and unlinked counts are protected together as one table first.",
        policy=_policy_label(protected), notes=protected.notes,
        events_label="Records in the group", denominator_label="Records")
    frame, flags = frames["differences"]
    differences = _seal(
        _linkage_request(catalog, characteristic, audience), frame[[characteristic, *COLUMNS]],
        flags, title=f"Standardised difference, linked against unlinked, by "
                     f"{chosen.label.lower()}",
        unit="standardised difference",
        method="(p linked - p unlinked) / sqrt((p linked (1 - p linked) + p unlinked (1 - p "
               "unlinked)) / 2) for each group (Austin 2009), from the shown shares; 0.1 or "
               "more either way is a notable difference.",
        policy=_policy_label(protected), notes=protected.notes,
        events_label="Records in the group", denominator_label="Records")
    return {"shares": shares, "differences": differences}


def _linkage_request(catalog: Catalog, dimension: str, audience: str) -> TableRequest:
    """The request a linkage table carries: a proportion by one dimension over the whole
    follow-up (the outcome is the catalog's first; linkage tables are about records, not it)."""
    return TableRequest(dataset=catalog.code, outcome=next(iter(catalog.outcomes)),
                        measure="proportion", by=(dimension,),
                        period=(catalog.follow_up.first_year, catalog.follow_up.last_year),
                        audience=audience)


def restore_published(request: TableRequest, frame: pd.DataFrame, row_flags: pd.DataFrame, *,
                      title: str, unit: str, method: str, policy: str, legend: str,
                      notes: tuple[str, ...], events_label: str = DEATHS,
                      denominator_label: str = PERSON_YEARS,
                      comparison_text: str | None = None) -> MeasureTable:
    """A view of the published file (validated by explorer.release.published_file) back as a MeasureTable:
    its frame (breakdown labels, numbers, comparison, status, marker; no rule) and the row flags
    that publishing wrote from the MeasureTable it published. A frame without a ``comparison``
    column (a file published before it) gets one computed from its shown values and row flags
    (the reference group is the row flagged ``is_reference``), as does its ``comparison_text``
    when none is given."""
    if "comparison" not in frame.columns:
        comparison, computed = compare_with_benchmark(frame, row_flags.set_axis(frame.index),
                                                      request)
        frame = _with_comparison(frame, comparison)
        comparison_text = computed if comparison_text is None else comparison_text
    return _seal(request, frame, row_flags, title=title, unit=unit, method=method,
                 policy=policy, legend=legend, notes=notes, events_label=events_label,
                 denominator_label=denominator_label, comparison_text=comparison_text or "")


def _policy_label(protected: ProtectedTable) -> str:
    return f"{protected.policy_name} v{protected.policy_version}"


def _row_flags(cells: pd.DataFrame, dims: list[str], request: TableRequest,
               catalog: Catalog) -> pd.DataFrame:
    """The row flags of every cell. A dimension's category levels are those its interior cells
    carry (the engine's ``is_margin`` is False only when every level is a category); any other
    level is a subtotal or the total."""
    interior = ~cells["is_margin"].to_numpy(dtype=bool)
    flags = pd.DataFrame({code: cells[code] for code in dims}, index=cells.index)
    for code in dims:
        categories = set(cells.loc[interior, code])
        flags[f"{code}{MARGIN_SUFFIX}"] = ~cells[code].isin(categories)
    flags["is_margin"] = ~interior
    reference = np.zeros(len(cells), dtype=bool)
    if len(request.by) == 1 and dims == list(request.by) and dims[0] in catalog.dimensions:
        code = catalog.dimension(dims[0]).reference_category.code
        reference = (cells[dims[0]] == code).to_numpy() & interior
    flags["is_reference"] = reference
    return flags
