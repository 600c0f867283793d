"""A recent-trend test for one group's last five years (issue 17): increasing, decreasing, or no
significant change, as PHE's Fingertips "recent trend" marker.

Which test:

- counts over a denominator (``crude_rate``, ``count``, ``proportion``): the **chi-square test
  for linear trend** (Armitage P., "Tests for linear trends in proportions and frequencies",
  *Biometrics* 11:375-386, 1955; the Cochran-Armitage test), the test Fingertips uses for its
  recent trends (Public Health England, *Fingertips: recent trends methodology*, 2016). With
  events r_i out of denominators n_i in years x_i, R = sum r_i, N = sum n_i, p = R / N::

      T  = sum r_i x_i - R * sum(n_i x_i) / N
      V  = p (1 - p) * (sum n_i x_i^2 - (sum n_i x_i)^2 / N)
      X2 = T^2 / V,  1 degree of freedom; increasing when T > 0.

  For a proportion (people) that is Armitage's binomial form. For person-years the events are
  Poisson, and the same statistic without the factor (1 - p) is the score test for the slope of
  log(rate) on year in a Poisson model with a log person-years offset (Breslow N.E. and Day
  N.E., *Statistical methods in cancer research* vol. II, IARC 1987, section 4.4): that is the
  form used here for rates and counts over person-years (for death rates p is about 1e-4, so
  the two forms differ by less than 0.01%).
- age-standardised rates (``asmr``): the events behind a DSR are weighted, so no count test
  applies; the **weighted least squares** regression of log(rate) on year, with inverse-variance
  weights from each year's 95% confidence interval (SE of log rate = (log upper - log lower) /
  (2 x 1.96), as the interval is near-symmetric on the log scale), variances taken as known
  (scale 1), and a **Wald test** of the slope (z = slope / SE(slope)).

Result (``TrendResult``): direction ``"increasing"``, ``"decreasing"``, ``"no significant
change"`` (p >= 0.05) or ``"not enough data"`` (fewer than five shown years, or a hidden or
not-calculated year among the last five); the p-value (NaN when not tested), the years used and
the test's name. Everything comes from the figures a protected table shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

INCREASING, DECREASING = "increasing", "decreasing"
NO_CHANGE, NOT_ENOUGH = "no significant change", "not enough data"
DIRECTIONS = (INCREASING, DECREASING, NO_CHANGE, NOT_ENOUGH)
RECENT_YEARS = 5
"""Fingertips tests the most recent five data points."""
SIGNIFICANCE = 0.05
Z_95 = 1.959963984540054
CHI_SQUARE_TREND = "chi-square test for linear trend (Armitage 1955)"
POISSON_TREND = "chi-square test for linear trend in rates (Poisson score test, Armitage 1955)"
LOG_RATE_TREND = "weighted regression of log rate on year, Wald test"
COUNT_MEASURES = ("count", "crude_rate")
"""Measures whose denominator is person-years (Poisson form of the test)."""
PROPORTION_MEASURES = ("proportion",)
STANDARDISED_MEASURES = ("asmr",)


@dataclass(frozen=True)
class TrendResult:
    """One group's recent trend: direction, p-value (NaN when not tested), the years tested
    (or looked at, when there is not enough data), the test's name and its statistic."""

    direction: str
    p_value: float
    years: tuple[int, ...]
    test: str
    statistic: float = math.nan

    @property
    def years_text(self) -> str:
        """'2017 to 2021' ('' when no years)."""
        if not self.years:
            return ""
        return f"{self.years[0]} to {self.years[-1]}" if len(self.years) > 1 else str(self.years[0])


def _direction(p_value: float, sign: float) -> str:
    if not math.isfinite(p_value):
        return NOT_ENOUGH
    if p_value >= SIGNIFICANCE or sign == 0:
        return NO_CHANGE
    return INCREASING if sign > 0 else DECREASING


