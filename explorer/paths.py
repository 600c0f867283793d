"""Where things live, relative to the project root (the folder holding data_catalog/)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    """The project root; EXPLORER_ROOT overrides it (tests use this)."""
    return Path(os.environ.get("EXPLORER_ROOT", PROJECT_ROOT))


def catalog_dir() -> Path:
    """The folder of data catalogs (``<dataset>.yaml``, the datasets the app's picker and the
    CLI offer) and of the disclosure control policies they name (``policies/<name>.yaml``).
    EXPLORER_CATALOG_DIR overrides it (tests serve a folder holding a second, differently
    shaped catalog beside copies of the project's); otherwise ``data_catalog/`` under the
    project root (EXPLORER_ROOT)."""
    override = os.environ.get("EXPLORER_CATALOG_DIR")
    return Path(override) if override else project_root() / "data_catalog"


def queries_dir() -> Path:
    return PROJECT_ROOT / "queries"


def data_dir() -> Path:
    return Path(os.environ.get("EXPLORER_DATA_DIR", project_root() / "data"))


def default_database_path(dataset: str) -> Path:
    """The database file the app and CLI read for ``dataset`` unless told otherwise."""
    return data_dir() / f"{dataset}.duckdb"
