"""Proportion with Wilson score confidence interval, as PHEindicatormethods ``phe_proportion``.

Sources: Wilson EB (1927) JASA 22:209-212; PHEindicatormethods v2.1.0 ``R/Proportions.R``
``phe_proportion`` and ``R/utils.R`` ``wilson_lower`` / ``wilson_upper`` (commit 093fd28).
The interval itself comes from ``statsmodels.stats.proportion.proportion_confint(method="wilson")``,
which is algebraically the PHE closed form (checked in tests to 1e-10).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from statsmodels.stats.proportion import proportion_confint

from .poisson_limits import normalise_conf

__all__ = ["ProportionResult", "proportion"]


class ProportionResult(NamedTuple):
    """Proportion times ``multiplier`` with its Wilson limits (float arrays)."""

    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def proportion(x, n, multiplier: float = 1, conf: float = 0.95) -> ProportionResult:
    """Proportion ``x / n * multiplier`` with Wilson score CI.

    PHE closed form (R/utils.R, R@093fd28), which statsmodels' Wilson interval equals:
    ``(2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / 2 / (n + z^2)``, z = qnorm(c + (1-c)/2).
    ``conf == 1`` gives limits 0 and 1, as PHE. Use multiplier 100 for a percentage.
    Non-integer x is allowed (PHE tests 0.445/1).

    NaN in gives NaN out. Deviations from PHE (which stops with an error): n == 0 or
    x > n (possible after perturbation of both counts) give NaN value and limits; negative
    x or n raise ValueError. statsmodels clips limits to [0, 1] against rounding error.
    """
    c = normalise_conf(conf)
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(x < 0) or np.any(n < 0):
        raise ValueError("numerators and denominators must be >= 0")
    x, n = np.broadcast_arrays(x, n)
    ok = (n > 0) & (x <= n)  # False for NaN
    xs = np.where(ok, x, 0.0)
    ns = np.where(ok, n, 1.0)
    if c == 1:
        lo, hi = np.zeros_like(xs), np.ones_like(xs)
    else:
        lo, hi = proportion_confint(xs, ns, alpha=1 - c, method="wilson")
    value = np.where(ok, xs / ns * multiplier, np.nan)
    lower = np.where(ok, np.asarray(lo, dtype=float) * multiplier, np.nan)
    upper = np.where(ok, np.asarray(hi, dtype=float) * multiplier, np.nan)
    return ProportionResult(value, lower, upper)
