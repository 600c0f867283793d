"""Pass 3 for ``dataset.linkage``: semantic checks and the model objects (explorer.catalog.linkage).

Its optional parts refer to the rest of the catalog, so they are checked after the tables, the
cohort and the dimensions are built; each problem is a :class:`CatalogProblem` at its key path
(``dataset.linkage.evaluation.by[1]``), which the loader turns into a one-line CatalogError.
"""

from __future__ import annotations

from typing import Any

from explorer.catalog.dimensions import Dimension
from explorer.catalog.linkage import (MODEL_PARAMETER_COLUMNS, MODEL_SETTING_COLUMNS, Linkage,
                                      LinkageBias, LinkageEvaluation, LinkageModel,
                                      LinkageQuality)
from explorer.catalog.model import Cohort, Table
from explorer.catalog.problems import CatalogProblem
from explorer.catalog.sections import require_column

_PATH: list[str | int] = ["dataset", "linkage"]


def build_linkage(raw: dict[str, Any], tables: dict[str, Table], cohort: Cohort,
                  dimensions: dict[str, Dimension]) -> Linkage:
    """The dataset's linkage: method, published quality, and the optional evaluation, bias and
    model sections, each checked against the tables and dimensions."""
    return Linkage(
        raw["method"], tuple(LinkageQuality(**item) for item in raw["quality"]),
        raw["by_group_note"],
        evaluation=(_evaluation(raw["evaluation"], tables, cohort, dimensions)
                    if "evaluation" in raw else None),
        bias=_bias(raw["bias"], tables, cohort, dimensions) if "bias" in raw else None,
        model=_model(raw["model"], tables) if "model" in raw else None)


def _dimension(code: str, dimensions: dict[str, Dimension], where: list[str | int]) -> Dimension:
    if code not in dimensions:
        raise CatalogProblem(where, f"dimension {code!r} is not declared "
                                    f"(dimensions: {', '.join(dimensions)})")
    return dimensions[code]


def _evaluation(raw: dict[str, Any], tables: dict[str, Table], cohort: Cohort,
                dimensions: dict[str, Dimension]) -> LinkageEvaluation:
    """The truth columns are columns of the persons table, ``by`` names declared dimensions of
    it, and the recall gap is a share strictly between 0 and 1."""
    path = _PATH + ["evaluation"]
    persons = cohort.persons_table
    for key in ("true_match_column", "linked_column", "correct_column"):
        require_column(tables, persons, raw[key], ["cohort", "persons_table"], path + [key])
    for index, code in enumerate(raw["by"]):
        dimension = _dimension(code, dimensions, path + ["by", index])
        if dimension.table != persons:
            raise CatalogProblem(path + ["by", index], f"dimension {code!r} is not a column of "
                                                       f"the persons table {persons!r}")
    gap = raw["recall_gap"]
    if not 0 < gap < 1:
        raise CatalogProblem(path + ["recall_gap"], f"{gap!r} must be a share between 0 and 1 "
                                                    "(e.g. 0.05 for 5 percentage points)")
    return LinkageEvaluation(raw["true_match_column"], raw["linked_column"],
                             raw["correct_column"], tuple(raw["by"]), float(gap))


def _bias(raw: dict[str, Any], tables: dict[str, Table], cohort: Cohort,
          dimensions: dict[str, Dimension]) -> LinkageBias:
    """The records table is declared and holds the linked flag, a record key and a column for
    each characteristic, which names a declared dimension (whose category codes it holds)."""
    path = _PATH + ["bias"]
    table = raw["table"]
    record_key = raw.get("record_key_column", cohort.record_key_column)
    require_column(tables, table, raw["linked_column"], path + ["table"], path + ["linked_column"])
    require_column(tables, table, record_key, path + ["table"],
                   path + (["record_key_column"] if "record_key_column" in raw else ["table"]))
    for code, column in raw["characteristics"].items():
        _dimension(code, dimensions, path + ["characteristics", code])
        require_column(tables, table, column, path + ["table"], path + ["characteristics", code])
    return LinkageBias(table, raw["linked_column"], record_key, dict(raw["characteristics"]))


def _model(raw: dict[str, Any], tables: dict[str, Table]) -> LinkageModel:
    """Both tables are declared and have the columns the Data catalog page reads."""
    path = _PATH + ["model"]
    for key, columns in (("parameters_table", MODEL_PARAMETER_COLUMNS),
                         ("settings_table", MODEL_SETTING_COLUMNS)):
        for column in columns:
            require_column(tables, raw[key], column, path + [key], path + [key])
    return LinkageModel(raw["parameters_table"], raw["settings_table"])


__all__ = ["build_linkage"]
