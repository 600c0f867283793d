"""The two shapes of dataset a catalog can describe (``dataset.shape``), and what each offers.

- ``person_time`` (the default): a cohort followed from entry to an event or the end of
  follow-up. Outcomes are events (deaths by cause) over person-years at risk, computed from the
  person-level model's exposure index (docs/data-model.md); rates can be age-standardised to the
  catalog's standard population and broken down by calendar year of the event.
- ``person_level``: a cohort with outcome flags, one row per person (pupils cautioned or
  sentenced at ages 10 to 17). Outcomes are shares of people over the whole follow-up window:
  no person-time, no age standardisation, no calendar year of an event.

The measure codes each shape offers are listed here, below the tables stage that computes them,
so that the loader can check a catalog's opening view and public views against its shape;
their labels are in explorer.tables.request (``measures_for``).
"""

from __future__ import annotations

PERSON_TIME = "person_time"
PERSON_LEVEL = "person_level"
SHAPES = (PERSON_TIME, PERSON_LEVEL)

DENOMINATORS = {PERSON_TIME: "person_years", PERSON_LEVEL: "persons"}
"""The denominator every outcome of a shape must declare."""

SHAPE_MEASURES: dict[str, tuple[str, ...]] = {
    PERSON_TIME: ("count", "crude_rate", "asmr", "proportion", "rate_ratio",
                  "adjusted_rate_ratio", "sii", "rii"),
    PERSON_LEVEL: ("count", "proportion", "proportion_ratio", "sii", "rii"),
}
"""The measure codes a table of each shape may ask for, in the order they are offered."""

PUBLIC_VIEW_MEASURES: dict[str, tuple[str, ...]] = {
    PERSON_TIME: ("asmr", "crude_rate"),
    PERSON_LEVEL: ("proportion",),
}
"""The measures a public view of each shape may show: a rate or a proportion, whose headline
compares groups (highest, lowest)."""

SHAPE_WORDS = {
    PERSON_TIME: "this dataset's outcomes are events over the time people were followed up "
                 "(person-years)",
    PERSON_LEVEL: "this dataset's outcomes are shares of people (no person-years, no calendar "
                  "year of an event)",
}
"""What a shape means, in words for a message that refuses a measure."""


__all__ = ["DENOMINATORS", "PERSON_LEVEL", "PERSON_TIME", "PUBLIC_VIEW_MEASURES",
           "SHAPES", "SHAPE_MEASURES", "SHAPE_WORDS"]
