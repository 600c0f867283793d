"""Errors a user can cause. Each carries a message fit to show as-is in the UI or CLI."""

from __future__ import annotations

from pathlib import Path


class ExplorerError(Exception):
    """Base class: an error with a user-facing message (no stack trace shown)."""


class CatalogError(ExplorerError):
    """A data catalog file is missing or malformed."""


class DatabaseMissingError(ExplorerError):
    """The dataset's database file does not exist yet."""

    @classmethod
    def for_dataset(cls, dataset: str, path: Path, ingested: bool = False,
                    built: bool = True) -> "DatabaseMissingError":
        """The standard message: which file is missing and which command makes it (``ingested``:
        the dataset is read from an extract; neither it nor ``built``: made by its own program)."""
        if not ingested and not built:
            return cls(f"Database file {path} not found. Its catalog says neither how to build "
                       f"nor how to ingest it: put the file made for dataset {dataset} there.")
        if ingested:
            return cls(f"Database file {path} not found. Ingest the extract with: "
                       f"python -m explorer ingest --dataset {dataset} --source FILE")
        return cls(
            f"Database file {path} not found. Build it with: "
            f"python -m explorer build-data --dataset {dataset} (or: make data)"
        )


class DatabaseOutdatedError(ExplorerError):
    """The dataset's database file does not match its catalog (built by an older version)."""

    @classmethod
    def for_dataset(cls, dataset: str, path: Path, problems: list[str]) -> "DatabaseOutdatedError":
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        return cls(
            f"Database file {path} does not match the data catalog ({shown}): it was built by an "
            f"older version. Rebuild it with: python -m explorer build-data --dataset {dataset} "
            f"--if-absent (or: make data)"
        )


class QueryError(ExplorerError):
    """A query request names something the catalog does not have, or has a bad value."""
