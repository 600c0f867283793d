"""A plain-English headline for a public view, built only from its published protected values.

What it says, and when (issue 17: a headline must not claim more than the intervals support):

- **Highest and lowest.** The group with the highest figure is named "highest" only when its
  95% confidence interval does not overlap the next group's; otherwise the top groups whose
  intervals overlap it are named together ("highest for the groups "Asian" and "Black" (...),
  whose figures are similar"); the same for the lowest. When the top and bottom blocks share a
  group, or a group of one block overlaps a group of the other, no superlative is used: the
  figures "ranged from ... to ...".
- **How big the difference is.** "About 4 times as high" (or "about 40% higher") for the two
  named ends, only when their intervals do not overlap; otherwise "the difference may be
  chance". The ratio is of the published (protected) values; see :func:`ratio_phrase` for the
  rounding. A block of similar groups gives a range ("about 2.1 to 2.5 times as high").
- **Low reliability.** A group marked [u] is not compared, but when its figure lies above the
  highest (or below the lowest) named figure the headline says so, with its caution ("... is
  higher, but it is based on few deaths, so it is less reliable"), and the superlative is
  qualified ("among groups with reliable figures").
- Groups whose figures are hidden ([c]), not available ([x]) or not applicable ([z]) are left
  out, and the headline says so. Residual categories (such as "religion not stated") are not
  compared.
- **Plain words.** No "confidence interval" or "person-years" in the text: a rate per 100,000
  person-years reads "deaths per 100,000 people a year", and an interval is "the range the
  true figure probably lies in" (the page's glossary says more).

Two intervals overlap when neither lies wholly above the other (Public Health England,
*Technical guide: Confidence intervals*, 2018: non-overlapping 95% intervals mean a
statistically significant difference; overlapping ones do not, by themselves, show one: this
test is conservative). A missing interval counts as overlapping. Wording is neutral and
descriptive, as the Samaritans' media guidelines ask for suicide statistics: no causes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from explorer.tables.measure_table import PERSON_YEARS, TOTAL, MeasureTable

_LEFT_OUT = ("Groups whose figures are hidden to protect confidentiality, not applicable, or "
             "based on too few {counted} to be reliable are left out of this comparison.")
_CLEAR = ("This difference is unlikely to be due to chance alone: the intervals of {which} "
          "(the ranges their true figures probably lie in) do not overlap.")
_MAY_BE_CHANCE = ("The difference between them may be due to chance: their intervals (the ranges "
                  "their true figures probably lie in) overlap.")
_MAX_NAMED = 2
"""Low-reliability groups outside the named range are named up to this many; more are counted."""
_PER_PERSON_YEARS = re.compile(r"^per ([\d,]+) person-years$")


def plain_unit(unit: str, events_label: str = "Deaths") -> str:
    """A unit in plain words: 'per 100,000 person-years' -> 'deaths per 100,000 people a year'
    (a person-year is one person followed for one year); any other unit unchanged."""
    match = _PER_PERSON_YEARS.match(unit.strip())
    if match:
        return f"{events_label.lower()} per {match.group(1)} people a year"
    return unit


def _number(value: float) -> str:
    return f"{value:,.1f}"


def _with_unit(text: str, unit: str) -> str:
    """'12.3' + unit: '12.3 deaths per ...'; '8.6% of pupils' for a unit in percent."""
    return f"{text}{'' if unit.startswith('%') else ' '}{unit}"


def _period(first: int, last: int) -> str:
    return f"In {first}" if first == last else f"Between {first} and {last}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- the ratio in words -----------------------------------------------------------------------

def _times(ratio: float) -> str:
    """A ratio as a number of times: one decimal below 3, whole numbers from 3."""
    if ratio >= 2.95:
        return str(int(math.floor(ratio + 0.5)))
    return f"{ratio:.1f}"


def _percent_higher(ratio: float) -> int:
    """(ratio - 1) as a percentage: to the nearest 5 from 10%, else to the nearest whole (at
    least 1)."""
    percent = (ratio - 1) * 100
    if percent >= 9.5:
        return int(5 * math.floor(percent / 5 + 0.5))
    return max(1, int(math.floor(percent + 0.5)))


def ratio_phrase(low: float, high: float | None = None) -> str:
    """How much higher one figure is than another, in words, for a ratio ``low`` (or a range of
    ratios ``low``..``high``), each > 1: 'about 40% higher than' below 1.5; 'about twice as high
    as', 'about 2.4 times as high as' from 1.5 to 3 (one decimal); 'about 4 times as high as'
    from 3 (whole numbers); a range 'about 20% to 35% higher than' or 'about 2.1 to 2.5 times as
    high as' (the same words as one ratio when both round alike)."""
    high = low if high is None else high
    if not (1 < low <= high) or not math.isfinite(high):
        raise ValueError(f"ratios must satisfy 1 < low <= high < inf, got {low}, {high}")
    if high < 1.5:
        first, last = _percent_higher(low), _percent_higher(high)
        return (f"about {first}% higher than" if first == last
                else f"about {first}% to {last}% higher than")
    first, last = _times(low), _times(high)
    if first == last:
        return "about twice as high as" if first == "2.0" else f"about {first} times as high as"
    return f"about {first} to {last} times as high as"


