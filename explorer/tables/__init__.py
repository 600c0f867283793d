"""From a request to a protected measure table: the one road every output takes.

request (``TableRequest``, validated once) -> aggregate (``RawTable`` from the query runner)
-> protect (explorer.sdc) -> measure table (``MeasureTable``, sealed; the only thing charts,
tables, downloads and the published file accept).

The public verbs below are loaded on first use (PEP 562), so reading a published file or
drawing a chart from a MeasureTable never imports the database layer.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "build_table": "build", "build_view_tables": "build", "policy_for": "build",
    "protected_table": "build", "protected_view_tables": "build", "to_csv": "build",
    "to_json": "build", "linkage_rate_table": "linkage_quality", "COLUMNS": "measure_table",
    "linkage_evaluation_table": "linkage_evaluation",
    "linkage_evaluation_tables": "linkage_evaluation", "linkage_notes": "linkage_evaluation",
    "linkage_model_tables": "linkage_evaluation", "recall_gaps": "linkage_evaluation",
    "LinkageNotes": "linkage_evaluation", "LinkageBiasView": "linkage_bias",
    "linkage_bias_view": "linkage_bias", "linkage_bias_views": "linkage_bias",
    "NOTABLE_DIFFERENCE": "linkage_bias",
    "MeasureTable": "measure_table", "MEASURES": "request", "TableRequest": "request",
    "has_trend": "request", "measures_for": "request", "trend_request": "request",
    "validate_request": "request",
    "BENCHMARKS": "request", "recent_trends": "recent_trend",
    "hidden_reason": "alternatives", "nothing_to_draw": "alternatives",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'explorer.tables' has no attribute {name!r}")
    return getattr(importlib.import_module(f"explorer.tables.{_EXPORTS[name]}"), name)
