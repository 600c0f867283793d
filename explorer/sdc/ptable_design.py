"""Design of count p-tables for the cell key method by maximum entropy.

Method (Giessing 2016, "Computational Issues in the Design of Transition Probabilities and
Disclosure Risk Estimation for Additive Noise", PSD 2016, LNCS 9867, doi:10.1007/978-3-319-
45381-1_18; as the sdcTools R package ``ptable``, ``create_cnt_ptable(D, V, js)`` with its
defaults ``optim = 1``, ``mono = TRUE``; ONS, "Cell key perturbation method"). For each original
count i = 1 .. js + D (larger counts share row js + D, whose targets are all of i-D .. i+D):

- targets j = max(i - D, 0) .. i + D, without the blocked values 1 .. js-1 (this project's js:
  js = 3 means no published 1 or 2; ptable's own ``js`` is our js - 1); deviations v = j - i;
- probabilities p maximise the entropy -sum p log p subject to sum p = 1, sum p v = 0
  (unbiased), sum p v^2 <= V and, on the negative side, p rising towards v = 0 (ptable's
  ``mono``). Solved through the convex dual, p_j proportional to exp(-a v_j - b v_j^2 + mono
  terms), with b >= 0 (scipy L-BFGS-B). The variance constraint usually binds ("target" rows).
  In a few small rows the entropy maximum has a variance below V ("slack" rows, as ptable gives
  too). When no unbiased distribution reaches V (counts 1 .. js-1, whose targets skip the
  blocked values), the row gets the smallest feasible variance instead, found by a linear
  program ("relaxed" rows);
- each row is quantised to the cell-key grid: the modulus (256 or 4096) keys are split into
  integers n_j summing to the modulus, with mean exactly 0 (sum n_j v_j = 0), as close to
  modulus * p_j as possible (sum |n_j - modulus p_j|, scipy ``milp``), keeping the quantised
  variance within 0.02 of the row's variance where the grid allows, and never putting a target
  above the stay where p does not. Keys 0..n_1-1 get the most negative deviation, the next
  n_2 keys the next one, and so on (ptable's cumulative p_int_lb / p_int_ub intervals).

Row 0 (empty cells) is never perturbed. Write a table: ``python -m explorer.sdc.ptable_design
--max-noise 3 --variance 2 --js 3 --out FILE`` (CSV pcv, ckey, pvalue and ``FILE.yaml``).
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import Bounds, LinearConstraint, linprog, milp, minimize
from scipy.special import logsumexp

from explorer.errors import ExplorerError
from explorer.sdc.ptable import ALLOWED_MODULI, ONS_MAX_PCV, PCV_REUSE_ROWS, PTable, PTableError

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_PTABLES = ("ptable_official_D3_V2_js3.csv", "ptable_public_D5_V3_js3.csv")
VARIANCE_TOLERANCE = 0.02
"""Largest change of a row's variance by quantisation, where the cell-key grid allows it."""
BOUNDARY_TOLERANCE = 1e-6
METHOD = ("maximum entropy (Giessing 2016; sdcTools ptable create_cnt_ptable(D, V, js - 1), "
          "optim = 1, mono = TRUE): unbiased, variance <= V (smallest feasible variance where V "
          "cannot be reached), |noise| <= D, no perturbed count in 1..js-1; quantised to the "
          "cell keys with mean exactly 0 (scipy milp)")


@dataclass(frozen=True)
class PTableParameters:
    """Parameters of a count p-table: D (``max_noise``), V (``variance``), ``js`` (no perturbed
    count in 1..js-1), rows 1..``max_pcv`` and cell keys 0..``modulus``-1."""

    max_noise: int
    variance: float
    js: int
    max_pcv: int = ONS_MAX_PCV
    modulus: int = 256

    def __post_init__(self) -> None:
        for name in ("max_noise", "js", "max_pcv", "modulus"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral):
                raise PTableError(f"p-table parameter {name} must be a whole number, got {value!r}")
            object.__setattr__(self, name, int(value))
        if self.max_noise < 1:
            raise PTableError(f"p-table parameter max_noise must be at least 1, got {self.max_noise}")
        if self.js < 1:
            raise PTableError(f"p-table parameter js must be at least 1 (js = 1 blocks nothing; "
                              f"js = 3 blocks perturbed counts 1 and 2), got {self.js}")
        v = self.variance
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) or v <= 0:
            raise PTableError(f"p-table parameter variance must be a number above 0, got {v!r}")
        object.__setattr__(self, "variance", float(v))
        uniform = self.max_noise * (self.max_noise + 1) / 3
        if self.variance >= uniform:
            raise PTableError(
                f"p-table parameter variance must be below max_noise * (max_noise + 1) / 3 = "
                f"{uniform:g}, the variance of the uniform noise on -{self.max_noise}.."
                f"{self.max_noise}; got {self.variance:g} (the entropy maximum cannot reach it)")
        if self.modulus not in ALLOWED_MODULI:
            raise PTableError(f"p-table parameter modulus must be one of {ALLOWED_MODULI}, "
                              f"got {self.modulus}")
        least = self.generic_row + PCV_REUSE_ROWS - 1
        if self.max_pcv < least:
            raise PTableError(
                f"p-table parameter max_pcv must be at least js + max_noise + "
                f"{PCV_REUSE_ROWS - 1} = {least} (the last {PCV_REUSE_ROWS} rows, which counts "
                f"above max_pcv reuse, must hold the generic row), got {self.max_pcv}")

    @property
    def generic_row(self) -> int:
        """js + D: the first count whose targets are all of i-D..i+D; larger counts share it."""
        return self.js + self.max_noise

    def describe(self) -> str:
        return (f"D={self.max_noise}, V={self.variance:g}, js={self.js}, "
                f"max_pcv={self.max_pcv}, modulus={self.modulus}")


