"""Errors a user can cause. Each carries a message fit to show as-is in the UI or CLI."""

from __future__ import annotations

from pathlib import Path


class ExplorerError(Exception):
    """Base class: an error with a user-facing message (no stack trace shown).

    The message (``str(error)``) names no server path, so a page may show it to anyone;
    ``detail`` (file paths, the underlying cause) is for the command line and for signed-in
    statisticians only (:meth:`page_message`)."""

    detail: str | None = None

    def __init__(self, *args: object, detail: str | None = None) -> None:
        super().__init__(*args)
        self.detail = detail

    def page_message(self, details: bool = False) -> str:
        """The message for a page; with ``details`` (a statistician) the detail too."""
        return f"{self} [{self.detail}]" if details and self.detail else str(self)

    def one_line(self) -> str:
        """The message and its detail on one line (the command line's error line)."""
        return " ".join(self.page_message(details=True).split())


class CatalogError(ExplorerError):
    """A data catalog file is missing or malformed."""


class DatabaseMissingError(ExplorerError):
    """The dataset's database file does not exist yet."""

    @classmethod
    def for_dataset(cls, dataset: str, path: Path, ingested: bool = False,
                    built: bool = True) -> "DatabaseMissingError":
        """The standard message: which file is missing and which command makes it (``ingested``:
        the dataset is read from an extract; neither it nor ``built``: made by its own program)."""
        detail = f"database file: {path}"
        if not ingested and not built:
            return cls(f"The database file of dataset {dataset} was not found. Its catalog says "
                       f"neither how to build nor how to ingest it: put the file made for it in "
                       f"the data folder.", detail=detail)
        if ingested:
            return cls(f"The database file of dataset {dataset} was not found. Ingest the "
                       f"extract with: python -m explorer ingest --dataset {dataset} --source FILE",
                       detail=detail)
        return cls(f"The database file of dataset {dataset} was not found. Build it with: "
                   f"python -m explorer build-data --dataset {dataset} (or: make data)",
                   detail=detail)


class DatabaseOutdatedError(ExplorerError):
    """The dataset's database file does not match its catalog (built by an older version)."""

    @classmethod
    def for_dataset(cls, dataset: str, path: Path, problems: list[str]) -> "DatabaseOutdatedError":
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        return cls(
            f"The database file of dataset {dataset} does not match the data catalog ({shown}): "
            f"it was built by an older version. Rebuild it with: python -m explorer build-data "
            f"--dataset {dataset} --if-absent (or: make data)", detail=f"database file: {path}")


class DatabaseUnreadableError(ExplorerError):
    """The dataset's database file exists but cannot be read: damaged, truncated, locked by
    another process, written by another DuckDB version, or not a database. The message is
    plain; ``detail`` has the path and the cause (never a process id)."""

    @classmethod
    def for_dataset(cls, path: Path, cause: str, locked: bool = False) -> "DatabaseUnreadableError":
        message = ("The database for this dataset is in use by another program and cannot be "
                   "read just now; try again in a minute, or ask an administrator."
                   if locked else
                   "The database for this dataset cannot be read; an administrator needs to "
                   "rebuild it.")
        return cls(message, detail=f"database file: {path}; cause: {cause}")


class QueryError(ExplorerError):
    """A query request names something the catalog does not have, or has a bad value."""
