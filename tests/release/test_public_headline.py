"""The public headline, on hand-made protected tables (restored as published views are, by the
measures step's ``restore_published``): highest and lowest groups, what the confidence
intervals say, and groups left out (hidden, not available, low reliability)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explorer.tables.measure_table import TOTAL, MeasureTable, restore_published, row_flag_columns
from explorer.release.headlines import headline, plain_unit, ratio_phrase
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


UNIT = "deaths per 100,000 people a year"


def test_highest_lowest_total_ratio_and_separated_intervals():
    table = _table([
        ("A", 20.04, 18.0, 22.0, 100, 5e5, SHOWN, ""),
        ("B", 5.0, 4.0, 6.0, 25, 5e5, SHOWN, ""),
        ("C", 10.0, 9.0, 11.0, 50, 5e5, SHOWN, ""),
        ("Total", 11.0, 10.0, 12.0, 175, 1.5e6, SHOWN, ""),
    ])
    text = headline(table, "the age-standardised suicide rate")
    # 20.04 / 5.0 = 4.008: a whole number of times from 3 up
    assert text == (
        'Between 2011 and 2021, the age-standardised suicide rate was highest for the group "A" '
        f'(20.0 {UNIT}) and lowest for the group "B" (5.0 {UNIT}). For everyone together it was '
        f'11.0 {UNIT}. The figure for "A" is about 4 times as high as for "B". This difference '
        'is unlikely to be due to chance alone: the intervals of the two groups (the ranges their '
        'true figures probably lie in) do not overlap.')
    assert not wording_problems(text)


def test_two_groups_whose_intervals_overlap_get_no_superlative_and_no_ratio():
    table = _table([
        ("A", 8.0, 5.0, 11.0, 30, 4e5, SHOWN, ""),
        ("B", 6.0, 4.0, 9.0, 25, 4e5, SHOWN, ""),
    ], period=(2020, 2020))
    text = headline(table, "the rate")
    assert text.startswith(f'In 2020, the rate was 8.0 {UNIT} for "A" and 6.0 {UNIT} for "B".')
    assert "The difference between them may be due to chance: their intervals" in text
    assert "highest" not in text and "lowest" not in text and "times" not in text
    assert "higher than" not in text


def test_covid_like_top_groups_with_overlapping_intervals_are_named_together():
    """Issue 17: Asian 259 against Black 258 with overlapping intervals is no 'highest'."""
    table = _table([
        ("White", 110.0, 105.0, 115.0, 1900, 1.5e6, SHOWN, ""),
        ("Asian", 259.0, 234.0, 286.0, 390, 1.3e5, SHOWN, ""),
        ("Black", 258.0, 231.0, 314.0, 160, 5.4e4, SHOWN, ""),
        ("Total", 128.0, 123.0, 133.0, 2500, 1.7e6, SHOWN, ""),
    ], period=(2020, 2021))
    text = headline(table, "the age-standardised COVID-19 death rate")
    assert 'highest for the group "Asian"' not in text
    assert (f'highest for the groups "Asian" and "Black" (259.0 and 258.0 {UNIT}), whose figures '
            f'are similar, and lowest for the group "White" (110.0 {UNIT})') in text
    # 258 / 110 = 2.345 -> 2.3; 259 / 110 = 2.355 -> 2.4 (one decimal below 3)
    assert 'The figures for these two groups are about 2.3 to 2.4 times as high as for "White".' in text
    assert "These differences are unlikely to be due to chance alone" in text


def test_religion_like_low_reliability_group_above_the_highest_is_named_with_its_caution():
    """Issue 17: No religion 'highest' while Other religion shows about 36 [u]."""
    table = _table([
        ("Christian", 10.9, 10.1, 11.9, 585, 5.4e6, SHOWN, ""),
        ("No religion", 14.1, 12.5, 15.7, 310, 2.2e6, SHOWN, ""),
        ("Other religion", 36.0, 20.0, 60.0, 15, 4.6e4, SHOWN, "[u]"),
        ("Muslim", 1.8, 0.8, 3.6, 10, 4.4e5, SHOWN, "[u]"),
        ("Total", 11.4, 10.8, 12.2, 1016, 9e6, SHOWN, ""),
    ])
    text = headline(table, "the age-standardised suicide rate")
    assert text.startswith("Between 2011 and 2021, among groups with reliable figures, the "
                           'age-standardised suicide rate was highest for the group "No religion"')
    assert (f'The figure for "Other religion" (36.0 {UNIT}) is higher, but it is based on few '
            "deaths, so it is less reliable.") in text
    assert (f'The figure for "Muslim" (1.8 {UNIT}) is lower, but it is based on few deaths, so it '
            "is less reliable.") in text
    # 14.1 / 10.9 = 1.294: a percentage below 1.5, to the nearest 5
    assert 'The figure for "No religion" is about 30% higher than for "Christian".' in text
    assert text.endswith("are left out of this comparison.")
    assert not wording_problems(text)


def test_low_reliability_group_inside_the_range_needs_no_caution():
    table = _table([
        ("A", 20.0, 18.0, 22.0, 100, 5e5, SHOWN, ""),
        ("B", 12.0, 6.0, 20.0, 15, 1e5, SHOWN, "[u]"),
        ("C", 5.0, 4.0, 6.0, 25, 5e5, SHOWN, ""),
    ])
    text = headline(table, "the rate")
    assert "among groups with reliable figures" not in text and '"B"' not in text
    assert 'highest for the group "A"' in text and "left out of this comparison" in text


def test_many_low_reliability_groups_outside_the_range_are_counted_not_listed():
    table = _table([
        ("A", 20.0, 18.0, 22.0, 100, 5e5, SHOWN, ""),
        ("B", 10.0, 9.0, 11.0, 50, 5e5, SHOWN, ""),
        ("C", 3.0, 1.0, 6.0, 12, 4e5, SHOWN, "[u]"),
        ("D", 4.0, 2.0, 7.0, 14, 4e5, SHOWN, "[u]"),
        ("E", 5.0, 3.0, 8.0, 16, 4e5, SHOWN, "[u]"),
    ])
    text = headline(table, "the rate")
    assert (f"Three groups have lower figures (from 3.0 to 5.0 {UNIT}), but they are based on few "
            "deaths, so they are less reliable.") in text
    assert '"C"' not in text


def test_a_chain_of_overlapping_groups_gives_a_range_not_a_ranking():
    """A overlaps B, B overlaps C, A and C do not: the ends differ, the middle is not ranked."""
    table = _table([
        ("A", 12.4, 11.6, 13.2, 944, 7.8e6, SHOWN, ""),
        ("B", 10.5, 6.5, 16.0, 21, 2e5, SHOWN, ""),
        ("C", 6.0, 4.3, 8.1, 31, 6.7e5, SHOWN, ""),
    ])
    text = headline(table, "the rate")
    assert "highest" not in text and "lowest" not in text
    assert f'the rate ranged from 6.0 {UNIT} for "C" to 12.4 {UNIT} for "A".' in text
    assert 'The figure for "A" is about 2.1 times as high as for "C".' in text  # 12.4/6 = 2.07
    assert "The groups in between are not ranked: some of their intervals overlap." in text


def test_ends_whose_intervals_overlap_say_the_difference_may_be_chance():
    table = _table([
        ("A", 12.0, 8.0, 16.0, 40, 3e5, SHOWN, ""),
        ("B", 10.0, 7.0, 13.0, 40, 4e5, SHOWN, ""),
        ("C", 9.0, 6.5, 12.0, 40, 4.5e5, SHOWN, ""),
    ])
    text = headline(table, "the rate")
    assert "highest" not in text and "times" not in text and "higher than" not in text
    assert "ranged from" in text
    assert "The difference between these two groups may be due to chance" in text


def test_two_similar_groups_at_each_end():
    table = _table([
        ("A", 30.0, 28.0, 32.0, 900, 3e6, SHOWN, ""),
        ("B", 29.0, 27.0, 31.0, 900, 3.1e6, SHOWN, ""),
        ("C", 10.0, 9.0, 11.0, 300, 3e6, SHOWN, ""),
        ("D", 9.5, 8.5, 10.5, 300, 3.2e6, SHOWN, ""),
    ])
    text = headline(table, "the rate")
    assert 'highest for the groups "A" and "B" (30.0 and 29.0' in text
    assert 'lowest for the groups "D" and "C" (9.5 and 10.0' in text  # lowest first
    # 29 / 10 = 2.9 and 30 / 9.5 = 3.16 -> 3
    assert ("The figures for these two groups are about 2.9 to 3 times as high as for the two "
            "groups with the lowest figures.") in text


def test_hidden_not_available_and_low_reliability_groups_are_left_out():
    table = _table([
        ("A", NAN, NAN, NAN, NAN, NAN, HIDDEN, "[c]"),
        ("B", 9.0, 5.0, 15.0, 15, 1e5, SHOWN, "[u]"),
        ("C", NAN, NAN, NAN, 5, 1e5, SHOWN, "[x]"),
        ("D", 12.0, 10.0, 14.0, 60, 5e5, SHOWN, ""),
        ("E", 3.0, 2.0, 4.0, 20, 6e5, SHOWN, ""),
        ("Total", NAN, NAN, NAN, NAN, NAN, HIDDEN, "[c]"),
    ])
    text = headline(table, "the rate")
    assert '"D"' in text and '"E"' in text
    assert '"A"' not in text and '"B"' not in text and '"C"' not in text
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
    assert 'about 3 times as high as for "Female, 40-44"' in text  # 25 / 8 = 3.125


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
    assert "For everyone together it was 11.0" in text
    assert "left out" not in text


def test_headline_uses_plain_words():
    table = _table([("A", 20.0, 18.0, 22.0, 100, 5e5, SHOWN, ""),
                    ("B", 5.0, 4.0, 6.0, 25, 5e5, SHOWN, "")])
    text = headline(table, "the rate")
    for jargon in ("person-years", "confidence interval", "cohort", "95%"):
        assert jargon not in text
    assert plain_unit("per 100,000 person-years") == "deaths per 100,000 people a year"
    assert plain_unit("per 1,000 person-years", "People with the outcome") == \
        "people with the outcome per 1,000 people a year"
    assert plain_unit("% of pupils") == "% of pupils"


@pytest.mark.parametrize("low, high, words", [
    (1.04, None, "about 4% higher than"),       # 4% below 10: to the whole percent
    (1.0049, None, "about 1% higher than"),     # never 'about 0%'
    (1.294, None, "about 30% higher than"),     # 29.4% to the nearest 5
    (1.49, None, "about 50% higher than"),
    (1.5, None, "about 1.5 times as high as"),
    (2.02, None, "about twice as high as"),
    (2.36, None, "about 2.4 times as high as"),
    (2.96, None, "about 3 times as high as"),   # 3.0 reads as a whole number
    (3.49, None, "about 3 times as high as"),
    (4.008, None, "about 4 times as high as"),
    (4.5, None, "about 5 times as high as"),    # half up, not to even
    (1.2, 1.34, "about 20% to 35% higher than"),
    (1.2, 1.21, "about 20% higher than"),
    (2.1, 2.5, "about 2.1 to 2.5 times as high as"),
    (1.3, 2.5, "about 1.3 to 2.5 times as high as"),
    (2.9, 3.16, "about 2.9 to 3 times as high as"),
])
def test_ratio_phrase_rounds_sensibly(low, high, words):
    assert ratio_phrase(low, high) == words


def test_ratio_phrase_refuses_ratios_that_are_not_above_one():
    for low, high in ((1.0, None), (0.5, None), (2.0, 1.5), (2.0, float("inf"))):
        with pytest.raises(ValueError):
            ratio_phrase(low, high)


def _rows_from(rng: np.random.Generator, n: int):
    rows = []
    for i in range(n):
        value = float(np.round(rng.uniform(1, 40), 1))
        half = float(rng.uniform(0.2, 8))
        marker = "[u]" if rng.random() < 0.2 else ""
        rows.append((f"G{i}", value, max(0.0, value - half), value + half, 20, 1e5, SHOWN, marker))
    return rows


def test_superlatives_and_ratios_hold_on_random_tables():
    """On random tables: a single group is called highest (lowest) only when its interval
    overlaps no other reliable group's; a reliable-only claim is made whenever a [u] group lies
    outside the named range, and that group is then named or counted; a ratio is given only for
    ends whose intervals do not overlap."""
    rng = np.random.default_rng(17)
    for _ in range(300):
        rows = _rows_from(rng, int(rng.integers(2, 7)))
        table = _table(rows)
        text = headline(table, "the rate")
        reliable = [r for r in rows if r[7] == ""]
        if len(reliable) < 2:
            assert "too few groups" in text
            continue
        top = max(reliable, key=lambda r: r[1])
        bottom = min(reliable, key=lambda r: r[1])

        def overlaps(a, b):
            return a[2] <= b[3] and b[2] <= a[3]

        for end, word in ((top, "highest"), (bottom, "lowest")):
            if f'{word} for the group "{end[0]}"' in text:
                assert not any(overlaps(end, other) for other in reliable if other is not end), text
        outside = [r for r in rows if r[7] == "[u]" and (r[1] > top[1] or r[1] < bottom[1])]
        assert ("among groups with reliable figures" in text) == bool(outside), text
        if 0 < len(outside) <= 2:
            assert all(f'"{r[0]}" ({r[1]:.1f}' in text for r in outside), text
        if "times as high" in text or "higher than" in text:
            assert not overlaps(top, bottom), text
        if overlaps(top, bottom):
            assert "may be due to chance" in text or "every group" in text, text
