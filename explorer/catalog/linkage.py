"""How a dataset was linked, and how well: the catalog's ``dataset.linkage`` as frozen dataclasses.

Every dataset says how it was linked (``method``), what is published about the linkage's
quality (``quality``) and how linkage differs by group (``by_group_note``). A dataset whose
linkage can be evaluated may also declare:

- ``evaluation``: columns of the persons table that hold the (synthetic) truth, so that
  precision and recall can be reported overall and by the ``by`` dimensions, and the recall gap
  at which Explore flags a comparison (explorer.tables.linkage_evaluation);
- ``bias``: a table of the records that were to be linked, its linked flag, and the
  characteristics both sides hold (dimension code -> column of that table with the dimension's
  category codes), to compare linked with unlinked records (explorer.tables.linkage_bias);
- ``model``: the tables where the build stored the trained linkage model (explorer.db.runner
  reads them for the Data catalog page).

Built and checked by explorer.catalog.linkage_section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MODEL_PARAMETER_COLUMNS = ("comparison", "level", "m_probability", "u_probability",
                           "match_weight")
"""Columns the linkage model's parameters table must have: one row per comparison level."""
MODEL_SETTING_COLUMNS = ("setting", "value")
"""Columns the linkage model's settings table must have: one row per setting."""


@dataclass(frozen=True)
class LinkageQuality:
    measure: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class LinkageEvaluation:
    """Where the truth about each person's links is (0/1 columns of the persons table): whether
    a record truly belongs to them, whether the linkage accepted one, and whether the accepted
    one is theirs. ``by``: the dimensions precision and recall are reported by; ``recall_gap``:
    how far below the best group's recall a group's must be for Explore to flag a comparison."""

    true_match_column: str
    linked_column: str
    correct_column: str
    by: tuple[str, ...]
    recall_gap: float

    def to_dict(self) -> dict[str, Any]:
        return {"true_match_column": self.true_match_column, "linked_column": self.linked_column,
                "correct_column": self.correct_column, "by": list(self.by),
                "recall_gap": self.recall_gap}


@dataclass(frozen=True)
class LinkageBias:
    """The records that were to be linked (``table``), whether each was (``linked_column``), its
    record key for the cell key method, and the characteristics it holds: dimension code -> its
    column in ``table``, holding that dimension's category codes."""

    table: str
    linked_column: str
    record_key_column: str
    characteristics: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "linked_column": self.linked_column,
                "record_key_column": self.record_key_column,
                "characteristics": dict(self.characteristics)}


@dataclass(frozen=True)
class LinkageModel:
    """The tables holding the trained linkage model: its parameters (one row per comparison
    level: m and u probabilities, match weight) and its settings (threshold, blocking rules)."""

    parameters_table: str
    settings_table: str

    def to_dict(self) -> dict[str, Any]:
        return {"parameters_table": self.parameters_table, "settings_table": self.settings_table}


@dataclass(frozen=True)
class Linkage:
    method: str
    quality: tuple[LinkageQuality, ...]
    by_group_note: str
    evaluation: LinkageEvaluation | None = None
    bias: LinkageBias | None = None
    model: LinkageModel | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "method": self.method,
            "quality": [vars(item).copy() for item in self.quality],
            "by_group_note": self.by_group_note,
        }
        for name in ("evaluation", "bias", "model"):
            part = getattr(self, name)
            if part is not None:
                data[name] = part.to_dict()
        return data


__all__ = ["MODEL_PARAMETER_COLUMNS", "MODEL_SETTING_COLUMNS", "Linkage", "LinkageBias",
           "LinkageEvaluation", "LinkageModel", "LinkageQuality"]
