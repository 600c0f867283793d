"""The public headline, on hand-made protected tables (restored as published views are, by the
measures step's ``restore_published``): highest and lowest groups, what the confidence
intervals say, and groups left out (hidden, not available, low reliability)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explorer.tables.measure_table import TOTAL, MeasureTable, restore_published, row_flag_columns
from explorer.release.headlines import headline
from explorer.catalog.safe_messaging import wording_problems
from explorer.sdc.status import CellStatus
from explorer.tables.request import TableRequest

pytestmark = pytest.mark.unit
NAN = float("nan")
SHOWN, HIDDEN = CellStatus.SHOWN.value, CellStatus.SUPPRESSED_PRIMARY.value


def _table(rows, period=(2011, 2021), by=("group",)) -> MeasureTable:
    """A table whose rows labelled 'Total' are flagged as the total (the flags a published
    view carries); every other row is a group."""
    frame = pd.DataFrame(rows, columns=[*by, "value", "lower", "upper", "events", "denominator",
                                        "status", "marker"])
    total = frame[list(by)].eq("Total")
    flags = pd.DataFrame({code: np.where(total[code], TOTAL, frame[code]) for code in by})
    for code in by:
        flags[f"{code}_is_margin"] = total[code].to_numpy()
    flags["is_margin"] = total.any(axis=1).to_numpy()
    flags["is_reference"] = False
    request = TableRequest("census_mortality", "suicide", "asmr", tuple(by), {}, period, "public")
    return restore_published(request, frame, flags[row_flag_columns(by)], title="t",
                             unit="per 100,000 person-years", method="m", policy="public v2.0",
                             legend="", notes=())


def test_highest_lowest_total_and_separated_intervals():
    table = _table([
        ("A", 20.04, 18.0, 22.0, 100, 5e5, SHOWN, ""),
        ("B", 5.0, 4.0, 6.0, 25, 5e5, SHOWN, ""),
        ("C", 10.0, 9.0, 11.0, 50, 5e5, SHOWN, ""),
        ("Total", 11.0, 10.0, 12.0, 175, 1.5e6, SHOWN, ""),
    ])
    text = headline(table, "the age-standardised suicide rate")
    assert text == (
        'Between 2011 and 2021, the age-standardised suicide rate was highest for the group "A" '
        '(20.0 per 100,000 person-years) and lowest for the group "B" (5.0 per 100,000 '
        'person-years). For everyone in the cohort it was 11.0 per 100,000 person-years. The 95% '
        'confidence intervals of these two groups do not overlap, so the difference is unlikely '
        'to be due to chance alone.')
    assert not wording_problems(text)


def test_overlapping_intervals_say_the_difference_may_be_chance():
    table = _table([
        ("A", 8.0, 5.0, 11.0, 30, 4e5, SHOWN, ""),
        ("B", 6.0, 4.0, 9.0, 25, 4e5, SHOWN, ""),
    ], period=(2020, 2020))
    text = headline(table, "the rate")
    assert text.startswith('In 2020, the rate was highest for the group "A"')
    assert "confidence intervals overlap, so the difference between them may be due to chance" in text


def test_hidden_not_available_and_low_reliability_groups_are_left_out():
    table = _table([
        ("A", NAN, NAN, NAN, NAN, NAN, HIDDEN, "[c]"),
        ("B", 99.0, 50.0, 150.0, 15, 1e5, SHOWN, "[u]"),
        ("C", NAN, NAN, NAN, 5, 1e5, SHOWN, "[x]"),
        ("D", 12.0, 10.0, 14.0, 60, 5e5, SHOWN, ""),
        ("E", 3.0, 2.0, 4.0, 20, 6e5, SHOWN, ""),
        ("Total", NAN, NAN, NAN, NAN, NAN, HIDDEN, "[c]"),
    ])
    text = headline(table, "the rate")
    assert '"D"' in text and '"E"' in text
    assert '"A"' not in text and '"B"' not in text and "99" not in text
    assert "For everyone" not in text
    assert text.endswith("are left out of this comparison.")


def test_too_few_reliable_groups_makes_no_comparison():
    table = _table([
        ("A", NAN, NAN, NAN, NAN, NAN, HIDDEN, "[c]"),
        ("B", 4.0, 3.0, 5.0, 30, 7e5, SHOWN, ""),
    ])
    text = headline(table, "the rate")
    assert "too few groups have a reliable figure for the rate to compare them" in text
    assert "highest" not in text


def test_two_breakdowns_name_both_labels():
    table = _table([
        ("Male", "40-44", 25.0, 20.0, 30.0, 80, 3e5, SHOWN, ""),
        ("Female", "40-44", 8.0, 6.0, 10.0, 30, 3e5, SHOWN, ""),
    ], by=("sex", "age_group"))
    text = headline(table, "the suicide rate")
    assert 'highest for the group "Male, 40-44"' in text and 'lowest for the group "Female, 40-44"' in text


def test_residual_groups_are_shown_but_not_compared():
    table = _table([
        ("Christian", 10.0, 9.0, 11.0, 500, 5e6, SHOWN, ""),
        ("No religion", 14.0, 13.0, 15.0, 300, 2e6, SHOWN, ""),
        ("Religion not stated", 30.0, 25.0, 35.0, 60, 4e5, SHOWN, ""),
        ("Total", 11.0, 10.5, 11.5, 860, 7.4e6, SHOWN, ""),
    ])
    residual = table.frame["group"].eq("Religion not stated").to_numpy()
    text = headline(table, "the rate", residual)
    assert 'highest for the group "No religion"' in text and "not stated" not in text
    assert "For everyone in the cohort it was 11.0" in text
    assert "left out" not in text
