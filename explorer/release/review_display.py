"""The disclosure review as the review page shows it (statisticians only): the cell table as
text, filtered to all cells, hidden cells or cells that need a decision; a grid of the
suppression pattern; summary lines. Reads a ``ReviewTable`` (built in the review module,
which re-exports these names) and nothing else: no database, no protection, no true value
beyond what the review frame already holds.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from explorer.errors import ExplorerError
from explorer.formats import readable_number
from explorer.sdc.status import CellStatus
from explorer.sdc.structure import TOTAL

if TYPE_CHECKING:
    from explorer.release.review import ReviewTable


# --- summary and cell table ------------------------------------------------------------------

def summary_lines(review: ReviewTable) -> list[str]:
    """Plain-words lines: cells hidden by rule, cells needing a decision, audit result."""
    lines = [f"{n} {'cell' if n == 1 else 'cells'} hidden by {rule.replace('_', ' ')}"
             for rule, n in review.hidden_by_rule().items()] or ["No cells hidden"]
    n = len(review.decisions())
    lines.append(f"{n} {'cell needs' if n == 1 else 'cells need'} a decision")
    lines.append(f"Audit passes: {'yes' if review.audit_passes else 'NO'}")
    return lines


def display_frame(review: ReviewTable, cells: str = "all") -> pd.DataFrame:
    """The review frame as text columns with reader's headers, for a static table; ``cells``
    filters the rows (``filter_cells``)."""
    frame = filter_cells(review, cells).reset_index(drop=True)
    shown = pd.DataFrame({review.dimension_label(code): frame[code] for code in review.dimensions})
    shown["Margin"] = np.where(frame["is_margin"], "yes", "")
    shown["True count"] = [_number(v) for v in frame["true_count"]]
    shown["Shown value"] = [_number(v) for v in frame["shown_value"]]
    shown["Status"] = frame["status"].str.replace("_", " ")
    shown["Rule"] = frame["rule"].str.replace("_", " ")
    shown["Audit interval"] = [_interval(lo, hi) for lo, hi in zip(frame["audit_lower"], frame["audit_upper"])]
    shown["Must reach"] = [_interval(lo, hi) if not math.isnan(lo) else
                           ("not exact" if sup == "secondary" else "")
                           for lo, hi, sup in zip(frame["required_lower"], frame["required_upper"],
                                                  frame["suppression"])]
    shown["Protected"] = ["" if pd.isna(p) else ("yes" if p else "NO") for p in frame["protected"]]
    shown["Needs a decision"] = frame["decision_reasons"].str.replace("_", " ")
    return shown


# --- filtering and the grid (for the page) ---------------------------------------------------

CELL_FILTERS: dict[str, str] = {"all": "All cells", "hidden": "Hidden cells only",
                                "decisions": "Cells that need a decision"}
"""The review page's filter of the cell table: code -> label."""


def filter_cells(review: ReviewTable, which: str = "all") -> pd.DataFrame:
    """The rows of ``review.frame`` to show: every cell (``all``), the hidden cells (primary and
    secondary suppressions, ``hidden``) or the cells that need a decision (``decisions``), in
    the frame's order with its index kept (so they line up with ``display_frame``)."""
    frame = review.frame
    if which == "all":
        return frame
    if which == "hidden":
        return frame[frame["suppression"] != ""]
    if which == "decisions":
        return frame[frame["needs_decision"].astype(bool)]
    raise ExplorerError(f"unknown cell filter {which!r}; choose from: {', '.join(CELL_FILTERS)}")


