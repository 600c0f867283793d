"""The one check of a period against the follow-up, shared by the table request and the query
runner."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from explorer.errors import QueryError


def check_period(follow_up, period: Sequence[int] | None) -> tuple[int, int]:
    """``period`` as (first, last) calendar years inside ``follow_up`` (a catalog FollowUp), or
    the whole follow-up when None; QueryError otherwise."""
    if period is None:
        return follow_up.first_year, follow_up.last_year
    if (not isinstance(period, Sequence) or isinstance(period, str) or len(period) != 2
            or not all(isinstance(y, numbers.Integral) and not isinstance(y, bool) for y in period)):
        raise QueryError(f"period must be two calendar years (from, to), got {period!r}")
    first, last = int(period[0]), int(period[1])
    if first > last:
        raise QueryError(f"period {first} to {last} is reversed")
    if first < follow_up.first_year or last > follow_up.last_year:
        raise QueryError(f"period {first} to {last} is outside the follow-up years "
                         f"{follow_up.first_year} to {follow_up.last_year}")
    return first, last
