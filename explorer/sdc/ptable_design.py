"""Design of count p-tables for the cell key method, by maximum entropy.

Method: Giessing (2016), "Computational Issues in the Design of Transition Probabilities and
Disclosure Risk Estimation for Additive Noise", PSD 2016, LNCS 9867, doi:10.1007/978-3-319-
45381-1_18, as in the sdcTools R package ``ptable``: ``create_cnt_ptable(D, V, js)`` with its
defaults optim = 1 and mono = TRUE (ptable's ``js`` is our js - 1); ONS, "Cell key perturbation
method". For each count i = 1 .. js + D (larger counts share row js + D):

- targets j = max(i - D, 0) .. i + D except the blocked 1 .. js-1 (js = 3: no published 1 or
  2); deviations v = j - i;
- p maximises the entropy -sum p log p subject to sum p = 1, sum p v = 0 (unbiased),
  sum p v^2 <= V and, as ptable's ``mono``, p non-decreasing over v <= 0. Solved by the convex
  dual, p_j proportional to exp(-a v_j - b v_j^2 + mono terms), b >= 0 (scipy TNC, then Newton
  steps). Kinds of row: "target" (variance V, the usual case), "slack" (the entropy maximum has
  a variance below V, as ptable gives too: count 4 with D = 3, js = 3, which can only fall to
  3), "relaxed" (no unbiased distribution on the targets is as narrow as V, as for some counts
  1 .. js-1: the row gets the smallest feasible variance, by linear programming, and the
  unique distribution that has it);
- quantisation to the cell-key grid (scipy ``milp``): the modulus m (256 or 4096) keys are
  split into whole n_j with sum n_j = m, sum n_j v_j = 0 exactly, minimising sum |n_j - m p_j|,
  keeping the variance within VARIANCE_TOLERANCE of the row's where the grid allows and no
  target above the stay unless p puts it there; ties go to the least sum (n_j - m p_j)^2, and
  symmetric rows get symmetric splits, so the table does not depend on the solver's path.
  Keys 0 .. n_1-1 get the most negative deviation, the next n_2 the next one, and so on
  (ptable's cumulative p_int_lb / p_int_ub intervals).

Row 0 (empty cells) is never perturbed. ``python -m explorer.sdc.ptable_design --max-noise 3
--variance 2 --js 3 --out FILE`` writes FILE (pcv, ckey, pvalue) and FILE.yaml (parameters).
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
SHIPPED = {"ptable_official_D3_V2_js3.csv": (3, 2.0, 3), "ptable_public_D5_V3_js3.csv": (5, 3.0, 3)}
"""The p-tables shipped in ``data/`` and their (max_noise, variance, js)."""
VARIANCE_TOLERANCE = 0.02
"""Largest change of a row's variance by quantisation, where the cell-key grid allows it."""
BOUNDARY_TOLERANCE = 1e-6
METHOD = ("maximum entropy (Giessing 2016; sdcTools ptable create_cnt_ptable(D, V, js - 1), "
          "optim = 1, mono = TRUE): unbiased, variance <= V (the smallest feasible variance "
          "where V cannot be reached), |noise| <= D, no perturbed count in 1..js-1; quantised "
          "to the cell keys with mean exactly 0 (scipy milp)")


@dataclass(frozen=True)
class PTableParameters:
    """A count p-table's D (``max_noise``), V (``variance``) and ``js`` (no perturbed count in
    1..js-1; js = 1 blocks nothing), rows 1..``max_pcv``, cell keys 0..``modulus``-1."""

    max_noise: int
    variance: float
    js: int
    max_pcv: int = ONS_MAX_PCV
    modulus: int = 256

    def __post_init__(self) -> None:
        def fail(problem: str) -> PTableError:
            return PTableError(f"p-table parameter {problem}")

        for name in ("max_noise", "js", "max_pcv", "modulus"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral):
                raise fail(f"{name} must be a whole number, got {value!r}")
            object.__setattr__(self, name, int(value))
        if self.max_noise < 1 or self.js < 1:
            raise fail(f"max_noise and js must be at least 1 (js = 1 blocks nothing, js = 3 "
                       f"blocks perturbed counts 1 and 2), got {self.max_noise} and {self.js}")
        v = self.variance
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) or v <= 0:
            raise fail(f"variance must be a number above 0, got {v!r}")
        object.__setattr__(self, "variance", float(v))
        uniform = self.max_noise * (self.max_noise + 1) / 3
        if self.variance >= uniform:
            raise fail(f"variance must be below max_noise * (max_noise + 1) / 3 = {uniform:g}, "
                       f"the variance of uniform noise on -{self.max_noise}..{self.max_noise} "
                       f"(no entropy maximum has more); got {self.variance:g}")
        if self.modulus not in ALLOWED_MODULI:
            raise fail(f"modulus must be one of {ALLOWED_MODULI}, got {self.modulus}")
        least = self.generic_row + PCV_REUSE_ROWS - 1
        if self.max_pcv < least:
            raise fail(f"max_pcv must be at least js + max_noise + {PCV_REUSE_ROWS - 1} = {least} "
                       f"(counts above max_pcv reuse the last {PCV_REUSE_ROWS} rows, which must "
                       f"all be the generic row), got {self.max_pcv}")

    @property
    def generic_row(self) -> int:
        """js + D: the first count whose targets are all of i-D..i+D; larger counts share it."""
        return self.js + self.max_noise

    def describe(self) -> str:
        return (f"D={self.max_noise}, V={self.variance:g}, js={self.js}, max_pcv={self.max_pcv}, "
                f"modulus={self.modulus}")


