"""Each group compared with a benchmark: higher, similar or lower (issue 17), as PHE's
Fingertips marks "compared with benchmark" using 95% confidence intervals.

Method (Public Health England, *Technical guide: confidence intervals*, 2018, and the
Fingertips user guide, "Comparisons with benchmark", 95% level): a group is

- for a rate or proportion (``crude_rate``, ``asmr``, ``proportion``): **higher** when the lower
  limit of its 95% confidence interval is above the benchmark's value, **lower** when its upper
  limit is below it, **similar** otherwise (the interval includes the benchmark's value). The
  benchmark is, per ``TableRequest.benchmark``, the catalog reference category of the first
  breakdown dimension (``"reference"``) or that dimension's total (``"total"``); in a table with
  a second breakdown, each row is compared with the benchmark row at the same level of the other
  dimension(s), so a trend table (first dimension by ``year``) compares within each year;
  margins (totals, subtotals) are compared too;
- for a ratio (``rate_ratio``, ``adjusted_rate_ratio``, ``proportion_ratio``): always against
  its reference group, i.e. the ratio's interval against 1, whatever the benchmark says;
- for an index (``sii``, ``rii``): against no inequality (SII 0, RII 1), literally: higher when
  the interval is above it, lower when below, similar otherwise;
- ``count``: never (counts of groups of different sizes are not comparable).

Marks: ``"higher"``, ``"similar"``, ``"lower"``, ``"benchmark"`` (the benchmark row itself, when
its value is shown) and ``""`` (not compared: the row's value or interval is hidden or not
calculated, the benchmark's value is hidden, or the measure is a count).

Only the figures the table shows are used (its ``value``, ``lower`` and ``upper`` columns, after
disclosure control and rounding), so the mark tells nothing the shown numbers do not: a reader
could draw it from the table themselves. A hidden row is never marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explorer.sdc.structure import TOTAL
from explorer.tables.request import RATIO_MEASURES

HIGHER, SIMILAR, LOWER, BENCHMARK, NOT_COMPARED = "higher", "similar", "lower", "benchmark", ""
COMPARISONS = (HIGHER, SIMILAR, LOWER, BENCHMARK, NOT_COMPARED)
"""Every value the ``comparison`` column may hold."""
RATE_MEASURES = ("crude_rate", "asmr", "proportion")
INDEX_NULLS = {"sii": 0.0, "rii": 1.0}
"""The value of each index that means no inequality."""
MARGIN_SUFFIX = "_is_margin"
_SHORT_LABEL = 30
"""A reference label up to this long is named twice in the sentence; a longer one once."""


@dataclass(frozen=True)
class Reference:
    """The first breakdown dimension's reference category: its level in the row flags (the
    category code) and its label."""

    level: object
    label: str


def reference_for(catalog, request) -> Reference | None:
    """The catalog reference category of ``request``'s first breakdown dimension (None when
    there is no breakdown or the first dimension is not a catalog dimension, e.g. ``year``)."""
    if not request.by or request.by[0] not in catalog.dimensions:
        return None
    category = catalog.dimension(request.by[0]).reference_category
    return Reference(category.code, category.label)


def dimension_labels(catalog, request) -> dict[str, str]:
    """Readable names of the request's breakdown dimensions, for the sentence."""
    return {code: catalog.dimensions[code].label if code in catalog.dimensions
            else code.replace("_", " ") for code in request.by}


def compare_with_benchmark(frame: pd.DataFrame, row_flags: pd.DataFrame, request, *,
                           reference: Reference | None = None,
                           labels: Mapping[str, str] | None = None) -> tuple[pd.Series, str]:
    """The ``comparison`` column of a measure frame (indexed as ``frame``) and a sentence in
    plain words saying what each row is compared with ("" for a count, or when nothing is).

    ``row_flags`` are the measures step's, row for row (explorer.tables.measure_table);
    ``reference`` the first dimension's reference category (default: the row flagged
    ``is_reference``, which a one-dimension table has); ``labels`` the dimensions' names."""
    if len(frame) != len(row_flags):
        raise ValueError(f"{len(frame)} frame rows but {len(row_flags)} row flags")
    labels = dict(labels or {})
    marks = np.full(len(frame), NOT_COMPARED, dtype=object)
    value, lower, upper = (frame[name].to_numpy(dtype=float) for name in ("value", "lower", "upper"))
    measure = request.measure
    if measure in RATIO_MEASURES:
        text = _compare_ratios(frame, row_flags, request, reference, value, lower, upper, marks)
    elif measure in INDEX_NULLS:
        text = _compare_index(measure, value, lower, upper, marks)
    elif measure in RATE_MEASURES:
        text = _compare_rates(frame, row_flags, request, reference, labels, value, lower, upper,
                              marks)
    else:  # count
        text = ""
    return pd.Series(marks, index=frame.index, name="comparison", dtype=object), text


