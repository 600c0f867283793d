"""Small format helpers every stage may use: JSON-schema records, JSON numbers, readable numbers."""

from __future__ import annotations

import math
from typing import Any

_SAFE_INTEGER = 2**53
"""Whole numbers below this are written as JSON integers (exact in every JSON reader)."""


def schema_record(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """JSON schema of an object with exactly these properties allowed, all required unless a
    list of the required ones is given."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def json_number(value: object, digits: int | None = None) -> int | float | None:
    """A number for JSON: None for a missing, NaN or infinite value; an int for a whole number
    (below 2**53); otherwise a float, rounded to ``digits`` decimals when given."""
    import pandas as pd  # here, not above: importing a stage's base must not load pandas

    if value is None or pd.isna(value):
        return None
    number = float(value)
    if math.isinf(number):
        return None
    if number.is_integer() and abs(number) < _SAFE_INTEGER:
        return int(number)
    return number if digits is None else round(number, digits)


def readable_number(value: object, decimals: int = 3, *, trim: bool = True) -> str:
    """A number for people: whole numbers as integers with thousands separators, others with
    separators to ``decimals`` places (trailing zeros dropped when ``trim``); "" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if trim else text
