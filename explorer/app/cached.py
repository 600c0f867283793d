"""Small, cached helpers that app.py and pages/ call, so pages stay thin."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.logger import get_logger

from explorer.catalog import Catalog, available_datasets, load_catalog
from explorer.db.connection import Database, DatabaseFile, open_database, reading
from explorer.db.runner import QueryRunner
from explorer.errors import (DatabaseMissingError, DatabaseOutdatedError, DatabaseUnreadableError,
                             ExplorerError)
from explorer.tables.measure_table import MeasureTable
from explorer.paths import PROJECT_ROOT, default_database_path
from explorer.release.review import ReviewTable, review_policy, review_view_tables
from explorer.sdc.status import CellStatus
from explorer.tables.request import TableRequest
from explorer.app.table_display import STATUS_WORDS, rule_words
from explorer.app.downloads import csv_download, xlsx_download  # noqa: F401 - pages import them from here
from explorer.tables import build_table, build_view_tables
from explorer.tables.linkage_bias import LinkageBiasView, linkage_bias_view
from explorer.tables.linkage_evaluation import (LinkageModelTables, LinkageNotes,
                                                linkage_evaluation_tables, linkage_model_tables,
                                                linkage_notes)


#: The Streamlit entry point, the router every page runs inside (require_router).
ENTRY_POINT = PROJECT_ROOT / "app.py"


@st.cache_resource(show_spinner=False)
def load_catalog_for_app(dataset: str) -> Catalog:
    """The validated catalog, loaded once per server process."""
    return load_catalog(dataset)


def dataset_choices() -> dict[str, str]:
    """Dataset code -> title, for the sidebar picker."""
    return {code: load_catalog_for_app(code).title for code in available_datasets()}


_LOG = get_logger(__name__)
NOT_AVAILABLE = "The data for this dataset are not available yet."
"""What a visitor who is not signed in reads when the database is missing or cannot be read."""


@dataclass(frozen=True)
class DatabaseStatus:
    path: Path
    ready: bool
    error: ExplorerError | None = None

    def message(self, signed_in: bool, details: bool = False) -> str:
        """Why the database is not ready: for a visitor who is not signed in only that the data
        are not available; for a signed-in person the error (which command makes the file; no
        server path); with ``details`` (statisticians) also the file and the cause."""
        if self.error is None:
            return ""
        return self.error.page_message(details) if signed_in else NOT_AVAILABLE


def database_status(dataset: str) -> DatabaseStatus:
    """Whether the dataset's database file is present, readable and matches the catalog (it
    is opened, once per file, as Explore would), and if not, why."""
    try:
        shared_database(dataset)
    except ExplorerError as error:
        return DatabaseStatus(default_database_path(dataset), False, error)
    return DatabaseStatus(default_database_path(dataset), True)


def _missing(dataset: str, path: Path) -> DatabaseMissingError:
    """The missing-database error, naming the command that makes this dataset's file."""
    catalog = load_catalog_for_app(dataset)
    return DatabaseMissingError.for_dataset(dataset, path, ingested=catalog.source is not None,
                                            built=catalog.build_defaults is not None)


# --- Explore page: shared database, cached protected tables, download ------------------------

@st.cache_resource(show_spinner=False, on_release=Database.close)
def _database_at(file: DatabaseFile, dataset: str) -> Database:
    """The shared read-only Database of one file identity; DatabaseOutdatedError (not cached)
    when the file does not match the catalog, e.g. built by an older version, so no query
    fails half-way; DatabaseUnreadableError (not cached) when DuckDB cannot open or read it."""
    database = open_database(file.path, dataset)
    try:
        with reading(file.path):
            problems = QueryRunner(database, load_catalog_for_app(dataset)).schema_mismatches()
    except ExplorerError:
        database.close()
        raise
    if problems:
        database.close()
        raise DatabaseOutdatedError.for_dataset(dataset, Path(file.path), problems)
    return database


_SERVED: dict[str, DatabaseFile] = {}
"""Path -> the file identity last served there, to close a replaced file's connection."""
_SERVED_LOCK = threading.Lock()


