"""Statistical disclosure control: the only road from raw aggregates to shown numbers.

One module per verb, over one vocabulary (``status``):
- ``structure``: a table's published cells (interior, subtotals, margins) and the additive
  constraints that link them;
- ``primary``: which cells are sensitive in themselves (frequency, zeros, dominance, p%);
- ``secondary``: complementary cells to hide so that no sensitive cell can be derived;
- ``audit``: the interval an attacker can derive for each hidden cell (linear programming);
- ``perturbation``, ``ptable``, ``perturbation_sql`` and ``rounding``: cell key perturbation
  (array functions, pandas reference and DuckDB SQL) and rounding for public outputs;
- ``raw_table``: ``RawTable``, the unprotected aggregate the engine takes;
- ``protected_table``: ``ProtectedTable``, the only type that may be shown;
- ``policy``: audience policies loaded from YAML;
- ``protect``: the engine that applies a policy and returns a ``ProtectedTable``.
"""

from explorer.sdc.policy import Policy, load_policy
from explorer.sdc.protect import protect
from explorer.sdc.protected_table import ProtectedTable
from explorer.sdc.raw_table import RawTable
from explorer.sdc.status import CellStatus, Marker
from explorer.sdc.structure import TOTAL, DimensionLevels

__all__ = ["CellStatus", "DimensionLevels", "Marker", "Policy", "ProtectedTable", "RawTable",
           "TOTAL", "load_policy", "protect"]
