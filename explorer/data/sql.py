"""Loading the build SQL from queries/build/ (the project rule: all SQL lives in queries/)."""

from __future__ import annotations

from functools import lru_cache

from explorer.paths import queries_dir


@lru_cache(maxsize=None)
def build_sql(name: str) -> str:
    """Text of queries/build/<name>.sql."""
    return (queries_dir() / "build" / f"{name}.sql").read_text(encoding="utf-8")