def _database_file(dataset: str) -> DatabaseFile:
    """The identity of the dataset's database file (path, device, inode, modification time,
    size), part of every cache key: a rebuilt or replaced file is opened afresh at the next
    rerun, and the connection to the file it replaced is closed. DatabaseMissingError (never
    cached) when it is absent."""
    path = default_database_path(dataset)
    file = DatabaseFile.at(path) if path.is_file() else None
    if file is None:
        raise _missing(dataset, path)
    with _SERVED_LOCK:
        previous = _SERVED.get(file.path)
        _SERVED[file.path] = file
    if previous is not None and previous != file:
        _database_at.clear(previous, dataset)  # on_release closes its connection
    return file


def shared_database(dataset: str) -> Database:
    """One read-only Database per dataset file, shared by every session (each thread gets its
    own cursor). Keyed on the file's identity, so pointing EXPLORER_DATA_DIR elsewhere, or
    replacing the file, opens the new file; DatabaseMissingError, DatabaseOutdatedError,
    DatabaseUnreadableError (none cached) when it cannot be used."""
    with _reading(dataset):
        return _database_at(_database_file(dataset), dataset)


@contextlib.contextmanager
def _reading(dataset: str) -> Iterator[None]:
    """Every query of the dataset's database runs inside: a DuckDB error (a damaged or
    truncated file found half-way) becomes DatabaseUnreadableError, logged with its cause."""
    try:
        with reading(default_database_path(dataset)):
            yield
    except DatabaseUnreadableError as error:
        _LOG.warning("%s [%s]", error, error.detail, exc_info=error.__context__)
        raise


@st.cache_data(show_spinner="Building the protected table...", max_entries=256)
def cached_measure_table(request: TableRequest, database_file: DatabaseFile) -> MeasureTable:
    """The protected MeasureTable for a validated request. The request is the cache key as it
    is (frozen and hashable), with its audience inside, so a table protected for one role is
    never handed to another; only protected tables (never raw counts) are cached, and every
    session shares them."""
    return build_table(request, load_catalog_for_app(request.dataset),
                       _database_at(database_file, request.dataset))


def measure_table_for(request: TableRequest) -> MeasureTable:
    """The (cached) protected table for a validated request."""
    with _reading(request.dataset):
        return cached_measure_table(request, _database_file(request.dataset))


@st.cache_data(show_spinner="Building the protected tables...", max_entries=256)
def cached_view_tables(request: TableRequest, database_file: DatabaseFile
                       ) -> tuple[MeasureTable, MeasureTable | None]:
    """The view's table and its trend by year from one database scan (keyed like
    cached_measure_table; only protected tables are cached). No trend (None) for a
    person-level dataset."""
    return build_view_tables(request, load_catalog_for_app(request.dataset),
                             _database_at(database_file, request.dataset))


def view_tables_for(request: TableRequest) -> tuple[MeasureTable, MeasureTable | None]:
    """The Explore page's (cached) protected view table and trend table (None for a
    person-level dataset)."""
    with _reading(request.dataset):
        return cached_view_tables(request, _database_file(request.dataset))


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_view_charts(request: TableRequest, database_file: DatabaseFile):
    """The view's chart and its trend's (None where the table has nothing to draw), drawn once
    per view: a figure is made from the protected tables only, so it is as safe to share as
    they are, and drawing 20 small multiples costs more than the tables themselves."""
    from explorer.app.charts import chart_for
    from explorer.tables.alternatives import nothing_to_draw

    table, trend = cached_view_tables(request, database_file)
    return tuple(None if each is None or nothing_to_draw(each) else chart_for(each)
                 for each in (table, trend))


def view_charts_for(request: TableRequest):
    """The Explore page's (cached) figures for a view and its trend: (figure or None, trend
    figure or None), None where there is nothing to draw or no trend."""
    with _reading(request.dataset):
        return _cached_view_charts(request, _database_file(request.dataset))


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_view_workbook(request: TableRequest, database_file: DatabaseFile) -> bytes:
    table, trend = cached_view_tables(request, database_file)
    return xlsx_download(table, load_catalog_for_app(request.dataset), trend)


