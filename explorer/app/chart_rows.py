"""What a chart reads from a protected ``MeasureTable``: its breakdown columns, which rows are
margins, totals or the reference category (from the table's ``row_flags``), the comparison of
each row, unique axis labels, and hover text built only from the frame's shown columns.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from explorer.app.chart_style import COMPARISON_WORDS, MARKER_WORDS
from explorer.formats import readable_number
from explorer.tables.measure_table import MARGIN_SUFFIX, TOTAL, MeasureTable

_COMPARISON = "comparison"


def _require(table: object) -> MeasureTable:
    """Refuse anything that is not a protected MeasureTable."""
    if not isinstance(table, MeasureTable):
        raise TypeError(f"charts are drawn from a protected MeasureTable only, not "
                        f"{type(table).__name__}: build one with explorer.tables.build_table")
    return table


def dimension_columns(table: MeasureTable) -> list[str]:
    """The frame's breakdown columns (dimension codes), in order."""
    return [d for d in _require(table).dimensions if d != _COMPARISON]


def margin_rows(table: MeasureTable) -> np.ndarray:
    """True for frame rows that are a margin (Total or subtotal) of any breakdown dimension,
    as the measures step flagged them."""
    return _require(table).row_flags["is_margin"].to_numpy(dtype=bool)


def comparisons(table: MeasureTable) -> list[str]:
    """Per frame row: 'higher', 'similar', 'lower', 'benchmark' or '' (not compared), from the
    table's ``comparison`` column; all '' when the table has none. A row without a shown value
    is never compared."""
    frame = _require(table).frame
    column = frame.get(_COMPARISON)
    if column is None:
        return [""] * len(frame)
    values = frame["value"].to_numpy(float)
    return ["" if np.isnan(v) or not isinstance(c, str) else c.strip().lower()
            for c, v in zip(column.tolist(), values)]


def _is_total(flags: pd.DataFrame, dimension: str) -> np.ndarray:
    """True for rows at the total of ``dimension`` (not a subtotal)."""
    return (flags[dimension] == TOTAL).to_numpy(dtype=bool)


def _total_rows(table: MeasureTable) -> np.ndarray:
    """True for the grand total row(s): the total of every breakdown dimension."""
    flags = table.row_flags
    dims = dimension_columns(table)
    total = np.ones(len(flags), dtype=bool) if dims else np.zeros(len(flags), dtype=bool)
    for d in dims:
        total &= _is_total(flags, d)
    return total


def category_labels(table: MeasureTable) -> list[str]:
    """The axis label of each frame row, unique: a one-dimension table's subtotals say so, and
    a total whose label a category also has says it is the total."""
    table = _require(table)
    dims = dimension_columns(table)
    if not dims:
        return [table.title]
    frame, flags = table.frame, table.row_flags
    labels = [" / ".join(str(row[d]) for d in dims) for _, row in frame.iterrows()]
    if len(dims) == 1:
        margin = flags[f"{dims[0]}{MARGIN_SUFFIX}"].to_numpy(dtype=bool)
        subtotal = margin & ~_is_total(flags, dims[0])
        labels = [f"{label} (subtotal)" if sub else label for label, sub in zip(labels, subtotal)]
    margins = flags["is_margin"].to_numpy(dtype=bool)
    interior_labels = {label for label, margin in zip(labels, margins) if not margin}
    labels = [f"{label} (all groups)" if margin and label in interior_labels else label
              for label, margin in zip(labels, margins)]
    return labels


def _reference_label(table: MeasureTable, labels: list[str]) -> str | None:
    """The axis label of the row the measures step flagged as the reference category."""
    rows = np.flatnonzero(table.row_flags["is_reference"].to_numpy(dtype=bool))
    return labels[rows[0]] if len(rows) else None


def benchmark_name(table: MeasureTable) -> str:
    """What the comparison is against, in words: the first breakdown's label on the benchmark
    rows (in a two-way or trend table each row is compared with the benchmark at the same level
    of the other breakdown), 'the total' when the benchmark is that breakdown's total, else 'the
    benchmark'."""
    table = _require(table)
    dims = dimension_columns(table)
    rows = [i for i, c in enumerate(comparisons(table)) if c == "benchmark"]
    if not rows or not dims:
        return "the benchmark"
    if _is_total(table.row_flags, dims[0])[rows[0]]:
        return "the total"
    return str(table.frame[dims[0]].iat[rows[0]])


def _number(value: float) -> str:
    """A readable number: integers with separators, others to at most three decimals."""
    return readable_number(value, 3)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def marker_text(marker: str) -> str:
    """'[c]' -> '[c] hidden'; '' -> 'no value'."""
    first = marker.split("]")[0] + "]" if marker else ""
    return f"{marker} {MARKER_WORDS.get(first, 'no value')}".strip() if marker else "no value"


def _comparison_line(comparison: str, benchmark: str) -> str:
    if comparison == "benchmark":
        return "The group others are compared with"
    if comparison in COMPARISON_WORDS:
        return COMPARISON_WORDS[comparison].format(b=benchmark)
    return ""


def _hover(table: MeasureTable, row: pd.Series, label: str, comparison: str = "",
           benchmark: str = "") -> str:
    """Hover text from the shown columns only."""
    lines = [f"<b>{label}</b>"]
    value, lower, upper = row["value"], row["lower"], row["upper"]
    if _missing(value):
        lines.append(f"Value: {marker_text(row['marker'])}")
    else:
        ci = "" if _missing(lower) or _missing(upper) else f" (95% CI {_number(lower)} to {_number(upper)})"
        lines.append(f"Value: {_number(value)} {table.unit}{ci}")
        if comparison:
            lines.append(_comparison_line(comparison, benchmark))
    if table.request.measure != "count":
        events = row["events"]
        lines.append(f"{table.events_label}: {row['marker'] or 'none shown'}" if _missing(events)
                     else f"{table.events_label}: {_number(events)}")
    denominator = row["denominator"]
    if not _missing(denominator):
        lines.append(f"{table.denominator_label}: {_number(denominator)}")
    if row["marker"] and not _missing(value):
        lines.append(marker_text(row["marker"]))
    return "<br>".join(lines)