# --- intervals --------------------------------------------------------------------------------

def _overlap(a: pd.Series, b: pd.Series) -> bool:
    """Whether the 95% intervals of two rows overlap (a missing limit: they may, so True)."""
    limits = [a["lower"], a["upper"], b["lower"], b["upper"]]
    if not all(np.isfinite(limits)):
        return True
    return bool(a["lower"] <= b["upper"] and b["lower"] <= a["upper"])


def _end_block(order: pd.DataFrame) -> int:
    """How many rows from the start of ``order`` (sorted from the end they stand for) form the
    end's block: the first row and every row up to the last one whose interval overlaps it."""
    first = order.iloc[0]
    overlapping = [i for i in range(1, len(order)) if _overlap(first, order.iloc[i])]
    return 1 + (max(overlapping) if overlapping else 0)


# --- the headline -----------------------------------------------------------------------------

def headline(table: MeasureTable, subject: str, residual: np.ndarray | None = None) -> str:
    """The headline of a protected table: see the module docstring.

    The groups are the rows the measures step flagged as not margins (``table.row_flags``);
    ``residual`` marks groups not to compare; ``subject`` names the measure, e.g. 'the
    age-standardised suicide rate'."""
    frame = table.frame.reset_index(drop=True)
    dims = list(table.request.by)
    flags = table.row_flags
    interior = ~flags["is_margin"].to_numpy(dtype=bool)
    compared = interior if residual is None else interior & ~np.asarray(residual, dtype=bool)
    groups = frame[compared]
    has_value = groups["value"].notna()
    low_reliability = groups["marker"].astype(str).str.contains(r"\[u\]", regex=True)
    usable = groups[has_value & ~low_reliability]
    unreliable = groups[has_value & low_reliability]
    when = _period(*table.request.period)
    counted = table.events_label.lower()
    left_out = _LEFT_OUT.format(counted=counted)
    unit = plain_unit(table.unit, table.events_label)
    if len(usable) < 2:
        return (f"{when}, too few groups have a reliable figure for {subject} to compare them. "
                + left_out)

    def name(row: pd.Series) -> str:
        return '"' + ", ".join(str(row[d]) for d in dims) + '"'

    def rate(value: float) -> str:
        return _with_unit(_number(value), unit)

    order = usable.sort_values("value", ascending=False, kind="stable")
    high, low = order.iloc[0], order.iloc[-1]
    above = unreliable[unreliable["value"] > high["value"]]
    below = unreliable[unreliable["value"] < low["value"]]
    among = "among groups with reliable figures, " if len(above) or len(below) else ""
    sentences = []
    if high["value"] == low["value"]:
        sentences.append(f"{when}, {among}{subject} was {rate(high['value'])} in every group "
                         "shown.")
    else:
        top = _end_block(order)
        bottom = _end_block(order.iloc[::-1])
        top_rows, bottom_rows = order.iloc[:top], order.iloc[::-1].iloc[:bottom]
        split = (top + bottom <= len(order)
                 and not any(_overlap(t, b) for _, t in top_rows.iterrows()
                             for _, b in bottom_rows.iterrows()))
        if split:
            highest = _block(top_rows, name, rate) + ("," if top > 1 else "")
            sentences.append(f"{when}, {among}{subject} was highest for {highest} and lowest for "
                             f"{_block(bottom_rows, name, rate)}.")
            if bottom_rows["value"].min() > 0:
                phrase = ratio_phrase(top_rows["value"].min() / bottom_rows["value"].max(),
                                      top_rows["value"].max() / bottom_rows["value"].min())
                higher = (f"The figure for {name(high)} is" if top == 1 else
                          f"The figures for these {_count(top)} groups are")
                lower = (name(low) if bottom == 1 else
                         f"the {_count(bottom)} groups with the lowest figures")
                sentences.append(f"{higher} {phrase} for {lower}.")
            sentences.append(_CLEAR.format(which="the two groups") if top + bottom == 2 else
                             _CLEAR.replace("This difference is", "These differences are")
                             .format(which="the highest and lowest groups"))
        else:
            if len(order) == 2:
                sentences.append(f"{when}, {among}{subject} was {rate(high['value'])} for "
                                 f"{name(high)} and {rate(low['value'])} for {name(low)}.")
            else:
                sentences.append(f"{when}, {among}{subject} ranged from {rate(low['value'])} for "
                                 f"{name(low)} to {rate(high['value'])} for {name(high)}.")
            if _overlap(high, low):
                sentences.append(_MAY_BE_CHANCE if len(order) == 2 else
                                 _MAY_BE_CHANCE.replace("between them", "between these two "
                                                        "groups"))
            else:
                if low["value"] > 0:
                    sentences.append(f"The figure for {name(high)} is "
                                     f"{ratio_phrase(high['value'] / low['value'])} for "
                                     f"{name(low)}.")
                sentences.append(_CLEAR.format(which="these two groups"))
            if len(order) > 2:
                sentences.append("The groups in between are not ranked: some of their "
                                 "intervals overlap.")
    total = frame[(flags[dims[0]] == TOTAL).to_numpy()] if len(dims) == 1 else frame[:0]
    if len(total) == 1 and not np.isnan(total["value"].iat[0]):
        sentences.insert(1, f"For everyone together it was {rate(total['value'].iat[0])}.")
    for rows, direction in ((above, "higher"), (below, "lower")):
        if len(rows) > _MAX_NAMED:
            values = rows["value"]
            sentences.append(f"{_count(len(rows)).capitalize()} groups have {direction} figures "
                             f"(from {_number(values.min())} to {rate(values.max())}), but they "
                             f"are based on few {counted}, so they are less reliable.")
        elif len(rows):
            figures = _and([f"{name(r)} ({rate(r['value'])})" for _, r in rows.iterrows()])
            one = len(rows) == 1
            sentences.append(f"The figure{'' if one else 's'} for {figures} "
                             f"{'is' if one else 'are'} {direction}, but "
                             f"{'it is' if one else 'they are'} based on few {counted}, so "
                             f"{'it is' if one else 'they are'} less reliable.")
    if len(usable) < len(groups):
        sentences.append(left_out)
    return " ".join(sentences)


