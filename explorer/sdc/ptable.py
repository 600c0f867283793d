"""Perturbation tables (p-tables) for the cell key method, as data.

A p-table says how much to add to a cell: one row per (perturbation cell value ``pcv``, cell
key ``ckey``) with the perturbation value ``pvalue``. This follows ONS, *Cell key perturbation
method* and the ONS ``cell-key-perturbation`` package (README; ``ptable_10_5_rule.csv``):

- columns ``pcv``, ``ckey``, ``pvalue``, all whole numbers;
- ``ckey`` runs over 0..255 (record keys 0-255, Census 2021) or 0..4095 (record keys 0-4095,
  administrative data); the modulus of the cell key is the largest ``ckey`` + 1, as in the ONS
  package;
- ``pcv`` runs over 1..max_pcv (750 in the ONS tables). Counts above max_pcv reuse the last 250
  rows (ONS: counts over 750 use rows 501-750), see ``perturbation.perturbation_cell_values``.
  Zero cells are never perturbed, so a p-table has no ``pcv`` 0 rows.

Stricter than the ONS package (which fills any missing (pcv, ckey) pair with pvalue 0): a
p-table here must list every pair of the grid, once, and no pvalue may make a count negative.

The shipped table ``data/ptable_10_5.csv`` is ``ptable_threshold_rounding(10, 5)``: counts
below 10 go to 0 (then suppressed), the rest are rounded to the nearest 5, whatever the cell
key; it equals the ONS package's ``generate_ptable_10_5_rule()`` (checked by a test).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from explorer.errors import ExplorerError
from explorer.sdc.rounding import round_to_base

PTABLE_COLUMNS = ("pcv", "ckey", "pvalue")
ALLOWED_MODULI = (256, 4096)
"""Cell key ranges: 0-255 (census record keys) or 0-4095 (administrative data)."""
PCV_REUSE_ROWS = 250
"""Counts above a p-table's largest pcv reuse its last 250 rows (ONS: 501-750 for > 750)."""
ONS_MAX_PCV = 750
DEFAULT_PTABLE_PATH = Path(__file__).resolve().parent / "data" / "ptable_10_5.csv"


