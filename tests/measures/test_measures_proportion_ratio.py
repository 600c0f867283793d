"""Ratio of proportions with the Katz et al. (1978) log CI, and the SII/RII on proportions of
a few ordered groups, checked against independent computations: a hand calculation, scipy's
``relative_risk`` and statsmodels' ``Table2x2``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats.contingency import relative_risk
from statsmodels.stats.contingency_tables import Table2x2

from explorer.measures.inequality import slope_index_of_inequality
from explorer.measures.proportions import proportion
from explorer.measures.ratios import proportion_ratio

pytestmark = [pytest.mark.unit, pytest.mark.golden]


def test_hand_calculation():
    """30 of 100 against 10 of 120: RR = 0.3 / (1/12) = 3.6; var(log RR) = 1/30 - 1/100 +
    1/10 - 1/120 = 0.115; limits 3.6 exp(-/+ 1.959964 sqrt(0.115)) = 1.852021, 6.997759."""
    result = proportion_ratio(30, 100, 10, 120)
    assert float(result.value) == pytest.approx(3.6, abs=1e-12)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 10 - 1 / 120)
    assert se == pytest.approx(0.339116499, abs=1e-9)
    assert float(result.lower) == pytest.approx(1.852021, abs=1e-6)
    assert float(result.upper) == pytest.approx(6.997759, abs=1e-6)


@pytest.mark.parametrize("a, n1, c, n2", [
    (5841, 68028, 2501, 126092), (12, 90, 40, 1000), (1, 3, 7, 11), (480, 4200, 5600, 165000)])
def test_matches_scipy_and_statsmodels(a, n1, c, n2):
    ours = proportion_ratio(a, n1, c, n2)
    scipy_result = relative_risk(a, n1, c, n2)
    interval = scipy_result.confidence_interval(0.95)
    assert float(ours.value) == pytest.approx(scipy_result.relative_risk, rel=1e-12)
    assert float(ours.lower) == pytest.approx(interval.low, rel=1e-9)
    assert float(ours.upper) == pytest.approx(interval.high, rel=1e-9)
    table = Table2x2(np.array([[a, n1 - a], [c, n2 - c]]))
    low, high = table.riskratio_confint(alpha=0.05)
    assert (float(ours.lower), float(ours.upper)) == pytest.approx((low, high), rel=1e-9)


def test_other_confidence_levels_and_vectors():
    ours = proportion_ratio([30, 12], [100, 90], [10, 40], [120, 1000], conf=0.99)
    for i, (a, n1, c, n2) in enumerate([(30, 100, 10, 120), (12, 90, 40, 1000)]):
        interval = relative_risk(a, n1, c, n2).confidence_interval(0.99)
        assert ours.lower[i] == pytest.approx(interval.low, rel=1e-9)
        assert ours.upper[i] == pytest.approx(interval.high, rel=1e-9)


def test_edge_cases_give_nan_or_raise():
    for args in ((0, 100, 10, 120), (30, 100, 0, 120), (30, 0, 10, 120), (130, 100, 10, 120),
                 (np.nan, 100, 10, 120)):
        result = proportion_ratio(*args)
        assert all(np.isnan(float(v)) for v in result), args
    with pytest.raises(ValueError):
        proportion_ratio(-1, 100, 10, 120)


def test_the_reference_group_against_itself_is_one():
    result = proportion_ratio(30, 100, 30, 100)
    assert float(result.value) == 1.0
    assert float(result.lower) < 1 < float(result.upper)


# --- SII and RII on the proportions of a few ordered groups -----------------------------------

def _groups():
    events = np.array([480.0, 1700.0, 5600.0])  # most disadvantaged first
    people = np.array([4200.0, 21000.0, 165000.0])
    return events, people, proportion(events, people)


def test_sii_needs_five_groups_unless_told_otherwise():
    events, people, shares = _groups()
    with pytest.raises(ValueError, match="between 5 and 100"):
        slope_index_of_inequality(shares.value, shares.lower, shares.upper, people, value_type=2)
    with pytest.raises(ValueError, match="min_groups must be at least 2"):
        slope_index_of_inequality(shares.value, shares.lower, shares.upper, people, value_type=2,
                                  min_groups=1)


def test_logit_sii_of_three_groups_is_the_back_transformed_weighted_fit():
    """transform=True: weighted least squares of logit(p) on the midpoint ranks, back-transformed
    (f = inverse logit): SII = (f(c0) - f(c0 + c1)) x 100 with multiplier -100, RII =
    f(c0) / f(c0 + c1) (most over least disadvantaged), both recomputed here with numpy."""
    events, people, shares = _groups()
    result = slope_index_of_inequality(shares.value, shares.lower, shares.upper, people,
                                       value_type=2, transform=True, multiplier=-100,
                                       min_groups=3, repetitions=20_000)
    weights = people / people.sum()
    ranks = np.concatenate(([0.0], np.cumsum(weights)[:-1])) + weights / 2
    logits = np.log(shares.value / (1 - shares.value))
    slope, intercept = np.polyfit(ranks, logits, 1, w=np.sqrt(weights))
    expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    assert result.sii == pytest.approx((expit(intercept) - expit(intercept + slope)) * 100, rel=1e-9)
    assert result.rii == pytest.approx(expit(intercept) / expit(intercept + slope), rel=1e-9)
    assert result.sii > 0 and result.rii > 1  # higher among the more disadvantaged
    assert result.sii_lower < result.sii < result.sii_upper
    assert result.rii_lower < result.rii < result.rii_upper
