"""Small, cached helpers that app.py and pages/ call, so pages stay thin."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from explorer.catalog import Catalog, available_datasets, load_catalog
from explorer.errors import DatabaseMissingError
from explorer.paths import default_database_path


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
    return DatabaseStatus(path, False, str(DatabaseMissingError.for_dataset(dataset, path)))
