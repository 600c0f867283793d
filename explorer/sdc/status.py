"""Cell statuses and GSS markers, defined once and reused everywhere.

Markers follow the Government Analysis Function guidance *Symbols in tables* (2022): letters in
square brackets, one code per bracket. tau-Argus and sdcTable use x/z differently; here every
status maps to a GSS marker explicitly (``marker_for``).
"""

from __future__ import annotations

from enum import Enum


class CellStatus(str, Enum):
    """What disclosure control decided for one cell."""

    SHOWN = "shown"
    SUPPRESSED_PRIMARY = "suppressed_primary"
    SUPPRESSED_SECONDARY = "suppressed_secondary"
    ROUNDED = "rounded"
    PERTURBED = "perturbed"
    LOW_RELIABILITY = "low_reliability"

    @property
    def hidden(self) -> bool:
        return self in (CellStatus.SUPPRESSED_PRIMARY, CellStatus.SUPPRESSED_SECONDARY)

    @property
    def reader_status(self) -> "CellStatus":
        """The status a reader sees (measure tables, downloads, the CLI, the published file):
        a cell whose value is shown, however it was protected (perturbed, rounded, flagged as
        low reliability), is SHOWN; a suppressed cell keeps its suppression status."""
        return self if self.hidden else CellStatus.SHOWN

    @classmethod
    def reader_statuses(cls) -> tuple["CellStatus", ...]:
        """Every status a reader can see: SHOWN, SUPPRESSED_PRIMARY, SUPPRESSED_SECONDARY."""
        return tuple(dict.fromkeys(status.reader_status for status in cls))


class Marker(str, Enum):
    """GSS shorthand for tables."""

    CONFIDENTIAL = "[c]"
    LOW_RELIABILITY = "[u]"
    NOT_AVAILABLE = "[x]"
    NOT_APPLICABLE = "[z]"


MARKER_MEANINGS: dict[Marker, str] = {
    Marker.CONFIDENTIAL: "confidential: hidden to protect people's identity",
    Marker.LOW_RELIABILITY: "low reliability: based on fewer than 20 events",
    Marker.NOT_AVAILABLE: "not available",
    Marker.NOT_APPLICABLE: "not applicable",
}


def marker_for(status: CellStatus) -> str:
    """The GSS marker shown beside (or instead of) a cell with ``status`` ('' for none)."""
    if status.hidden:
        return Marker.CONFIDENTIAL.value
    if status is CellStatus.LOW_RELIABILITY:
        return Marker.LOW_RELIABILITY.value
    return ""


def marker_legend(markers: set[str] | None = None) -> str:
    """One line explaining the markers used (all of them when ``markers`` is None)."""
    used = [m for m in Marker if markers is None or m.value in markers]
    return "; ".join(f"{m.value} {MARKER_MEANINGS[m]}" for m in used)
