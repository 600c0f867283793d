"""RawTable: an unprotected aggregate, the only input the disclosure control engine takes.

Holds the *interior* cells of a table (every combination of the dimensions' categories) with
their true counts and whatever the rules need: record-key sums for the cell key method (per
cell, and per cell and stratum for measures that standardise),
magnitudes and top contributions for dominance and p% rules, structural zeros, and additive
companions such as person-years that are carried to the margins. Margins are not given: the
engine derives them from the interior cells so that they are protected with the table.
A RawTable is never shown; only ``protect`` turns it into something that can be.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from explorer.sdc.structure import TOTAL, DimensionLevels


@dataclass(frozen=True)
class RawTable:
    dimensions: tuple[DimensionLevels, ...]
    counts: np.ndarray
    structural_zero: np.ndarray
    record_key_sums: np.ndarray | None = None
    magnitudes: np.ndarray | None = None
    top_contributions: np.ndarray | None = None
    additive: Mapping[str, np.ndarray] = field(default_factory=dict)
    labels: Mapping[str, Mapping[Hashable, str]] = field(default_factory=dict)
    description: str = ""
    strata: tuple[Hashable, ...] = ()
    strata_events: np.ndarray | None = None        # (interior cells x strata), e.g. by age band
    strata_person_years: np.ndarray | None = None  # (interior cells x strata)
    strata_record_key_sums: np.ndarray | None = None  # (interior cells x strata): each stratum
    # is a cell of the finer table (cell x stratum) and gets its own cell key perturbation

    def __post_init__(self) -> None:
        size = int(np.prod([len(d.categories) for d in self.dimensions]))
        arrays = {"counts": self.counts, "structural_zero": self.structural_zero,
                  "record_key_sums": self.record_key_sums, "magnitudes": self.magnitudes,
                  **{f"additive[{k}]": v for k, v in self.additive.items()}}
        for name, array in arrays.items():
            if array is not None and len(array) != size:
                raise ValueError(f"RawTable.{name} has {len(array)} cells; the dimensions give {size}")
        for name in ("counts", "magnitudes", "top_contributions"):
            values = getattr(self, name)
            if values is not None and np.any(np.asarray(values) < 0):
                raise ValueError(f"RawTable.{name} must not be negative (the magnitude rules "
                                 "are defined for non-negative contributions only)")

    @property
    def is_magnitude(self) -> bool:
        return self.magnitudes is not None

    def label(self, dimension: str, level: Hashable) -> str:
        """The reader's label of one level of a dimension ('Total' for the margin)."""
        if level == TOTAL:
            return self.labels.get(dimension, {}).get(TOTAL, "Total")
        return self.labels.get(dimension, {}).get(level, str(level))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, dimensions: Sequence[DimensionLevels], count: str, *,
                   record_key_sum: str | None = None, structural_zero: str | None = None,
                   additive: Sequence[str] = (), magnitude: str | None = None,
                   top_contributions: Sequence[str] = (),
                   labels: Mapping[str, Mapping[Hashable, str]] | None = None,
                   description: str = "") -> "RawTable":
        """Build from one row per interior cell (a column per dimension holding a category);
        combinations absent from ``frame`` are empty cells (count 0)."""
        dimensions = tuple(dimensions)
        codes = [d.code for d in dimensions]
        index = pd.MultiIndex.from_tuples(list(itertools.product(*(d.categories for d in dimensions))),
                                          names=codes)
        if frame.duplicated(subset=codes).any():
            raise ValueError("RawTable.from_frame: more than one row for a cell")
        unknown = ~frame.set_index(codes).index.isin(index)
        if unknown.any():
            raise ValueError(f"RawTable.from_frame: {int(unknown.sum())} rows name categories "
                             "that are not in the dimensions")
        aligned = frame.set_index(codes).reindex(index)

        def column(name: str | None, fill: float = 0.0) -> np.ndarray | None:
            if name is None:
                return None
            return aligned[name].fillna(fill).to_numpy(dtype=float)

        structural = (aligned[structural_zero].fillna(False).to_numpy(dtype=bool)
                      if structural_zero else np.zeros(len(index), dtype=bool))
        top = (np.column_stack([column(name) for name in top_contributions])
               if top_contributions else None)
        return cls(dimensions=dimensions, counts=column(count), structural_zero=structural,
                   record_key_sums=column(record_key_sum), magnitudes=column(magnitude),
                   top_contributions=top, additive={name: column(name) for name in additive},
                   labels=dict(labels or {}), description=description)
