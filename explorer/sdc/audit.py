"""Audit of a suppression pattern: what an attacker can derive about every hidden cell.

The attacker knows every shown cell exactly, every additive constraint of the table
(total = sum of parts, margins and hierarchy subtotals included) and that every hidden cell is
non-negative. For each hidden cell the feasible interval ``[lower, upper]`` is the minimum and
maximum of that cell over the polytope ``{x >= 0 : A x = b}`` of the hidden cells, with the shown
cells substituted as constants. This is the ``attack`` audit of tau-Argus and sdcTable
(Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, sections 4.3-4.4; de Wolf,
"Reducing the number of LP's in cell suppression", tau-Argus documentation). A cell whose
interval is a single point is *exactly disclosed*; a cell whose interval does not reach its
protection levels is *under-protected* (interval, not only exact recovery: sdcTools
UserSupport 160).

Speed (the LP count is what matters):
- *peeling*: a constraint with a single unknown hidden cell determines it exactly; the cell
  then counts as known and peeling repeats (no LP);
- *components*: the remaining hidden cells split into independent connected components
  (linked through constraints with >= 2 unknown cells); each component's LP is built once and
  only its objective changes between the 2k solves, warm-started from the previous basis;
- *witnesses* (de Wolf's idea): every LP solution is a feasible point, so a cell already seen
  at 0 has lower bound 0 (no min-LP), and a cell already seen at its cheap bound (the smallest
  residual of a constraint whose unknown cells all have the same sign) has that as its max;
- *batches*: cells that share no constraint can all sit at their cheap bounds in one vertex,
  so one LP maximises ``sum(x_j / cheap_j)`` over such a set and certifies every cell that
  reaches its bound; the rest get their own max-LP. On a 40x40 table with 525 hidden cells this
  takes 22 LPs instead of 1050 (profiled: the per-cell max-LPs were the bottleneck).

Solver: HiGHS. By default through scipy's bundled HiGHS object (``scipy.optimize._highspy``,
primal simplex with a warm start, about 30x faster than one ``linprog`` call per LP); if that
private interface is missing, each LP goes through ``scipy.optimize.linprog(method="highs")``
(``backend="linprog"``; the tests check both agree).

Tolerance: ``TOLERANCE = 1e-6``, absolute, in count units. HiGHS' primal feasibility tolerance
is 1e-7, so an exactly determined cell can come out with ``upper - lower`` around 1e-8, and
1e-9 would misreport it as protected; counts are integers, so 1e-6 is far below one unit.
Lower protection is capped at the cell value (the attacker knows cells are >= 0, so no pattern
could ever push the lower bound below 0): required ``lower <= value - min(lpl, value)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from explorer.sdc.structure import TableStructure

try:  # scipy's bundled HiGHS bindings (private; pinned scipy 1.17.1 has them)
    from scipy.optimize._highspy import _core as _highs_core
except ImportError:  # pragma: no cover - depends on the scipy build
    _highs_core = None

TOLERANCE = 1e-6


@dataclass(frozen=True)
class AuditResult:
    """Per-cell attacker intervals (NaN for shown cells) and the failures they imply."""

    lower: np.ndarray
    upper: np.ndarray
    exactly_disclosed: np.ndarray
    under_protected: np.ndarray
    n_lps: int = 0

    @property
    def passes(self) -> bool:
        return not (self.exactly_disclosed.any() or self.under_protected.any())

    @property
    def failing(self) -> np.ndarray:
        return self.exactly_disclosed | self.under_protected


def constraint_csr(structure: TableStructure) -> sp.csr_matrix:
    """The constraint matrix (total +1, parts -1) as a sparse CSR matrix."""
    rows, cols, data = [], [], []
    for r, c in enumerate(structure.constraints):
        rows.extend([r] * (1 + len(c.parts)))
        cols.append(c.total)
        cols.extend(c.parts)
        data.append(1.0)
        data.extend([-1.0] * len(c.parts))
    shape = (len(structure.constraints), structure.n_cells)
    return sp.csr_matrix((data, (rows, cols)), shape=shape)


def audit_table(values: np.ndarray, hidden: np.ndarray, structure: TableStructure,
                lower_protection: np.ndarray, upper_protection: np.ndarray,
                backend: str = "auto") -> AuditResult:
    """Attacker intervals for every hidden cell, and the exact/under-protection failures.

    ``values`` are the true (additive) cell values: shown cells as the attacker sees them,
    hidden cells for the protection check. ``lower_protection`` and ``upper_protection`` are
    per-cell (use 0 for cells that only must not be exactly disclosed, e.g. secondary
    suppressions). ``backend``: "auto", "highs" (scipy's HiGHS object, warm-started) or
    "linprog". Shown cells that are later rounded or perturbed only make the attacker know
    less, so the audit on true values is conservative.
    """
    values, hidden, lower, upper = audit_arrays(values, hidden, structure)
    n_lps = 0
    if hidden.any():
        n_lps = _intervals(values, hidden, constraint_csr(structure), lower, upper, backend)
    return judged_intervals(values, hidden, lower, upper, lower_protection, upper_protection, n_lps)


def audit_arrays(values, hidden, structure: TableStructure):
    """The cell values and hidden mask as arrays, and empty (NaN) lower and upper intervals."""
    n = structure.n_cells
    return (np.asarray(values, dtype=float), np.asarray(hidden, dtype=bool),
            np.full(n, np.nan), np.full(n, np.nan))


def judged_intervals(values: np.ndarray, hidden: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                     lower_protection: np.ndarray, upper_protection: np.ndarray,
                     n_lps: int = 0) -> AuditResult:
    """The AuditResult of attacker intervals: a hidden cell is exactly disclosed when its
    interval is a point, under-protected when it does not reach value - min(lpl, value) and
    value + upl (shared by this exact audit and ``noise_audit``)."""
    width = upper - lower
    exact = hidden & (width <= TOLERANCE)
    lpl = np.minimum(np.asarray(lower_protection, dtype=float), np.maximum(values, 0.0))
    upl = np.asarray(upper_protection, dtype=float)
    with np.errstate(invalid="ignore"):
        under = hidden & ((upper < values + upl - TOLERANCE) | (lower > values - lpl + TOLERANCE))
    return AuditResult(lower, upper, exact, under, n_lps)


def _intervals(values, hidden, matrix, lower, upper, backend) -> int:
    """Fill ``lower``/``upper`` for hidden cells; return the number of LPs solved."""
    known = ~hidden
    pattern = abs(matrix).tocsr()
    # Peeling: a constraint with exactly one unknown cell determines it.
    while True:
        unknown_count = pattern @ (~known).astype(float)
        single = np.flatnonzero(unknown_count == 1)
        if single.size == 0:
            break
        determined = (pattern[single].sum(axis=0).A1 > 0) & ~known  # each single's unknown
        known[determined] = True
        lower[determined] = values[determined]
        upper[determined] = values[determined]
    unknown = np.flatnonzero(~known)
    if unknown.size == 0:
        return 0
    rows = np.flatnonzero(unknown_count >= 2)
    link = pattern[rows][:, unknown]
    n_comp, labels = connected_components(link.T @ link, directed=False)
    sub_matrix = matrix[rows][:, unknown].tocsc()
    rhs = -(matrix[rows][:, np.flatnonzero(known)] @ values[known])
    n_lps = 0
    for comp in range(n_comp):
        cols = np.flatnonzero(labels == comp)
        cells = unknown[cols]
        a = sub_matrix[:, cols]
        used = np.flatnonzero(np.diff(a.tocsr().indptr) > 0)
        if used.size == 0:  # in no constraint at all: only x >= 0 is known
            lower[cells], upper[cells] = 0.0, np.inf
            continue
        lo, hi, count = _component_bounds(a[used].tocsc(), rhs[used], backend)
        lower[cells], upper[cells] = lo, hi
        n_lps += count
    return n_lps


def _cheap_upper(a: sp.csc_matrix, b: np.ndarray) -> np.ndarray:
    """Upper bounds from constraints whose unknown cells all share a sign: each <= residual."""
    k = a.shape[1]
    bound = np.full(k, np.inf)
    csr = a.tocsr()
    for r in range(csr.shape[0]):
        data = csr.data[csr.indptr[r]:csr.indptr[r + 1]]
        if np.all(data > 0) or np.all(data < 0):
            cols = csr.indices[csr.indptr[r]:csr.indptr[r + 1]]
            bound[cols] = np.minimum(bound[cols], b[r] * np.sign(data[0]))
    return bound


def _component_bounds(a: sp.csc_matrix, b: np.ndarray, backend: str):
    """Min and max of every variable over ``{x >= 0 : a x = b}`` (one component)."""
    k = a.shape[1]
    solver = _make_solver(a, b, backend)
    cheap = _cheap_upper(a, b)
    best = np.full(k, -np.inf)
    seen_zero = np.zeros(k, dtype=bool)
    lo = np.full(k, np.nan)
    hi = np.where(cheap <= TOLERANCE, 0.0, np.nan)
    count = 0

    def record(x):
        nonlocal best
        best = np.maximum(best, x)
        seen_zero[x <= TOLERANCE] = True
        reached = np.isnan(hi) & (best >= cheap - TOLERANCE)
        hi[reached] = cheap[reached]

    # Batches: cells sharing no constraint can all sit at their cheap bound in one vertex,
    # so maximise sum(x_j / cheap_j) over such a set; cells that fall short go one by one.
    incidence = a.tocsc()
    cell_rows = [incidence.indices[incidence.indptr[j]:incidence.indptr[j + 1]].tolist()
                 for j in range(k)]
    batchable = np.isnan(hi) & np.isfinite(cheap)
    while True:
        used_rows = [False] * a.shape[0]
        batch = []
        for j in np.flatnonzero(batchable & np.isnan(hi)).tolist():
            if not any(used_rows[r] for r in cell_rows[j]):
                for r in cell_rows[j]:
                    used_rows[r] = True
                batch.append(j)
        if len(batch) < 2:
            break
        batch = np.array(batch)
        status, x = solver.solve(batch, -1.0 / cheap[batch])
        count += 1
        record(x)
        batchable[batch[np.isnan(hi[batch])]] = False
    for j in range(k):
        if not np.isnan(hi[j]):
            continue
        status, x = solver.solve(np.array([j]), np.array([-1.0]))
        count += 1
        if status == "unbounded":
            hi[j] = np.inf
            if x is not None and x.min() >= -TOLERANCE and abs(a @ x).max() <= TOLERANCE:
                hi[(x > TOLERANCE) & np.isnan(hi)] = np.inf  # a ray raises these without limit
            continue
        hi[j] = x[j]
        record(x)
    lo[seen_zero] = 0.0
    for j in range(k):
        if not np.isnan(lo[j]):
            continue
        status, x = solver.solve(np.array([j]), np.array([1.0]))
        count += 1
        lo[j] = max(x[j], 0.0)
        seen_zero[x <= TOLERANCE] = True
        lo[seen_zero & np.isnan(lo)] = 0.0
    return lo, hi, count


def _make_solver(a, b, backend):
    if backend == "linprog" or (backend == "auto" and _highs_core is None):
        return _LinprogSolver(a, b)
    if backend not in ("auto", "highs"):
        raise ValueError(f"unknown backend {backend!r}")
    return _HighsSolver(a, b)


class _LinprogSolver:
    """One ``scipy.optimize.linprog(method="highs")`` call per LP."""

    def __init__(self, a, b):
        self.a, self.b, self.k = a, b, a.shape[1]

    def solve(self, cols, costs):
        c = np.zeros(self.k)
        c[cols] = costs
        res = linprog(c, A_eq=self.a, b_eq=self.b, bounds=(0, None), method="highs")
        if res.status == 3:
            return "unbounded", None
        if res.status != 0:
            raise RuntimeError(f"audit LP failed: {res.message}")
        return "optimal", res.x


class _HighsSolver:
    """A HiGHS model built once; each LP only changes the objective (primal simplex, warm)."""

    def __init__(self, a, b):
        h = _highs_core._Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("simplex_strategy", 4)  # primal: the basis stays primal feasible
        lp = _highs_core.HighsLp()
        k, m = a.shape[1], a.shape[0]
        lp.num_col_, lp.num_row_ = k, m
        lp.col_cost_ = np.zeros(k)
        lp.col_lower_ = np.zeros(k)
        lp.col_upper_ = np.full(k, np.inf)
        lp.row_lower_ = np.asarray(b, dtype=float)
        lp.row_upper_ = np.asarray(b, dtype=float)
        lp.a_matrix_.format_ = _highs_core.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = k, m
        h.passModel(lp)
        self.h, self.previous = h, np.zeros(0, dtype=np.int32)
        self.a, self.b, self.fallback = a, b, None

    def solve(self, cols, costs):
        h = self.h
        cols = np.asarray(cols, dtype=np.int32)
        if self.previous.size:
            h.changeColsCost(self.previous.size, self.previous, np.zeros(self.previous.size))
        h.changeColsCost(cols.size, cols, np.asarray(costs, dtype=float))
        self.previous = cols
        h.run()
        status = h.getModelStatus()
        if status == _highs_core.HighsModelStatus.kUnbounded:
            _, has_ray, ray = h.getPrimalRay()
            return "unbounded", (np.asarray(ray) if has_ray else None)
        if status != _highs_core.HighsModelStatus.kOptimal:  # rare: retry from scratch
            if self.fallback is None:
                self.fallback = _LinprogSolver(self.a, self.b)
            return self.fallback.solve(cols, costs)
        return "optimal", np.asarray(h.getSolution().col_value)
