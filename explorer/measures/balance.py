"""Comparing linked with unlinked records: the standardised difference of a binary indicator and
the chi-square test of independence of a characteristic and linkage status.

Harron et al. recommend checking linkage bias by comparing the characteristics of linked and
unlinked records (Harron K, Doidge JC, Knight HE, et al. "A guide to evaluating linkage quality
for the analysis of linked data", Int J Epidemiol 2017; 46(5):1699-1710; Harron K, Dibben C,
Boyd J, et al. "Challenges in administrative data linkage for research", Big Data & Society
2017). The standardised difference is the balance diagnostic of Austin PC, "Balance diagnostics
for comparing the distribution of baseline covariates between treatment groups in
propensity-score matched samples", Stat Med 2009; 28:3083-3107: for a binary indicator (a record
is in a category or not) with prevalences p1 and p2 in the two groups,
``d = (p1 - p2) / sqrt((p1 (1 - p1) + p2 (1 - p2)) / 2)``; unlike a test it does not grow with
the sample size, and ``|d| >= 0.1`` is the usual mark of a notable difference (Austin 2009).

Pure functions on counts or proportions; explorer.tables.linkage_bias calls them on the shown
cells of a protected table.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.stats import chi2_contingency

NOTABLE_DIFFERENCE = 0.1
"""|standardised difference| at or above which a difference is notable (Austin 2009)."""

__all__ = ["NOTABLE_DIFFERENCE", "ChiSquareResult", "chi_square_independence",
           "standardised_difference"]


def standardised_difference(p1, p2) -> np.ndarray:
    """Austin's (2009) standardised difference of a binary indicator with prevalence ``p1`` in
    one group and ``p2`` in the other (proportions in [0, 1]):
    ``(p1 - p2) / sqrt((p1 (1 - p1) + p2 (1 - p2)) / 2)``.

    NaN in gives NaN out; both prevalences 0, or both 1, give 0 (no difference, no spread);
    0 against 1 gives an infinite difference (complete separation, with the sign of p1 - p2);
    a prevalence outside [0, 1] raises ValueError."""
    p1 = np.asarray(p1, dtype=float)
    p2 = np.asarray(p2, dtype=float)
    if np.any((p1 < 0) | (p1 > 1)) or np.any((p2 < 0) | (p2 > 1)):
        raise ValueError("prevalences must be proportions in [0, 1]")
    p1, p2 = np.broadcast_arrays(p1, p2)
    spread = np.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(spread > 0, (p1 - p2) / np.where(spread > 0, spread, 1.0),
                     np.sign(p1 - p2) * np.inf)
    d = np.where((spread == 0) & (p1 == p2), 0.0, d)
    return np.where(np.isnan(p1) | np.isnan(p2), np.nan, d)


class ChiSquareResult(NamedTuple):
    """Pearson's chi-square test of independence: statistic, degrees of freedom, p-value; NaN
    (and 0 degrees of freedom) when the table has fewer than two non-empty rows or columns."""

    statistic: float
    dof: int
    p_value: float


def chi_square_independence(table) -> ChiSquareResult:
    """Pearson's chi-square test of independence of the rows and columns of a table of counts
    (``scipy.stats.chi2_contingency`` without Yates' continuity correction, so a 2 x 2 table
    gets the same test as a larger one). Rows and columns with no counts are dropped first (they
    carry no information and would make an expected count 0). Counts may be non-integer
    (perturbed counts are whole numbers; this does not need them to be)."""
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2:
        raise ValueError("a chi-square test of independence needs a two-way table")
    if np.any(counts < 0) or np.any(np.isnan(counts)):
        raise ValueError("counts must be non-negative numbers")
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return ChiSquareResult(float("nan"), 0, float("nan"))
    statistic, p_value, dof, _ = chi2_contingency(counts, correction=False)
    return ChiSquareResult(float(statistic), int(dof), float(p_value))