def view_workbook_for(request: TableRequest) -> bytes:
    """The Excel workbook of the view's protected table and its trend (when it has one), built
    once per view (not on every rerun of the page)."""
    with _reading(request.dataset):
        return _cached_view_workbook(request, _database_file(request.dataset))


def alternatives_for_view(request: TableRequest, table: MeasureTable) -> list:
    """What would show more of a view's hidden groups (explorer.tables.alternatives), each
    alternative's table built through the same cache as Explore's (protected, for the view's
    audience)."""
    from explorer.tables.alternatives import alternatives_for

    catalog = load_catalog_for_app(request.dataset)
    return alternatives_for(request, table, catalog, measure_table_for)


# --- Review page (statisticians only): tables WITH TRUE VALUES --------------------------------

@st.cache_data(show_spinner="Building the review tables...", max_entries=32)
def _cached_review_tables(request: TableRequest, database_file: DatabaseFile, policy_choice: str,
                          threshold: int | None) -> tuple[ReviewTable, ...]:
    """The view's and trend's ReviewTables (true values inside). A cache of its own, keyed by
    the review's policy choice: no other page's builder can hit it, and only pages/review.py
    (which refuses every role but statistician) calls ``review_tables_for``."""
    catalog = load_catalog_for_app(request.dataset)
    policy = review_policy(catalog, policy_choice, threshold)
    return review_view_tables(request, catalog, _database_at(database_file, request.dataset), policy)


def review_tables_for(request: TableRequest, policy_choice: str,
                      threshold: int | None) -> tuple[ReviewTable, ...]:
    """The (cached) review of a view and its trend under the chosen policy (``custom``: the
    official policy with ``threshold``); the view alone for a person-level dataset.
    Statistician review page only."""
    with _reading(request.dataset):
        return _cached_review_tables(request, _database_file(request.dataset), policy_choice,
                                     int(threshold) if policy_choice == "custom" else None)


@st.cache_data(show_spinner="Protecting the linkage table...", max_entries=64)
def _cached_linkage_table(dataset: str, database_file: DatabaseFile, dimension: str, audience: str) -> MeasureTable:
    from explorer.tables.linkage_quality import linkage_rate_table

    return linkage_rate_table(load_catalog_for_app(dataset), _database_at(database_file, dataset),
                              dimension, audience)


def linkage_table_for(dataset: str, dimension: str, audience: str = "official") -> MeasureTable:
    """The (cached) protected linkage-rate table by one person-level dimension."""
    load_catalog_for_app(dataset).dimension(dimension)  # QueryError for an unknown code
    with _reading(dataset):
        return _cached_linkage_table(dataset, _database_file(dataset), dimension, audience)


# --- linkage quality and linkage bias (datasets whose catalog declares them) -------------------

@st.cache_data(show_spinner="Protecting the linkage evaluation...", max_entries=64)
def _cached_linkage_evaluation(dataset: str, database_file: DatabaseFile, dimension: str,
                               audience: str) -> dict[str, MeasureTable]:
    return linkage_evaluation_tables(load_catalog_for_app(dataset),
                                     _database_at(database_file, dataset), dimension, audience)


def linkage_evaluation_for(dataset: str, dimension: str,
                           audience: str = "official") -> dict[str, MeasureTable]:
    """The (cached) protected precision and recall tables by one evaluation dimension."""
    load_catalog_for_app(dataset).dimension(dimension)  # QueryError for an unknown code
    with _reading(dataset):
        return _cached_linkage_evaluation(dataset, _database_file(dataset), dimension, audience)


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_linkage_notes(dataset: str, database_file: DatabaseFile, by: tuple[str, ...],
                          audience: str) -> LinkageNotes | None:
    return linkage_notes(load_catalog_for_app(dataset), _database_at(database_file, dataset),
                         by, audience)


