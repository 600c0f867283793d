"""Small vectorised sampling helpers shared by the population, linkage and mortality models."""

from __future__ import annotations

import numpy as np


def normalised_rows(probabilities) -> np.ndarray:
    """Rows of ``probabilities`` scaled to sum to one."""
    table = np.asarray(probabilities, dtype=np.float64)
    if table.ndim == 1:
        return table / table.sum()
    return table / table.sum(axis=1, keepdims=True)


def categorical(uniforms: np.ndarray, probabilities) -> np.ndarray:
    """Index (0-based) drawn from one probability vector for every uniform."""
    cumulative = np.cumsum(normalised_rows(probabilities))
    return np.minimum(np.searchsorted(cumulative, uniforms, side="right"), len(cumulative) - 1)


def categorical_by_row(uniforms: np.ndarray, probability_rows, row_of_person: np.ndarray) -> np.ndarray:
    """Index (0-based) drawn from ``probability_rows[row_of_person[i]]`` for each person i."""
    rows = normalised_rows(probability_rows)
    result = np.zeros(len(uniforms), dtype=np.int64)
    for row in np.unique(row_of_person):
        mask = row_of_person == row
        result[mask] = categorical(uniforms[mask], rows[row])
    return result


def band_index(ages: np.ndarray, upper_ages) -> np.ndarray:
    """Index of the first band whose inclusive upper age is >= each age."""
    return np.searchsorted(np.asarray(upper_ages), ages, side="left")


def weighted_choice(uniforms: np.ndarray, weighted_items) -> np.ndarray:
    """Items (e.g. ICD-10 codes) drawn from a list of ``(item, weight)`` pairs."""
    items = np.array([item for item, _ in weighted_items], dtype=object)
    return items[categorical(uniforms, [weight for _, weight in weighted_items])]


def mean_one_within_groups(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """``values`` divided by their mean within each group, so each group's mean is one."""
    totals = np.bincount(group, weights=values)
    counts = np.bincount(group)
    means = np.divide(totals, counts, out=np.ones_like(totals), where=counts > 0)
    return values / means[group]
