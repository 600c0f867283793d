"""Coarser groupings of a catalog's dimensions, checked and linked while a catalog loads.

A grouping dimension (``grouping_of``) names no table or column of its own: its categories are a
partition of its base dimension's (``grouping_base``, ``check_grouping``, called by
``explorer.catalog.sections.build_dimension``). Once every dimension is built, ``link_coarser``
tells each dimension which coarser ones it has: the groupings declared of it and its
hierarchy's parent dimension.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from explorer.catalog.dimensions import Dimension
from explorer.catalog.problems import CatalogProblem


def grouping_base(code: str, raw: dict[str, Any],
                   raw_dimensions: dict[str, Any]) -> dict[str, Any]:
    """The raw base dimension of a grouping (``grouping_of``), after checking that the grouping
    declares nothing its base decides (where it is stored) or a grouping cannot have."""
    path: list[str | int] = ["dimensions", code]
    base = raw["grouping_of"]
    if base == code or base not in raw_dimensions:
        raise CatalogProblem(path + ["grouping_of"],
                             f"grouping_of {base!r} is not another dimension "
                             f"(dimensions: {', '.join(raw_dimensions)})")
    base_raw = raw_dimensions[base]
    if "grouping_of" in base_raw:
        raise CatalogProblem(path + ["grouping_of"],
                             f"{base!r} is itself a grouping (of {base_raw['grouping_of']!r}): "
                             "group the stored dimension instead")
    for key, why in (("table", "it is read from its base dimension's column"),
                     ("column", "it is read from its base dimension's column"),
                     ("hierarchy", "its groups are its categories"),
                     ("standardisation_bands", "only a stored dimension can be")):
        if key in raw:
            raise CatalogProblem(path + [key], f"a grouping (grouping_of) cannot set {key}: {why}")
    return base_raw


def check_grouping(code: str, raw: dict[str, Any], base_raw: dict[str, Any]) -> None:
    """A grouping's categories are a partition of its base's: every base category (residual
    ones included, so both tables count the same people) is the child of exactly one group, and
    a residual base category only of a residual group that holds residual categories alone."""
    base = raw["grouping_of"]
    base_categories = {item["key"]: item for item in base_raw["categories"]}
    placed: dict[str, str] = {}
    for index, item in enumerate(raw["categories"]):
        path: list[str | int] = ["dimensions", code, "categories", index]
        children = item.get("children")
        if not children:
            raise CatalogProblem(path + ["children"], f"required key is missing: a group of a "
                                                      f"grouping names the {base!r} categories "
                                                      "it holds")
        for position, child in enumerate(children):
            child_path = path + ["children", position]
            if child not in base_categories:
                raise CatalogProblem(child_path, f"child {child!r} is not a category key of "
                                                 f"dimension {base!r} (keys: "
                                                 f"{', '.join(base_categories)})")
            if child in placed:
                raise CatalogProblem(child_path, f"child {child!r} is in two groups "
                                                 f"({placed[child]!r} and {item['key']!r})")
            placed[child] = item["key"]
            child_residual = base_categories[child].get("residual", False)
            if child_residual != item.get("residual", False):
                raise CatalogProblem(child_path, f"child {child!r} is "
                                                 f"{'a' if child_residual else 'not a'} residual "
                                                 f"category of {base!r}, and group "
                                                 f"{item['key']!r} is "
                                                 f"{'' if item.get('residual', False) else 'not '}"
                                                 "residual: a residual category forms a residual "
                                                 "group of its own")
    missing = [key for key in base_categories if key not in placed]
    if missing:
        raise CatalogProblem(["dimensions", code, "categories"],
                             f"categories of {base!r} not in any group: {', '.join(missing)} "
                             "(every category must be in exactly one group, residual ones in a "
                             "residual group, so the grouped table counts the same people)")


def link_coarser(dimensions: dict[str, Dimension]) -> dict[str, Dimension]:
    """The dimensions with ``coarser`` filled: each dimension learns the groupings declared of
    it (``grouping_of``) and its hierarchy's parent dimension (catalog order)."""
    coarser: dict[str, list[str]] = {code: [] for code in dimensions}
    for code, dimension in dimensions.items():
        if dimension.is_grouping:
            coarser[dimension.grouping_of].append(code)
    for code, dimension in dimensions.items():
        parent = dimension.hierarchy.parent_dimension if dimension.hierarchy else None
        if parent is not None and parent not in coarser[code]:
            coarser[code].append(parent)
    return {code: (dataclasses.replace(dimension, coarser=tuple(coarser[code]))
                   if coarser[code] else dimension)
            for code, dimension in dimensions.items()}
