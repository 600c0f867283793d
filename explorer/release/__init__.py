"""What leaves the product: the output checker's review and report, the published public views
(written by ``publish``, read back by ``published_file``) and their plain-English headlines.
Pages import from here: the review page's vocabulary, the report, the published file.

The public names below are loaded on first use (PEP 562), so the public summary page, which
reads only the published file, never imports the database layer.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    **{name: ("headlines", name) for name in ("glossary", "headline", "plain_unit", "ratio_phrase")},
    **{name: ("output_report", name) for name in
       ("WARNING", "report_filename", "report_html", "report_json")},
    "publish": ("publish", "publish"),
    **{name: ("published_file", name) for name in
       ("PublishedFileError", "load_publication", "published_path", "view_csv")},
    "published_frame": ("published_file", "display_frame"),
    **{name: ("review", name) for name in
       ("BANNER", "CUSTOM", "DEFAULT_POLICY", "MAX_CUSTOM_THRESHOLD", "POLICY_CHOICES",
        "POLICY_PARAMETERS", "REASON_TEXT", "REVIEW_AUDIENCE", "DecisionReason", "policy_caption",
        "review_table", "review_view_tables")},
    **{name: ("review_display", name) for name in
       ("CELL_FILTERS", "filter_cells", "grid_style", "summary_lines", "suppression_grid")},
    "review_frame": ("review_display", "display_frame"),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'explorer.release' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    return getattr(importlib.import_module(f"explorer.release.{module}"), attribute)
