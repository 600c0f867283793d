"""Linked against unlinked records (explorer.measures.balance): Austin's (2009) standardised
difference of a binary indicator and Pearson's chi-square test of independence, checked against
hand calculations and independent implementations (statsmodels' contingency tables, and a
direct formula for the chi-square distribution's tail)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import Table

from explorer.measures.balance import (NOTABLE_DIFFERENCE, chi_square_independence,
                                       standardised_difference)

pytestmark = [pytest.mark.unit, pytest.mark.golden]


def test_standardised_difference_by_hand():
    """p1 = 0.30, p2 = 0.20: d = 0.10 / sqrt((0.21 + 0.16) / 2) = 0.10 / sqrt(0.185)
    = 0.10 / 0.4301163 = 0.2324953."""
    assert float(standardised_difference(0.30, 0.20)) == pytest.approx(0.2324953, abs=1e-7)
    assert float(standardised_difference(0.20, 0.30)) == pytest.approx(-0.2324953, abs=1e-7)


def test_standardised_difference_of_austins_notable_threshold():
    """0.5 against 0.45: d = 0.05 / sqrt((0.25 + 0.2475) / 2) = 0.05 / 0.4987484 = 0.1002509,
    just over the 0.1 Austin (2009) takes as notable."""
    d = float(standardised_difference(0.5, 0.45))
    assert d == pytest.approx(0.1002509, abs=1e-7)
    assert abs(d) >= NOTABLE_DIFFERENCE
    assert abs(float(standardised_difference(0.5, 0.46))) < NOTABLE_DIFFERENCE


def test_standardised_difference_edges_and_vectors():
    values = standardised_difference([0.0, 1.0, np.nan, 0.0, 1.0, 0.3], [0.0, 1.0, 0.5, 1.0, 0.0, 0.2])
    assert values[0] == 0 and values[1] == 0 and math.isnan(values[2])
    assert values[3] == -math.inf and values[4] == math.inf  # complete separation
    assert values[5] == pytest.approx(0.2324953, abs=1e-7)
    with pytest.raises(ValueError):
        standardised_difference(1.2, 0.5)


def test_chi_square_by_hand():
    """[[20, 30], [30, 20]]: every expected count is 25, so X2 = 4 x 5^2 / 25 = 4 on 1 degree
    of freedom; P(chi2_1 > 4) = erfc(sqrt(2)) = 0.04550026."""
    result = chi_square_independence([[20, 30], [30, 20]])
    assert result.statistic == pytest.approx(4.0, abs=1e-12)
    assert result.dof == 1
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(4 / 2)), abs=1e-12)
    assert result.p_value == pytest.approx(0.04550026, abs=1e-8)


@pytest.mark.parametrize("table", [
    [[770, 66], [79, 5], [126, 25], [63, 9], [64, 13]],
    [[579, 78], [529, 45]],
    [[12.0, 40.0, 7.0], [30.0, 31.0, 2.0]],
])
def test_chi_square_matches_statsmodels(table):
    ours = chi_square_independence(table)
    theirs = Table(np.asarray(table, dtype=float)).test_nominal_association()
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-10)
    assert ours.dof == theirs.df
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-8, abs=1e-15)


def test_chi_square_drops_empty_rows_and_needs_two_of_each():
    with_empty = chi_square_independence([[20, 30], [0, 0], [30, 20]])
    assert with_empty.statistic == pytest.approx(4.0) and with_empty.dof == 1
    single = chi_square_independence([[20, 30], [0, 0]])
    assert math.isnan(single.statistic) and single.dof == 0
    with pytest.raises(ValueError):
        chi_square_independence([[1, -2], [3, 4]])
