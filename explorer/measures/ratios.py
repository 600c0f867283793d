"""Ratios of rates with confidence intervals.

- ``dsr_ratio``: ratio of two directly standardised rates; CI on the log scale by the delta
  method (statistical differentials), var(log DSR) = var(DSR) / DSR^2. References: Breslow NE,
  Day NE (1987) *Statistical Methods in Cancer Research vol. II*, IARC (ch. 2, standardised
  rate ratios); the same log-normal interval is SAS/STAT PROC STDRATE's "rate ratio"
  (Elandt-Johnson & Johnson 1980, pp. 70-71).
- ``crude_rate_ratio``: ratio of two crude Poisson rates with the exact conditional CI:
  given N = a + b events, a ~ Binomial(N, p), p = RR*T_a / (RR*T_a + T_b); Clopper-Pearson
  limits for p (scipy.stats.beta) mapped to RR = p/(1-p) * T_b/T_a. Breslow & Day (1987)
  vol. II section 2.2; Clopper CJ, Pearson ES (1934) Biometrika 26:404-413.
- ``proportion_ratio``: ratio of two proportions (a risk ratio) with the log-scale CI of
  Katz D, Baptista J, Azen SP, Pike MC (1978) "Obtaining confidence intervals for the risk
  ratio in cohort studies", Biometrics 34(3):469-474: var(log RR) = 1/a - 1/n1 + 1/c - 1/n2
  (as ``scipy.stats.contingency.relative_risk(...).confidence_interval()`` and statsmodels'
  ``Table2x2.riskratio_confint``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.stats import beta

from .poisson_limits import normalise_conf, z_value

__all__ = ["RatioResult", "dsr_ratio", "crude_rate_ratio", "proportion_ratio"]


class RatioResult(NamedTuple):
    """Ratio (group a over group b) with its confidence limits, float arrays."""

    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def dsr_ratio(dsr_a, var_a, dsr_b, var_b, conf: float = 0.95) -> RatioResult:
    """Ratio ``dsr_a / dsr_b`` with a log-scale (delta method) CI.

    Implements exactly::

        R      = dsr_a / dsr_b
        se_log = sqrt(var_a / dsr_a^2 + var_b / dsr_b^2)
        lower  = R * exp(-z se_log),  upper = R * exp(+z se_log),  z = qnorm(c + (1-c)/2)

    ``var_a``/``var_b`` are var(DSR) on the same scale as the DSRs, i.e.
    ``DsrResult.variance`` (PHE's vardsr times multiplier^2); both DSRs must use the same
    multiplier (the multiplier then cancels in var/DSR^2). The two DSRs are treated as
    independent (disjoint groups): comparing a group with a total that contains it
    overstates the CI width. Non-positive or NaN DSRs, or NaN variances, give NaN.
    """
    z = z_value(conf)
    a, va, b, vb = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (dsr_a, var_a, dsr_b, var_b)))
    ok = (a > 0) & (b > 0) & (va >= 0) & (vb >= 0)
    a1, b1 = np.where(ok, a, 1.0), np.where(ok, b, 1.0)
    ratio = a1 / b1
    se_log = np.sqrt(np.where(ok, va, 0.0) / a1**2 + np.where(ok, vb, 0.0) / b1**2)
    nan = np.nan
    return RatioResult(
        np.where(ok, ratio, nan),
        np.where(ok, ratio * np.exp(-z * se_log), nan),
        np.where(ok, ratio * np.exp(z * se_log), nan),
    )


def crude_rate_ratio(events_a, py_a, events_b, py_b, conf: float = 0.95) -> RatioResult:
    """Rate ratio ``(events_a/py_a) / (events_b/py_b)`` with the exact conditional CI.

    With a, b the event counts, N = a + b and alpha = 1 - c::

        p_L = Beta.ppf(alpha/2, a, b + 1)      (0 when a = 0)
        p_U = Beta.ppf(1 - alpha/2, a + 1, b)  (1 when b = 0)
        RR_L = p_L/(1 - p_L) * py_b/py_a,  RR_U = p_U/(1 - p_U) * py_b/py_a

    the Clopper-Pearson interval of the binomial ``a | N`` (as ``scipy.stats.binomtest(a, N)
    .proportion_ci(method="exact")``), transformed. Edge cases: a = 0 gives value 0 and lower
    0; b = 0 (a > 0) gives value and upper +inf; a = b = 0, a zero or NaN person-time, or NaN
    counts give NaN. Counts should be integers (non-integer counts are accepted by the beta
    quantiles but have no exact-test meaning). Negative inputs raise ValueError.
    """
    c = normalise_conf(conf)
    a, ta, b, tb = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (events_a, py_a, events_b, py_b)))
    if np.any(a < 0) or np.any(b < 0) or np.any(ta < 0) or np.any(tb < 0):
        raise ValueError("events and person-time must be >= 0")
    ok = (ta > 0) & (tb > 0) & (a + b > 0)  # False for NaN
    a1, b1 = np.where(ok, a, 1.0), np.where(ok, b, 1.0)
    nan = np.nan
    k = np.where(ok, tb / np.where(ok, ta, 1.0), nan)
    alpha = 1 - c
    with np.errstate(divide="ignore", invalid="ignore"):
        p_lo = np.where(a1 > 0, beta.ppf(alpha / 2, np.where(a1 > 0, a1, 1.0), b1 + 1), 0.0)
        p_hi = np.where(b1 > 0, beta.ppf(1 - alpha / 2, a1 + 1, np.where(b1 > 0, b1, 1.0)), 1.0)
        value = np.where(b1 > 0, a1 / b1, np.inf) * k
        lower = p_lo / (1 - p_lo) * k
        upper = np.where(p_hi < 1, p_hi / np.where(p_hi < 1, 1 - p_hi, 1.0), np.inf) * k
    return RatioResult(np.where(ok, value, nan), np.where(ok, lower, nan), np.where(ok, upper, nan))


def proportion_ratio(x_a, n_a, x_b, n_b, conf: float = 0.95) -> RatioResult:
    """Ratio of proportions ``(x_a/n_a) / (x_b/n_b)`` with the Katz et al. (1978) log CI.

    Implements exactly::

        RR     = (a / n1) / (c / n2)
        se_log = sqrt(1/a - 1/n1 + 1/c - 1/n2)
        lower  = RR * exp(-z se_log),  upper = RR * exp(+z se_log),  z = qnorm(c + (1-c)/2)

    with a, c the numerators (people with the outcome) and n1, n2 the denominators (people) of
    group a and the reference group b. The groups are treated as independent (disjoint).
    Edge cases: a or c equal to 0 (no log-scale interval exists), a zero denominator, a
    numerator above its denominator (possible after perturbing both) or NaN give NaN value and
    limits; negative inputs raise ValueError. Non-integer counts are accepted (PHE style).
    """
    z = z_value(conf)
    a, n1, c, n2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x_a, n_a, x_b, n_b)))
    if np.any(a < 0) or np.any(n1 < 0) or np.any(c < 0) or np.any(n2 < 0):
        raise ValueError("numerators and denominators must be >= 0")
    ok = (a > 0) & (c > 0) & (a <= n1) & (c <= n2)  # False for NaN; implies n1, n2 > 0
    a1, n11, c1, n21 = (np.where(ok, v, 1.0) for v in (a, n1, c, n2))
    ratio = (a1 / n11) / (c1 / n21)
    se_log = np.sqrt(np.maximum(1 / a1 - 1 / n11 + 1 / c1 - 1 / n21, 0.0))
    nan = np.nan
    return RatioResult(
        np.where(ok, ratio, nan),
        np.where(ok, ratio * np.exp(-z * se_log), nan),
        np.where(ok, ratio * np.exp(z * se_log), nan),
    )
