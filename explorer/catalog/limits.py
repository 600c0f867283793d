"""Limits every layer shares, defined once."""

MAX_BREAKDOWNS = 2
"""Breakdown dimensions a table may have (Explore's two selectors, the CLI's --by, a public
view's by). The query runner accepts one more dimension than this: the sex stratum it adds for
rate ratios adjusted for age and sex."""