def linkage_notes_for(request: TableRequest) -> LinkageNotes | None:
    """Explore's linkage note for a view (None for a dataset without a linkage evaluation):
    the overall quality line and the recall flags of the view's evaluation dimensions."""
    evaluation = load_catalog_for_app(request.dataset).linkage.evaluation
    if evaluation is None:
        return None
    by = tuple(code for code in request.by if code in evaluation.by)
    with _reading(request.dataset):
        return _cached_linkage_notes(request.dataset, _database_file(request.dataset), by,
                                     request.audience)


@st.cache_data(show_spinner="Protecting the linkage-bias table...", max_entries=64)
def _cached_linkage_bias(dataset: str, database_file: DatabaseFile, characteristic: str,
                         audience: str) -> LinkageBiasView:
    return linkage_bias_view(load_catalog_for_app(dataset), _database_at(database_file, dataset),
                             characteristic, audience)


def linkage_bias_for(dataset: str, characteristic: str,
                     audience: str = "official") -> LinkageBiasView:
    """The (cached) protected comparison of linked and unlinked records on one characteristic."""
    load_catalog_for_app(dataset).dimension(characteristic)
    with _reading(dataset):
        return _cached_linkage_bias(dataset, _database_file(dataset), characteristic, audience)


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_linkage_model(dataset: str, database_file: DatabaseFile) -> LinkageModelTables | None:
    return linkage_model_tables(load_catalog_for_app(dataset), _database_at(database_file, dataset))


def linkage_model_for(dataset: str) -> LinkageModelTables | None:
    """The trained linkage model's parameters and settings, as stored (None when the catalog
    declares no model). Not about people: no disclosure control applies (see
    explorer.tables.linkage_evaluation.linkage_model_tables)."""
    if load_catalog_for_app(dataset).linkage.model is None:
        return None
    with _reading(dataset):
        return _cached_linkage_model(dataset, _database_file(dataset))


def hidden_cell_summary(table: MeasureTable, threshold: int | None = None) -> list[str]:
    """Plain-words lines counting the cells not shown in full, by status and rule
    (``threshold``: the policy's frequency threshold, named in the reason when given)."""
    frame = table.frame
    counted = table.events_label.lower()

    def words(rule: str) -> str:
        return rule_words(rule, counted) or "policy rule"

    lines = []
    hidden = frame[frame["status"] != CellStatus.SHOWN.value]
    for (status, rule), count in hidden.groupby(["status", "rule"]).size().items():
        why = words(rule)
        if rule == "frequency_threshold" and threshold is not None:
            why = f"fewer than {threshold} {counted}"
        lines.append(f"{count} {'cell' if count == 1 else 'cells'} {STATUS_WORDS.get(status, status).lower()}: {why}")
    shown = frame[(frame["status"] == CellStatus.SHOWN.value) & (frame["marker"] != "")]
    for (marker, rule), count in shown.groupby(["marker", "rule"]).size().items():
        lines.append(f"{count} {'cell' if count == 1 else 'cells'} marked {marker}: {words(rule)}")
    return lines


_router = threading.local()


@contextlib.contextmanager
def routed_page():
    """Marks this script run as running a page inside app.py's router (explorer.auth.navigation
    runs each page within it)."""
    _router.depth = getattr(_router, "depth", 0) + 1
    try:
        yield
    finally:
        _router.depth -= 1


def require_router() -> None:
    """Call first on every page: make sure the page runs inside app.py's st.navigation router.

    When a ``pages/`` folder sits beside the entry point, Streamlit 1.67 serves the first runs
    of a freshly started server (and every AppTest run) in its legacy pages-directory mode,
    which runs a deep-linked page file alone (e.g. /explore?measure=count as the first visit
    after a restart): no menu, no dataset picker, no role check. The page then runs the
    entry point itself, whose st.navigation routes the same URL back to this page inside the
    router, and stops; later runs go through app.py directly. Public behaviour only: nothing
    here touches Streamlit's internals.
    """
    if getattr(_router, "depth", 0):
        return
    code = compile(ENTRY_POINT.read_text(encoding="utf-8"), str(ENTRY_POINT), "exec")
    exec(code, {"__name__": "__main__", "__file__": str(ENTRY_POINT)})  # noqa: S102
    st.stop()
