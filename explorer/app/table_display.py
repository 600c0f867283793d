"""A protected MeasureTable laid out for people to read on a page: headers in words with their
units, hidden or not-calculated cells showing their GSS marker ([c], [x], [z]) instead of an
empty cell, low-reliability values followed by [u], numbers with thousands separators, and, for
statisticians only, each cell's status and rule in words.

Cells are text, as printed (a marker is not a number), so the page shows them with st.table, a
plain HTML table, and sorts rows by value with ``row_order`` rather than by clicking a header
(which would sort the text: "12" before "9"). ``readable_frame`` keeps the numbers as numbers,
for anyone who needs them. Built from a MeasureTable only: it can show nothing that disclosure
control hid.
"""

from __future__ import annotations

import math

import pandas as pd

from explorer.catalog import Catalog
from explorer.sdc.status import CellStatus
from explorer.tables.measure_table import MeasureTable

NUMBERS = ("value", "lower", "upper", "events", "denominator")
MEASURE_WORDS = {
    "count": "Number",
    "crude_rate": "Crude rate",
    "asmr": "Age-standardised rate",
    "proportion": "Percentage",
    "rate_ratio": "Rate ratio",
    "adjusted_rate_ratio": "Adjusted rate ratio",
    "proportion_ratio": "Ratio of percentages",
    "sii": "Slope index of inequality",
    "rii": "Relative index of inequality",
}
"""What the value column holds, per measure (its unit follows in the header)."""
RULE_WORDS = {
    "frequency_threshold": "fewer {counted} than the policy's threshold",
    "frequency_threshold_after_perturbation": "perturbation would have shown fewer {counted} than the threshold",
    "zeros": "a zero that could reveal something about a whole group",
    "dominance_nk": "a few contributors dominate the total",
    "p_percent": "one contributor could estimate another's value too closely",
    "secondary_suppression": "hidden so a hidden cell cannot be worked out from the totals",
    "inherits_hidden_group": "based on a group that is hidden",
    "rate_reliability": "too few {counted} for a reliable figure",
    "index_not_defined": "the index cannot be calculated from these groups",
    "counts_protected_together": "a count it is calculated from is hidden",
    "linked_and_unlinked_protected_together": "a count it is calculated from is hidden",
    "perturbed_count_above_its_total": "the perturbed count came out above its total",
    "structural_zero": "cannot happen (structural zero)",
    "cell_key_perturbation": "shown with cell key noise",
    "rounding": "shown rounded",
}
"""Why a cell is not shown in full, in words; ``{counted}`` is what the table's counts count
(deaths, people with the outcome)."""
STATUS_WORDS = {CellStatus.SHOWN.value: "Shown",
                CellStatus.SUPPRESSED_PRIMARY.value: "Hidden (primary)",
                CellStatus.SUPPRESSED_SECONDARY.value: "Hidden (secondary)"}
COMPARISON_WORDS = {"higher": "Higher", "similar": "Similar", "lower": "Lower",
                    "benchmark": "Benchmark", "": ""}


def _require(table: object) -> MeasureTable:
    if not isinstance(table, MeasureTable):
        raise TypeError(f"tables are shown from a protected MeasureTable only, not {type(table).__name__}")
    return table


def rule_words(rule: str, counted: str) -> str:
    """A rule code in words (an unknown code as it is, underscores as spaces)."""
    if not rule:
        return ""
    return RULE_WORDS.get(rule, rule.replace("_", " ")).format(counted=counted)


def column_headers(table: MeasureTable, catalog: Catalog) -> dict[str, str]:
    """Frame column -> header in words, with units."""
    table = _require(table)
    measure = table.request.measure
    unit = table.unit
    value = MEASURE_WORDS.get(measure, "Value")
    if measure == "count":
        value = f"{table.events_label} (number)"
    elif unit and unit != "ratio":
        value = f"{value} ({unit})"
    limit_unit = "" if measure == "count" or not unit or unit == "ratio" else f" ({unit})"
    headers = {code: (catalog.dimensions[code].label if code in catalog.dimensions
                      else "Year" if code == "year" else code.replace("_", " ").capitalize())
               for code in table.dimensions}
    headers.update({
        "value": value,
        "lower": f"Lower 95% limit{limit_unit}",
        "upper": f"Upper 95% limit{limit_unit}",
        "events": f"{table.events_label} (number)",
        "denominator": table.denominator_label,
        "comparison": "Compared with benchmark",
        "status": "Status",
        "marker": "Marker",
        "rule": "Why",
    })
    return headers


