"""Small, cached helpers that app.py and pages/ call, so pages stay thin."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from explorer.catalog import Catalog, available_datasets, load_catalog
from explorer.db.connection import Database, open_database
from explorer.db.runner import QueryRunner
from explorer.errors import DatabaseMissingError, DatabaseOutdatedError
from explorer.tables.measure_table import MeasureTable
from explorer.paths import default_database_path
from explorer.release.review import ReviewTable, review_policy, review_view_tables
from explorer.sdc.status import CellStatus
from explorer.tables.request import TableRequest
from explorer.app.downloads import csv_download, xlsx_download  # noqa: F401 - pages import them from here
from explorer.tables import build_table, build_view_tables
from explorer.tables.linkage_bias import LinkageBiasView, linkage_bias_view
from explorer.tables.linkage_evaluation import (LinkageModelTables, LinkageNotes,
                                                linkage_evaluation_tables, linkage_model_tables,
                                                linkage_notes)


@st.cache_resource(show_spinner=False)
def load_catalog_for_app(dataset: str) -> Catalog:
    """The validated catalog, loaded once per server process."""
    return load_catalog(dataset)


def dataset_choices() -> dict[str, str]:
    """Dataset code -> title, for the sidebar picker."""
    return {code: load_catalog_for_app(code).title for code in available_datasets()}


@dataclass(frozen=True)
class DatabaseStatus:
    path: Path
    ready: bool
    message: str


def database_status(dataset: str) -> DatabaseStatus:
    """Whether the dataset's database file is present, and if not, how to build it."""
    path = default_database_path(dataset)
    if path.exists():
        return DatabaseStatus(path, True, "")
    return DatabaseStatus(path, False, str(_missing(dataset, path)))


def _missing(dataset: str, path: Path) -> DatabaseMissingError:
    """The missing-database error, naming the command that makes this dataset's file."""
    catalog = load_catalog_for_app(dataset)
    return DatabaseMissingError.for_dataset(dataset, path, ingested=catalog.source is not None,
                                            built=catalog.build_defaults is not None)


# --- Explore page: shared database, cached protected tables, download ------------------------

@st.cache_resource(show_spinner=False)
def _database_at(path: str, dataset: str) -> Database:
    """The shared read-only Database; DatabaseOutdatedError (not cached) when the file does not
    match the catalog, e.g. built by an older version, so no query fails half-way."""
    database = open_database(path, dataset)
    problems = QueryRunner(database, load_catalog_for_app(dataset)).schema_mismatches()
    if problems:
        database.close()
        raise DatabaseOutdatedError.for_dataset(dataset, Path(path), problems)
    return database


def shared_database(dataset: str) -> Database:
    """One read-only Database per dataset file, shared by every session (each thread gets its
    own cursor). Keyed on the file's path, so pointing EXPLORER_DATA_DIR elsewhere opens that
    file; DatabaseMissingError (not cached) when the file is absent."""
    return _database_at(str(default_database_path(dataset)), dataset)


def _database_path(dataset: str) -> str:
    """The dataset's database file, part of every cache key; DatabaseMissingError (never
    cached) when it is absent."""
    path = default_database_path(dataset)
    if not path.is_file():
        raise _missing(dataset, path)
    return str(path)


@st.cache_data(show_spinner="Building the protected table...", max_entries=256)
def cached_measure_table(request: TableRequest, database_path: str) -> MeasureTable:
    """The protected MeasureTable for a validated request. The request is the cache key as it
    is (frozen and hashable), with its audience inside, so a table protected for one role is
    never handed to another; only protected tables (never raw counts) are cached, and every
    session shares them."""
    return build_table(request, load_catalog_for_app(request.dataset),
                       _database_at(database_path, request.dataset))


def measure_table_for(request: TableRequest) -> MeasureTable:
    """The (cached) protected table for a validated request."""
    return cached_measure_table(request, _database_path(request.dataset))


@st.cache_data(show_spinner="Building the protected tables...", max_entries=256)
def cached_view_tables(request: TableRequest, database_path: str
                       ) -> tuple[MeasureTable, MeasureTable | None]:
    """The view's table and its trend by year from one database scan (keyed like
    cached_measure_table; only protected tables are cached). No trend (None) for a
    person-level dataset."""
    return build_view_tables(request, load_catalog_for_app(request.dataset),
                             _database_at(database_path, request.dataset))


