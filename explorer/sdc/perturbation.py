"""Cell key perturbation (the cell key method of Census 2021), pandas reference.

Method (ONS, *Cell key perturbation method*; the ONS ``cell-key-perturbation`` package README
and its ``create_perturbed_table``; ONS Census 2021 statistical disclosure control
methodology). Every record carries a fixed random record key (0-255, or 0-4095 for
administrative data). For each cell of a frequency table:

1. count the records: ``pre_sdc_count`` (cells of the full grid of the variables' observed
   categories, so empty cells appear with count 0);
2. cell key ``ckey`` = (sum of the cell's record keys) mod 256 (mod 4096); empty cells get 0;
3. perturbation cell value ``pcv`` = the count, except that counts above the p-table's largest
   pcv (750) reuse its last 250 rows: ``pcv = (count - 1) mod 250 + 501`` for the ONS tables;
   empty cells have pcv 0;
4. perturbation value ``pvalue`` read from the p-table at (pcv, ckey); 0 for empty cells (the
   ONS package finds no pcv-0 row and fills 0);
5. published ``count`` = pre_sdc_count + pvalue, and suppressed (missing) when it is below the
   threshold (10). The test is on the *perturbed* value, as in the ONS package; with the
   ``ptable_10_5`` table a true count below 10 is always perturbed to 0, so every cell with a
   true count of 0-9 is suppressed and every other cell is shown, rounded to 5.

The same records always give the same cell key, so a cell shared by two tables (or two
queries) gets the same perturbation in both: differencing them reveals nothing. Perturbed
tables need not add up to their perturbed totals. Drop the working columns (ckey, pcv,
pvalue, pre_sdc_count) before publishing.

The array functions are what the disclosure-control engine calls on aggregates that carry a
record-key sum; ``perturbed_table_from_microdata`` is the pandas reference, and
``queries/sdc/cell_key_perturbation.sql`` (run by ``perturbation_sql``) the DuckDB version,
property-tested to agree with it and oracle-tested against the ONS package.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from explorer.errors import ExplorerError
from explorer.sdc.ptable import ALLOWED_MODULI, PTable

DEFAULT_THRESHOLD = 10
OUTPUT_COLUMNS = ("pre_sdc_count", "ckey", "pcv", "pvalue", "count")
"""Row meaning of ONS ``create_perturbed_table``: after the tabulation variables, these."""


class PerturbationError(ExplorerError):
    """Microdata or arguments that cell key perturbation cannot be applied to."""


def _whole_numbers(values: np.ndarray | Sequence[int], what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind == "f":
        if not np.isfinite(array).all() or (array != np.round(array)).any():
            raise PerturbationError(f"{what} must be whole numbers with no missing values")
        array = array.astype(np.int64)
    elif array.dtype.kind not in "iu":
        raise PerturbationError(f"{what} must be whole numbers, got dtype {array.dtype}")
    if (array < 0).any():
        raise PerturbationError(f"{what} must not be negative")
    return array.astype(np.int64)


def cell_keys(record_key_sums: np.ndarray | Sequence[int], modulus: int = 256) -> np.ndarray:
    """Step 2: cell key = sum of the cell's record keys mod ``modulus`` (256 or 4096)."""
    if modulus not in ALLOWED_MODULI:
        raise PerturbationError(f"cell key modulus must be one of {ALLOWED_MODULI}, got {modulus}")
    return _whole_numbers(record_key_sums, "record key sums") % modulus


def perturbation_cell_values(counts: np.ndarray | Sequence[int], ptable: PTable) -> np.ndarray:
    """Step 3: the p-table row each count uses.

    Counts up to ``ptable.max_pcv`` use their own row; larger counts cycle through the last
    ``ptable.reuse_rows`` rows: ``(count - 1) mod 250 + (max_pcv - 250 + 1)``, which is the
    ONS package's ``(count - 1) % 250 + 501`` for counts above 750 with its 750-row tables.
    Since 250 is a multiple of 5 (and of 10), a rounding p-table still rounds large counts.
    """
    counts = _whole_numbers(counts, "counts")
    reuse = ptable.reuse_rows
    wrapped = (counts - 1) % reuse + (ptable.max_pcv - reuse + 1)
    return np.where(counts <= ptable.max_pcv, counts, wrapped)


def perturbation_values(counts: np.ndarray | Sequence[int], ckeys: np.ndarray | Sequence[int],
                        ptable: PTable) -> np.ndarray:
    """Step 4: pvalue read from the p-table at (pcv, ckey); 0 for empty cells."""
    pcv = perturbation_cell_values(counts, ptable)
    ckeys = _whole_numbers(ckeys, "cell keys")
    if pcv.shape != ckeys.shape:
        raise PerturbationError(f"counts and cell keys differ in shape: {pcv.shape} vs {ckeys.shape}")
    if (ckeys >= ptable.modulus).any():
        raise PerturbationError(f"cell keys must be below {ptable.modulus} for p-table "
                                f"{ptable.source}; found {int(ckeys.max())}")
    return ptable.pvalues[pcv, ckeys].astype(np.int64)