@dataclass(frozen=True, eq=False)
class RowDesign:
    """One count's continuous solution; ``kind`` is "target", "slack" or "relaxed"."""

    count: int
    v: np.ndarray
    p: np.ndarray
    variance: float
    kind: str


def row_deviations(params: PTableParameters, count: int) -> np.ndarray:
    """Deviations v = j - count, ascending, for j in max(count-D, 0)..count+D not in 1..js-1."""
    j = np.arange(max(count - params.max_noise, 0), count + params.max_noise + 1)
    return (j[(j == 0) | (j >= params.js)] - count).astype(np.int64)


def smallest_variance(params: PTableParameters, count: int) -> tuple[float, np.ndarray]:
    """LP: min sum p v^2 subject to sum p = 1, sum p v = 0, p >= 0 (variance is linear in p)."""
    v = row_deviations(params, count)
    vf = v.astype(float)
    lp = linprog(vf**2, A_eq=np.vstack([np.ones_like(vf), vf]), b_eq=[1.0, 0.0],
                 bounds=(0, None), method="highs")
    if lp.status != 0:
        raise PTableError(
            f"p-table design ({params.describe()}): count {count} can only go to "
            f"{', '.join(str(count + d) for d in v)} (none in 1..{params.js - 1}, none below 0, "
            f"none more than {params.max_noise} away), all on one side of {count}: no unbiased "
            f"perturbation exists; use max_noise >= js - 1")
    p = np.clip(lp.x, 0.0, None)
    return float(lp.fun), p / p.sum()


def _max_entropy(v: np.ndarray, variance: float) -> np.ndarray:
    """The dual: p_j proportional to exp(-f_j . x) with f_j = (v_j, v_j^2, mono terms); minimise
    log Z(x) + b V over a free, b >= 0, mu >= 0 (mu_k prices p_k <= p_{k+1}, v_k < 0)."""
    vf = v.astype(float)
    z = int(np.count_nonzero(vf < 0)) if (vf == 0).any() else 0
    features = np.zeros((len(vf), 2 + z))
    features[:, 0], features[:, 1] = vf, vf**2
    features[np.arange(z), 2 + np.arange(z)] = 1.0
    features[np.arange(1, z + 1), 2 + np.arange(z)] = -1.0
    shift = np.r_[0.0, variance, np.zeros(z)]

    def dual(x: np.ndarray):
        s = -features @ x
        log_z = logsumexp(s)
        p = np.exp(s - log_z)
        return log_z + x[1] * variance, shift - features.T @ p, p

    x = minimize(lambda x: dual(x)[:2], np.zeros(2 + z), jac=True, method="TNC",
                 bounds=[(None, None)] + [(0.0, None)] * (1 + z),
                 options={"ftol": 0.0, "xtol": 0.0, "gtol": 1e-12, "maxfun": 10_000}).x
    _, grad, p = dual(x)
    free = np.r_[True, x[1:] > 0]
    for _ in range(30):  # Newton steps on the face TNC found: KKT residuals ~1e-14
        if np.abs(grad[free]).max() < 1e-14:
            break
        centred = features[:, free] - p @ features[:, free]
        trial = x.copy()
        trial[free] += np.linalg.lstsq(centred.T @ (p[:, None] * centred), -grad[free],
                                       rcond=None)[0]
        _, trial_grad, trial_p = dual(trial)
        if (trial[1:] < 0).any() or np.abs(trial_grad[free]).max() >= np.abs(grad[free]).max():
            break
        x, grad, p = trial, trial_grad, trial_p
    return p


