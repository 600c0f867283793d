"""Text alternatives for charts (WCAG 2.2 SC 1.1.1, issue 17): what a chart shows, in words.

``chart_summary(table)`` is the chart's title and a plain-words summary of what it shows,
computed from the protected ``MeasureTable``'s shown values only: a hidden or not-calculated
row is counted ("1 group is hidden"), never described by a number, and no number is derived
from shown ones (no differences, no sums). The page shows it with the chart, e.g. as the
chart's caption (``st.caption(chart_summary(table))``) so screen-reader users get the same
content. (Whether a table has anything to draw at all is
explorer.tables.alternatives.nothing_to_draw; ``chart_for`` always draws.)

- one breakdown: the highest and lowest groups with their values, the total for everyone, how
  many groups are higher, similar or lower than the benchmark (the table's ``comparison``
  column, when it has one), and how many are hidden or not available;
- ratios: the same against the reference group (1 = no difference);
- indices (SII, RII): the value with its 95% CI and what no inequality would be;
- two breakdowns: the highest and lowest cells;
- trends: when the total was highest and lowest, and which groups were highest and lowest in
  the latest year with a shown value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from explorer.app.charts import (
    EVERYONE, _is_total, _number, _require, _total_rows, _trend_lines,
    benchmark_name, category_labels, comparisons, dimension_columns, margin_rows, marker_text)
from explorer.sdc.status import CellStatus
from explorer.tables.measure_table import MeasureTable
from explorer.tables.request import RATIO_MEASURES

_NOUNS = {"count": "number", "crude_rate": "rate", "asmr": "rate", "proportion": "percentage",
          "rate_ratio": "ratio", "adjusted_rate_ratio": "ratio", "proportion_ratio": "ratio"}
_INDEX_WORDS = {"sii": ("slope index of inequality", 0), "rii": ("relative index of inequality", 1)}
_SHOWN = CellStatus.SHOWN.value


def _noun(table: MeasureTable) -> str:
    measure = table.request.measure
    if measure == "count":
        return f"number of {table.events_label.lower()}"
    return _NOUNS.get(measure, "value")


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".") if text else ""


def _extremes(labels: list[str], values: np.ndarray, noun: str, what: str = "has") -> str:
    """'A has the highest rate (3.2) and B the lowest (1.1)' from shown values (ties named
    together)."""
    shown = ~np.isnan(values)
    if not shown.any():
        return ""
    names = [label for label, keep in zip(labels, shown) if keep]
    numbers = values[shown]
    if len(names) == 1:
        return f"only {names[0]} can be shown ({_number(numbers[0])})"
    top, bottom = numbers.max(), numbers.min()
    if top == bottom:
        return f"all {len(names)} shown groups have the same {noun} ({_number(top)})"
    highest = [n for n, v in zip(names, numbers) if v == top]
    lowest = [n for n, v in zip(names, numbers) if v == bottom]
    verb = "have" if len(highest) > 1 else what
    return (f"{_join(highest)} {verb} the highest {noun} shown ({_number(top)}) and "
            f"{_join(lowest)} the lowest ({_number(bottom)})")


def _missing_counts(frame: pd.DataFrame, one: str, many: str | None = None,
                    of: bool = False) -> str:
    """'1 group is hidden to protect confidentiality; 2 have no value' for the rows of
    ``frame`` without a value ('1 of 6 cells is hidden' with ``of``)."""
    no_value = frame["value"].isna().to_numpy()
    hidden = int((no_value & (frame["status"] != _SHOWN).to_numpy()).sum())
    unavailable = int((no_value & (frame["status"] == _SHOWN).to_numpy()).sum())
    parts = []
    if hidden:
        lead = f"{hidden} of {len(frame)} {many or one + 's'}" if of else _plural(hidden, one, many)
        parts.append(f"{lead} {'is' if hidden == 1 else 'are'} hidden to protect "
                     f"confidentiality")
    if unavailable:
        lead = _plural(unavailable, one, many) if not parts else str(unavailable)
        parts.append(f"{lead} {'has' if unavailable == 1 else 'have'} no value (not available "
                     f"or not applicable)")
    return "; ".join(parts)


def _comparison_counts(compared: list[str], benchmark: str) -> str:
    """'2 groups are higher than X, none lower, 1 similar' from the comparison column."""
    if not any(c in ("higher", "similar", "lower") for c in compared):
        return ""
    higher, lower, similar = (sum(c == key for c in compared) for key in ("higher", "lower", "similar"))
    lead = f"{_plural(higher, 'group')} {'is' if higher == 1 else 'are'} higher than {benchmark}" \
        if higher else f"no group is higher than {benchmark}"
    parts = [lead, f"{lower if lower else 'none'} lower"]
    if similar:
        parts.append(f"{similar} similar")
    return ", ".join(parts)


def _one_way(table: MeasureTable) -> str:
    frame = table.frame
    labels = category_labels(table)
    margins = margin_rows(table)
    reference = table.row_flags["is_reference"].to_numpy(dtype=bool)
    ratio = table.request.measure in RATIO_MEASURES
    noun = _noun(table)
    interior = ~margins & ~(reference if ratio else np.zeros(len(frame), dtype=bool))
    values = frame["value"].to_numpy(float)
    sentences = []
    if ratio:
        ref = [label for label, r in zip(labels, reference) if r]
        if ref:
            sentences.append(f"Each group's rate is compared with {ref[0]} (ratio 1: no "
                             f"difference; above 1: higher)")
    extremes = _extremes([l for l, k in zip(labels, interior) if k], values[interior], noun)
    sentences.append(extremes or f"no group's {noun} can be shown")
    compared = [c for c, m in zip(comparisons(table), margins) if not m]
    counts = _comparison_counts(compared, benchmark_name(table))
    if counts:
        sentences[-1] += f"; {counts}"
    total = np.flatnonzero(_total_rows(table))
    if len(total) and not np.isnan(values[total[0]]) and not ratio:
        sentences.append(f"for everyone the {noun} is {_number(values[total[0]])}")
    missing = _missing_counts(frame[~margins], "group")
    if missing:
        sentences.append(missing)
    return " ".join(_sentence(s) for s in sentences)


def _two_way(table: MeasureTable) -> str:
    frame = table.frame
    first, second = dimension_columns(table)
    keep = ~margin_rows(table)
    cells = frame[keep]
    labels = [f"{row[first]} / {row[second]}" for _, row in cells.iterrows()]
    noun = _noun(table)
    sentences = [_extremes(labels, cells["value"].to_numpy(float), noun)
                 or f"no {noun} can be shown"]
    compared = [c for c, k in zip(comparisons(table), keep) if k]
    counts = _comparison_counts(compared, benchmark_name(table))
    if counts:
        sentences.append(counts.replace("group", "cell"))
    missing = _missing_counts(cells, "cell", of=True)
    if missing:
        sentences.append(missing)
    return " ".join(_sentence(s) for s in sentences)


def _trend(table: MeasureTable) -> str:
    noun = _noun(table)
    lines = _trend_lines(table)
    years = table.frame.loc[~_is_total(table.row_flags, "year"), "year"].drop_duplicates().tolist()
    sentences = [f"Shown by calendar year from {years[0]} to {years[-1]}" if years else ""]
    total = next((line for line in lines if line[2]), None)
    if total is not None:
        label, rows, _ = total
        values = rows["value"].to_numpy(float)
        shown = ~np.isnan(values)
        who = "for everyone" if label in (EVERYONE, "All people") else f"for {label}"
        if shown.sum() >= 2:
            year = rows["year"].to_numpy()
            top, bottom = np.nanargmax(values), np.nanargmin(values)
            first, last = np.flatnonzero(shown)[[0, -1]]
            sentences.append(f"{who} the {noun} was {_number(values[first])} in {year[first]} and "
                             f"{_number(values[last])} in {year[last]}: highest in {year[top]} "
                             f"({_number(values[top])}), lowest in {year[bottom]} "
                             f"({_number(values[bottom])})")
        elif shown.sum() == 1:
            i = int(np.flatnonzero(shown)[0])
            sentences.append(f"{who} only {rows['year'].iat[i]} can be shown "
                             f"({_number(values[i])})")
    groups = [line for line in lines if not line[2]]
    if groups:
        latest = None
        for year in reversed(years):
            values = [(label, float(rows.loc[rows["year"] == year, "value"].iat[0]))
                      for label, rows, _ in groups if (rows["year"] == year).any()]
            if sum(not np.isnan(v) for _, v in values) >= 2:
                latest = (year, values)
                break
        if latest is not None:
            year, values = latest
            extremes = _extremes([l for l, _ in values], np.array([v for _, v in values]), noun,
                                 what="had")
            sentences.append(f"in {year}, {extremes.replace(' have ', ' had ')}")
    frame = table.frame[~_is_total(table.row_flags, "year")]
    missing = _missing_counts(frame, "group-year") if groups else \
        _missing_counts(frame, "year")
    if missing:
        sentences.append(missing)
    return " ".join(_sentence(s) for s in sentences if s)


def _index(table: MeasureTable) -> str:
    row = table.frame.iloc[0]
    words, none = _INDEX_WORDS[table.request.measure]
    if pd.isna(row["value"]):
        return _sentence(f"the {words} is not shown: {marker_text(row['marker'])}")
    ci = "" if pd.isna(row["lower"]) or pd.isna(row["upper"]) else \
        f" (95% CI {_number(row['lower'])} to {_number(row['upper'])})"
    return _sentence(f"the {words} is {_number(row['value'])}{ci}; {none} would mean no "
                     f"inequality")


def chart_summary(table: MeasureTable) -> str:
    """The chart's title and a plain-words summary of what it shows, from the table's shown
    values only, e.g. "Suicide: age-standardised rate per 100,000 person-years, by disability,
    2011 to 2021. Limited a lot has the highest rate (28.1) and Not limited the lowest (9.2);
    2 groups are higher than the total, none lower. 1 group is hidden to protect
    confidentiality." """
    table = _require(table)
    title = _sentence(table.title)
    if "year" in table.request.by:
        body = _trend(table)
    elif table.request.measure in _INDEX_WORDS:
        body = _index(table)
    elif len(dimension_columns(table)) == 2:
        body = _two_way(table)
    elif len(dimension_columns(table)) == 1:
        body = _one_way(table)
    else:
        value = table.frame["value"].iat[0]
        body = _sentence(f"the {_noun(table)} is {_number(value)}" if not pd.isna(value)
                         else f"the {_noun(table)} is not shown: "
                              f"{marker_text(table.frame['marker'].iat[0])}")
    comparison_text = getattr(table, "comparison_text", "") or ""
    parts = [title, body, _sentence(comparison_text) if comparison_text else ""]
    return " ".join(p for p in parts if p)


__all__ = ["chart_summary"]
