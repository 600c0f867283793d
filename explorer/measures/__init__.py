"""Measures computed on protected cells: pure, vectorised numpy functions.

Modules, one job each (formula sources are in each function's docstring):
- ``poisson_limits``: Byar's and exact (chi-square) Poisson limits for a count.
- ``rates``: crude rate with exact / Byar's CI (PHEindicatormethods ``phe_rate``).
- ``proportions``: proportion with Wilson score CI (``phe_proportion``).
- ``standardisation``: directly standardised rate with Dobson CI (``calculate_dsr``).
- ``ratios``: ratio of two DSRs (log-scale delta method), crude rate ratio
  (exact conditional binomial CI) and ratio of two proportions (Katz log CI).
- ``inequality`` (SII/RII) and ``regression`` (Poisson GLM rate ratios) are maintained separately.
- ``balance``: linked against unlinked records: standardised difference of a binary indicator
  (Austin 2009) and the chi-square test of independence.
The measure codes of a table are computed from a ProtectedTable's shown cells in
explorer.tables.cell_measures, which calls these.

Conventions: inputs are array-like and broadcast; outputs are float ndarrays (0-d for
scalar input); NaN in gives NaN out; negative counts or denominators raise ValueError.
``conf`` is a level in (0, 1], or in [90, 100] (then divided by 100, as in PHE).
"""