def row_designs(params: PTableParameters) -> dict[int, RowDesign]:
    """The continuous solution of every count 1..js+D, with its kind and variance."""
    rows = {}
    for count in range(1, params.generic_row + 1):
        v = row_deviations(params, count)
        smallest, p = smallest_variance(params, count)
        if smallest >= params.variance - BOUNDARY_TOLERANCE:  # one distribution, or none, has V
            kind = "relaxed" if smallest > params.variance + BOUNDARY_TOLERANCE else "target"
        else:
            p = _max_entropy(v, params.variance)
            z = np.count_nonzero(v < 0)
            if (abs(p @ v) > 1e-9 or p @ v**2 > params.variance + 1e-9
                    or (0 in v and (np.diff(p[:z + 1]) < -1e-9).any())):
                raise PTableError(f"p-table design ({params.describe()}): the entropy "
                                  f"maximisation did not converge for count {count}")
            kind = "target" if p @ v**2 > params.variance - BOUNDARY_TOLERANCE else "slack"
        rows[count] = RowDesign(count, v, p, float(p @ v**2), kind)
    return rows


def transition_probabilities(params: PTableParameters) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Count -> (deviations v, maximum-entropy probabilities p), counts 1..js+D."""
    return {count: (row.v, row.p) for count, row in row_designs(params).items()}


def relaxed_rows(params: PTableParameters) -> dict[int, float]:
    """Counts that cannot have variance V, with the smallest feasible variance they get."""
    return {c: row.variance for c, row in row_designs(params).items() if row.kind == "relaxed"}


def _quantise(row: RowDesign, params: PTableParameters) -> np.ndarray:
    """Keys per target: integers n summing to the modulus m, mean exactly 0, nearest m p.

    Variables n (k integers), e_j >= |n_j - m p_j|, q_j >= (n_j - m p_j)^2 (exact at whole
    n_j), s = variance error beyond VARIANCE_TOLERANCE. First milp: min sum e + (2m + 1) s.
    Second: among those optima, min sum q, so that ties do not depend on the solver; a row
    with symmetric targets (the generic row) gets a symmetric split."""
    m, k, v, target = params.modulus, len(row.v), row.v.astype(float), params.modulus * row.p
    size, n_, e_, q_, s_ = 3 * k + 1, np.arange(k), k + np.arange(k), 2 * k + np.arange(k), 3 * k
    rows, lower, upper = [], [], []

    def constrain(terms: dict, low, high) -> None:
        a = np.zeros(size)
        for index, coefficient in terms.items():
            a[index] += coefficient
        rows.append(a)
        lower.append(low)
        upper.append(high)

    for j in range(k):
        constrain({n_[j]: 1, e_[j]: -1}, -np.inf, target[j])
        constrain({n_[j]: 1, e_[j]: 1}, target[j], np.inf)
    constrain(dict(zip(n_, np.ones(k))), m, m)
    constrain(dict(zip(n_, v)), 0, 0)
    spread = m * VARIANCE_TOLERANCE
    constrain({**dict(zip(n_, v**2)), s_: -1}, -np.inf, m * row.variance + spread)
    constrain({**dict(zip(n_, v**2)), s_: 1}, m * row.variance - spread, np.inf)
    stay = int(np.flatnonzero(row.v == 0)[0]) if (row.v == 0).any() else None
    for j in range(k):  # no target gets more keys than the stay unless p gives it more
        if stay is not None and j != stay and row.p[j] <= row.p[stay] + 1e-6:
            constrain({n_[j]: 1, n_[stay]: -1}, -np.inf, 0)
    if np.array_equal(row.v, -row.v[::-1]):
        for j in range(k // 2):
            constrain({n_[j]: 1, n_[k - 1 - j]: -1}, 0, 0)
    bounds = Bounds(np.zeros(size), np.r_[np.full(k, m), np.full(2 * k + 1, np.inf)])
    integrality = np.r_[np.ones(k), np.zeros(2 * k + 1)]

    def solve(cost: np.ndarray):
        return milp(cost, integrality=integrality, bounds=bounds, options={"mip_rel_gap": 0.0},
                    constraints=LinearConstraint(np.vstack(rows), lower, upper))

    primary = np.zeros(size)
    primary[e_], primary[s_] = 1.0, 2 * m + 1
    first = solve(primary)
    if first.x is not None:
        constrain(dict(enumerate(primary)), -np.inf, first.fun + 1e-7)
        for j in range(k):  # chords of (n - t)^2 between whole numbers within reach of t
            for c in range(max(0, int(target[j] - first.fun) - 1), int(target[j] + first.fun) + 1):
                slope = 2 * (c - target[j]) + 1
                constrain({n_[j]: slope, q_[j]: -1}, -np.inf, slope * c - (c - target[j]) ** 2)
        first = solve(np.r_[np.zeros(2 * k), np.ones(k), 0.0])
    n = None if first.x is None else np.round(first.x[n_]).astype(np.int64)
    if n is None or n.sum() != m or n @ row.v != 0 or (n < 0).any():
        targets = ", ".join(str(row.count + d) for d in row.v)
        raise PTableError(
            f"p-table design ({params.describe()}): the {m} cell keys of count {row.count} "
            f"cannot be split among its targets {targets} with mean exactly 0; use js <= "
            f"max_noise")
    return n


def design_count_ptable(params: PTableParameters) -> PTable:
    """The quantised p-table: ``pvalues[pcv, ckey]``, pcv 0..max_pcv, ckey 0..modulus-1."""
    grid = np.zeros((params.max_pcv + 1, params.modulus), dtype=np.int32)
    for count, row in row_designs(params).items():
        grid[count] = np.repeat(row.v, _quantise(row, params))
    grid[params.generic_row + 1:] = grid[params.generic_row]
    grid.setflags(write=False)
    return PTable(grid, f"design_count_ptable({params.describe()})")


def ptable_properties(ptable: PTable, js: int | None = None) -> pd.DataFrame:
    """Per pcv 1..max_pcv: mean, variance, max |pvalue|, stay and largest probability, least
    perturbed count and least positive one; given ``js``, whether any lands in 1..js-1."""
    grid = ptable.pvalues[1:].astype(np.int64)
    pcv = np.arange(1, ptable.max_pcv + 1)
    perturbed = grid + pcv[:, None]
    shifted = grid - grid.min()
    largest = np.stack([np.bincount(row, minlength=shifted.max() + 1) for row in shifted]).max(1)
    positive = pd.array(np.where(perturbed > 0, perturbed, np.iinfo(np.int64).max).min(axis=1),
                        dtype="Int64")
    positive[~(perturbed > 0).any(axis=1)] = pd.NA
    mean = grid.sum(axis=1) / ptable.modulus
    return pd.DataFrame({
        "pcv": pcv, "mean": mean, "variance": (grid**2).mean(axis=1) - mean**2,
        "max_abs_pvalue": np.abs(grid).max(axis=1), "p_stay": (grid == 0).mean(axis=1),
        "p_max": largest / ptable.modulus, "min_perturbed": perturbed.min(axis=1),
        "min_positive_perturbed": positive,
        "lands_in_blocked": (((perturbed >= 1) & (perturbed < js)).any(axis=1)
                             if js is not None else pd.NA)})


def sidecar_path(csv_path: str | Path) -> Path:
    """``FILE.yaml`` beside ``FILE``: the parameters the p-table CSV was generated with."""
    return Path(f"{csv_path}.yaml")


def sidecar_text(params: PTableParameters) -> str:
    designs = row_designs(params)
    rows = {kind: {c: round(r.variance, 6) for c, r in designs.items() if r.kind == kind}
            for kind in ("relaxed", "slack")}
    return yaml.safe_dump({
        "max_noise": params.max_noise, "variance": params.variance, "js": params.js,
        "max_pcv": params.max_pcv, "modulus": params.modulus, "method": METHOD,
        "generator": "explorer.sdc.ptable_design",
        "reference": "Giessing (2016), PSD 2016, LNCS 9867, doi:10.1007/978-3-319-45381-1_18",
        "relaxed_rows": rows["relaxed"], "slack_rows": rows["slack"]}, sort_keys=False, width=100)


def load_parameters(sidecar: str | Path) -> PTableParameters:
    """The parameters recorded in a ``FILE.yaml`` sidecar."""
    path = Path(sidecar)
    record = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    keys = ("max_noise", "variance", "js", "max_pcv", "modulus")
    if not isinstance(record, dict) or any(key not in record for key in keys):
        raise PTableError(f"p-table parameter file {path} is missing or lacks one of {keys}")
    return PTableParameters(**{key: record[key] for key in keys})


def write_ptable(params: PTableParameters, out: str | Path) -> PTable:
    """Generate the table; write ``out`` (CSV, as ``PTable.to_csv``) and ``out.yaml``."""
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
    other = {c: f"{r.kind} {r.variance:.4f}" for c, r in row_designs(params).items()
             if r.kind != "target"}
    print(f"wrote {args.out} and {sidecar_path(args.out)} ({params.describe()}); counts whose "
          f"variance is not {params.variance:g}: {other or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
