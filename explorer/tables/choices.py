"""What the view selectors may offer: for an outcome and a measure, the breakdowns whose
requests validate (``explorer.tables.request.validate_request``, the one set of rules), so a
page never offers a pair it would then refuse (an SII by an unordered dimension, an
age-standardised rate by age, a proportion by a dimension that changes during follow-up)."""

from __future__ import annotations

from explorer.catalog import Catalog
from explorer.errors import QueryError
from explorer.tables.request import SINGLE_DIMENSION_MEASURES, validate_request


def _fits(catalog: Catalog, outcome: str, measure: str, by: tuple[str, ...]) -> bool:
    try:
        validate_request(catalog, outcome=outcome, measure=measure, by=by)
    except QueryError:
        return False
    return True


def breakdowns_for(catalog: Catalog, outcome: str, measure: str) -> list[str]:
    """Dimension codes a table of ``measure`` may be broken down by first, in catalog order."""
    return [code for code in catalog.dimensions if _fits(catalog, outcome, measure, (code,))]


def second_breakdowns_for(catalog: Catalog, outcome: str, measure: str, first: str) -> list[str]:
    """Dimension codes that may join ``first`` as a second breakdown (none for a measure that
    compares the groups of one dimension)."""
    if measure in SINGLE_DIMENSION_MEASURES:
        return []
    return [code for code in catalog.dimensions
            if code != first and _fits(catalog, outcome, measure, (first, code))]


__all__ = ["breakdowns_for", "second_breakdowns_for"]
