"""Linked Data Inequalities Explorer: library behind the Streamlit app and the CLI.

Packages by stage, each importing only from the stages above it in this list (a test,
tests/test_layout.py, checks it):

- ``errors``, ``paths``, ``formats``: what every stage may use (error types, where files live,
  JSON-schema records and number formats);
- ``catalog``: data catalogs (data_catalog/*.yaml), validated; safe-messaging wording rules;
- ``data``: the deterministic synthetic builders and the person-level model's exposure index;
- ``db``: the read-only DuckDB connection and the parameterised query runner;
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
