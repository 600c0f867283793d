"""Publish a dataset's curated public views (catalog ``public_views``) to one JSON file.

``python -m explorer publish --dataset census_mortality`` builds every public view with the
same path as every other table (query -> disclosure control -> measures,
explorer.tables) under the PUBLIC policy (threshold suppression and cell key perturbation), and
writes only what that policy lets through: per row the breakdown labels, the measure and its
95% CI, the perturbed count (of deaths, or of people with the outcome in a person-level
dataset), the rounded denominator (person-years, or people), the comparison with the
benchmark (higher, similar, lower, benchmark or empty, from the shown figures:
explorer.tables.comparison; the table carries its sentence), the reader status (``shown`` or
``suppressed_primary``, CellStatus values), the GSS marker and the MeasureTable's row flags
(levels, margins, reference group). No true count, no rule internals, no audit intervals.

A view whose disclosure audit fails (a hidden cell could be worked out from what is shown) is
not published, nor is one with secondary suppression (the file would then tell which hidden
cells are the small ones): the command stops with an error instead. The file is written to a
temporary file beside the target, read back by
:func:`explorer.release.published_file.load_publication`, and only then renamed over the target:
a failure (a full disk, a file that does not validate) leaves the good file untouched.

The file records the fingerprint of the database it was built from
(explorer.db.connection.DatabaseFile.fingerprint), so ``--if-absent`` republishes after the
database is rebuilt or replaced.
"""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.catalog import Catalog, PublicView
from explorer.data.database_file import remove_stale_temporaries
from explorer.db.connection import Database, DatabaseFile, open_database, reading
from explorer.errors import ExplorerError
from explorer.formats import json_number
from explorer.tables.measure_table import MARGIN_SUFFIX, MeasureTable, measure_table
from explorer.paths import default_database_path
from explorer.release.published_file import (FORMAT, FORMAT_VERSION, PUBLIC_AUDIENCE, PUBLISHED_STATUSES,
                                ROW_NUMBERS, PublishedFileError, load_publication,
                                published_path)
from explorer.sdc.status import CellStatus
from explorer.tables.request import TableRequest, measures_for, validate_request
from explorer.tables import policy_for, protected_table


@dataclass(frozen=True)
class PublishResult:
    """What was written: the file, the views, the policy."""

    path: Path
    views: tuple[tuple[str, str], ...]  # (code, title)
    policy_label: str
    skipped: bool = False

    def summary(self) -> str:
        if self.skipped:
            return f"{self.path} is up to date; not publishing again"
        lines = [f"Wrote {len(self.views)} public views to {self.path} (policy {self.policy_label}):"]
        lines += [f"  {code}: {title}" for code, title in self.views]
        return "\n".join(lines)


def view_request(catalog: Catalog, view: PublicView) -> TableRequest:
    """The validated table request behind a public view (audience: public)."""
    return validate_request(catalog, outcome=view.outcome, measure=view.measure, by=view.by,
                            period=view.period, audience=PUBLIC_AUDIENCE)


def build_view_table(catalog: Catalog, view: PublicView, database: Database) -> MeasureTable:
    """The view's measure table under the public policy (explorer.tables.build_table's path),
    refused when its disclosure audit does not pass or when it has a status the published file
    may not carry (secondary suppression)."""
    request = view_request(catalog, view)
    protected = protected_table(request, catalog, database, policy_for(catalog, PUBLIC_AUDIENCE))
    if not protected.audit_passes:
        raise ExplorerError(f"public view {view.code!r} fails the disclosure audit (a hidden cell "
                            "could be worked out from the cells shown); not publishing it")
    table = measure_table(protected, request, catalog)
    allowed = {status.value for status in PUBLISHED_STATUSES}
    other = sorted(set(table.frame["status"]) - allowed)
    if other:
        raise ExplorerError(f"public view {view.code!r} has cells with status {', '.join(other)}; "
                            f"a published file carries only {', '.join(sorted(allowed))} (the "
                            "public policy must not use secondary suppression); not publishing it")
    return table