class PTableError(ExplorerError):
    """A p-table file is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True, eq=False)
class PTable:
    """A validated p-table held as a lookup grid.

    ``pvalues[pcv, ckey]`` is the perturbation value; row 0 (zero cells) is all zeros. The
    array is read-only. Build one with :meth:`load`, :meth:`default` or :meth:`from_frame`.
    """

    pvalues: np.ndarray
    source: str

    @property
    def max_pcv(self) -> int:
        """The largest perturbation cell value the table lists (750 for ONS tables)."""
        return self.pvalues.shape[0] - 1

    @property
    def max_noise(self) -> int:
        """The largest amount by which the table moves any count (D)."""
        return int(np.abs(self.pvalues).max())

    @property
    def modulus(self) -> int:
        """Number of cell keys (256 or 4096): cell key = sum of record keys mod this."""
        return self.pvalues.shape[1]

    @property
    def reuse_rows(self) -> int:
        return PCV_REUSE_ROWS

    def to_frame(self) -> pd.DataFrame:
        """The table in long form (pcv, ckey, pvalue), sorted by pcv then ckey, like ONS."""
        pcv, ckey = np.meshgrid(np.arange(1, self.max_pcv + 1), np.arange(self.modulus),
                                indexing="ij")
        return pd.DataFrame({"pcv": pcv.ravel().astype(np.int64),
                             "ckey": ckey.ravel().astype(np.int64),
                             "pvalue": self.pvalues[1:].ravel().astype(np.int64)})

    def to_csv(self, path: str | Path) -> None:
        """Write the table as CSV (the format :meth:`load` reads)."""
        self.to_frame().to_csv(path, index=False)

    @classmethod
    def default(cls) -> PTable:
        """The shipped ``ptable_10_5``: threshold 10, rounding to base 5 (ONS example table)."""
        return cls.load(DEFAULT_PTABLE_PATH)

    @classmethod
    def load(cls, path: str | Path) -> PTable:
        """Read and validate a p-table CSV; raises PTableError naming the file and problem."""
        path = Path(path)
        if not path.is_file():
            raise PTableError(f"p-table file {path} not found")
        try:
            frame = pd.read_csv(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise PTableError(f"p-table file {path} is not a readable CSV file: {exc}") from exc
        return cls.from_frame(frame, source=str(path))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str = "p-table data frame") -> PTable:
        """Validate a long-form p-table (columns pcv, ckey, pvalue) and build the grid."""
        columns = _check_columns(frame, source)
        return cls(_check_grid(columns, source), source)


def _fail(source: str, problem: str) -> PTableError:
    return PTableError(f"p-table {source}: {problem}")


def _check_columns(frame: pd.DataFrame, source: str) -> dict[str, np.ndarray]:
    """Columns present, none extra, table not empty, every value a whole number."""
    names = [str(c).strip() for c in frame.columns]
    missing = [c for c in PTABLE_COLUMNS if c not in names]
    extra = [c for c in names if c not in PTABLE_COLUMNS]
    if missing or extra or len(names) != len(set(names)):
        raise _fail(source, f"columns must be exactly {', '.join(PTABLE_COLUMNS)}; "
                            f"missing: {missing or 'none'}, unexpected: {extra or 'none'}")
    if len(frame) == 0:
        raise _fail(source, "has no rows")
    frame = frame.set_axis(names, axis=1)
    columns = {}
    for name in PTABLE_COLUMNS:
        raw = frame[name]
        as_text = raw.astype(str).str.strip() if raw.dtype == object else raw
        numbers = pd.to_numeric(as_text, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(numbers) | (numbers != np.round(numbers))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            value = raw.iloc[row]
            shown = "" if pd.isna(value) else str(value)
            raise _fail(source, f"column {name!r} must hold whole numbers; data row {row + 1} "
                                f"(line {row + 2}) has {shown!r}")
        columns[name] = numbers.astype(np.int64)
    return columns


def _check_grid(columns: dict[str, np.ndarray], source: str) -> np.ndarray:
    """Ranges, no duplicates, the full pcv x ckey grid, no count made negative."""
    pcv, ckey, pvalue = (columns[c] for c in PTABLE_COLUMNS)
    if pcv.min() < 1:
        raise _fail(source, f"pcv must be at least 1 (zero cells are never perturbed); "
                            f"found {pcv.min()}")
    if ckey.min() < 0:
        raise _fail(source, f"ckey must be at least 0; found {ckey.min()}")
    modulus = int(ckey.max()) + 1
    if modulus not in ALLOWED_MODULI:
        raise _fail(source, f"ckey must run from 0 to 255 (record keys 0-255) or to 4095 "
                            f"(record keys 0-4095); the largest ckey is {modulus - 1}")
    max_pcv = int(pcv.max())
    if max_pcv < PCV_REUSE_ROWS:
        raise _fail(source, f"pcv must run from 1 to at least {PCV_REUSE_ROWS} (counts above "
                            f"the largest pcv reuse the last {PCV_REUSE_ROWS} rows); the "
                            f"largest pcv is {max_pcv}")
    flat = pcv * modulus + ckey
    unique, first, counts = np.unique(flat, return_index=True, return_counts=True)
    if (counts > 1).any():
        row = int(first[np.flatnonzero(counts > 1)[0]])
        raise _fail(source, f"(pcv, ckey) = ({pcv[row]}, {ckey[row]}) appears more than once")
    expected = max_pcv * modulus
    if len(unique) != expected:
        present = np.zeros((max_pcv + 1, modulus), dtype=bool)
        present[pcv, ckey] = True
        gaps = np.argwhere(~present[1:]) + [1, 0]
        raise _fail(source, f"must list every pcv 1..{max_pcv} with every ckey 0..{modulus - 1}; "
                            f"{len(gaps)} pair(s) missing, the first is (pcv, ckey) = "
                            f"({gaps[0][0]}, {gaps[0][1]})")
    negative = pcv + pvalue < 0
    if negative.any():
        row = int(np.flatnonzero(negative)[0])
        raise _fail(source, f"pvalue {pvalue[row]} at (pcv, ckey) = ({pcv[row]}, {ckey[row]}) "
                            f"would make a count negative")
    grid = np.zeros((max_pcv + 1, modulus), dtype=np.int32)
    grid[pcv, ckey] = pvalue
    grid.setflags(write=False)
    return grid


def ptable_threshold_rounding(threshold: int = 10, base: int = 5, max_pcv: int = ONS_MAX_PCV,
                              modulus: int = 256) -> PTable:
    """The threshold-and-rounding p-table, the rule of ONS ``generate_ptable_10_5_rule``.

    Counts below ``threshold`` get pvalue ``-pcv`` (they become 0 and are then suppressed);
    the rest are moved to the nearest multiple of ``base`` (halves up, see ``rounding``), the
    same for every cell key. With the defaults (10, 5, 750, 256) this is the ONS example
    ``ptable_10_5``.
    """
    if modulus not in ALLOWED_MODULI:
        raise ValueError(f"modulus must be one of {ALLOWED_MODULI}, got {modulus}")
    if max_pcv < PCV_REUSE_ROWS:
        raise ValueError(f"max_pcv must be at least {PCV_REUSE_ROWS}, got {max_pcv}")
    pcv = np.arange(max_pcv + 1, dtype=np.int64)
    pvalue = np.where(pcv < threshold, -pcv, round_to_base(pcv, base) - pcv)
    grid = np.repeat(pvalue[:, None], modulus, axis=1).astype(np.int32)
    grid[0] = 0
    grid.setflags(write=False)
    return PTable(grid, f"ptable_threshold_rounding(threshold={threshold}, base={base}, "
                        f"max_pcv={max_pcv}, modulus={modulus})")
