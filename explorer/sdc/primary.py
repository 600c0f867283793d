"""Primary suppression rules: which cells are sensitive in themselves.

Each rule takes per-cell arrays and returns a boolean mask (True = sensitive). They follow the
UK TRE output-checking conventions as implemented by ACRO (SACRO, `acro/acro_tables.py`):
- frequency threshold: a cell with fewer than ``threshold`` contributors (default 10);
- zeros: an empty cell is disclosive when the policy says so, except structural zeros, which
  are never hidden (they say what is impossible, not what is observed);
- dominance (n, k): the ``n`` largest contributions make up more than ``k`` of the cell total
  (ACRO ``safe_nk_n`` = 2, ``safe_nk_k`` = 0.9);
- p%: the total minus the two largest contributions is less than ``p`` times the largest, so
  the second contributor could estimate the largest within p% (ACRO ``safe_pratio_p`` = 0.1).
References: Hundepool et al., *Statistical Disclosure Control* (Wiley 2012), section 4.2;
ACRO 1.0.2 defaults (acro/default.yaml).
"""

from __future__ import annotations

import numpy as np

FREQUENCY = "frequency_threshold"
ZEROS = "zeros"
DOMINANCE = "dominance_nk"
P_PERCENT = "p_percent"


def frequency_rule(counts: np.ndarray, threshold: int) -> np.ndarray:
    """Cells with at least one but fewer than ``threshold`` contributors."""
    counts = np.asarray(counts, dtype=float)
    return (counts > 0) & (counts < threshold)


def zeros_rule(counts: np.ndarray, zeros_are_disclosive: bool,
               structural: np.ndarray | None = None) -> np.ndarray:
    """Empty cells, when the policy treats zeros as disclosive; structural zeros never."""
    counts = np.asarray(counts, dtype=float)
    if not zeros_are_disclosive:
        return np.zeros(counts.shape, dtype=bool)
    structural = np.zeros(counts.shape, dtype=bool) if structural is None else np.asarray(structural, bool)
    return (counts == 0) & ~structural


def dominance_rule(totals: np.ndarray, top_contributions: np.ndarray, n: int, k: float) -> np.ndarray:
    """Cells whose ``n`` largest contributions make up ``k`` or more of the cell total
    (ACRO's ``top_n / total >= k``, the cautious reading at the boundary).

    ``top_contributions`` is (cells x m), each row sorted largest first, m >= n, padded with 0.
    Cells with a total of 0 are not dominated (the zeros rule handles them).
    """
    totals = np.asarray(totals, dtype=float)
    top = np.asarray(top_contributions, dtype=float)[:, :n].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(totals > 0, top / np.where(totals > 0, totals, 1.0), 0.0)
    return (totals > 0) & (share >= k)


def p_percent_rule(totals: np.ndarray, top_contributions: np.ndarray, p: float) -> np.ndarray:
    """Cells where total - largest - second largest < p * largest (``p`` as a fraction)."""
    totals = np.asarray(totals, dtype=float)
    top = np.asarray(top_contributions, dtype=float)
    largest = top[:, 0]
    second = top[:, 1] if top.shape[1] > 1 else np.zeros_like(largest)
    return (totals > 0) & (totals - largest - second < p * largest)


def margin_top_contributions(coverage: np.ndarray, interior_top: np.ndarray) -> np.ndarray:
    """The m largest contributions of every cell, from those of the interior cells it covers.

    The m largest contributors of a sum of disjoint cells are among the m largest of each part,
    so a margin's top-m follow from its parts' top-m without the microdata.
    """
    interior_top = np.asarray(interior_top, dtype=float)
    m = interior_top.shape[1]
    result = np.zeros((coverage.shape[0], m))
    for row in range(coverage.shape[0]):
        parts = interior_top[coverage[row] > 0].ravel()
        largest = np.sort(parts)[::-1][:m]
        result[row, : len(largest)] = largest
    return result
