"""Linked Data Inequalities Explorer: library behind the Streamlit app and the CLI.

Modules, one job each:
- ``explorer.catalog``: load and validate data catalogs (data_catalog/*.yaml).
- ``explorer.db``: read-only DuckDB connection and the parameterised query runner.
- ``explorer.synth``: the deterministic synthetic-data builders.
- ``explorer.cli``: ``python -m explorer ...``.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
