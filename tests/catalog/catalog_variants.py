"""A shipped catalog, changed by a test and written to a temporary YAML file (for the catalog
tests that check one rule at a time)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from explorer.paths import catalog_dir


def catalog_document(code: str) -> dict[str, Any]:
    """The shipped catalog ``code`` as parsed YAML."""
    return yaml.safe_load((catalog_dir() / f"{code}.yaml").read_text(encoding="utf-8"))


def catalog_variant(tmp_path: Path, code: str, mutate: Callable[[dict[str, Any]], Any]) -> Path:
    """The shipped catalog ``code`` after ``mutate`` (which edits the document in place),
    written to ``tmp_path``."""
    document = catalog_document(code)
    mutate(document)
    path = tmp_path / f"{code}_variant.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