GRID_WORDS: dict[str, str] = {
    CellStatus.SHOWN.value: "shown",
    CellStatus.PERTURBED.value: "shown (perturbed)",
    CellStatus.ROUNDED.value: "shown (rounded)",
    CellStatus.LOW_RELIABILITY.value: "shown [u]",
    CellStatus.SUPPRESSED_PRIMARY.value: "[c] primary",
    CellStatus.SUPPRESSED_SECONDARY.value: "[c] secondary",
}
"""A cell's status in the suppression grid, in a short word."""
DECISION_MARK = " ! decide"
"""Added to a grid cell that needs a decision."""
GRID_COLOURS: dict[str, str] = {
    "[c] primary": "background-color: #f4c7cc; color: #000000",
    "[c] secondary": "background-color: #fde2a6; color: #000000",
}
"""Background colours of hidden cells in the grid (black text on them: contrast above 13:1);
shown cells keep the table's own colours. The words say the same, for readers who cannot see
colour."""
_SUBTOTAL = " (subtotal)"


def suppression_grid(review: ReviewTable) -> pd.DataFrame:
    """The suppression pattern of ``review`` as a grid of short words (``GRID_WORDS``, plus
    ``DECISION_MARK`` on cells that need a decision): for a table of two or more dimensions, one
    row per combination of the first dimension(s) and one column per level of the last, margins
    included (subtotals marked "(subtotal)"; the total reads "Total"); for a one-way table a
    single column, "Status", one row per level. Rows and columns keep the table's order. Holds
    no value: statuses only."""
    frame = review.frame.reset_index(drop=True)
    dims = list(review.dimensions)
    levels = (review.levels.reset_index(drop=True) if review.levels is not None
              else frame[dims])
    words = [GRID_WORDS.get(status, status.replace("_", " ")) + (DECISION_MARK if decide else "")
             for status, decide in zip(frame["status"], frame["needs_decision"])]
    interior = ~frame["is_margin"].to_numpy(dtype=bool)

    def names(code: str) -> dict[object, str]:
        """Each level of ``code`` -> its label, subtotals marked (a level that no interior cell
        carries is a margin: the total, or a subtotal)."""
        categories = set(levels.loc[interior, code])
        out = {}
        for level, label in zip(levels[code], frame[code]):
            if level not in out:
                margin = level not in categories and level != TOTAL
                out[level] = f"{label}{_SUBTOTAL}" if margin else str(label)
        return out

    labels = {code: names(code) for code in dims}
    if len(dims) == 1:
        code = dims[0]
        grid = pd.DataFrame({"Status": words},
                            index=pd.Index([labels[code][level] for level in levels[code]],
                                           name=review.dimension_label(code)))
        return grid
    *row_dims, column_dim = dims
    rows: dict[tuple, dict] = {}
    for i, word in enumerate(words):
        key = tuple(levels.at[i, code] for code in row_dims)
        rows.setdefault(key, {})[levels.at[i, column_dim]] = word
    column_levels = list(dict.fromkeys(levels[column_dim]))
    grid = pd.DataFrame([[cells.get(level, "") for level in column_levels]
                         for cells in rows.values()],
                        columns=pd.Index([labels[column_dim][level] for level in column_levels],
                                         name=review.dimension_label(column_dim)),
                        index=pd.Index([" / ".join(labels[code][level]
                                                   for code, level in zip(row_dims, key))
                                        for key in rows],
                                       name=" / ".join(review.dimension_label(c) for c in row_dims)))
    return grid


def grid_style(grid: pd.DataFrame):
    """``grid`` as a pandas Styler: hidden cells coloured (``GRID_COLOURS``), cells that need a
    decision in bold; for ``st.table`` (static: no download toolbar)."""
    def style(word: str) -> str:
        css = GRID_COLOURS.get(str(word).removesuffix(DECISION_MARK), "")
        return css + ("; font-weight: bold" if str(word).endswith(DECISION_MARK) else "")

    return grid.style.map(style)


def _number(value: float) -> str:
    """Whole numbers with separators, others to two decimals; "" when missing."""
    return readable_number(value, 2, trim=False)


def _interval(lower: float, upper: float) -> str:
    if math.isnan(lower):
        return ""
    return f"{_number(lower)} to {'no limit' if math.isinf(upper) else _number(upper)}"


__all__ = ["CELL_FILTERS", "DECISION_MARK", "GRID_COLOURS", "GRID_WORDS", "display_frame",
           "filter_cells", "grid_style", "summary_lines", "suppression_grid"]
