"""Linked Data Inequalities Explorer: library behind the Streamlit app and the CLI.

Packages by stage, each importing only from the stages above it in this list (a test,
tests/test_layout.py, checks it):

- ``errors``, ``paths``, ``formats``: what every stage may use (error types, where files live,
  JSON-schema records and number formats);
- ``catalog``: data catalogs (data_catalog/*.yaml), validated; safe-messaging wording rules;
- ``db``: the read-only DuckDB connection, the parameterised query runner and the one step that
  puts identifiers into SQL text;
- ``data``: what writes a database: the deterministic synthetic builders, the ingest of a linked
  extract, and the person-level model's exposure index they share;
- ``sdc``: disclosure control, from a RawTable to a ProtectedTable;
- ``measures``: rates, DSRs, ratios, SII/RII as pure functions;
- ``tables``: request -> aggregate -> protect -> MeasureTable;
- ``release``: review report, publish and the published file, headlines;
- ``app``: what pages call (view state, widgets, charts, downloads, cached builders);
- ``auth``: roles, accounts, sign-in, the role-aware menu;
- ``cli``: ``python -m explorer ...``.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
