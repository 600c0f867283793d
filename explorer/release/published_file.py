"""Read and validate the published public views file (``data/published/<dataset>.json``).

The public summary page reads this file and nothing else: no catalog query, no database (this
module and its imports never import the database layer). ``python -m explorer publish``
(explorer.release.publish) writes it; every number in it passed disclosure control under the public
policy. Loading checks the file against :data:`PUBLISHED_SCHEMA` and a few rules the schema
cannot state (a hidden cell carries no number; a row's margin flags agree), and turns each
view back into a :class:`~explorer.tables.measure_table.MeasureTable`, so explorer.app.charts draws it
like any other protected table. Problems become a :class:`PublishedFileError` with a message fit for the page.

Each row carries, besides its labels and numbers, the row flags of the MeasureTable it was
written from (per dimension the level, i.e. category code, subtotal key or total, and whether
it is a margin; ``is_margin``; ``is_reference``), so the page's charts know totals, subtotals and
the reference group without the catalog. Turning a view back into a MeasureTable is the
measures step's job (``explorer.tables.measure_table.restore_published``).

Status vocabulary in the file (format version 2): ``CellStatus`` reader statuses, ``shown`` or
``suppressed_primary`` (:data:`PUBLISHED_STATUSES`). Secondary suppression is never published:
the public policy does not use it, and ``publish`` refuses a view that has it, because the
primary/secondary distinction would tell which hidden cells are the small ones. Nor is the rule
that decided each cell published.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
from jsonschema.exceptions import best_match

from explorer.errors import ExplorerError
from explorer.formats import schema_record
from explorer.tables.measure_table import (MARGIN_SUFFIX, NUMBER_COLUMNS, MeasureTable,
                                    restore_published, row_flag_columns)
from explorer.paths import data_dir
from explorer.release.headlines import headline
from explorer.catalog.safe_messaging import SUPPORT_NOTICE
from explorer.catalog.schema import PUBLIC_VIEW_MEASURES
from explorer.sdc.status import CellStatus
from explorer.tables.comparison import COMPARISONS
from explorer.tables.request import TableRequest

FORMAT = "linked-data-inequalities-explorer/published-views"
FORMAT_VERSION = 2
PUBLISHED_STATUSES = (CellStatus.SHOWN, CellStatus.SUPPRESSED_PRIMARY)
"""The statuses a published row may carry (see the module docstring)."""
ROW_NUMBERS = NUMBER_COLUMNS
FRAME_COLUMNS = [*ROW_NUMBERS, "comparison", "status", "marker"]
"""A row's frame columns in the file. ``comparison`` (explorer.tables.comparison) is absent
from files published before it: the view's MeasureTable then computes it from the row's shown
numbers and flags (``restore_published``)."""
PUBLIC_AUDIENCE = "public"


class PublishedFileError(ExplorerError):
    """The published views file is missing or malformed."""


def published_path(dataset: str) -> Path:
    """Where the published views of ``dataset`` live: ``<data dir>/published/<dataset>.json``
    (the data dir is EXPLORER_DATA_DIR when set, else data/)."""
    return data_dir() / "published" / f"{dataset}.json"


def publish_command(dataset: str) -> str:
    return f"python -m explorer publish --dataset {dataset}"


# --- schema -------------------------------------------------------------------------------

_TEXT = {"type": "string", "minLength": 1}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_YEAR = {"type": "integer", "minimum": 1800, "maximum": 2200}


_ROW = schema_record({
    "dims": {"type": "object", "additionalProperties": {"type": "string"}},
    **{name: _NUMBER_OR_NULL for name in ROW_NUMBERS},
    "comparison": {"enum": list(COMPARISONS)},
    "status": {"enum": [status.value for status in PUBLISHED_STATUSES]},
    "marker": {"type": "string", "pattern": r"^(\[[a-z]+\])*$"},
    "levels": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}},
    "margins": {"type": "object", "additionalProperties": {"type": "boolean"}},
    "is_margin": {"type": "boolean"},
    "is_reference": {"type": "boolean"},
}, required=["dims", *ROW_NUMBERS, "status", "marker", "levels", "margins", "is_margin",
             "is_reference"])
_TABLE = schema_record({
    "title": _TEXT, "unit": _TEXT, "method": _TEXT, "policy": _TEXT,
    "legend": {"type": "string"},
    "notes": {"type": "array", "items": {"type": "string"}},
    "events_label": _TEXT, "denominator_label": _TEXT,
    "comparison_text": {"type": "string"},
    "rows": {"type": "array", "items": _ROW, "minItems": 1},
}, required=["title", "unit", "method", "policy", "legend", "notes", "rows"])
"""A view's table. ``events_label`` and ``denominator_label`` (what the counts and denominators
count) are absent from files published before person-level datasets: deaths, person-years;
``comparison_text`` (what the rows' ``comparison`` is against) and the rows' ``comparison``
from files published before them."""
_VIEW = schema_record({
    "code": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
    "title": _TEXT,
    "outcome": schema_record({"code": _TEXT, "label": _TEXT}),
    "measure": schema_record({"code": {"enum": list(PUBLIC_VIEW_MEASURES)}, "label": _TEXT}),
    "period": {"type": "array", "items": _YEAR, "minItems": 2, "maxItems": 2},
    "dimensions": {"type": "array", "minItems": 1, "items": schema_record({
        "code": _TEXT, "label": _TEXT,
        "categories": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "residual": {"type": "array", "items": {"type": "string"}}})},
    "about_suicide": {"type": "boolean"},
    "headline_subject": _TEXT,
    "what_it_means": _TEXT,
    "what_it_does_not_mean": _TEXT,
    "table": _TABLE,
})
PUBLISHED_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Published public views",
    **schema_record({
        "format": {"const": FORMAT},
        "format_version": {"const": FORMAT_VERSION},
        "generated_at": _TEXT,
        "dataset": schema_record({"code": _TEXT, "title": _TEXT, "version": _TEXT, "description": _TEXT}),
        "provenance": {"type": "array", "items": _TEXT},
        "linkage_method": _TEXT,
        "policy": schema_record({"name": _TEXT, "version": _TEXT, "label": _TEXT, "description": _TEXT}),
        "views": {"type": "array", "items": _VIEW, "minItems": 1},
        "database_fingerprint": _TEXT,
    }, required=["format", "format_version", "generated_at", "dataset", "provenance",
                 "linkage_method", "policy", "views"]),
}
"""``database_fingerprint`` (size and modification time of the database file the views were
built from) lets ``publish --if-absent`` republish after a rebuild; files published before it
lack it."""
_VALIDATOR = jsonschema.Draft202012Validator(PUBLISHED_SCHEMA)


# --- the loaded model -----------------------------------------------------------------------

@dataclass(frozen=True)
class PublishedDimension:
    """A breakdown: its category labels in order, and those that are residual ("not stated"),
    which are shown but not compared in the headline."""

    code: str
    label: str
    categories: tuple[str, ...]
    residual: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublishedView:
    """One public view: its texts and its protected table, rebuilt as a MeasureTable."""

    code: str
    title: str
    outcome_label: str
    measure_label: str
    about_suicide: bool
    headline_subject: str
    what_it_means: str
    what_it_does_not_mean: str
    dimensions: tuple[PublishedDimension, ...]
    table: MeasureTable

    @property
    def interior(self) -> np.ndarray:
        """True for rows that are groups, False for totals and subtotals (the row flags)."""
        return ~self.table.row_flags["is_margin"].to_numpy(dtype=bool)

    @property
    def residual(self) -> np.ndarray:
        """True for group rows in a residual category of any dimension (e.g. religion not
        stated); a group row's labels are category labels, unique within a dimension."""
        frame = self.table.frame
        rows = np.zeros(len(frame), dtype=bool)
        for dimension in self.dimensions:
            rows |= frame[dimension.code].isin(dimension.residual).to_numpy()
        return rows & self.interior

    @property
    def headline(self) -> str:
        """A plain-English finding from the published values only."""
        return headline(self.table, self.headline_subject, self.residual)


@dataclass(frozen=True)
class Publication:
    """The published file: dataset, provenance, policy and the views."""

    path: Path
    dataset_code: str
    dataset_title: str
    dataset_version: str
    dataset_description: str
    provenance: tuple[str, ...]
    linkage_method: str
    policy_label: str
    policy_description: str
    generated_at: str
    views: tuple[PublishedView, ...]
    database_fingerprint: str | None = None
    carries_comparisons: bool = True
    """False for a file published before the ``comparison`` column (its tables compute it when
    read; ``publish --if-absent`` publishes such a file again)."""

    @property
    def about_suicide(self) -> bool:
        return any(view.about_suicide for view in self.views)


# --- loading --------------------------------------------------------------------------------

def load_publication(dataset: str, path: str | Path | None = None) -> Publication:
    """The validated published views of ``dataset`` (from ``path``, default published_path)."""
    source = Path(path) if path is not None else published_path(dataset)
    republish = f"publish it with: {publish_command(dataset)}"
    detail = f"published file: {source}"  # the server path: never in the message
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PublishedFileError(f"No public summary has been published for {dataset!r} yet; "
                                 f"{republish}", detail=detail) from None
    except (OSError, UnicodeDecodeError) as error:
        cause = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
        raise PublishedFileError(f"The published file cannot be read ({cause}); {republish}",
                                 detail=detail) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PublishedFileError(f"The published file is not valid JSON (line {error.lineno}: "
                                 f"{error.msg}); {republish}", detail=detail) from None
    problem = _problem(document)
    if problem is None and document["dataset"]["code"] != dataset:
        problem = f"dataset.code: {document['dataset']['code']!r} is not {dataset!r}"
    if problem is not None:
        raise PublishedFileError(f"The published file is malformed ({problem}); {republish}",
                                 detail=detail)
    return _publication(source, document)


def _problem(document: Any) -> str | None:
    """The first thing wrong with the document, as 'key.path: what', or None."""
    error = best_match(_VALIDATOR.iter_errors(document))
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        return f"{where}: {error.message}"
    codes = [view["code"] for view in document["views"]]
    if len(set(codes)) != len(codes):
        return "views: a view code is repeated"
    for index, view in enumerate(document["views"]):
        expected = [dimension["code"] for dimension in view["dimensions"]]
        compared = {"comparison" in row for row in view["table"]["rows"]}
        if len(compared) > 1:
            return f"views.{index}.table.rows: some rows have a comparison and some do not"
        for number, row in enumerate(view["table"]["rows"]):
            where = f"views.{index}.table.rows.{number}"
            for part in ("dims", "levels", "margins"):
                if list(row[part]) != expected:
                    return f"{where}.{part}: expected {expected}, got {list(row[part])}"
            if row["is_margin"] != any(row["margins"].values()):
                return f"{where}.is_margin: does not match the row's margins"
            if row["is_reference"] and row["is_margin"]:
                return f"{where}.is_reference: a margin cannot be the reference group"
            if CellStatus(row["status"]).hidden:
                if any(row[name] is not None for name in ROW_NUMBERS):
                    return f"{where}: a hidden cell carries a number"
                if "[c]" not in row["marker"]:
                    return f"{where}: a hidden cell has no [c] marker"
            if row.get("comparison") and row["value"] is None:
                return f"{where}: a row without a value carries a comparison"
            if any(isinstance(row[name], float) and not math.isfinite(row[name])
                   for name in ROW_NUMBERS):
                return f"{where}: a number is not finite"
    return None


def _publication(source: Path, document: dict[str, Any]) -> Publication:
    dataset = document["dataset"]
    views = tuple(_view(dataset["code"], raw) for raw in document["views"])
    policy = document["policy"]
    return Publication(
        path=source, dataset_code=dataset["code"], dataset_title=dataset["title"],
        dataset_version=dataset["version"], dataset_description=dataset["description"],
        provenance=tuple(document["provenance"]), linkage_method=document["linkage_method"],
        policy_label=policy["label"], policy_description=policy["description"],
        generated_at=document["generated_at"], views=views,
        database_fingerprint=document.get("database_fingerprint"),
        carries_comparisons=all("comparison" in view["table"]["rows"][0]
                                and "comparison_text" in view["table"]
                                for view in document["views"]))


def _view(dataset: str, raw: dict[str, Any]) -> PublishedView:
    dimensions = tuple(PublishedDimension(d["code"], d["label"], tuple(d["categories"]),
                                          tuple(d["residual"])) for d in raw["dimensions"])
    table = raw["table"]
    codes = [d.code for d in dimensions]
    compared = "comparison" in table["rows"][0]  # all rows or none (_problem)
    columns = [name for name in FRAME_COLUMNS if compared or name != "comparison"]
    records = [{**row["dims"], **{name: row[name] for name in columns}} for row in table["rows"]]
    frame = pd.DataFrame.from_records(records, columns=codes + columns)
    for name in ROW_NUMBERS:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    flags = pd.DataFrame.from_records(
        [{**row["levels"], **{f"{code}{MARGIN_SUFFIX}": row["margins"][code] for code in codes},
          "is_margin": row["is_margin"], "is_reference": row["is_reference"]}
         for row in table["rows"]], columns=row_flag_columns(codes))
    request = TableRequest(dataset=dataset, outcome=raw["outcome"]["code"],
                           measure=raw["measure"]["code"], by=tuple(d.code for d in dimensions),
                           where={}, period=(raw["period"][0], raw["period"][1]),
                           audience=PUBLIC_AUDIENCE)
    measure_table = restore_published(request, frame, flags, title=table["title"],
                                      unit=table["unit"], method=table["method"],
                                      policy=table["policy"], legend=table["legend"],
                                      notes=tuple(table["notes"]),
                                      events_label=table.get("events_label", "Deaths"),
                                      denominator_label=table.get("denominator_label",
                                                                  "Person-years"),
                                      comparison_text=table.get("comparison_text"))
    return PublishedView(code=raw["code"], title=raw["title"],
                         outcome_label=raw["outcome"]["label"], measure_label=raw["measure"]["label"],
                         about_suicide=raw["about_suicide"],
                         headline_subject=raw["headline_subject"],
                         what_it_means=raw["what_it_means"],
                         what_it_does_not_mean=raw["what_it_does_not_mean"],
                         dimensions=dimensions, table=measure_table)


# --- what the page shows and downloads ------------------------------------------------------

def display_frame(view: PublishedView) -> pd.DataFrame:
    """The protected table with readable column names (dimension labels, 'Deaths', ...)."""
    table = view.table
    frame = table.frame.rename(columns={d.code: d.label for d in view.dimensions})
    value = "Percentage" if table.unit.startswith("%") else (
        "Proportion" if table.request.measure == "proportion" else "Rate")
    return frame.rename(columns={
        "value": f"{value} ({table.unit})", "lower": "Lower 95% CI", "upper": "Upper 95% CI",
        "events": table.events_label, "denominator": table.denominator_label,
        "comparison": "Compared with benchmark", "status": "Status", "marker": "Marker"})


def view_csv(view: PublishedView, publication: Publication) -> str:
    """The view's protected table as CSV under '#' notes (title, unit, policy, legend, source,
    and the support notice for a suicide-related view). Hidden cells are empty, with their
    GSS marker in the marker column."""
    table = view.table
    policy = " ".join(publication.policy_description.split())
    lines = [f"# {view.title}: {table.title}", f"# Unit: {table.unit}",
             f"# Disclosure control policy: {table.policy} ({policy})",
             f"# Legend: {table.legend or 'no markers used'}",
             f"# Source: {publication.dataset_title}, dataset version {publication.dataset_version}, "
             f"published {publication.generated_at}"]
    lines += [f"# Note: {' '.join(note.split())}" for note in table.notes]
    if view.about_suicide:
        lines.append(f"# Support: {SUPPORT_NOTICE}")
    body = table.frame.to_csv(index=False, float_format="%.10g")
    return "\n".join(lines) + "\n" + body


__all__ = ["FORMAT", "FORMAT_VERSION", "PUBLISHED_SCHEMA", "PUBLISHED_STATUSES", "Publication",
           "PublishedDimension", "PublishedFileError", "PublishedView", "display_frame",
           "load_publication", "publish_command", "published_path", "view_csv"]
