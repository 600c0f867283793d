"""Sentences the Explore page shows about its tables, kept out of the page (pages are thin)."""

from __future__ import annotations

import pandas as pd

from explorer.catalog import Catalog
from explorer.tables.measure_table import MeasureTable
from explorer.tables.request import measures_for

_WHY_OTHER_MEASURE = {
    "rate_ratio": "a rate ratio compares groups over the whole period",
    "adjusted_rate_ratio": "a rate ratio compares groups over the whole period",
    "proportion_ratio": "a ratio compares groups over the whole period",
    "sii": "an index of inequality summarises all groups over the whole period",
    "rii": "an index of inequality summarises all groups over the whole period",
    "proportion": "a percentage of the cohort covers the whole period",
}


def trend_caption(request, trend: MeasureTable, catalog: Catalog) -> str:
    """What the trend shows: its own measure (said plainly when it is not the view's, and why),
    the breakdown it follows, and that it is protected as one table."""
    labels = measures_for(catalog)
    by = request.by[0] if request.by else None
    group = catalog.dimensions[by].label.lower() if by in catalog.dimensions else "everyone"
    text = (f"{labels[trend.request.measure]} by calendar year of death, for each group of "
            f"{group}. ")
    if trend.request.measure != request.measure:
        why = _WHY_OTHER_MEASURE.get(request.measure, "it cannot be shown year by year")
        text = (f"This trend shows the {labels[trend.request.measure].lower()}, not the "
                f"{labels[request.measure].lower()} of the view above: {why}, so the trend shows "
                f"the rates behind it, by calendar year of death, for each group of {group}. ")
    return text + ("Protected as one table (groups x years with their totals), so some years may "
                   "be hidden to protect others.")




def recent_trend_frame(recent: pd.DataFrame) -> pd.DataFrame | None:
    """The recent-trend table (explorer.tables.recent_trends) with headers in words and
    p-values as text; None when no group has five shown years to test."""
    if recent is None or not len(recent) or (recent["p_value"].isna()).all():
        return None
    shown = recent.copy()
    shown["p_value"] = [("" if pd.isna(p) else "below 0.001" if p < 0.001 else f"{p:.3f}")
                        for p in shown["p_value"]]
    return shown.rename(columns={"group": "Group", "direction": "Recent trend",
                                 "p_value": "p-value", "years": "Years", "test": "Test"})


__all__ = ["recent_trend_frame", "trend_caption"]
