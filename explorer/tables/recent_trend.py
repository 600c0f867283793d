"""The recent trend of each group of a protected trend table (issue 17): increasing,
decreasing or no significant change over the last five years, as Fingertips marks it.

``recent_trends(trend_table)`` reads only the protected trend table's shown columns (``value``,
``lower``, ``upper``, ``events``, ``denominator``; hidden or not-calculated figures are empty)
and its row flags, and applies the test of explorer.measures.trend_test to each group of the
table's first breakdown dimension (its categories, subtotals and total), so it shows nothing
the table does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from explorer.measures.trend_test import recent_trend
from explorer.tables.measure_table import MARGIN_SUFFIX, MeasureTable

YEAR = "year"
TREND_COLUMNS = ["group", "direction", "p_value", "years", "test"]


def recent_trends(trend_table: MeasureTable) -> pd.DataFrame:
    """One row per group of the trend table's first breakdown (categories, subtotals and the
    total, in the table's order; a table by year alone has one group, "Total"): ``group`` (its
    label), ``direction``, ``p_value`` (NaN when not tested), ``years`` (e.g. "2017 to 2021")
    and ``test`` (the test's name). ValueError when the table is not by calendar year."""
    if not isinstance(trend_table, MeasureTable):
        raise TypeError(f"recent trends are computed from a protected MeasureTable only, not "
                        f"{type(trend_table).__name__}")
    if YEAR not in trend_table.dimensions:
        raise ValueError("recent trends need a table by calendar year (trend_request)")
    frame, flags = trend_table.frame, trend_table.row_flags
    yearly = ~flags[f"{YEAR}{MARGIN_SUFFIX}"].to_numpy(dtype=bool)
    groups = [code for code in trend_table.dimensions if code != YEAR]
    if groups:
        first = groups[0]
        keys = list(zip(flags[first].astype(str), flags[f"{first}{MARGIN_SUFFIX}"]))
        labels = frame[first].astype(str).to_numpy()
    else:
        keys, labels = [("all", True)] * len(frame), np.full(len(frame), "Total", dtype=object)
    keys = np.array([f"{level}|{margin}" for level, margin in keys], dtype=object)
    all_years = pd.to_numeric(flags[YEAR], errors="coerce")
    # a table by year alone carries each year twice (for everyone and as the total): use one
    first_of_year = ~pd.Series(list(zip(keys, all_years))).duplicated().to_numpy()
    rows = []
    for key in dict.fromkeys(keys):
        mine = yearly & (keys == key) & first_of_year
        part, years = frame[mine], all_years[mine].to_numpy(dtype=float)
        result = recent_trend(trend_table.request.measure, years,
                              *(part[name].to_numpy(dtype=float)
                                for name in ("value", "lower", "upper", "events", "denominator")))
        rows.append({"group": labels[np.flatnonzero(keys == key)[0]], "direction": result.direction,
                     "p_value": result.p_value, "years": result.years_text, "test": result.test})
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


__all__ = ["TREND_COLUMNS", "recent_trends"]
