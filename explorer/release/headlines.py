"""A plain-English headline for a public view, built only from its published protected values.

It names the groups with the highest and lowest rates (or proportions), says whether their 95% confidence
intervals overlap (if they do, the difference may be chance), and leaves out groups whose
figures are hidden ([c]), not available ([x]), not applicable ([z]) or of low reliability
([u]), saying so. Residual categories (such as "religion not stated") are not compared.
Wording is neutral and descriptive, as the Samaritans' media guidelines ask for suicide
statistics: no ranking language beyond highest and lowest, no causes.
"""

from __future__ import annotations

import numpy as np

from explorer.tables.measure_table import TOTAL, MeasureTable

_LEFT_OUT = ("Groups whose figures are hidden to protect confidentiality, not applicable, or "
             "based on too few {counted} to be reliable are left out of this comparison.")


def _rate(value: float, unit: str) -> str:
    """'12.3 per 100,000 person-years'; '8.6% of pupils' for a unit in percent."""
    return f"{value:,.1f}{'' if unit.startswith('%') else ' '}{unit}"


def _period(first: int, last: int) -> str:
    return f"In {first}" if first == last else f"Between {first} and {last}"


def headline(table: MeasureTable, subject: str, residual: np.ndarray | None = None) -> str:
    """'Between 2011 and 2021, <subject> was highest for the group "A" (x per 100,000
    person-years) and lowest for the group "B" (y ...).' plus what the intervals say.

    The groups are the rows the measures step flagged as not margins (``table.row_flags``);
    ``residual`` marks groups not to compare; ``subject`` names the measure, e.g. 'the
    age-standardised suicide rate'."""
    frame = table.frame.reset_index(drop=True)
    dims = list(table.request.by)
    flags = table.row_flags
    interior = ~flags["is_margin"].to_numpy(dtype=bool)
    compared = interior if residual is None else interior & ~np.asarray(residual, dtype=bool)
    groups = frame[compared]
    usable = groups[groups["value"].notna() & ~groups["marker"].str.contains(r"\[u\]", regex=True)]
    when = _period(*table.request.period)
    left_out = _LEFT_OUT.format(counted=table.events_label.lower())
    if len(usable) < 2:
        return (f"{when}, too few groups have a reliable figure for {subject} to compare them. "
                + left_out)
    order = usable.sort_values("value", kind="stable")
    low, high = order.iloc[0], order.iloc[-1]

    def name(row) -> str:
        return '"' + ", ".join(str(row[d]) for d in dims) + '"'

    if high["value"] == low["value"]:
        text = f"{when}, {subject} was {_rate(high['value'], table.unit)} in every group shown."
    else:
        text = (f"{when}, {subject} was highest for the group {name(high)} "
                f"({_rate(high['value'], table.unit)}) and lowest for the group {name(low)} "
                f"({_rate(low['value'], table.unit)}).")
        total = frame[(flags[dims[0]] == TOTAL).to_numpy()] if len(dims) == 1 else frame[:0]
        if len(total) == 1 and not np.isnan(total["value"].iat[0]):
            text += f" For everyone in the cohort it was {_rate(total['value'].iat[0], table.unit)}."
        if np.isfinite(high["lower"]) and np.isfinite(low["upper"]):
            if high["lower"] > low["upper"]:
                text += (" The 95% confidence intervals of these two groups do not overlap, so "
                         "the difference is unlikely to be due to chance alone.")
            else:
                text += (" Their 95% confidence intervals overlap, so the difference between "
                         "them may be due to chance.")
    if len(usable) < len(groups):
        text += " " + left_out
    return text


__all__ = ["headline"]
