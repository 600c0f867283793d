"""Adjusted rate ratios from a Poisson GLM with a log person-time offset.

This is the method of the ONS study *Sociodemographic inequalities in suicides in England and
Wales: 2011 to 2021* (statistical bulletin, 6 March 2023; Ward IL et al., Eur J Public Health
2024;34(2):211-217, doi:10.1093/eurpub/ckad233): a Poisson generalised linear model of event
counts with log link and ``log(person-years)`` offset; "minimally adjusted" incidence rate ratios
adjust for sex and age (``adjust_for=["sex", "age_group"]``), "fully adjusted" ones add further
characteristics.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

__all__ = ["poisson_rate_ratios", "ZERO_EVENTS", "NOT_ESTIMABLE", "REFERENCE"]

REFERENCE = "reference"
ZERO_EVENTS = "zero events"
NOT_ESTIMABLE = "not estimable"
_COLUMNS = ["group", "rate_ratio", "lower", "upper", "p_value", "events", "person_years", "flag"]


def _levels(series: pd.Series) -> list:
    """Observed levels: in category order for a categorical column, else sorted."""
    present = set(series.unique())
    if isinstance(series.dtype, pd.CategoricalDtype):
        return [c for c in series.cat.categories if c in present]
    return sorted(present)


def _dummies(series: pd.Series, levels: list, drop: object, prefix: str) -> pd.DataFrame:
    """Treatment-coded indicator columns, one per level other than ``drop``."""
    values = series.to_numpy()
    return pd.DataFrame({f"{prefix}[T.{lv}]": (values == lv).astype(float)
                         for lv in levels if lv != drop}, index=series.index)


def poisson_rate_ratios(
    frame: pd.DataFrame,
    group: str,
    reference,
    adjust_for: list[str],
    events: str = "events",
    person_years: str = "person_years",
    conf: float = 0.95,
) -> pd.DataFrame:
    """Rate ratios of ``group`` levels against ``reference`` from a Poisson GLM.

    Model: ``events ~ C(group, Treatment(reference)) + C(cov_1) + ... ``, family Poisson, log
    link, offset ``log(person_years)`` (statsmodels ``GLM``, IRLS), every covariate treated as
    categorical with its first level as baseline. Rows with zero person-years are dropped
    (they carry no information and the offset would be -inf). Rate ratio = exp(coefficient);
    CI = exp of the model's Wald interval at ``conf``; p_value = Wald test of the coefficient.

    Returns one row per observed level of ``group`` (category order if categorical, else
    sorted) with columns ``group, rate_ratio, lower, upper, p_value, events, person_years,
    flag``. The reference row has rate_ratio 1.0, NaN CI and p-value, flag ``"reference"``.

    Zero events: a level with no events has no finite maximum-likelihood estimate (statsmodels
    returns a large negative coefficient with a huge standard error). Such rows are returned
    with NaN rate_ratio/lower/upper/p_value and flag ``"zero events"``; a level whose fit is
    otherwise non-finite gets ``"not estimable"``. Warnings raised during fitting (perfect
    separation, non-convergence) are caught, not raised, and listed in ``result.attrs
    ["warnings"]``; ``result.attrs`` also holds ``converged`` and ``n_rows``. A reference
    level with zero events makes every ratio meaningless and raises ``ValueError``.
    """
    if conf > 1:
        conf = conf / 100
    if not 0 < conf < 1:
        raise ValueError("conf must be between 0 and 1 (or a percentage)")
    needed = [group, events, person_years, *adjust_for]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns: {missing}")
    data = frame[needed]
    if data.isna().any().any():
        raise ValueError("missing values in the model columns; drop or recode them first")
    y = data[events].to_numpy(dtype=float)
    py = data[person_years].to_numpy(dtype=float)
    if (y < 0).any() or (py < 0).any():
        raise ValueError("events and person-years must be non-negative")
    data = data.loc[py > 0]
    levels = _levels(data[group])
    if reference not in levels:
        raise ValueError(f"reference level {reference!r} not found among {levels}")
    totals = data.groupby(group, observed=True)[[events, person_years]].sum()
    if totals.loc[reference, events] == 0:
        raise ValueError(f"reference level {reference!r} has zero events")

    parts = [pd.Series(1.0, index=data.index, name="Intercept").to_frame(),
             _dummies(data[group], levels, reference, f"C({group})")]
    for cov in adjust_for:
        cov_levels = _levels(data[cov])
        parts.append(_dummies(data[cov], cov_levels, cov_levels[0], f"C({cov})"))
    design = pd.concat(parts, axis=1)

    model = sm.GLM(data[events].astype(float), design, family=sm.families.Poisson(),
                   offset=np.log(data[person_years].astype(float)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = model.fit()
    ci = fit.conf_int(alpha=1 - conf)

    rows = []
    for lv in levels:
        ev, pyr = totals.loc[lv, events], totals.loc[lv, person_years]
        if lv == reference:
            rows.append([lv, 1.0, np.nan, np.nan, np.nan, ev, pyr, REFERENCE])
            continue
        name = f"C({group})[T.{lv}]"
        coef, se, p = fit.params[name], fit.bse[name], fit.pvalues[name]
        lo, hi = ci.loc[name]
        if ev == 0:
            rows.append([lv, np.nan, np.nan, np.nan, np.nan, ev, pyr, ZERO_EVENTS])
        elif not (np.isfinite(coef) and np.isfinite(se)):
            rows.append([lv, np.nan, np.nan, np.nan, np.nan, ev, pyr, NOT_ESTIMABLE])
        else:
            rows.append([lv, np.exp(coef), np.exp(lo), np.exp(hi), p, ev, pyr, ""])
    result = pd.DataFrame(rows, columns=_COLUMNS)
    result.attrs["warnings"] = [str(w.message) for w in caught]
    result.attrs["converged"] = bool(fit.converged)
    result.attrs["n_rows"] = int(len(data))
    return result
