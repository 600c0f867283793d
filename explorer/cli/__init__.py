"""``python -m explorer ...``: build-data, catalog, table, review, publish, add-user."""

from explorer.cli.commands import main

__all__ = ["main"]
