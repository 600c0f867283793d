"""Reader tables and sentences for the Data catalog page's linkage quality, linkage model and
linkage-bias sections, made only from protected MeasureTables (and the model, which is not about
people), so the page only lays them out.

- ``published_quality_frame``: the catalog's published linkage-quality figures;
- ``evaluation_frame``: precision and recall by group side by side, with CIs and markers;
- ``bias_frame`` and ``bias_test_sentence``: shares of linked and unlinked records per category,
  standardised differences with the notable ones marked, and the chi-square test in words;
- ``model_frame`` and ``threshold_sentence``: the trained model's parameters and its threshold.
"""

from __future__ import annotations

import math

import pandas as pd

from explorer.catalog import Catalog
from explorer.formats import readable_number
from explorer.tables import NOTABLE_DIFFERENCE
from explorer.tables.linkage_bias import LinkageBiasView
from explorer.tables.linkage_evaluation import LinkageModelTables
from explorer.tables.measure_table import MeasureTable


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _percent(row: pd.Series) -> str:
    """'94.4 [u]' or the marker alone for a figure that is not shown."""
    if _missing(row["value"]):
        return row["marker"] or "not shown"
    return f"{row['value']:.1f}{' ' + row['marker'] if row['marker'] else ''}"


def _interval(row: pd.Series) -> str:
    if _missing(row["lower"]) or _missing(row["upper"]):
        return ""
    return f"{row['lower']:.1f} to {row['upper']:.1f}"


def published_quality_frame(catalog: Catalog) -> pd.DataFrame:
    """The catalog's published linkage-quality figures (not computed here): measure, value with
    its unit, source."""
    return pd.DataFrame([{"Measure": q.measure,
                          "Value": f"{q.value:.1%}" if q.unit == "proportion"
                          else f"{readable_number(q.value)} {q.unit}",
                          "Source": q.source} for q in catalog.linkage.quality],
                        columns=["Measure", "Value", "Source"])


def evaluation_frame(tables: dict[str, MeasureTable]) -> pd.DataFrame:
    """One row per group (and the total): precision and recall (%) with their 95% CIs and the
    shown counts they come from."""
    precision, recall = tables["precision"], tables["recall"]
    (dimension,) = recall.dimensions
    rows = []
    for (_, p), (_, r) in zip(precision.frame.iterrows(), recall.frame.iterrows()):
        rows.append({"Group": r[dimension],
                     "Precision (%)": _percent(p), "Precision 95% CI": _interval(p),
                     "Recall (%)": _percent(r), "Recall 95% CI": _interval(r),
                     "Correct links": r["events"], "Links made": p["denominator"],
                     "True matches": r["denominator"]})
    return pd.DataFrame(rows)


def bias_frame(view: LinkageBiasView) -> pd.DataFrame:
    """One row per category: the share of linked and of unlinked records in it (%, 95% CI), the
    standardised difference, and whether it is notable (|d| >= 0.1)."""
    shares, differences = view.shares.frame, view.differences.frame
    column = view.characteristic
    rows = []
    for _, difference in differences.iterrows():
        mine = shares[shares[column] == difference[column]]
        linked, unlinked = mine.iloc[0], mine.iloc[1]
        d = difference["value"]
        rows.append({view.label: difference[column],
                     "% of linked records": _percent(linked), "Linked 95% CI": _interval(linked),
                     "% of unlinked records": _percent(unlinked),
                     "Unlinked 95% CI": _interval(unlinked),
                     "Standardised difference": (difference["marker"] or "not shown")
                     if _missing(d) else f"{d:+.3f}{' ' + difference['marker'] if difference['marker'] else ''}",
                     "Notable (|d| ≥ 0.1)": "" if _missing(d) else
                     ("yes" if abs(d) >= NOTABLE_DIFFERENCE else "no")})
    return pd.DataFrame(rows)


def bias_test_sentence(view: LinkageBiasView) -> str:
    """The chi-square test in words, naming the categories left out because a count is hidden."""
    test = view.test
    left_out = (f" Left out of the test because a count is hidden or too small: "
                f"{', '.join(view.left_out)}." if view.left_out else "")
    if test.dof == 0 or _missing(test.statistic):
        return (f"No chi-square test: fewer than two groups of {view.label.lower()} have both "
                f"counts shown.{left_out}")
    p_value = "p < 0.001" if test.p_value < 0.001 else f"p = {test.p_value:.3f}"
    verdict = ("linked and unlinked records differ in their make-up by "
               f"{view.label.lower()} more than chance would explain" if test.p_value < 0.05
               else f"no evidence that linked and unlinked records differ by {view.label.lower()}")
    return (f"Chi-square test of independence over {len(view.tested)} groups: "
            f"X² = {test.statistic:.2f} on {test.dof} degrees of freedom, {p_value}: "
            f"{verdict}. Computed from the protected counts shown above.{left_out}")


def model_frame(model: LinkageModelTables) -> pd.DataFrame:
    """The model's parameters for readers: comparison, level, m and u probabilities, weight."""
    frame = model.parameters.rename(columns={
        "comparison": "Comparison", "level": "Level", "m_probability": "m probability",
        "u_probability": "u probability", "match_weight": "Match weight (log2 m/u)"})
    return frame.round({"m probability": 4, "u probability": 6, "Match weight (log2 m/u)": 2})


def threshold_sentence(model: LinkageModelTables) -> str:
    """The settings that name a threshold, in one sentence ('' when none does)."""
    settings = model.settings
    found = settings[settings["setting"].astype(str).str.contains("threshold", case=False)]
    return "; ".join(f"{row.setting.replace('_', ' ')}: {row.value}"
                     for row in found.itertuples(index=False))


__all__ = ["bias_frame", "bias_test_sentence", "evaluation_frame", "model_frame",
           "published_quality_frame", "threshold_sentence"]
