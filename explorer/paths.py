"""Where things live, relative to the project root (the folder holding data_catalog/)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    """The project root; EXPLORER_ROOT overrides it (tests use this)."""
    return Path(os.environ.get("EXPLORER_ROOT", PROJECT_ROOT))


def catalog_dir() -> Path:
    return project_root() / "data_catalog"


def queries_dir() -> Path:
    return PROJECT_ROOT / "queries"


def data_dir() -> Path:
    return Path(os.environ.get("EXPLORER_DATA_DIR", project_root() / "data"))


def default_database_path(dataset: str) -> Path:
    """The database file the app and CLI read for ``dataset`` unless told otherwise."""
    return data_dir() / f"{dataset}.duckdb"
