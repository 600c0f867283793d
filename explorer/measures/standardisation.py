"""Directly standardised rate (DSR) with Dobson confidence interval.

Sources: PHEindicatormethods v2.1.0 ``R/DSR.R`` ``dsr_inner`` / ``calculate_dsr`` (commit
093fd28; the deprecated ``phe_dsr`` is the same maths); Dobson AJ, Kuulasmaa K, Eberle E,
Scherer J (1991) Confidence intervals for weighted sums of Poisson parameters, Stat Med
10:457-462; Byar's limits from Breslow & Day (1987) vol. II. ESP2013: Eurostat (2013)
Revision of the European Standard Population, 19 bands 0-4, 5-9, ..., 85-89, 90+.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .poisson_limits import byars_lower, byars_upper, normalise_conf

__all__ = [
    "ESP2013_WEIGHTS",
    "ESP2013_BAND_LOWER_AGES",
    "DsrResult",
    "RestrictedStandard",
    "directly_standardised_rate",
    "restrict_standard_population",
]

ESP2013_WEIGHTS = np.array(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
     7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000], dtype=float)  # fmt: skip
ESP2013_BAND_LOWER_AGES = np.arange(0, 95, 5)


class DsrResult(NamedTuple):
    """DSR per ``multiplier``; arrays of shape ``events.shape[:-1]``.

    ``variance`` is var(DSR) on the rate scale, i.e. PHE's ``vardsr * multiplier**2``
    (so ``sqrt(variance)`` is the standard error of ``value``). value, limits and variance
    are NaN when ``total_events < min_events``; the totals are always given.
    """

    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    total_events: np.ndarray
    total_person_years: np.ndarray
    variance: np.ndarray


class RestrictedStandard(NamedTuple):
    """Weights of the kept bands and the boolean mask that selects them."""

    weights: np.ndarray
    keep: np.ndarray


def directly_standardised_rate(
    events, person_years, standard_weights, multiplier: float = 100_000,
    conf: float = 0.95, min_events: float = 10,
) -> DsrResult:  # fmt: skip
    """DSR with Dobson CI; the last axis of ``events``/``person_years`` is the age band.

    ``events`` and ``person_years`` are (groups x bands) (any leading shape, or 1-D for one
    group); ``standard_weights`` is 1-D (bands). As PHE ``dsr_inner`` (R/DSR.R, R@093fd28):
        value  = sum_i(x_i w_i / n_i) / sum(w) * mult
        vardsr = sum_i(x_i (w_i / n_i)^2) / sum(w)^2
        O      = sum_i x_i
        lower  = value + sqrt(vardsr / O) * (byars_lower(O) - O) * mult   (pure Byar's)
        upper  = value + sqrt(vardsr / O) * (byars_upper(O) - O) * mult
    and value, limits (and variance) are NaN when O < ``min_events`` (PHE: 10).
    NaN events count as 0, as PHE. Bands with person_years == 0 contribute 0 (no
    population, so no events); a band with events but zero person-years, or with NaN
    person-years, makes its group's value NaN (PHE gives Inf / NA). Weights are used as given; a restricted
    standard (see ``restrict_standard_population``) is re-weighted implicitly because the
    DSR divides by the sum of the weights passed.
    """
    normalise_conf(conf)
    x = np.nan_to_num(np.asarray(events, dtype=float), nan=0.0)
    n = np.asarray(person_years, dtype=float)
    w = np.asarray(standard_weights, dtype=float)
    if w.ndim != 1 or x.shape[-1] != w.shape[0] or n.shape[-1] != w.shape[0]:
        raise ValueError("last axis of events and person_years must match standard_weights")
    if np.any(x < 0) or np.any(n < 0) or np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("events, person_years and weights must be >= 0 (weights finite)")
    x, n = np.broadcast_arrays(x, n)
    empty = n == 0
    invalid = (np.isnan(n) | (empty & (x > 0))).any(axis=-1)
    ratio = np.where(empty | np.isnan(n), 0.0, w / np.where(empty, 1.0, n))
    sw = w.sum()
    total = x.sum(axis=-1)
    value = (x * ratio).sum(axis=-1) / sw * multiplier
    vardsr = (x * ratio**2).sum(axis=-1) / sw**2
    show = (total >= min_events) & (total > 0) & ~invalid
    o = np.where(show, total, 1.0)
    se_unit = np.sqrt(np.where(show, vardsr, 0.0) / o) * multiplier
    lower = value + se_unit * (byars_lower(o, conf) - o)
    upper = value + se_unit * (byars_upper(o, conf) - o)
    nan = np.nan
    return DsrResult(
        value=np.where(show, value, nan),
        lower=np.where(show, lower, nan),
        upper=np.where(show, upper, nan),
        total_events=np.asarray(total),
        total_person_years=np.asarray(n.sum(axis=-1)),
        variance=np.where(show, vardsr * multiplier**2, nan),
    )


def restrict_standard_population(weights, band_lower_ages, min_age: float) -> RestrictedStandard:
    """Keep the standard-population bands at or above an outcome's minimum age.

    ``band_lower_ages`` are the bands' lower bounds, strictly increasing (ESP2013: 0, 5, ...,
    90; the last band is open). The band containing ``min_age`` and all older bands are kept,
    e.g. suicide from age 10 keeps 10-14 onward. If ``min_age`` falls inside a band, that
    whole band is kept (its rate stands for the whole band's weight). Returns the kept weights
    (not re-scaled: the DSR divides by their sum, so re-weighting is implicit) and the mask;
    slice events and person-years with ``[..., keep]`` so excluded bands do not enter the
    event total O used by the Dobson CI.
    """
    w = np.asarray(weights, dtype=float)
    a = np.asarray(band_lower_ages, dtype=float)
    if w.shape != a.shape or w.ndim != 1 or np.any(np.diff(a) <= 0):
        raise ValueError("weights and band_lower_ages must be 1-D, same length, ages increasing")
    start = max(int(np.searchsorted(a, min_age, side="right")) - 1, 0)
    keep = np.arange(a.size) >= start
    return RestrictedStandard(w[keep], keep)
