"""Rounding counts to a base (conventional rounding: to the nearest multiple, halves up).

A count ``x`` becomes ``base * floor(x / base + 1/2)``: the nearest multiple of ``base``, and
when ``x`` lies exactly half-way between two multiples (only possible for an even base, e.g.
5 with base 10) the larger one. With base 5 and whole counts there is never a tie, so base-5
rounding is the same under every tie rule.

- Zeros stay zero; so do counts below ``base / 2`` (1 and 2 with base 5): a rounded 0 does not
  say the true count is 0. The cell key p-table ``ptable_10_5`` avoids that question by
  suppressing every count below 10 before rounding (ONS, cell-key-perturbation package).
- Missing values (NaN) stay missing.
- Negative counts are rejected: counts of people are never negative.

ACRO (SACRO) rounds with pandas ``(x / base).round() * base``, which rounds halves to even
(base 10: 5 -> 0, 15 -> 20, 25 -> 20); this module rounds halves up (5 -> 10, 25 -> 30). The
two agree for every whole count with an odd base such as 5.

Reference: ONS, cell-key-perturbation package README (the 10_5 rule: threshold 10, rounding
to base 5); ONS Census 2021 statistical disclosure control methodology.
"""

from __future__ import annotations

import numpy as np


def round_to_base(counts: np.ndarray | list | int, base: int = 5) -> np.ndarray:
    """``counts`` rounded to the nearest multiple of ``base``, halves up; NaN stays NaN.

    Whole-number input (integer dtype) gives an integer array computed exactly in integer
    arithmetic; other input gives a float array.
    """
    if isinstance(base, bool) or not isinstance(base, (int, np.integer)) or base < 1:
        raise ValueError(f"rounding base must be a positive whole number, got {base!r}")
    values = np.asarray(counts)
    if values.dtype.kind in "iu":
        if (values < 0).any():
            raise ValueError("cannot round negative counts")
        values = values.astype(np.int64)
        # floor(x / b + 1/2) == floor((2x + b) / 2b), exact for integers
        return (2 * values + base) // (2 * base) * base
    values = values.astype(float)
    if (values < 0).any():
        raise ValueError("cannot round negative counts")
    return np.floor(values / base + 0.5) * base
