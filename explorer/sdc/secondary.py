"""Secondary (complementary) cell suppression: the cheapest extra cells to hide so that no
hidden cell can be recovered, exactly or within its protection range, from the shown cells,
the table's constraints (margins and hierarchy subtotals included) and non-negativity.

Model (a mixed-integer program solved by HiGHS through ``scipy.optimize.milp``): a binary
``y_i`` per cell, primary cells fixed to 1, ``forbidden`` cells (e.g. structural zeros the
policy never hides) fixed to 0, minimise ``sum(cost_i * y_i)`` over the non-primary cells. The
cost is an argument: the engine passes cell value + 1, with margins weighted higher.
Every constraint of the table is a *line* ``S = {total} u parts``; the initial rows are the
line relaxation of tau-Argus' modular / hypercube methods (Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012, section 4.4; de Wolf, "HiTaS: a heuristic approach to cell
suppression in hierarchical tables"), each valid for every safe pattern:
  (a) no lone hidden cell in a line: ``sum_{j in S, j != i} y_j >= y_i`` for every i in S,
      written compactly with a continuous ``z_S`` in [0, 1] per line: ``z_S >= y_i`` and
      ``sum_S y >= 2 z_S`` (same LP relaxation, 3|S| instead of |S|^2 nonzeros: 8x faster);
  (b) upward protection of a primary part p of S: raising p means raising the total (no limit)
      or lowering other hidden parts (each by at most its value), so
      ``sum_{parts i != p} min(v_i, U_p) y_i + U_p y_total >= U_p``;
  (c) downward protection of a primary *total* p of S: the hidden parts must be able to fall
      by L_p, ``sum_{parts i} min(v_i, L_p) y_i >= L_p`` (L_p = min(lower protection, v_p)).
      For a primary *part*, (a) suffices within the line: another hidden part can rise without
      limit, and a hidden total can fall with p because total >= p. (So the claim "lower
      protection is always available once another cell of the line is hidden" holds for parts
      but not for totals; (c) models the totals.)
Lines interact (2-way, n-way, hierarchies), so the solution is audited (``audit_table``) and,
while the audit fails, cuts are added and the MILP re-solved:
  - under-protected primary cell, per failing direction: a Fischetti-Salazar protection cut
    (Fischetti and Salazar-Gonzalez, "Solving the cell suppression problem on tabular data
    with linear constraints", Management Science 47, 2001) from the duals of the attacker's
    deviation LP at the current pattern, ``sum_i min(R, coef_i) y_i >= R``, valid for every
    pattern because dual feasibility does not depend on y;
  - exactly disclosed cell (primary or secondary): with C its hidden component (hidden cells
    linked through shared lines) and N the cells that may still be hidden in the lines that
    meet C, ``sum_{i in N} y_i >= y_s``: a pattern that hides s and nothing of N leaves C's
    attacker system unchanged or more constrained, so s stays exact.
Fast path: when the primary pattern alone satisfies (a)-(c) and passes the audit, no MILP is
built (``iterations`` = number of MILP solves = 0). Since every row and cut is valid for every
safe pattern, the first MILP solution that passes the audit is a minimum-cost safe pattern
(tests compare with brute force), unless a solve hit ``MILP_TIME_LIMIT`` (noted).
After ``max_iterations`` MILP solves the fallback hides every allowed cell of the lines that
meet a failing cell until the audit passes (``fallback=True`` in the result). If the MILP is
infeasible (e.g. a 1-way table with one category whose total is forbidden) or nothing passes,
the table cannot be published (``publishable=False``: every allowed cell hidden).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import connected_components

from explorer.sdc.audit import TOLERANCE, AuditResult, audit_table, constraint_csr
from explorer.sdc.structure import TableStructure

MAX_ITERATIONS = 30
MILP_TIME_LIMIT = 20.0  # seconds per MILP solve; past it the best pattern found is used


@dataclass(frozen=True)
class SecondaryResult:
    """The cells to hide (primary and secondary), the MILP solves used and the final audit."""

    hidden: np.ndarray
    secondary: np.ndarray
    iterations: int
    audit: AuditResult
    publishable: bool = True
    fallback: bool = False
    notes: tuple[str, ...] = ()


def complementary_suppression(values, primary, structure: TableStructure, lower_protection,
                              upper_protection, cost, forbidden=None,
                              max_iterations: int = MAX_ITERATIONS) -> SecondaryResult:
    """Hide extra cells, at minimum total ``cost``, so that ``audit_table`` passes.

    ``lower_protection``/``upper_protection`` apply to primary cells; secondary cells only must
    not be exactly disclosed. ``forbidden`` cells are never hidden (a primary cell is hidden
    even if forbidden, with a note).
    """
    values = np.asarray(values, dtype=float)
    primary = np.asarray(primary, dtype=bool)
    n = structure.n_cells
    forbidden = np.zeros(n, bool) if forbidden is None else np.asarray(forbidden, bool)
    notes = []
    if (primary & forbidden).any():
        notes.append(f"{int((primary & forbidden).sum())} primary cell(s) also forbidden: hidden")
        forbidden = forbidden & ~primary
    lpl = np.where(primary, np.minimum(np.asarray(lower_protection, float), values), 0.0)
    upl = np.where(primary, np.asarray(upper_protection, float), 0.0)
    lpl = np.maximum(lpl, 0.0)

    def audit(mask):
        return audit_table(values, mask, structure, lpl, upl)

    def result(mask, iterations, report, **kw):
        return SecondaryResult(mask, mask & ~primary, iterations, report,
                               notes=tuple(notes), **kw)

    if not primary.any():  # fast path: nothing to protect, no LP or MILP
        return result(primary.copy(), 0, audit(primary))
    matrix = constraint_csr(structure)
    pattern = abs(matrix).tocsr()
    rows, lower_rhs = _line_rows(structure, values, primary, lpl, upl)
    candidate = primary.copy()
    iterations = 0
    report = None
    alone = pattern @ candidate.astype(float) == 1
    if not alone.any() and np.all(rows @ candidate.astype(float) >= lower_rhs - TOLERANCE):
        report = audit(candidate)  # the primary pattern already satisfies every line row
        if report.passes:
            return result(candidate, 0, report)
    lines = _lone_block(pattern)
    n_lines = pattern.shape[0]
    objective = np.concatenate([np.where(primary, 0.0, np.asarray(cost, dtype=float)),
                                np.zeros(n_lines)])
    bounds = Bounds(np.concatenate([primary.astype(float), np.zeros(n_lines)]),
                    np.concatenate([np.where(forbidden, 0.0, 1.0), np.ones(n_lines)]))
    integrality = np.concatenate([np.ones(n), np.zeros(n_lines)])
    while iterations < max_iterations:
        if report is not None:
            cut_rows, cut_rhs = _cuts(values, candidate, report, matrix, pattern, forbidden,
                                      lpl, upl)
            rows = sp.vstack([rows, cut_rows]).tocsr()
            lower_rhs = np.concatenate([lower_rhs, cut_rhs])
        iterations += 1
        padded = sp.hstack([rows, sp.csr_matrix((rows.shape[0], n_lines))])
        constraints = [LinearConstraint(lines, 0.0, np.inf),
                       LinearConstraint(padded, lower_rhs, np.inf)]
        solution = milp(objective, integrality=integrality, bounds=bounds,
                        constraints=constraints, options={"time_limit": MILP_TIME_LIMIT})
        if solution.x is None:
            notes.append("no safe pattern exists without hiding a forbidden cell: "
                         "the table cannot be published")
            everything = ~forbidden
            return result(everything, iterations, audit(everything), publishable=False)
        if solution.status != 0:
            notes.append(f"MILP solve {iterations} stopped at its time limit: not proven optimal")
        candidate = solution.x[:n] > 0.5
        report = audit(candidate)
        if report.passes:
            return result(candidate, iterations, report)
    if report is None:
        report = audit(candidate)
    notes.append(f"audit still failing after {iterations} MILP solves: hid whole lines")
    while not report.passes:
        touching = pattern[:, np.flatnonzero(report.failing)].sum(axis=1).A1 > 0
        grown = candidate | ((pattern[touching].sum(axis=0).A1 > 0) & ~forbidden)
        if (grown == candidate).all():
            notes.append("no safe pattern found: the table cannot be published")
            everything = ~forbidden
            return result(everything, iterations, audit(everything), publishable=False,
                          fallback=True)
        candidate = grown
        report = audit(candidate)
    return result(candidate, iterations, report, fallback=True)


def _line_rows(structure, values, primary, lpl, upl):
    """Rows (b)-(c) of the module docstring as a sparse matrix ``R`` with ``R y >= rhs``."""
    r_parts, c_parts, d_parts, rhs = [], [], [], []
    row = 0

    def add(cols: np.ndarray, coefs: np.ndarray, bounds: np.ndarray) -> None:
        nonlocal row  # cols, coefs: (rows, width) blocks
        r_parts.append(np.repeat(np.arange(row, row + len(coefs)), coefs.shape[1]))
        c_parts.append(np.broadcast_to(cols, coefs.shape).ravel())
        d_parts.append(coefs.ravel())
        rhs.append(bounds)
        row += len(coefs)

    for constraint in structure.constraints:
        line = np.array((constraint.total, *constraint.parts))
        parts, t = line[1:], constraint.total
        upward = parts[primary[parts] & (upl[parts] > 0)]
        if upward.size:  # (b)
            u = upl[upward][:, None]
            coefs = np.minimum(values[parts][None, :], u)
            coefs[parts[None, :] == upward[:, None]] = 0.0
            add(line, np.hstack([u, coefs]), upl[upward])
        if primary[t] and lpl[t] > 0:  # (c)
            add(parts, np.minimum(values[parts], lpl[t])[None, :], np.array([lpl[t]]))
    if not d_parts:
        return sp.csr_matrix((0, structure.n_cells)), np.zeros(0)
    matrix = sp.csr_matrix((np.concatenate(d_parts), (np.concatenate(r_parts),
                                                      np.concatenate(c_parts))),
                           shape=(row, structure.n_cells))
    return matrix, np.concatenate(rhs)


def _lone_block(pattern):
    """Rows (a) in compact form over ``[y, z]`` (z_S in [0, 1], one per line S):
    ``z_S - y_i >= 0`` for i in S and ``sum_{i in S} y_i - 2 z_S >= 0``, the same LP
    relaxation as ``sum_{j != i} y_j >= y_i`` with 3|S| instead of |S|^2 nonzeros."""
    coo = pattern.tocoo()
    n_lines, n = pattern.shape
    k = coo.nnz
    member = sp.csr_matrix((np.concatenate([-np.ones(k), np.ones(k)]),
                            (np.concatenate([np.arange(k), np.arange(k)]),
                             np.concatenate([coo.col, n + coo.row]))), shape=(k, n + n_lines))
    sums = sp.hstack([pattern, sp.csr_matrix(-2.0 * sp.identity(n_lines))]).tocsr()
    return sp.vstack([member, sums]).tocsr()


def _cuts(values, hidden, report: AuditResult, matrix, pattern, forbidden, lpl, upl):
    """Cuts that the current pattern violates, one or two per failing cell."""
    n = len(values)
    cut_list, rhs = [], []
    exact = np.flatnonzero(report.exactly_disclosed)
    if exact.size:
        h_idx = np.flatnonzero(hidden)
        link = pattern[:, h_idx]
        _, labels = connected_components(link.T @ link, directed=False)
        label_of = dict(zip(h_idx, labels))
        for s in exact:
            comp = h_idx[labels == label_of[s]]
            lines = pattern[:, comp].sum(axis=1).A1 > 0
            near = (pattern[lines].sum(axis=0).A1 > 0) & ~hidden & ~forbidden
            coef = near.astype(float)
            coef[s] = -1.0
            cut_list.append(coef)
            rhs.append(0.0)
    with np.errstate(invalid="ignore"):
        up_fail = report.under_protected & (report.upper < values + upl - TOLERANCE)
        down_fail = report.under_protected & (report.lower > values - lpl + TOLERANCE)
    for cells, sign, need in ((up_fail, -1.0, upl), (down_fail, 1.0, lpl)):
        for p in np.flatnonzero(cells):
            coef = _protection_cut(values, hidden, matrix, p, sign, need[p])
            if coef is not None:
                cut_list.append(coef)
                rhs.append(need[p])
    return sp.csr_matrix(np.array(cut_list).reshape(-1, n)), np.asarray(rhs)


def _protection_cut(values, hidden, matrix, p, sign, need):
    """Fischetti-Salazar cut for cell ``p`` in one direction (sign -1: up, +1: down).

    Attacker's deviation LP: ``min sign*d_p`` s.t. ``A d = 0``, ``-v_i <= d_i <= inf`` for
    hidden cells, ``d_i = 0`` for shown ones. With reduced costs r, every pattern y' has
    ``max |d_p| <= sum_i y'_i (r_i v_i if r_i > 0; inf if r_i < 0)``.
    """
    n = len(values)
    c = np.zeros(n)
    c[p] = sign
    bounds = np.column_stack([np.where(hidden, -values, 0.0), np.where(hidden, np.inf, 0.0)])
    res = linprog(c, A_eq=matrix, b_eq=np.zeros(matrix.shape[0]), bounds=bounds, method="highs")
    if res.status != 0:
        return None
    reduced = c - matrix.T @ res.eqlin.marginals
    coef = np.zeros(n)
    positive = reduced > TOLERANCE
    coef[positive] = reduced[positive] * values[positive]
    coef[reduced < -TOLERANCE] = need
    return np.minimum(coef, need)