def _number(value: object, decimals: int) -> str:
    """A number as printed: thousands separators, ``decimals`` places always (so a column's
    figures line up: 213.00 beside 207.70); "" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):,.{decimals}f}"


def _numbers_in(table: MeasureTable) -> list[str]:
    """The number columns with a number in some row (a count table has no interval, and its
    events column repeats its value)."""
    frame = table.frame
    columns = [column for column in NUMBERS if frame[column].notna().any()]
    if table.request.measure == "count":
        columns = [column for column in columns if column != "events"]
    return columns


def readable_frame(table: MeasureTable, catalog: Catalog, *, statistician: bool) -> pd.DataFrame:
    """The table's rows with headers in words and numbers as numbers (hidden: NaN): the data
    behind ``readable_table``. Statisticians get the status and the rule in words; others get
    neither (the marker says what they need)."""
    table = _require(table)
    frame = table.frame
    counted = table.events_label.lower()
    columns = [*table.dimensions, *_numbers_in(table)]
    if "comparison" in frame.columns and (frame["comparison"].fillna("") != "").any():
        columns.append("comparison")
    out = frame[columns].copy()
    if "comparison" in out.columns:
        out["comparison"] = out["comparison"].fillna("").map(lambda c: COMPARISON_WORDS.get(c, c))
    for dimension in table.dimensions:
        out[dimension] = out[dimension].astype(str)
    if statistician:
        out["status"] = frame["status"].map(lambda s: STATUS_WORDS.get(s, s))
        out["rule"] = frame["rule"].fillna("").map(lambda r: rule_words(r, counted))
    headers = column_headers(table, catalog)
    return out.rename(columns=headers)


SORT_ORDERS = {"table": "Table order", "highest": "Highest value first",
               "lowest": "Lowest value first"}
"""How ``readable_table`` may order the rows (totals and subtotals always stay last)."""


def row_order(table: MeasureTable, order: str = "table") -> list[int]:
    """Frame row positions in the chosen order (``SORT_ORDERS``): groups by their shown value
    (hidden or not-calculated groups after them, in table order), then totals and subtotals in
    table order."""
    table = _require(table)
    if order not in SORT_ORDERS:
        raise ValueError(f"order must be one of {', '.join(SORT_ORDERS)}, not {order!r}")
    positions = list(range(len(table.frame)))
    if order == "table":
        return positions
    margin = table.row_flags["is_margin"].to_numpy(dtype=bool)
    value = table.frame["value"].to_numpy(dtype=float)
    groups = [p for p in positions if not margin[p]]
    shown = sorted((p for p in groups if not math.isnan(value[p])),
                   key=lambda p: value[p], reverse=order == "highest")
    return shown + [p for p in groups if math.isnan(value[p])] + \
        [p for p in positions if margin[p]]


def readable_table(table: MeasureTable, catalog: Catalog, *, statistician: bool = False,
                   order: str = "table") -> pd.DataFrame:
    """The table as people read it (see the module docstring): text cells, a hidden or
    not-calculated number showing its marker, a low-reliability value followed by it; rows in
    ``order`` (``row_order``). For st.table: a plain HTML table that screen readers read as one."""
    table = _require(table)
    frame = table.frame.reset_index(drop=True)
    data = readable_frame(table, catalog, statistician=statistician).reset_index(drop=True)
    headers = column_headers(table, catalog)
    value_decimals = 0 if table.request.measure == "count" else (3 if table.unit == "ratio" else 2)
    decimals = {"value": value_decimals, "lower": value_decimals, "upper": value_decimals,
                "events": 0, "denominator": 0}
    markers = frame["marker"].fillna("").astype(str)
    text = data.astype(object)
    for column in _numbers_in(table):
        header = headers[column]
        cells = []
        for number, marker in zip(data[header], markers):
            shown = _number(number, decimals[column])
            first = marker.split("]")[0] + "]" if marker else ""
            if not shown:
                cells.append(first)
            elif column == "value" and marker:
                cells.append(f"{shown} {marker}")
            else:
                cells.append(shown)
        text[header] = cells
    return text.iloc[row_order(table, order)].reset_index(drop=True).astype(str)


__all__ = ["COMPARISON_WORDS", "MEASURE_WORDS", "RULE_WORDS", "SORT_ORDERS", "STATUS_WORDS",
           "column_headers", "readable_frame", "readable_table", "row_order", "rule_words"]
