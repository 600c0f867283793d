"""Audit of a perturbed table: what an attacker can derive about each hidden cell.

Under cell key perturbation the shown cells are not the true values, so the exact LP audit of
``explorer.sdc.audit`` (shown cells known exactly) does not describe the attacker. What the
attacker does know, because our methods are published: every true count lies within the
p-table's maximum noise ``D`` of what is shown (and is never negative), hidden cells are
non-negative, and the true table is additive (every margin and subtotal is the sum of its
parts, even though the shown ones need not be). For each hidden cell the feasible interval is
its minimum and maximum over that polytope:

    { x >= 0 : A x = 0,  shown - D <= x <= shown + D for shown cells,  x = 0 for structural zeros }

This is the interval audit of tau-Argus / sdcTable ``attack`` (Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012, sections 4.3-4.4) with each shown cell replaced by the box the
noise bound gives (the "interval publication" case of that literature). One LP pair per hidden
cell, by scipy's HiGHS (``linprog``). The same protection check as the exact audit applies: a
hidden cell is exactly disclosed when its interval is a point, and under-protected when it does
not reach value - min(value, p) and value + p.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from explorer.sdc.audit import AuditResult, audit_arrays, constraint_csr, judged_intervals
from explorer.sdc.structure import TableStructure


def noise_bound_audit(true_values: np.ndarray, shown: np.ndarray, hidden: np.ndarray,
                      structural: np.ndarray, structure: TableStructure, max_noise: float,
                      lower_protection: np.ndarray, upper_protection: np.ndarray) -> AuditResult:
    """Attacker intervals for every hidden cell of a perturbed table (NaN for other cells)."""
    true_values, hidden, lower, upper = audit_arrays(true_values, hidden, structure)
    n = structure.n_cells
    n_lps = 0
    if hidden.any():
        matrix = constraint_csr(structure)
        bounds = []
        for i in range(n):
            if hidden[i]:
                bounds.append((0.0, None))
            elif structural[i] or np.isnan(shown[i]):
                bounds.append((0.0, 0.0))
            else:
                bounds.append((max(0.0, shown[i] - max_noise), shown[i] + max_noise))
        zeros = np.zeros(matrix.shape[0])
        for i in np.flatnonzero(hidden):
            objective = np.zeros(n)
            for sign in (1.0, -1.0):
                objective[i] = sign
                result = linprog(objective, A_eq=matrix, b_eq=zeros, bounds=bounds, method="highs")
                n_lps += 1
                if result.status == 3:  # unbounded: nothing caps this cell
                    bound = np.inf
                elif result.status != 0:
                    raise RuntimeError(f"noise-bound audit LP failed: {result.message}")
                else:
                    bound = sign * result.fun
                if sign > 0:
                    lower[i] = bound
                else:
                    upper[i] = bound
    return judged_intervals(true_values, hidden, lower, upper, lower_protection, upper_protection,
                            n_lps)

__all__ = ["noise_bound_audit"]