def _against(value, lower, upper, benchmark, rows, marks) -> None:
    """Mark ``rows`` by their interval against ``benchmark`` (a number per row), where the
    row's value and interval and the benchmark are all shown."""
    usable = rows & ~np.isnan(value) & ~np.isnan(lower) & ~np.isnan(upper) & ~np.isnan(benchmark)
    with np.errstate(invalid="ignore"):
        marks[usable & (lower > benchmark)] = HIGHER
        marks[usable & (upper < benchmark)] = LOWER
        marks[usable & (lower <= benchmark) & (upper >= benchmark)] = SIMILAR


def _compare_ratios(frame, row_flags, request, reference, value, lower, upper, marks) -> str:
    is_reference = row_flags["is_reference"].to_numpy(dtype=bool)
    label = reference.label if reference is not None else _label_of(frame, request, is_reference)
    _against(value, lower, upper, np.ones(len(frame)), ~is_reference, marks)
    marks[is_reference & ~np.isnan(value)] = BENCHMARK
    group = f"the reference group, {label}" if label else "the reference group"
    return (f"Compared with {group} (a ratio of 1): higher or lower when the ratio's 95% "
            "confidence interval is entirely above or below 1; similar when it includes 1. A "
            "ratio is always compared with its reference group, whichever benchmark is chosen.")


def _compare_index(measure, value, lower, upper, marks) -> str:
    null = INDEX_NULLS[measure]
    _against(value, lower, upper, np.full(len(value), null), np.ones(len(value), dtype=bool), marks)
    name = "slope index of inequality" if measure == "sii" else "relative index of inequality"
    return (f"Compared with no inequality (a {name} of {null:g}): higher when its 95% confidence "
            f"interval is entirely above {null:g}, i.e. the figures are higher in the more "
            f"disadvantaged groups; lower when it is entirely below {null:g} (higher in the less "
            f"disadvantaged groups); similar when it includes {null:g}.")


def _compare_rates(frame, row_flags, request, reference, labels, value, lower, upper,
                   marks) -> str:
    if not request.by or request.by[0] not in row_flags.columns:
        return ""  # no breakdown: one row, nothing to compare it with
    first, others = request.by[0], [code for code in request.by[1:] if code in row_flags.columns]
    level = row_flags[first].astype(str).to_numpy()
    margin = row_flags[f"{first}{MARGIN_SUFFIX}"].to_numpy(dtype=bool)
    noun = "proportion" if request.measure == "proportion" else "rate"
    within = "".join(f", within each {labels.get(code, code.replace('_', ' ')).lower()}"
                     for code in others)
    if request.benchmark == "total":
        chosen = margin & (level == TOTAL)
        name = labels.get(first, first.replace("_", " ")).lower()
        text = (f"Compared with the total of the {name} breakdown{within}: higher or lower when "
                f"the group's 95% confidence interval does not include the total's {noun}; "
                "similar otherwise.")
    else:
        if reference is None:
            label = _label_of(frame, request, row_flags["is_reference"].to_numpy(dtype=bool))
            chosen = row_flags["is_reference"].to_numpy(dtype=bool)
            if not label:
                return ("Not compared: the first breakdown has no reference group (choose the "
                        "total as the benchmark).")
        else:
            label = reference.label
            chosen = ~margin & (level == str(reference.level))
        owner = f"{label}'s" if len(label) <= _SHORT_LABEL else "the reference group's"
        text = (f"Compared with {label}, the reference group{within}: higher or lower when the "
                f"group's 95% confidence interval does not include {owner} {noun}; similar "
                "otherwise.")
    keys = [tuple(row) for row in _other_levels(row_flags, others)]
    benchmark_row: dict[tuple, int] = {}
    for index in np.flatnonzero(chosen):
        benchmark_row.setdefault(keys[index], int(index))
    rows = np.array([benchmark_row.get(key, -1) for key in keys], dtype=int)
    found = rows >= 0
    benchmark = np.where(found, value[np.where(found, rows, 0)], np.nan)
    is_benchmark = found & (rows == np.arange(len(frame)))
    _against(value, lower, upper, benchmark, found & ~is_benchmark, marks)
    marks[is_benchmark & ~np.isnan(value)] = BENCHMARK
    return text


def _other_levels(row_flags: pd.DataFrame, others: list[str]) -> np.ndarray:
    """Per row, the levels (and margin flags) of the dimensions after the first, as strings."""
    columns = [row_flags[code].astype(str) for code in others]
    columns += [row_flags[f"{code}{MARGIN_SUFFIX}"].astype(str) for code in others]
    if not columns:
        return np.empty((len(row_flags), 0), dtype=object)
    return np.column_stack([column.to_numpy() for column in columns])


def _label_of(frame: pd.DataFrame, request, rows: np.ndarray) -> str:
    """The first dimension's label on the first of ``rows`` ("" when there is none)."""
    if not rows.any() or not request.by or request.by[0] not in frame.columns:
        return ""
    return str(frame[request.by[0]].to_numpy()[np.flatnonzero(rows)[0]])


__all__ = ["BENCHMARK", "COMPARISONS", "HIGHER", "LOWER", "NOT_COMPARED", "RATE_MEASURES",
           "RATIO_MEASURES", "Reference", "SIMILAR", "compare_with_benchmark",
           "dimension_labels", "reference_for"]
