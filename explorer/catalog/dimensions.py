"""A dimension of a catalog (a breakdown variable), its categories and their hierarchy.

Built only by ``explorer.catalog.sections`` after the schema and semantic checks; part of the
frozen :class:`explorer.catalog.model.Catalog`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

from explorer.errors import QueryError


def choice_list(names: Any) -> str:
    """Names for a message: ``a, b, c``."""
    return ", ".join(str(name) for name in names)


@dataclass(frozen=True)
class Category:
    """One category of a dimension: stored ``code``, stable ``key``, readable ``label``."""

    code: int
    key: str
    label: str
    residual: bool = False
    children: tuple[str, ...] = ()
    """In a grouping dimension (``Dimension.grouping_of``): the base dimension's category keys
    this group holds; empty otherwise."""

    def to_dict(self) -> dict[str, Any]:
        data = {"code": self.code, "key": self.key, "label": self.label, "residual": self.residual}
        if self.children:
            data["children"] = list(self.children)
        return data


@dataclass(frozen=True)
class HierarchyGroup:
    """A parent in a dimension's hierarchy and the category keys beneath it."""

    key: str
    label: str
    children: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "children": list(self.children)}


@dataclass(frozen=True)
class Hierarchy:
    """Grouping of a dimension's categories into parents (e.g. region within country).

    ``parent_dimension`` is set when the parents are another dimension's categories
    (ethnicity_detailed within ethnicity); otherwise the groups are declared in place.
    """

    parent_label: str
    groups: tuple[HierarchyGroup, ...]
    parent_dimension: str | None = None

    def parent_of(self, category_key: str) -> HierarchyGroup:
        """The group holding ``category_key`` (a non-residual category of the dimension)."""
        for group in self.groups:
            if category_key in group.children:
                return group
        raise KeyError(category_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parent_label": self.parent_label,
            "parent_dimension": self.parent_dimension,
            "groups": [group.to_dict() for group in self.groups],
        }


@dataclass(frozen=True)
class Dimension:
    """A breakdown variable: where it is stored, its categories and reference category."""

    code: str
    label: str
    table: str
    column: str
    reference: str
    ordered: bool
    order_direction: str | None
    categories: tuple[Category, ...]
    hierarchy: Hierarchy | None = None
    standardisation_bands: bool = False
    grouping_of: str | None = None
    """The base dimension this one is a coarser grouping of (catalog ``grouping_of``): it is
    stored in the base's column, and each of its categories holds some of the base's categories
    (``Category.children``), a fixed, declared partition of them. None for a stored dimension."""
    coarser: tuple[str, ...] = ()
    """Codes of the dimensions that group this one's categories more coarsely, filled by the
    loader: the groupings declared ``grouping_of`` this dimension, and the parent dimension of
    its hierarchy (ethnicity for ethnicity_detailed)."""

    @property
    def is_grouping(self) -> bool:
        """True for a grouping of another dimension (``grouping_of``)."""
        return self.grouping_of is not None

    @property
    def stored_as(self) -> str:
        """The dimension whose column holds this one's people: the base of a grouping, else
        itself. Two dimensions stored as the same one count the same people."""
        return self.grouping_of or self.code

    def group_of(self, base: Dimension) -> dict[int, int]:
        """For a grouping dimension: the base's category code -> this dimension's group code
        (every base category is in exactly one group; the loader checks it)."""
        if base.code != self.grouping_of:
            raise QueryError(f"dimension {self.code!r} is not a grouping of {base.code!r}")
        return {base.category_by_key(child).code: category.code
                for category in self.categories for child in category.children}

    def base_keys(self, key: str) -> tuple[str, ...]:
        """For a grouping dimension: the base's category keys the group ``key`` holds."""
        return tuple(self.category_by_key(key).children)

    @property
    def keys(self) -> tuple[str, ...]:
        """Category keys in catalog order."""
        return tuple(category.key for category in self.categories)

    @property
    def reference_category(self) -> Category:
        return self.category_by_key(self.reference)

    def category_by_key(self, key: str) -> Category:
        """The category with this key; QueryError listing the valid keys otherwise."""
        for category in self.categories:
            if category.key == key:
                return category
        raise QueryError(self._unknown_value_message(key))

    def category_by_code(self, code: int) -> Category:
        """The category stored as ``code`` in the database."""
        for category in self.categories:
            if category.code == code:
                return category
        raise QueryError(self._unknown_value_message(code))

    def resolve(self, value: str | int) -> Category:
        """The category named by a key, a label (any case) or an integer code."""
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return self.category_by_code(int(value))
        if isinstance(value, str):
            for category in self.categories:
                if value == category.key:
                    return category
            folded = value.casefold()
            for category in self.categories:
                if folded == category.label.casefold():
                    return category
        raise QueryError(self._unknown_value_message(value))

    def filter_choices(self) -> dict[str, str]:
        """What a filter on this dimension may select, key -> label: one category, or one group
        of its hierarchy (e.g. England). Never an arbitrary set of categories: a union of a
        hidden category with a shown one, less the shown one, would give the hidden count
        (docs/sdc.md, attack 1), and with many unions the noise averages away (attack 8)."""
        choices = {category.key: category.label for category in self.categories}
        if self.hierarchy is not None:
            for group in self.hierarchy.groups:
                choices.setdefault(group.key, group.label)
        return choices

    def resolve_filter(self, value: str | int) -> str:
        """The filter choice (category or hierarchy group key) named by a key, label or code."""
        try:
            return self.resolve(value).key
        except QueryError:
            if isinstance(value, str) and self.hierarchy is not None:
                for group in self.hierarchy.groups:
                    if value == group.key or value.casefold() == group.label.casefold():
                        return group.key
            raise QueryError(f"unknown value {value!r} for dimension '{self.code}' ({self.label}); "
                             f"choose one of: {choice_list(tuple(self.filter_choices()))}") from None

    def filter_keys(self, choice: str) -> tuple[str, ...]:
        """The category keys a filter choice covers (one, or a hierarchy group's children)."""
        if choice in self.keys:
            return (choice,)
        if self.hierarchy is not None:
            for group in self.hierarchy.groups:
                if group.key == choice:
                    return tuple(group.children)
        raise QueryError(self._unknown_value_message(choice))

    def _unknown_value_message(self, value: object) -> str:
        return (
            f"unknown value {value!r} for dimension '{self.code}' ({self.label}); "
            f"choose from: {choice_list(self.keys)}"
        )

    def to_dict(self) -> dict[str, Any]:
        plain = ("label", "table", "column", "reference", "ordered", "order_direction",
                 "standardisation_bands")
        if self.is_grouping:  # stored in its base's column, as in the catalog file
            plain = ("label", "reference", "ordered", "order_direction", "grouping_of")
        return {**{name: getattr(self, name) for name in plain},
                "hierarchy": None if self.hierarchy is None else self.hierarchy.to_dict(),
                "categories": [category.to_dict() for category in self.categories]}