def chi_square_trend(events, denominators, years, *, poisson: bool = True) -> TrendResult:
    """The chi-square test for linear trend of ``events`` out of ``denominators`` across
    ``years`` (all given years are used; see the module docstring for the formula). With
    ``poisson`` (denominators are person-years) the variance has no (1 - p) factor."""
    r, n, x = (np.asarray(a, dtype=float) for a in (events, denominators, years))
    used = tuple(int(year) for year in x)
    test = POISSON_TREND if poisson else CHI_SQUARE_TREND
    if len(r) < 2 or np.isnan(r).any() or np.isnan(n).any() or (n <= 0).any():
        return TrendResult(NOT_ENOUGH, math.nan, used, test)
    total_r, total_n = r.sum(), n.sum()
    p = total_r / total_n
    t = float((r * x).sum() - total_r * (n * x).sum() / total_n)
    spread = (n * x * x).sum() - (n * x).sum() ** 2 / total_n
    variance = p * spread * (1.0 if poisson else 1.0 - p)
    if not variance > 0:
        return TrendResult(NOT_ENOUGH, math.nan, used, test)
    statistic = t * t / variance
    p_value = float(stats.chi2.sf(statistic, df=1))
    return TrendResult(_direction(p_value, t), p_value, used, test, float(statistic))


def log_rate_trend(rates, lowers, uppers, years) -> TrendResult:
    """Weighted least squares of log(rate) on year, weights 1 / SE^2 with SE of log rate =
    (log upper - log lower) / (2 x 1.96), variances known (scale 1); Wald test of the slope."""
    y, lo, hi, x = (np.asarray(a, dtype=float) for a in (rates, lowers, uppers, years))
    used = tuple(int(year) for year in x)
    values = np.concatenate([y, lo, hi])
    if len(y) < 2 or np.isnan(values).any() or (values <= 0).any() or (hi <= lo).any():
        return TrendResult(NOT_ENOUGH, math.nan, used, LOG_RATE_TREND)
    se = (np.log(hi) - np.log(lo)) / (2 * Z_95)
    w = 1.0 / se ** 2
    centre = (w * x).sum() / w.sum()
    sxx = (w * (x - centre) ** 2).sum()
    slope = float((w * (x - centre) * np.log(y)).sum() / sxx)
    z = slope / math.sqrt(1.0 / sxx)
    p_value = float(2 * stats.norm.sf(abs(z)))
    return TrendResult(_direction(p_value, slope), p_value, used, LOG_RATE_TREND, float(z))


def trend_test_name(measure: str) -> str:
    """The name of the test used for ``measure``'s recent trend."""
    if measure in STANDARDISED_MEASURES:
        return LOG_RATE_TREND
    if measure in PROPORTION_MEASURES:
        return CHI_SQUARE_TREND
    if measure in COUNT_MEASURES:
        return POISSON_TREND
    raise ValueError(f"no recent-trend test for measure {measure!r}")


def recent_trend(measure: str, years, values, lowers, uppers, events, denominators,
                 *, recent: int = RECENT_YEARS) -> TrendResult:
    """The recent trend of one group from its yearly figures as shown (NaN where a figure is
    hidden or not calculated): the last ``recent`` years are tested when every one of them
    has its figures shown, else "not enough data". ``values``/``lowers``/``uppers`` are the
    measure and its CI (used for ``asmr``), ``events``/``denominators`` the shown counts (used
    for the count-based tests)."""
    name = trend_test_name(measure)
    order = np.argsort(np.asarray(years, dtype=float), kind="stable")
    columns = [np.asarray(a, dtype=float)[order] for a in
               (years, values, lowers, uppers, events, denominators)]
    x, value, lower, upper, r, n = (column[-recent:] for column in columns)
    used = tuple(int(year) for year in x)
    if len(x) < recent or np.isnan(value).any():
        return TrendResult(NOT_ENOUGH, math.nan, used, name)
    if measure in STANDARDISED_MEASURES:
        return log_rate_trend(value, lower, upper, x)
    return chi_square_trend(r, n, x, poisson=measure in COUNT_MEASURES)


__all__ = ["CHI_SQUARE_TREND", "DECREASING", "DIRECTIONS", "INCREASING", "LOG_RATE_TREND",
           "NOT_ENOUGH", "NO_CHANGE", "POISSON_TREND", "RECENT_YEARS", "TrendResult",
           "chi_square_trend", "log_rate_trend", "recent_trend", "trend_test_name"]
