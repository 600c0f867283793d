"""Data catalogs: one validated YAML file per dataset in ``data_catalog/``.

Public texts are checked when a catalog loads: suicide views against the Samaritans' guidelines
(``wording_problems``), views of outcomes about children against ``child_wording_problems``.

>>> catalog = load_catalog("census_mortality")
>>> catalog.dimension("sex").resolve("Male").code
1
"""

from __future__ import annotations

import re

from explorer.catalog.loader import format_key_path, load_catalog_file
from explorer.catalog.dimensions import Category, Dimension, Hierarchy, HierarchyGroup
from explorer.catalog.linkage import (Linkage, LinkageBias, LinkageEvaluation, LinkageModel,
                                      LinkageQuality)
from explorer.catalog.model import (
    BuildDefaults, Catalog, Cohort, Column, ExposureIndex, FollowUp, Outcome, PublicView,
    StandardPopulation, StructuralZero, Table,
)
from explorer.catalog.child_wording import child_wording_problems
from explorer.catalog.safe_messaging import SUPPORT_NOTICE, wording_problems
from explorer.catalog.schema import CATALOG_SCHEMA, IDENTIFIER_PATTERN
from explorer.errors import CatalogError
from explorer.paths import catalog_dir

__all__ = [
    "CATALOG_SCHEMA", "IDENTIFIER_PATTERN", "BuildDefaults", "Catalog", "Category", "Cohort",
    "Column", "Dimension", "ExposureIndex", "FollowUp", "Hierarchy", "HierarchyGroup", "Linkage",
    "LinkageBias", "LinkageEvaluation", "LinkageModel", "LinkageQuality", "Outcome", "PublicView",
    "SUPPORT_NOTICE", "StandardPopulation", "StructuralZero", "Table", "child_wording_problems",
    "wording_problems",
    "available_datasets", "format_key_path", "load_catalog", "load_catalog_file",
]


def available_datasets() -> list[str]:
    """Dataset codes that have a catalog file, sorted."""
    return sorted(path.stem for path in catalog_dir().glob("*.yaml"))


def load_catalog(dataset: str) -> Catalog:
    """Load the catalog of ``dataset`` from ``data_catalog/<dataset>.yaml``.

    Raises CatalogError naming the available datasets when there is no such catalog, and
    when the file's ``dataset.code`` differs from its file name.
    """
    available = available_datasets()
    if not isinstance(dataset, str) or not re.match(IDENTIFIER_PATTERN, dataset) \
            or dataset not in available:
        raise CatalogError(f"unknown dataset {dataset!r}; available datasets: "
                           f"{', '.join(available) or '(none)'}")
    path = catalog_dir() / f"{dataset}.yaml"
    catalog = load_catalog_file(path)
    if catalog.code != dataset:
        raise CatalogError(f"{path}: dataset.code: {catalog.code!r} does not match the file "
                           f"name (expected {dataset!r})")
    return catalog
