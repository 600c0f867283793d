"""Confidence limits for a Poisson count: Byar's approximation and exact chi-square limits.

Sources: PHEindicatormethods v2.1.0 (commit 093fd28) ``R/utils.R`` ``byars_lower`` /
``byars_upper``; Breslow NE, Day NE (1987) *Statistical Methods in Cancer Research, vol. II*,
IARC, Lyon (Byar's approximation; exact limits from the chi-square distribution).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2, norm

__all__ = [
    "normalise_conf",
    "z_value",
    "byars_lower",
    "byars_upper",
    "exact_poisson_lower",
    "exact_poisson_upper",
]


def normalise_conf(conf: float) -> float:
    """Confidence level as a fraction: values >= 90 are divided by 100 (as in PHE).

    PHE only accepts [0.9, 1] or [90, 100]; here any level in (0, 1] (or [90, 100]) is
    accepted. Anything else raises ValueError.
    """
    c = float(conf)
    if 90 <= c <= 100:
        c /= 100.0
    if not 0 < c <= 1:
        raise ValueError(f"confidence level must be in (0, 1] or [90, 100], got {conf!r}")
    return c


def z_value(conf: float) -> float:
    """Two-sided normal quantile ``qnorm(conf + (1 - conf)/2)``; 1.959964 for 0.95."""
    c = normalise_conf(conf)
    return float(norm.ppf(c + (1 - c) / 2))


def _counts(x) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if np.any(a < 0):  # NaN compares False, so NaN passes through
        raise ValueError("observed events must all be >= 0")
    return a


def byars_lower(x, conf: float = 0.95) -> np.ndarray:
    """Byar's lower limit of a Poisson count: ``x (1 - 1/(9x) - z/(3 sqrt x))^3``.

    Pure Byar's, as PHEindicatormethods' ``byars_lower`` (R/utils.R, R@093fd28): no switch to
    exact limits for small x (``byars_lower(1)`` = 0.013072...). Negative results, and x = 0
    (0 * -inf), are NaN, as R's NA. Limits are on the count scale.
    """
    x = _counts(x)
    z = z_value(conf)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    return np.where(out < 0, np.nan, out)


def byars_upper(x, conf: float = 0.95) -> np.ndarray:
    """Byar's upper limit: ``(x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3``.

    As PHEindicatormethods' ``byars_upper`` (R/utils.R, R@093fd28). Count scale.
    """
    x = _counts(x)
    z = z_value(conf)
    x1 = x + 1
    return x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3


def exact_poisson_lower(x, conf: float = 0.95) -> np.ndarray:
    """Exact lower limit ``qchisq((1-c)/2, 2x) / 2``; 0 when x = 0.

    As the ``x < 10`` branch of ``phe_rate`` (R/Rates.R, R@093fd28), where R's
    ``qchisq(p, df = 0)`` is 0; scipy gives NaN for df = 0, so x = 0 is set to 0 here.
    """
    x = _counts(x)
    c = normalise_conf(conf)
    out = chi2.ppf((1 - c) / 2, 2 * x) / 2
    return np.where(x == 0, 0.0, out)


def exact_poisson_upper(x, conf: float = 0.95) -> np.ndarray:
    """Exact upper limit ``qchisq(c + (1-c)/2, 2x + 2) / 2`` (R/Rates.R ``phe_rate``, R@093fd28)."""
    x = _counts(x)
    c = normalise_conf(conf)
    return np.asarray(chi2.ppf(c + (1 - c) / 2, 2 * x + 2) / 2, dtype=float)