def perturb_counts(counts: np.ndarray | Sequence[int], cell_keys: np.ndarray | Sequence[int],
                   ptable: PTable) -> np.ndarray:
    """Step 5 (first half): perturbed count = count + pvalue (whole numbers, never negative).

    Not yet thresholded: combine with :func:`below_threshold` to know what to suppress.
    """
    counts = _whole_numbers(counts, "counts")
    return counts + perturbation_values(counts, cell_keys, ptable)


def below_threshold(perturbed: np.ndarray | Sequence[int],
                    threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """Step 5 (second half): cells to suppress, those whose *perturbed* count < threshold.

    As in the ONS package (``count < threshold`` after perturbation); threshold 0 suppresses
    nothing.
    """
    check_threshold(threshold)
    return np.asarray(perturbed) < threshold


def check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 0:
        raise PerturbationError(f"threshold must be a whole number >= 0, got {threshold!r}")


def published_counts(perturbed: np.ndarray, threshold: int = DEFAULT_THRESHOLD) -> pd.array:
    """Perturbed counts as a nullable integer array, missing (suppressed) below threshold."""
    result = pd.array(np.asarray(perturbed, dtype=np.int64), dtype="Int64")
    result[below_threshold(perturbed, threshold)] = pd.NA
    return result


def perturbed_table_from_microdata(df: pd.DataFrame, by: list[str], record_key: str,
                                   ptable: PTable, threshold: int = DEFAULT_THRESHOLD
                                   ) -> pd.DataFrame:
    """Frequency table of ``df`` by ``by`` with cell key perturbation (pandas reference).

    One row per cell of the full grid of the observed categories of the ``by`` variables,
    sorted by them, with columns ``by`` + pre_sdc_count, ckey, pcv, pvalue, count: the rows
    and meaning of ONS ``create_perturbed_table(df, ptable, geog=[], tab_vars=by,
    record_key=record_key, use_existing_ons_id=False, threshold=threshold)``. ``count`` is a
    nullable integer, missing where suppressed.

    Stricter than the ONS package: the ``by`` variables may not have missing values, and
    every record must have a whole-number record key in 0..modulus-1 (ONS accepts up to half
    of the keys missing, with a warning).
    """
    check_threshold(threshold)
    _check_microdata(df, by, record_key, ptable)
    keys = _whole_numbers(df[record_key].to_numpy(), f"record keys ({record_key!r})")
    if (keys >= ptable.modulus).any():
        raise PerturbationError(f"record keys ({record_key!r}) must be below {ptable.modulus} "
                                f"to match p-table {ptable.source}; found {int(keys.max())}")
    # Step 1: counts and record-key sums per observed cell, on the full category grid
    grouped = (df[by].assign(_record_key=keys)
               .groupby(by, sort=True)["_record_key"].agg(["size", "sum"]))
    levels = [np.sort(df[column].unique()) for column in by]
    grid = (pd.MultiIndex.from_product(levels, names=by) if len(by) > 1
            else pd.Index(levels[0], name=by[0]))
    grouped = grouped.reindex(grid, fill_value=0)
    counts = grouped["size"].to_numpy(dtype=np.int64)
    # Step 2: cell keys; steps 3-4: pcv and pvalue; step 5: perturb and threshold
    ckeys = cell_keys(grouped["sum"].to_numpy(dtype=np.int64), ptable.modulus)
    pcv = perturbation_cell_values(counts, ptable)
    pvalues = perturbation_values(counts, ckeys, ptable)
    table = grid.to_frame(index=False)
    table["pre_sdc_count"] = counts
    table["ckey"] = ckeys
    table["pcv"] = pcv
    table["pvalue"] = pvalues
    table["count"] = published_counts(counts + pvalues, threshold)
    return table


def _check_microdata(df: pd.DataFrame, by: list[str], record_key: str, ptable: PTable) -> None:
    if not isinstance(ptable, PTable):
        raise PerturbationError("ptable must be a PTable (PTable.load or PTable.default)")
    if not isinstance(by, (list, tuple)) or not by or not all(isinstance(c, str) for c in by):
        raise PerturbationError("by must be a non-empty list of column names")
    if len(set(by)) != len(by) or record_key in by:
        raise PerturbationError("by must name distinct columns, other than the record key")
    missing = [c for c in [*by, record_key] if c not in df.columns]
    if missing:
        raise PerturbationError(f"microdata has no column(s) {missing}")
    if len(df) == 0:
        raise PerturbationError("microdata has no records")
    with_missing = [c for c in by if df[c].isna().any()]
    if with_missing:
        raise PerturbationError(f"tabulation variable(s) {with_missing} have missing values; "
                                f"code missing as a category first")
