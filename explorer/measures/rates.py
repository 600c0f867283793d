"""Crude rate with confidence interval, as PHEindicatormethods ``phe_rate``.

Source: PHEindicatormethods v2.1.0 ``R/Rates.R`` ``phe_rate`` (commit 093fd28); Byar's limits
from Breslow & Day (1987) vol. II; exact limits from the chi-square distribution.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .poisson_limits import (
    byars_lower,
    byars_upper,
    exact_poisson_lower,
    exact_poisson_upper,
    normalise_conf,
)

__all__ = ["RateResult", "crude_rate", "BYARS_FROM"]

#: phe_rate uses exact limits below this many events and Byar's from it.
BYARS_FROM = 10


class RateResult(NamedTuple):
    """Crude rate per ``multiplier``: float arrays, and ``method`` an object array of
    ``"exact"`` / ``"byars"`` (``None`` where the event count is NaN, as R's NA)."""

    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: np.ndarray


def crude_rate(events, denominator, multiplier: float = 100_000, conf: float = 0.95) -> RateResult:
    """Crude rate ``events / denominator * multiplier`` with PHE's CI.

    Exactly as ``phe_rate`` (R/Rates.R, R@093fd28):
    events < 10 -> exact Poisson limits ``qchisq((1-c)/2, 2x)/2`` and ``qchisq(c+(1-c)/2, 2x+2)/2``;
    events >= 10 -> Byar's limits; both divided by the denominator and times the multiplier.
    Events above the denominator are allowed. Non-integer events are accepted (the formulas
    are continuous in x). For grouped data, sum events and denominators per group first.

    NaN events or denominator give NaN value and limits (method is ``None`` only when the
    events are NaN; a NaN denominator keeps the method from the count, as R).
    Deviations from PHE: a zero denominator gives NaN (PHE stops with an error); negative
    events or denominators raise ValueError (as PHE). ``conf`` is a single level; call twice
    for PHE's ``c(0.95, 0.998)`` pair.
    """
    normalise_conf(conf)
    x = np.asarray(events, dtype=float)
    n = np.asarray(denominator, dtype=float)
    if np.any(x < 0) or np.any(n < 0):
        raise ValueError("events and denominators must be >= 0")
    x, n = np.broadcast_arrays(x, n)
    byars = x >= BYARS_FROM
    xs = np.where(np.isnan(x), 0.0, x)  # keep the limit functions quiet; NaN restored below
    lo = np.where(byars, byars_lower(np.where(byars, xs, 10.0), conf), exact_poisson_lower(xs, conf))
    hi = np.where(byars, byars_upper(xs, conf), exact_poisson_upper(xs, conf))
    scale = np.where(n > 0, multiplier / np.where(n > 0, n, 1.0), np.nan)
    bad = np.isnan(x)
    value = np.where(bad, np.nan, x * scale)
    lower = np.where(bad, np.nan, lo * scale)
    upper = np.where(bad, np.nan, hi * scale)
    method = np.where(byars, "byars", "exact").astype(object)
    method[bad] = None
    return RateResult(value, lower, upper, method)
