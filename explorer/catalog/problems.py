"""The semantic problem a catalog section raises while it is built: a message at a key path
(``["dimensions", "sex", "reference"]``); the loader turns it into a one-line CatalogError."""

from __future__ import annotations

from collections.abc import Sequence


class CatalogProblem(Exception):
    """A semantic problem at a key path (``["dimensions", "sex", "reference"]``)."""

    def __init__(self, path: Sequence[str | int], message: str) -> None:
        super().__init__(message)
        self.path = tuple(path)
        self.message = message


__all__ = ["CatalogProblem"]