def view_tables_for(request: TableRequest) -> tuple[MeasureTable, MeasureTable | None]:
    """The Explore page's (cached) protected view table and trend table (None for a
    person-level dataset)."""
    return cached_view_tables(request, _database_path(request.dataset))


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_view_workbook(request: TableRequest, database_path: str) -> bytes:
    table, _ = cached_view_tables(request, database_path)
    return xlsx_download(table, load_catalog_for_app(request.dataset))


def view_workbook_for(request: TableRequest) -> bytes:
    """The Excel workbook of the view's protected table, built once per view (not on every
    rerun of the page)."""
    return _cached_view_workbook(request, _database_path(request.dataset))


# --- Review page (statisticians only): tables WITH TRUE VALUES --------------------------------

@st.cache_data(show_spinner="Building the review tables...", max_entries=32)
def _cached_review_tables(request: TableRequest, database_path: str, policy_choice: str,
                          threshold: int | None) -> tuple[ReviewTable, ...]:
    """The view's and trend's ReviewTables (true values inside). A cache of its own, keyed by
    the review's policy choice: no other page's builder can hit it, and only pages/review.py
    (which refuses every role but statistician) calls ``review_tables_for``."""
    catalog = load_catalog_for_app(request.dataset)
    policy = review_policy(catalog, policy_choice, threshold)
    return review_view_tables(request, catalog, _database_at(database_path, request.dataset), policy)


def review_tables_for(request: TableRequest, policy_choice: str,
                      threshold: int | None) -> tuple[ReviewTable, ...]:
    """The (cached) review of a view and its trend under the chosen policy (``custom``: the
    official policy with ``threshold``); the view alone for a person-level dataset.
    Statistician review page only."""
    return _cached_review_tables(request, _database_path(request.dataset), policy_choice,
                                 int(threshold) if policy_choice == "custom" else None)


@st.cache_data(show_spinner="Protecting the linkage table...", max_entries=64)
def _cached_linkage_table(dataset: str, database_path: str, dimension: str, audience: str) -> MeasureTable:
    from explorer.tables.linkage_quality import linkage_rate_table

    return linkage_rate_table(load_catalog_for_app(dataset), _database_at(database_path, dataset),
                              dimension, audience)


def linkage_table_for(dataset: str, dimension: str, audience: str = "official") -> MeasureTable:
    """The (cached) protected linkage-rate table by one person-level dimension."""
    load_catalog_for_app(dataset).dimension(dimension)  # QueryError for an unknown code
    return _cached_linkage_table(dataset, _database_path(dataset), dimension, audience)


# --- linkage quality and linkage bias (datasets whose catalog declares them) -------------------

@st.cache_data(show_spinner="Protecting the linkage evaluation...", max_entries=64)
def _cached_linkage_evaluation(dataset: str, database_path: str, dimension: str,
                               audience: str) -> dict[str, MeasureTable]:
    return linkage_evaluation_tables(load_catalog_for_app(dataset),
                                     _database_at(database_path, dataset), dimension, audience)


def linkage_evaluation_for(dataset: str, dimension: str,
                           audience: str = "official") -> dict[str, MeasureTable]:
    """The (cached) protected precision and recall tables by one evaluation dimension."""
    load_catalog_for_app(dataset).dimension(dimension)  # QueryError for an unknown code
    return _cached_linkage_evaluation(dataset, _database_path(dataset), dimension, audience)


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_linkage_notes(dataset: str, database_path: str, by: tuple[str, ...],
                          audience: str) -> LinkageNotes | None:
    return linkage_notes(load_catalog_for_app(dataset), _database_at(database_path, dataset),
                         by, audience)


def linkage_notes_for(request: TableRequest) -> LinkageNotes | None:
    """Explore's linkage note for a view (None for a dataset without a linkage evaluation):
    the overall quality line and the recall flags of the view's evaluation dimensions."""
    evaluation = load_catalog_for_app(request.dataset).linkage.evaluation
    if evaluation is None:
        return None
    by = tuple(code for code in request.by if code in evaluation.by)
    return _cached_linkage_notes(request.dataset, _database_path(request.dataset), by,
                                 request.audience)


