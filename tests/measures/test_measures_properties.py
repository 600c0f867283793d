"""Property-based and edge-case tests of explorer.measures (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, norm

from explorer.measures.poisson_limits import exact_poisson_lower, exact_poisson_upper, normalise_conf
from explorer.measures.proportions import proportion
from explorer.measures.rates import crude_rate
from explorer.measures.ratios import crude_rate_ratio, dsr_ratio
from explorer.measures.standardisation import (
    ESP2013_BAND_LOWER_AGES,
    ESP2013_WEIGHTS,
    directly_standardised_rate,
    restrict_standard_population,
)

pytestmark = pytest.mark.unit

counts = st.integers(min_value=0, max_value=10**7)
person_time = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False)
confs = st.sampled_from([0.9, 0.95, 0.99, 0.998, 95, 99.8])


@given(x=counts, n=person_time, conf=confs)
def test_crude_rate_ci_brackets_value(x, n, conf):
    r = crude_rate(x, n, conf=conf)
    assert r.lower <= r.value * (1 + 1e-12) and r.value <= r.upper * (1 + 1e-12)
    assert r.method == ("byars" if x >= 10 else "exact")


@given(
    rate=st.floats(min_value=1e-5, max_value=0.5),
    py=st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=19, max_size=19),
    conf=confs,
)
def test_dsr_of_equal_age_specific_rates_is_that_rate(rate, py, conf):
    py = np.array(py)
    events = rate * py  # expected counts: every band has the same rate
    assume(events.sum() >= 10)  # below 10 the DSR is NaN (and Byar's lower may be negative)
    r = directly_standardised_rate(events, py, ESP2013_WEIGHTS, conf=conf)
    assert float(r.value) == pytest.approx(rate * 1e5, rel=1e-10)
    assert r.lower <= r.value <= r.upper


@given(
    events=st.lists(st.integers(0, 500), min_size=19, max_size=19),
    py=st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=19, max_size=19),
    conf=confs,
)
def test_dsr_ratio_with_itself_is_one(events, py, conf):
    assume(sum(events) >= 10)
    d = directly_standardised_rate(events, py, ESP2013_WEIGHTS)
    r = dsr_ratio(d.value, d.variance, d.value, d.variance, conf=conf)
    assert float(r.value) == pytest.approx(1.0, rel=1e-12)
    assert r.lower <= 1.0 <= r.upper


@given(a=st.integers(0, 5000), b=st.integers(0, 5000), ta=person_time, tb=person_time, conf=confs)
def test_crude_rate_ratio_ci_contains_estimate(a, b, ta, tb, conf):
    assume(a + b > 0)
    r = crude_rate_ratio(a, ta, b, tb, conf=conf)
    assert r.lower <= r.value * (1 + 1e-12) and r.value <= r.upper * (1 + 1e-12)


@settings(max_examples=50)
@given(a=st.integers(1, 300), b=st.integers(1, 300), ta=person_time, tb=person_time)
def test_crude_rate_ratio_matches_binomtest(a, b, ta, tb):
    # compared on the binomial-proportion scale: p = RR*ta / (RR*ta + tb); binomtest finds the
    # Clopper-Pearson limits by root-finding, so agreement is ~1e-9, not machine precision
    ci = binomtest(a, a + b).proportion_ci(0.95, method="exact")
    r = crude_rate_ratio(a, ta, b, tb)
    p_lo, p_hi = (float(v) * ta / (float(v) * ta + tb) for v in (r.lower, r.upper))
    assert p_lo == pytest.approx(ci.low, rel=1e-8)
    assert p_hi == pytest.approx(ci.high, rel=1e-8)


def _phe_wilson(x, n, conf):
    """PHEindicatormethods R/utils.R wilson_lower/upper (R@093fd28), section 1c."""
    z = norm.ppf(conf + (1 - conf) / 2)
    root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    return (2 * x + z**2 - root) / 2 / (n + z**2), (2 * x + z**2 + root) / 2 / (n + z**2)


@given(
    n=st.floats(min_value=1.0, max_value=1e9),
    frac=st.floats(min_value=0.0, max_value=1.0),
    conf=st.sampled_from([0.9, 0.95, 0.99, 0.998]),
)
def test_proportion_equals_phe_closed_form(n, frac, conf):
    x = frac * n
    r = proportion(x, n, conf=conf)
    lo, hi = _phe_wilson(x, n, conf)
    assert float(r.lower) == pytest.approx(max(lo, 0.0), abs=1e-10)
    assert float(r.upper) == pytest.approx(min(hi, 1.0), abs=1e-10)


# --- edge cases ---------------------------------------------------------------------------------


def test_nan_in_nan_out_and_invalid_rows():
    assert np.isnan(crude_rate(5, 0).value)  # zero denominator -> NaN (PHE stops)
    p = proportion([np.nan, 5, 11, 3], [10, np.nan, 10, 0])
    assert np.isnan(p.value).all() and np.isnan(p.lower).all()
    assert np.isnan(dsr_ratio(np.nan, 1, 2, 1).value)
    assert np.isnan(crude_rate_ratio(0, 10, 0, 10).value)
    r = crude_rate_ratio([0, 5], [10, 10], [5, 0], [10, 10])
    assert r.value.tolist() == [0.0, np.inf] and r.lower[0] == 0 and r.upper[1] == np.inf
    with pytest.raises(ValueError):
        crude_rate(-1, 10)
    with pytest.raises(ValueError):
        normalise_conf(0.0)


def test_exact_poisson_zero_count():
    assert float(exact_poisson_lower(0)) == 0.0
    assert float(exact_poisson_upper(0)) == pytest.approx(3.6888794541139363, rel=1e-12)  # -log(0.025)


def test_restrict_standard_population_suicide_from_10():
    rs = restrict_standard_population(ESP2013_WEIGHTS, ESP2013_BAND_LOWER_AGES, 10)
    assert rs.keep.sum() == 17 and not rs.keep[:2].any()
    assert rs.weights.tolist() == ESP2013_WEIGHTS[2:].tolist()
    inside = restrict_standard_population(ESP2013_WEIGHTS, ESP2013_BAND_LOWER_AGES, 16)
    assert inside.keep.sum() == 16  # 15-19 contains 16 and is kept
    assert restrict_standard_population(ESP2013_WEIGHTS, ESP2013_BAND_LOWER_AGES, 0).keep.all()


def test_dsr_restricted_reweights_and_zero_py_bands():
    rs = restrict_standard_population(ESP2013_WEIGHTS, ESP2013_BAND_LOWER_AGES, 10)
    py = np.full(19, 1000.0)
    ev = np.full(19, 2.0)
    r = directly_standardised_rate(ev[rs.keep], py[rs.keep], rs.weights)
    assert float(r.value) == pytest.approx(200.0) and float(r.total_events) == 34
    py0 = py.copy()
    py0[0] = 0.0
    ev0 = ev.copy()
    ev0[0] = 0.0
    # band with no population contributes 0 to the numerator; its weight stays in the sum
    r0 = directly_standardised_rate(ev0, py0, ESP2013_WEIGHTS)
    assert float(r0.value) == pytest.approx(200.0 * (1 - 5000 / 100000))
    ev0[0] = 1.0  # events but no person-time: inconsistent, NaN
    assert np.isnan(directly_standardised_rate(ev0, py0, ESP2013_WEIGHTS).value)