def _level(value: object) -> int | str:
    """A level for JSON: a category code (int), a subtotal key or the total marker (str)."""
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _rows(table: MeasureTable, dims: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for record, flags in zip(table.frame.to_dict("records"), table.row_flags.to_dict("records")):
        status = CellStatus(record["status"])
        row: dict[str, Any] = {"dims": {code: str(record[code]) for code in dims}}
        for name in ROW_NUMBERS:
            row[name] = json_number(record[name])  # a hidden row's numbers are all empty already
        row["comparison"] = str(record["comparison"])
        row["status"] = status.value
        row["marker"] = str(record["marker"])
        row["levels"] = {code: _level(flags[code]) for code in dims}
        row["margins"] = {code: bool(flags[f"{code}{MARGIN_SUFFIX}"]) for code in dims}
        row["is_margin"] = bool(flags["is_margin"])
        row["is_reference"] = bool(flags["is_reference"])
        rows.append(row)
    return rows


def view_document(catalog: Catalog, view: PublicView, table: MeasureTable) -> dict[str, Any]:
    """One view of the published file: texts, dimensions and the protected table."""
    dims = table.request.by
    return {
        "code": view.code,
        "title": view.title,
        "outcome": {"code": view.outcome, "label": catalog.outcome(view.outcome).label},
        "measure": {"code": view.measure, "label": measures_for(catalog)[view.measure]},
        "period": list(table.request.period),
        "dimensions": [{"code": code, "label": catalog.dimension(code).label,
                        "categories": [c.label for c in catalog.dimension(code).categories],
                        "residual": [c.label for c in catalog.dimension(code).categories
                                     if c.residual]}
                       for code in dims],
        "about_suicide": view.about_suicide,
        "headline_subject": view.headline_subject,
        "what_it_means": " ".join(view.what_it_means.split()),
        "what_it_does_not_mean": " ".join(view.what_it_does_not_mean.split()),
        "table": {"title": table.title, "unit": table.unit, "method": table.method,
                  "policy": table.policy, "legend": table.legend, "notes": list(table.notes),
                  "events_label": table.events_label,
                  "denominator_label": table.denominator_label,
                  "comparison_text": table.comparison_text,
                  "rows": _rows(table, dims)},
    }


def build_publication(catalog: Catalog, database: Database,
                      generated_at: datetime.datetime | None = None,
                      fingerprint: str | None = None) -> dict[str, Any]:
    """The whole published document for ``catalog``'s public views (``fingerprint``: the
    database file's, recorded so a rebuilt database is published again)."""
    if not catalog.public_views:
        raise ExplorerError(f"the catalog of {catalog.code!r} declares no public_views to publish")
    policy = policy_for(catalog, PUBLIC_AUDIENCE)
    when = generated_at or datetime.datetime.now(datetime.timezone.utc)
    views = [view_document(catalog, view, build_view_table(catalog, view, database))
             for view in catalog.public_views]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": when.strftime("%Y-%m-%d %H:%M UTC"),
        "dataset": {"code": catalog.code, "title": catalog.title, "version": catalog.version,
                    "description": " ".join(catalog.description.split())},
        "provenance": list(catalog.provenance),
        "linkage_method": " ".join(catalog.linkage.method.split()),
        "policy": {"name": policy.name, "version": policy.version, "label": policy.label,
                   "description": " ".join(policy.description.split())},
        "views": views,
        **({"database_fingerprint": fingerprint} if fingerprint else {}),
    }


def _write_validated(path: Path, text: str, dataset: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, read it back as a published file of
    ``dataset`` (PublishedFileError if it does not validate), then rename it over ``path``.
    Any failure removes the temporary file and leaves ``path`` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)  # left by a publish that was killed
    temporary = path.with_name(f".{path.name}.publishing-{os.getpid()}")
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # the file is for the public
        load_publication(dataset, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def is_current(catalog: Catalog, path: Path, fingerprint: str | None = None) -> bool:
    """Whether ``path`` holds a valid published file of this catalog's dataset version, public
    policy version and public views (same codes and titles, in order), built from the database
    whose ``fingerprint`` is given (not compared when None: no database to compare with), with
    the rows' comparisons; ``--if-absent`` republishes otherwise."""
    try:
        publication = load_publication(catalog.code, path)
    except PublishedFileError:
        return False
    if fingerprint is not None and publication.database_fingerprint != fingerprint:
        return False
    return (publication.carries_comparisons
            and publication.dataset_version == catalog.version
            and publication.policy_label == policy_for(catalog, PUBLIC_AUDIENCE).label
            and [(v.code, v.title) for v in publication.views]
            == [(v.code, v.title) for v in catalog.public_views])


def publish(catalog: Catalog, database_path: Path | None = None, out: Path | None = None,
            if_absent: bool = False) -> PublishResult:
    """Build the public views from the database and write the published file (validated
    before it replaces the one there). With ``if_absent``, do nothing when the file there is
    current for this catalog and for the database file as it is now."""
    out = Path(out) if out is not None else published_path(catalog.code)
    database_path = Path(database_path or default_database_path(catalog.code))
    source = DatabaseFile.at(database_path)
    if if_absent and is_current(catalog, out, source.fingerprint if source else None):
        return PublishResult(out, (), "", skipped=True)
    with reading(database_path), open_database(database_path, catalog.code) as database:
        document = build_publication(catalog, database,
                                     fingerprint=source.fingerprint if source else None)
    try:
        _write_validated(out, json.dumps(document, indent=1, ensure_ascii=False) + "\n",
                         catalog.code)
    except PublishedFileError as error:
        raise PublishedFileError(f"the new public views do not validate, so the published file "
                                 f"was not replaced: {error}", detail=f"published file: {out}") from None
    except OSError as error:
        raise ExplorerError(f"cannot write the published file ({error.strerror or error}); "
                            "the file there is unchanged", detail=f"published file: {out}") from None
    return PublishResult(out, tuple((v["code"], v["title"]) for v in document["views"]),
                         document["policy"]["label"])


__all__ = ["PublishResult", "build_publication", "build_view_table", "is_current", "publish",
           "view_document", "view_request"]