@st.cache_data(show_spinner="Protecting the linkage-bias table...", max_entries=64)
def _cached_linkage_bias(dataset: str, database_path: str, characteristic: str,
                         audience: str) -> LinkageBiasView:
    return linkage_bias_view(load_catalog_for_app(dataset), _database_at(database_path, dataset),
                             characteristic, audience)


def linkage_bias_for(dataset: str, characteristic: str,
                     audience: str = "official") -> LinkageBiasView:
    """The (cached) protected comparison of linked and unlinked records on one characteristic."""
    load_catalog_for_app(dataset).dimension(characteristic)
    return _cached_linkage_bias(dataset, _database_path(dataset), characteristic, audience)


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_linkage_model(dataset: str, database_path: str) -> LinkageModelTables | None:
    return linkage_model_tables(load_catalog_for_app(dataset), _database_at(database_path, dataset))


def linkage_model_for(dataset: str) -> LinkageModelTables | None:
    """The trained linkage model's parameters and settings, as stored (None when the catalog
    declares no model). Not about people: no disclosure control applies (see
    explorer.tables.linkage_evaluation.linkage_model_tables)."""
    if load_catalog_for_app(dataset).linkage.model is None:
        return None
    return _cached_linkage_model(dataset, _database_path(dataset))


_RULE_WORDS = {
    "frequency_threshold": "fewer {counted} than the policy's threshold",
    "zeros": "a zero that could reveal something about a whole group",
    "dominance_nk": "a few contributors dominate the total",
    "p_percent": "one contributor could estimate another's value too closely",
    "secondary_suppression": "hidden so a hidden cell cannot be worked out from the totals",
    "inherits_hidden_group": "based on a group that is hidden",
    "rate_reliability": "too few {counted} for a reliable figure",
    "index_not_defined": "the index cannot be calculated from these groups",
    "counts_protected_together": "a count it is calculated from is hidden",
    "perturbed_count_above_its_total": "the perturbed count came out above its total",
    "structural_zero": "cannot happen (structural zero)",
}
"""Why a cell is not shown in full; ``{counted}`` is what the table's counts count (deaths,
people with the outcome)."""
_STATUS_WORDS = {CellStatus.SUPPRESSED_PRIMARY.value: "hidden (primary)",
                 CellStatus.SUPPRESSED_SECONDARY.value: "hidden (secondary)"}


def hidden_cell_summary(table: MeasureTable, threshold: int | None = None) -> list[str]:
    """Plain-words lines counting the cells not shown in full, by status and rule
    (``threshold``: the policy's frequency threshold, named in the reason when given)."""
    frame = table.frame
    counted = table.events_label.lower()

    def words(rule: str) -> str:
        return _RULE_WORDS.get(rule, rule or "policy rule").format(counted=counted)

    lines = []
    hidden = frame[frame["status"] != CellStatus.SHOWN.value]
    for (status, rule), count in hidden.groupby(["status", "rule"]).size().items():
        why = words(rule)
        if rule == "frequency_threshold" and threshold is not None:
            why = f"fewer than {threshold} {counted}"
        lines.append(f"{count} {'cell' if count == 1 else 'cells'} {_STATUS_WORDS.get(status, status)}: {why}")
    shown = frame[(frame["status"] == CellStatus.SHOWN.value) & (frame["marker"] != "")]
    for (marker, rule), count in shown.groupby(["marker", "rule"]).size().items():
        lines.append(f"{count} {'cell' if count == 1 else 'cells'} marked {marker}: {words(rule)}")
    return lines


def require_router() -> None:
    """Call first on every page: make sure the page runs inside app.py's st.navigation router.

    Streamlit 1.67 starts a server process in the legacy pages-directory mode when a ``pages/``
    folder sits beside the entry point, and leaves it only once app.py has called
    st.navigation. Until then a deep link (e.g. /explore?measure=count as the first visit
    after a restart) runs the page file alone: no sidebar, no session_state["dataset"]. Here
    the page switches the process out of that mode and reruns, so app.py routes the same URL.
    """
    if "dataset" in st.session_state:
        return
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.error("This page opens from the app's home page.")
    st.stop()