@dataclass(frozen=True, eq=False)
class RowDesign:
    """One count's continuous transition probabilities; ``kind`` is "target" (variance V),
    "slack" (entropy maximum below V) or "relaxed" (V unreachable: smallest feasible)."""

    count: int
    v: np.ndarray
    p: np.ndarray
    variance: float
    kind: str


def row_deviations(params: PTableParameters, count: int) -> np.ndarray:
    """Allowed deviations v = j - count, ascending: j in max(count-D, 0)..count+D, j not in
    1..js-1."""
    j = np.arange(max(count - params.max_noise, 0), count + params.max_noise + 1)
    return (j[(j == 0) | (j >= params.js)] - count).astype(np.int64)


def _smallest_variance(params: PTableParameters, count: int, v: np.ndarray):
    """LP: min sum p v^2 subject to sum p = 1, sum p v = 0, p >= 0 (variance is linear in p)."""
    vf = v.astype(float)
    lp = linprog(vf**2, A_eq=np.vstack([np.ones_like(vf), vf]), b_eq=[1.0, 0.0],
                 bounds=(0, None), method="highs")
    if lp.status != 0:
        targets = ", ".join(str(count + d) for d in v)
        raise PTableError(
            f"p-table design ({params.describe()}): count {count} can only go to {targets} "
            f"(no count in 1..{params.js - 1}, none negative, none beyond {params.max_noise} "
            f"away), all on one side of {count}, so no unbiased perturbation exists; use "
            f"max_noise >= js - 1")
    p = np.clip(lp.x, 0.0, None)
    return float(lp.fun), p / p.sum()


def _max_entropy(v: np.ndarray, variance: float) -> np.ndarray:
    """The dual: min log Z(a, b, mu) + b V over a, b >= 0, mu >= 0, where p_j is proportional
    to exp(-a v_j - b v_j^2 - mu_j + mu_{j-1}) and mu_k prices p_k <= p_{k+1} (v_k < 0)."""
    vf = v.astype(float)
    z = int(np.count_nonzero(vf < 0)) if (vf == 0).any() else 0

    def log_weights(x: np.ndarray) -> np.ndarray:
        s = -x[0] * vf - x[1] * vf**2
        s[:z] -= x[2:]
        s[1:z + 1] += x[2:]
        return s

    def dual(x: np.ndarray):
        s = log_weights(x)
        log_z = logsumexp(s)
        p = np.exp(s - log_z)
        grad = np.concatenate([[-p @ vf, variance - p @ vf**2], p[1:z + 1] - p[:z]])
        return log_z + x[1] * variance, grad

    bounds = [(None, None), (0.0, None)] + [(0.0, None)] * z
    result = minimize(dual, np.zeros(2 + z), jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"ftol": 0.0, "gtol": 1e-13, "maxiter": 20_000, "maxcor": 30})
    s = log_weights(result.x)
    return np.exp(s - logsumexp(s))