def _count(n: int) -> str:
    """Small numbers in words, as in running text ('two' to 'nine'), else digits."""
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[n] if n < len(words) else str(n)


def _block(rows: pd.DataFrame, name, rate) -> str:
    """'the group "A" (x unit)', or 'the groups "A" and "B" (x and y unit), whose figures are
    similar'."""
    names = [name(row) for _, row in rows.iterrows()]
    if len(names) == 1:
        return f"the group {names[0]} ({rate(rows['value'].iat[0])})"
    values = [_number(v) for v in rows["value"]]
    return (f"the groups {_and(names)} ({_and(values[:-1] + [rate(rows['value'].iat[-1])])}), "
            "whose figures are similar")


# --- the glossary -----------------------------------------------------------------------------

def glossary(tables: Iterable[MeasureTable]) -> list[tuple[str, str]]:
    """The words the public summary uses, explained in plain English, for the page's "Words used
    on this page" section: (term, meaning) pairs. Person-years only when a table's denominator
    is person-years, age-standardised only when a table is an age-standardised rate."""
    tables = list(tables)
    counted = (tables[0].events_label.lower() if tables else "deaths")
    terms = []
    if any(t.denominator_label == PERSON_YEARS for t in tables):
        terms.append((
            "Person-years (rate per 100,000 people a year)",
            "A person-year is one person followed for one year: 100,000 person-years could be "
            "100,000 people followed for one year, or 10,000 people followed for ten years. A rate "
            "of 12 per 100,000 person-years means about 12 deaths for every 100,000 people each "
            "year."))
    if any(t.request.measure == "asmr" for t in tables):
        terms.append((
            "Age-standardised",
            "Adjusted for the different ages of the people in each group, so that a group with more "
            "older people does not have a higher rate just because of its ages. The rates are what "
            "each group's rate would be if it had the same ages as a standard population (the "
            "European Standard Population 2013)."))
    terms += [
        ("Interval (95% confidence interval)",
         "The range that the true figure probably lies in, shown as a line through each dot. "
         f"Figures based on fewer {counted} have wider intervals. When the intervals of two groups "
         "do not overlap, the difference between them is unlikely to be due to chance alone; when "
         "they overlap, it may be chance."),
        ("About N times as high",
         "One group's figure divided by another's, rounded. It is given only when the two groups' "
         "intervals do not overlap."),
        ("[c] hidden",
         "Hidden to protect confidentiality: the figure is based on so few people that showing it "
         "could reveal something about someone."),
        ("[u] less reliable",
         f"Based on few {counted}, so the figure could be quite different by chance alone. It is "
         "shown, but the headlines do not rank it."),
        ("[x] not available",
         f"Too few {counted} to calculate a figure that means anything, so none is given."),
        ("[z] not applicable",
         "The figure does not apply to this group (for example, deaths at ages that the official "
         "definition does not count)."),
        ("Figures need not add up",
         "To protect confidentiality, every count is changed a little at random before it is "
         "published, and small counts are hidden, so the groups need not add up to the total."),
    ]
    return terms


__all__ = ["glossary", "headline", "plain_unit", "ratio_phrase"]
