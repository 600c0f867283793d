"""Rounding to a base: nearest multiple, halves up, zeros stay zero (explorer.sdc.rounding)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.sdc.rounding import round_to_base

pytestmark = pytest.mark.unit


def test_base_5_examples() -> None:
    counts = np.array([0, 1, 2, 3, 4, 5, 7, 8, 12, 13, 748, 1002])
    expected = np.array([0, 0, 0, 5, 5, 5, 5, 10, 10, 15, 750, 1000])
    np.testing.assert_array_equal(round_to_base(counts), expected)
    assert round_to_base(counts).dtype.kind == "i"


def test_zeros_stay_zero_for_every_base() -> None:
    for base in (1, 2, 3, 5, 10, 100):
        assert round_to_base(np.array([0]), base)[0] == 0


def test_halves_go_up_unlike_acro_half_to_even() -> None:
    # ACRO rounds with pandas (x / base).round() * base: 5 -> 0, 25 -> 20 with base 10.
    np.testing.assert_array_equal(round_to_base(np.array([5, 15, 25, 35]), 10), [10, 20, 30, 40])
    np.testing.assert_array_equal(round_to_base(np.array([1, 3]), 2), [2, 4])


def test_float_input_and_missing_values() -> None:
    result = round_to_base(np.array([np.nan, 0.0, 7.0, 12.5]), 5)
    assert np.isnan(result[0])
    np.testing.assert_array_equal(result[1:], [0.0, 5.0, 15.0])


@pytest.mark.parametrize("bad", [0, -5, 2.5, True])
def test_bad_base_rejected(bad) -> None:
    with pytest.raises(ValueError, match="positive whole number"):
        round_to_base(np.array([1, 2]), bad)


def test_negative_counts_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        round_to_base(np.array([3, -1]))
    with pytest.raises(ValueError, match="negative"):
        round_to_base(np.array([3.0, -1.0]))


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=50), st.integers(1, 1000))
def test_nearest_multiple_halves_up(counts: list[int], base: int) -> None:
    rounded = round_to_base(np.array(counts, dtype=np.int64), base)
    for count, value in zip(counts, rounded):
        assert value % base == 0
        assert -base / 2 < value - count <= base / 2  # nearest; a tie goes up
        assert float(round_to_base(np.array([float(count)]), base)[0]) == value


def test_agrees_with_ons_10_5_rule_at_and_above_threshold() -> None:
    """The ONS 10_5 p-table moves every count >= 10 to the nearest 5: our rounding exactly."""
    from cell_key_perturbation.utils.generate_test_ptable import generate_ptable_10_5_rule

    ons = generate_ptable_10_5_rule().query("ckey == 0 and pcv >= 10")
    np.testing.assert_array_equal(round_to_base(ons["pcv"].to_numpy()),
                                  (ons["pcv"] + ons["pvalue"]).to_numpy())


def test_agrees_with_acro_rounding_for_base_5() -> None:
    """ACRO's round_table (half to even) and ours agree on whole counts with base 5."""
    import pandas as pd
    from acro.table_utils import round_table

    counts = pd.DataFrame({"n": np.arange(0, 2001)})
    np.testing.assert_array_equal(round_table(counts, 5)["n"].to_numpy(),
                                  round_to_base(counts["n"].to_numpy(), 5))
