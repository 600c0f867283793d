"""A table's published cells and the additive constraints linking them.

A table is the Cartesian product, over its dimensions, of each dimension's *levels*: its
categories, the subtotals of a hierarchy (e.g. England = the nine English regions), and the
total. Every cell that is not interior (all levels categories) is the sum of the interior
cells it covers. Secondary suppression and the audit see only ``values`` and the list of
``Constraint`` (total = sum of parts), so 1-way, 2-way and hierarchical tables are one case.
Margins and totals are cells too: they are protected with the table, never recomputed from
shown cells (ACRO issue 198).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Hashable, Sequence

import numpy as np
import pandas as pd

TOTAL = "__total__"
"""The level of a dimension that stands for all its categories (a margin)."""


@dataclass(frozen=True)
class DimensionLevels:
    """One dimension of a table: its category keys in display order, and optional
    hierarchy groups (group key -> the category keys it adds up). Groups must partition the
    categories; a total over the dimension is always added."""

    code: str
    categories: tuple[Hashable, ...]
    groups: dict[Hashable, tuple[Hashable, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.groups:
            covered = [c for children in self.groups.values() for c in children]
            if sorted(map(str, covered)) != sorted(map(str, self.categories)):
                raise ValueError(f"groups of {self.code!r} must partition its categories")

    @property
    def levels(self) -> tuple[Hashable, ...]:
        return (*self.categories, *self.groups, TOTAL)

    def leaves(self, level: Hashable) -> tuple[Hashable, ...]:
        """The categories a level covers."""
        if level == TOTAL:
            return self.categories
        if level in self.groups:
            return self.groups[level]
        return (level,)

    def additions(self) -> list[tuple[Hashable, tuple[Hashable, ...]]]:
        """(total level, part levels) pairs along this dimension: each group is the sum of its
        categories, and the total is the sum of the groups (or of the categories)."""
        pairs = [(group, children) for group, children in self.groups.items()]
        top = tuple(self.groups) if self.groups else self.categories
        pairs.append((TOTAL, top))
        return pairs


@dataclass(frozen=True)
class Constraint:
    """``values[total] == sum(values[parts])``."""

    total: int
    parts: tuple[int, ...]


@dataclass(frozen=True)
class TableStructure:
    """Cells (one row each; a column per dimension holding a level) and their constraints."""

    dimensions: tuple[DimensionLevels, ...]
    cells: pd.DataFrame
    constraints: tuple[Constraint, ...]
    coverage: np.ndarray  # (n_cells, n_interior) 0/1: which interior cells each cell adds up

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    @property
    def interior(self) -> np.ndarray:
        """Boolean mask of the interior cells (no margin or subtotal in any dimension)."""
        return self.cells["is_interior"].to_numpy()

    def values_from_interior(self, interior_values: Sequence[float]) -> np.ndarray:
        """All cells' values from the interior cells' values, in interior-cell order."""
        return self.coverage @ np.asarray(interior_values, dtype=float)

    def constraint_matrix(self) -> np.ndarray:
        """A (n_constraints, n_cells) matrix A with A @ values == 0 for a consistent table."""
        matrix = np.zeros((len(self.constraints), self.n_cells))
        for row, constraint in enumerate(self.constraints):
            matrix[row, constraint.total] = 1.0
            matrix[row, list(constraint.parts)] = -1.0
        return matrix


def build_structure(dimensions: Sequence[DimensionLevels]) -> TableStructure:
    """The full table (interior cells, subtotals, margins, grand total) over ``dimensions``."""
    dimensions = tuple(dimensions)
    if not dimensions:
        raise ValueError("a table needs at least one dimension")
    level_tuples = list(itertools.product(*(d.levels for d in dimensions)))
    index = {levels: i for i, levels in enumerate(level_tuples)}
    interior_tuples = list(itertools.product(*(d.categories for d in dimensions)))
    interior_index = {levels: i for i, levels in enumerate(interior_tuples)}

    coverage = np.zeros((len(level_tuples), len(interior_tuples)))
    for i, levels in enumerate(level_tuples):
        for leaf in itertools.product(*(d.leaves(level) for d, level in zip(dimensions, levels))):
            coverage[i, interior_index[leaf]] = 1.0

    constraints = []
    for position, dimension in enumerate(dimensions):
        others = [d.levels for j, d in enumerate(dimensions) if j != position]
        for rest in itertools.product(*others):
            for total_level, part_levels in dimension.additions():
                def cell(level, rest=rest):
                    levels = list(rest)
                    levels.insert(position, level)
                    return index[tuple(levels)]
                constraints.append(Constraint(cell(total_level), tuple(cell(p) for p in part_levels)))

    cells = pd.DataFrame(level_tuples, columns=[d.code for d in dimensions])
    cells["is_interior"] = [levels in interior_index for levels in level_tuples]
    return TableStructure(dimensions, cells, tuple(constraints), coverage)
