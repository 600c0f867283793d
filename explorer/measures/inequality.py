"""Slope index of inequality (SII) and relative index of inequality (RII).

A port of ``phe_sii`` from the R package PHEindicatormethods v2.1.0 (GitHub
``ukhsa-collaboration/PHEindicatormethods``, commit 093fd28, files ``R/SII_function.R`` and
``R/utils.R`` functions ``FindXValues`` and ``SimulationFunc``), for one area at a time.

Interpretation (Low & Low 2004, "Measuring the gap: quantifying and comparing local health
inequalities", J Public Health 26(4):388-395; Scotland's health-inequality monitoring guidance):
the groups are ranked from most deprived (relative rank 0) to least deprived (rank 1) and a
population-weighted line is fitted through the group values at the midpoints of their
cumulative population shares. The SII is the fitted value at rank 1 minus the fitted value at
rank 0, times ``multiplier``: with ``multiplier=1`` it reads "least deprived minus most
deprived". PHE's RII is fitted(1)/fitted(0) (inverted when ``multiplier < 0``); note Scotland's
RII is a different quantity (SII relative to the population mean).

Presentation (publishing guidance): choose the sign of ``multiplier`` so that a bigger gap reads
as a bigger number, e.g. ``multiplier=-1`` (or ``-100_000``) for mortality, where the most
deprived have the higher values; then SII = most minus least deprived and RII = most/least.
Say which way round it is; :func:`sii_direction` gives the wording.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, logit
from scipy.stats import norm

__all__ = ["SiiResult", "slope_index_of_inequality", "sii_direction"]

_VALUE_TYPES = {0: 0, 1: 1, 2: 2, "none": 0, "log": 1, "logit": 2}
_MAX_DRAWS = 2_000_000  # normal draws held in memory at once (16 MB)
_Z95 = float(norm.ppf(0.975))  # phe_sii hard-codes 95% when turning CLs into standard errors


@dataclass(frozen=True)
class SiiResult:
    """SII, RII and their simulated confidence limits for one area."""

    sii: float
    sii_lower: float
    sii_upper: float
    rii: float
    rii_lower: float
    rii_upper: float
    intercept: float
    method: str


def sii_direction(multiplier: float = 1) -> str:
    """Words saying which way round an SII/RII computed with this ``multiplier`` is."""
    if multiplier < 0:
        return "most deprived minus least deprived (RII: most / least deprived)"
    return "least deprived minus most deprived (RII: least / most deprived)"


def _as_1d(name: str, x: ArrayLike) -> np.ndarray:
    arr = np.asarray(x, dtype=float).ravel()
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains missing (NaN) values; SII needs every group")
    return arr


def _validate(values, lower_cl, upper_cl, population, value_type, transform, conf, repetitions,
              min_groups=5):
    if value_type not in _VALUE_TYPES:
        raise ValueError("value_type must be 0/'none', 1/'log' or 2/'logit'")
    vt = _VALUE_TYPES[value_type]
    named = (("values", values), ("lower_cl", lower_cl), ("upper_cl", upper_cl),
             ("population", population))
    y, lo, hi, pop = (_as_1d(name, arr) for name, arr in named)
    k = y.size
    if not min_groups <= k <= 100:
        raise ValueError(f"SII needs between {min_groups} and 100 ordered groups; got {k}")
    if not (lo.size == hi.size == pop.size == k):
        raise ValueError("values, lower_cl, upper_cl and population must have the same length")
    if (pop <= 0).any() or not np.isfinite(pop).all():
        raise ValueError("some groups have a zero, negative or non-finite population")
    if (lo > hi).any():
        raise ValueError("some lower confidence limits exceed their upper limits")
    if vt == 2 and (((y < 0) | (y > 1)).any() or ((lo < 0) | (hi > 1)).any()):
        raise ValueError("proportions and their confidence limits must lie between 0 and 1")
    if transform and vt == 0:
        raise ValueError("value_type should be 1 ('log') or 2 ('logit') when transform is true")
    if repetitions < 1000:
        raise ValueError("repetitions must be 1000 or greater (default 100,000)")
    if conf >= 90:
        conf = conf / 100
    if not 0.9 <= conf <= 1:
        raise ValueError("confidence level must be between 0.9 and 1 (or 90 and 100)")
    return vt, y, lo, hi, pop, conf


def slope_index_of_inequality(
    values: ArrayLike,
    lower_cl: ArrayLike,
    upper_cl: ArrayLike,
    population: ArrayLike,
    value_type: int | str = 0,
    transform: bool = False,
    multiplier: float = 1,
    conf: float = 0.95,
    repetitions: int = 100_000,
    seed: int | None = 20110327,
    min_groups: int = 5,
) -> SiiResult:
    """SII and RII with simulation confidence limits, following ``phe_sii`` (R@093fd28).

    Inputs are one value per quantile **in the order given: quantile 1 (most deprived) first**.
    ``value_type``: 0/"none" (e.g. life expectancy), 1/"log" (rates), 2/"logit" (proportions;
    pass count/population as the value and CLs as proportions, not percentages).

    Method, as ``phe_sii``: population shares ``a_j``, midpoint ranks ``b_j = cumsum(a)_{j-1} +
    a_j/2``; ordinary least squares of ``sqrt(a)*Y`` on ``[sqrt(a), b*sqrt(a)]`` (= WLS of Y on
    b with weights a) gives intercept c0 and slope c1. ``se = (T(upper) - T(lower)) / z / 2`` on
    the transformed scale T with z fixed at the 95% value whatever ``conf`` is. With
    ``transform=False``: ``sii = multiplier*c1``, ``rii = (c0+c1)/c0`` (1/rii if multiplier < 0),
    ``intercept = c0``. With ``transform=True`` the fit is on the log/logit scale and is
    back-transformed with f = exp/inverse-logit: ``sii = (f(c0+c1) - f(c0))*multiplier``,
    ``rii = f(c0+c1)/f(c0)``, ``intercept = f(c0)*|multiplier|``.

    Confidence limits by simulation (``SimulationFunc``): each group's T(value) is drawn from
    Normal(T(value), se) ``repetitions`` times, back-transformed (unless ``transform``), the
    regression is re-solved for every draw, and the sorted draws are read at the 1-based
    positions ``round(reps*(1-cv))`` and ``round(reps*cv)``, ``cv = conf + (1-conf)/2``.
    With ``transform=True`` the log/logit-scale SII limits are mapped back around the fitted
    midpoint ``(c0 + (c0+c1))/2 -/+ limit/2``, as R does (RII limits follow from them).

    Deviations from R: R draws from its global RNG with no seed; here draws come from
    ``numpy.random.default_rng(seed)`` (PCG64) so results are reproducible (``seed=None`` for
    fresh entropy). Monte-Carlo limits therefore match R's only to simulation error. One area
    per call, one confidence level, CLs (not se) as inputs, no reliability statistic. For
    transform=True with a log scale R swaps the limits when ``multiplier < 1``, which inverts
    them for 0 < multiplier < 1; here they are swapped only when ``multiplier < 0``. Inputs
    that R would turn into NaN (non-positive rates, CLs at 0 or 1 on the logit scale) raise.
    Draws are generated in blocks of at most 2 million numbers (one continuous RNG stream, so
    the result does not depend on the block size) to bound memory with 100 groups.
    ``min_groups``: R requires at least 5 quantiles; the default keeps that rule, and a caller
    may allow fewer ordered groups (at least 2: the regression is the same; e.g. 3 levels of
    limitation by disability, as in Mackenbach and Kunst's use of the RII for educational
    levels, Soc Sci Med 1997 44(6):757-771).
    """
    if min_groups < 2:
        raise ValueError("min_groups must be at least 2")
    vt, y, lo, hi, pop, conf = _validate(values, lower_cl, upper_cl, population, value_type,
                                         transform, conf, repetitions, min_groups)
    t = {0: lambda v: v, 1: np.log, 2: logit}[vt]
    f = {0: lambda v: v, 1: np.exp, 2: expit}[vt]
    with np.errstate(divide="ignore", invalid="ignore"):
        ty, tlo, thi = t(y), t(lo), t(hi)
    se = (thi - tlo) / _Z95 / 2
    if not (np.isfinite(ty).all() and np.isfinite(se).all()):
        raise ValueError("values or confidence limits cannot be transformed "
                         "(rates must be > 0; proportions and limits strictly within 0 and 1)")

    a = pop / pop.sum()
    cum = np.cumsum(a)
    b = np.concatenate(([0.0], cum[:-1])) + a / 2
    sqrt_a = np.sqrt(a)
    design = np.column_stack([sqrt_a, b * sqrt_a])
    y_fit = ty if transform else y
    (c0, c1), *_ = np.linalg.lstsq(design, sqrt_a * y_fit, rcond=None)

    # Simulation: each block of draws (reps x k) is solved in one matrix product.
    m = design.T
    solver = np.linalg.solve(m @ m.T, m)  # (2 x k) = (M M^T)^-1 M
    rng = np.random.default_rng(seed)
    reps = int(repetitions)
    step = max(1, _MAX_DRAWS // y.size)  # bounded memory; blocks continue one RNG stream
    coef = np.empty((reps, 2))
    for start in range(0, reps, step):
        draws = ty + se * rng.standard_normal((min(step, reps - start), y.size))
        if not transform:
            draws = f(draws)
        coef[start:start + len(draws)] = (draws * sqrt_a) @ solver.T
    s0, s1 = coef[:, 0], coef[:, 1]
    cv = conf + (1 - conf) / 2
    pos = np.array([round(repetitions * (1 - cv)), round(repetitions * cv)]) - 1
    if pos[0] < 0 or pos[1] >= repetitions:
        raise ValueError("too few repetitions for this confidence level")

    def limits(draw: np.ndarray) -> tuple[float, float]:
        ordered = np.partition(draw, pos)
        return float(ordered[pos[0]]), float(ordered[pos[1]])

    method = (f"simulation {int(repetitions)} reps (numpy default_rng, seed {seed}), "
              f"{conf * 100:g}% CI")
    if not transform:
        rii_draws = (s0 + s1) / s0
        rii = (c0 + c1) / c0
        if multiplier < 0:
            rii_draws, rii = 1 / rii_draws, 1 / rii
        sii_lo, sii_hi = limits(s1 * multiplier)
        rii_lo, rii_hi = limits(rii_draws)
        return SiiResult(float(multiplier * c1), sii_lo, sii_hi, float(rii), rii_lo, rii_hi,
                         float(c0), method)

    x1 = c0 + c1
    half = (c0 + x1) / 2
    sii = (f(x1) - f(c0)) * multiplier
    rii = f(x1) / f(c0)
    sl, su = limits(s1)
    lower_pair = (f(half + sl / 2), f(half - sl / 2))  # (x=1, x=0) at the lower slope limit
    upper_pair = (f(half + su / 2), f(half - su / 2))
    sii_lo = (lower_pair[0] - lower_pair[1]) * multiplier
    sii_hi = (upper_pair[0] - upper_pair[1]) * multiplier
    rii_lo = lower_pair[0] / lower_pair[1]
    rii_hi = upper_pair[0] / upper_pair[1]
    if multiplier < 0:
        rii = 1 / rii
        sii_lo, sii_hi = sii_hi, sii_lo
        rii_lo, rii_hi = 1 / rii_hi, 1 / rii_lo
    return SiiResult(float(sii), float(sii_lo), float(sii_hi), float(rii), float(rii_lo),
                     float(rii_hi), float(f(c0) * abs(multiplier)), method)
