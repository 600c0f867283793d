"""Deterministic synthetic linked databases (python -m explorer build-data)."""

from explorer.data.build import BuildReport, build_dataset

__all__ = ["BuildReport", "build_dataset"]