def row_designs(params: PTableParameters) -> dict[int, RowDesign]:
    """The continuous solution of every count 1..js+D, with its kind and variance."""
    rows = {}
    for count in range(1, params.generic_row + 1):
        v = row_deviations(params, count)
        smallest, p_lp = _smallest_variance(params, count, v)
        if smallest >= params.variance - BOUNDARY_TOLERANCE:  # V is the least one can have
            kind = "relaxed" if smallest > params.variance + BOUNDARY_TOLERANCE else "target"
            p = p_lp
        else:
            p = _max_entropy(v, params.variance)
            mean, var = p @ v, p @ v.astype(float) ** 2
            if abs(mean) > 1e-7 or var > params.variance + 1e-7:
                raise PTableError(f"p-table design ({params.describe()}): the entropy "
                                  f"maximisation did not converge for count {count}")
            kind = "target" if var > params.variance - BOUNDARY_TOLERANCE else "slack"
        rows[count] = RowDesign(count, v, p, float(p @ v.astype(float) ** 2), kind)
    return rows


def transition_probabilities(params: PTableParameters) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Count -> (deviations v, maximum-entropy probabilities p) for counts 1..js+D."""
    return {count: (row.v, row.p) for count, row in row_designs(params).items()}


def relaxed_rows(params: PTableParameters) -> dict[int, float]:
    """Counts whose variance V is infeasible, with the smallest feasible variance they get."""
    return {c: row.variance for c, row in row_designs(params).items() if row.kind == "relaxed"}


def _quantise(row: RowDesign, params: PTableParameters) -> np.ndarray:
    """Keys per target: integers summing to the modulus, mean exactly 0, nearest modulus * p.

    Variables n (k integers), e_j >= |n_j - m p_j|, s (variance error beyond the tolerance,
    priced above any change of sum e). Ties are settled by the problem, not by the solver: a
    row with symmetric targets (the generic row) gets a symmetric split."""
    m, k, v = params.modulus, len(row.v), row.v.astype(float)
    target, eye, none = m * row.p, np.eye(k), np.zeros(k)
    rows, lower, upper = [], [], []

    def constrain(coefficients: np.ndarray, low, high) -> None:
        rows.append(np.atleast_2d(coefficients))
        lower.append(np.broadcast_to(low, len(rows[-1])))
        upper.append(np.broadcast_to(high, len(rows[-1])))

    constrain(np.hstack([eye, -eye, np.zeros((k, 1))]), -np.inf, target)
    constrain(np.hstack([eye, eye, np.zeros((k, 1))]), target, np.inf)
    constrain(np.r_[np.ones(k), none, 0], m, m)
    constrain(np.r_[v, none, 0], 0, 0)
    spread = m * VARIANCE_TOLERANCE
    constrain(np.r_[v**2, none, -1], -np.inf, m * row.variance + spread)
    constrain(np.r_[v**2, none, 1], m * row.variance - spread, np.inf)

    def difference(first: int, second: int) -> np.ndarray:  # n_first - n_second
        a = np.zeros(2 * k + 1)
        a[first], a[second] = 1.0, -1.0
        return a

    stay = int(np.flatnonzero(row.v == 0)[0]) if (row.v == 0).any() else None
    for j in range(k):  # keep p's order against the stay; mono on the negative side
        if stay is not None and j != stay and row.p[j] <= row.p[stay] + 1e-9:
            constrain(difference(j, stay), -np.inf, 0)
        if stay is not None and j < stay:
            constrain(difference(j, j + 1), -np.inf, 0)
    if np.array_equal(row.v, -row.v[::-1]):
        for j in range(k // 2):
            constrain(difference(j, k - 1 - j), 0, 0)
    result = milp(np.r_[none, np.ones(k), 2 * m + 1],
                  integrality=np.r_[np.ones(k), np.zeros(k + 1)],
                  bounds=Bounds(np.zeros(2 * k + 1), np.r_[np.full(k, m), np.full(k + 1, np.inf)]),
                  constraints=LinearConstraint(np.vstack(rows), np.concatenate(lower),
                                               np.concatenate(upper)),
                  options={"presolve": False, "mip_rel_gap": 0.0})
    n = None if result.x is None else np.round(result.x[:k]).astype(np.int64)
    if n is None or n.sum() != m or n @ row.v != 0 or (n < 0).any():
        targets = ", ".join(str(row.count + d) for d in row.v)
        raise PTableError(
            f"p-table design ({params.describe()}): the {m} cell keys of count {row.count} "
            f"cannot be split among its targets {targets} with mean exactly 0; use js <= "
            f"max_noise")
    return n


def design_count_ptable(params: PTableParameters) -> PTable:
    """The quantised p-table: ``pvalues[pcv, ckey]`` for pcv 0..max_pcv, ckey 0..modulus-1."""
    grid = np.zeros((params.max_pcv + 1, params.modulus), dtype=np.int32)
    for count, row in row_designs(params).items():
        grid[count] = np.repeat(row.v, _quantise(row, params))
    grid[params.generic_row + 1:] = grid[params.generic_row]
    grid.setflags(write=False)
    return PTable(grid, f"design_count_ptable({params.describe()})")


def ptable_properties(ptable: PTable, js: int | None = None) -> pd.DataFrame:
    """Per pcv 1..max_pcv: mean, variance, max |pvalue|, stay and largest probability, the
    smallest perturbed count (and smallest positive one), and, given ``js``, whether any
    perturbed count lands in 1..js-1."""
    grid = ptable.pvalues[1:].astype(np.int64)
    pcv = np.arange(1, ptable.max_pcv + 1)
    mean = grid.sum(axis=1) / ptable.modulus
    shifted = grid - grid.min()
    counts = np.stack([np.bincount(r, minlength=int(shifted.max()) + 1) for r in shifted])
    perturbed = grid + pcv[:, None]
    has_positive = (perturbed > 0).any(axis=1)
    positive = pd.array(np.where(perturbed > 0, perturbed, np.iinfo(np.int64).max).min(axis=1),
                        dtype="Int64")
    positive[~has_positive] = pd.NA
    frame = pd.DataFrame({
        "pcv": pcv, "mean": mean,
        "variance": (grid.astype(float) ** 2).mean(axis=1) - mean**2,
        "max_abs_pvalue": np.abs(grid).max(axis=1),
        "p_stay": (grid == 0).mean(axis=1),
        "p_max": counts.max(axis=1) / ptable.modulus,
        "min_perturbed": perturbed.min(axis=1),
        "min_positive_perturbed": positive,
    })
    frame["lands_in_blocked"] = (((perturbed >= 1) & (perturbed < js)).any(axis=1)
                                 if js is not None else pd.NA)
    return frame


def sidecar_path(csv_path: str | Path) -> Path:
    """``FILE.yaml`` beside ``FILE``: the parameters a p-table CSV was generated with."""
    return Path(f"{csv_path}.yaml")


def sidecar_text(params: PTableParameters) -> str:
    designs = row_designs(params)
    record = {"max_noise": params.max_noise, "variance": params.variance, "js": params.js,
              "max_pcv": params.max_pcv, "modulus": params.modulus, "method": METHOD,
              "generator": "explorer.sdc.ptable_design",
              "reference": "Giessing (2016), PSD 2016, LNCS 9867, doi:10.1007/978-3-319-45381-1_18",
              "relaxed_rows": {c: round(r.variance, 6) for c, r in designs.items() if r.kind == "relaxed"},
              "slack_rows": {c: round(r.variance, 6) for c, r in designs.items() if r.kind == "slack"}}
    return yaml.safe_dump(record, sort_keys=False, width=100)


def load_parameters(sidecar: str | Path) -> PTableParameters:
    """The parameters recorded in a sidecar ``FILE.yaml``."""
    path = Path(sidecar)
    if not path.is_file():
        raise PTableError(f"p-table parameter file {path} not found")
    record = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(record, dict):
        raise PTableError(f"p-table parameter file {path} is not a mapping")
    keys = ("max_noise", "variance", "js", "max_pcv", "modulus")
    missing = [key for key in keys if key not in record]
    if missing:
        raise PTableError(f"p-table parameter file {path} lacks {', '.join(missing)}")
    return PTableParameters(**{key: record[key] for key in keys})


def write_ptable(params: PTableParameters, out: str | Path) -> PTable:
    """Generate the table, write ``out`` (CSV) and ``out.yaml`` (its parameters)."""
    table = design_count_ptable(params)
    table.to_csv(out)
    sidecar_path(out).write_text(sidecar_text(params), encoding="utf-8")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer.sdc.ptable_design",
                                     description="Generate a maximum-entropy count p-table.")
    parser.add_argument("--max-noise", type=int, required=True, help="D: largest |noise|")
    parser.add_argument("--variance", type=float, required=True, help="V: noise variance")
    parser.add_argument("--js", type=int, required=True, help="no perturbed count in 1..js-1")
    parser.add_argument("--max-pcv", type=int, default=ONS_MAX_PCV)
    parser.add_argument("--modulus", type=int, default=256, choices=ALLOWED_MODULI)
    parser.add_argument("--out", required=True, help="CSV file to write (and OUT.yaml)")
    args = parser.parse_args(argv)
    try:
        params = PTableParameters(args.max_noise, args.variance, args.js, args.max_pcv,
                                  args.modulus)
        write_ptable(params, args.out)
    except ExplorerError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    kinds = {c: (r.kind, round(r.variance, 4)) for c, r in row_designs(params).items()
             if r.kind != "target"}
    print(f"Wrote {args.out} and {sidecar_path(args.out)} ({params.describe()}); rows not at "
          f"variance {params.variance:g}: {kinds or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
