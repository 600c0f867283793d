"""The disclosure control engine: RawTable + Policy -> ProtectedTable.

Steps, in order (each decision recorded per cell with the rule that made it):
1. lay out the table's published cells: interior, hierarchy subtotals, margins, grand total
   (``structure``), with true values summed from the interior cells;
2. primary suppression on the true values: frequency threshold and zeros for count tables;
   for magnitude tables also dominance (n, k) and p% on the magnitudes (``primary``);
3. secondary suppression, when the policy enables it: complementary cells chosen by a MILP
   at least cost, where the cost of a cell is its value + 1 (hide the fewest people, then the
   fewest cells) times ``margin_cost_factor`` for margins and subtotals (``secondary``);
4. the audit: each hidden cell's feasible interval given everything shown (``audit``);
5. for public outputs, every shown count is perturbed by the cell key method or rounded
   (``perturbation``, ``rounding``); which cells changed is not revealed;
6. reliability: cells whose shown count is below ``rate_reliability.flag_below`` carry the
   ``low_reliability`` flag for the measures layer, which marks *rates* from them [u] (judged
   on the shown value, so the flag cannot leak a perturbed cell's true count); counts carry no
   [u]. Structural zeros are shown as not applicable [z], never hidden.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from explorer.sdc import primary
from explorer.sdc.audit import audit_table
from explorer.sdc.perturbation import cell_keys, perturb_counts
from explorer.sdc.ptable import DEFAULT_PTABLE_PATH, PTable
from explorer.sdc.policy import Policy
from explorer.sdc.protected_table import _ENGINE_TOKEN, ProtectedTable, StrataDetail
from explorer.sdc.raw_table import RawTable
from explorer.sdc.rounding import round_to_base
from explorer.sdc.secondary import complementary_suppression
from explorer.sdc.status import CellStatus, Marker, marker_for
from explorer.sdc.structure import TOTAL, build_structure

SECONDARY = "secondary_suppression"
CELL_KEY = "cell_key_perturbation"
ROUNDING = "rounding"
STRUCTURAL_ZERO = "structural_zero"


def protect(raw: RawTable, policy: Policy, *, ptable: PTable | None = None) -> ProtectedTable:
    """Apply ``policy`` to ``raw`` and return the only kind of table that may be shown."""
    structure = build_structure(raw.dimensions)
    coverage = structure.coverage
    true_values = coverage @ raw.counts
    structural = (coverage @ (~raw.structural_zero).astype(float)) == 0
    is_margin = ~structure.interior

    sensitive, rule = _primary(raw, policy, true_values, structural, coverage)

    lower = np.where(sensitive, np.minimum(true_values, policy.protection_level), 0.0)
    upper = np.where(sensitive, policy.protection_level, 0.0)
    cost = (true_values + 1.0) * np.where(is_margin, policy.margin_cost_factor, 1.0)
    if policy.secondary_enabled and sensitive.any():
        result = complementary_suppression(true_values, sensitive, structure, lower, upper, cost,
                                           forbidden=structural)
        hidden, audit = result.hidden, result.audit
        publishable, notes = result.publishable, result.notes
    else:
        publishable, notes = True, ()
        hidden = sensitive.copy()
        audit = audit_table(true_values, hidden, structure, lower, upper) if hidden.any() else None
    secondary = hidden & ~sensitive
    rule = np.where(secondary, SECONDARY, rule)

    status = np.full(len(true_values), CellStatus.SHOWN.value, dtype=object)
    status[sensitive] = CellStatus.SUPPRESSED_PRIMARY.value
    status[secondary] = CellStatus.SUPPRESSED_SECONDARY.value

    shown = true_values.copy()
    shown_mask = ~hidden & ~structural
    if policy.perturbation == "cell_key":
        shown, rule = _perturb(raw, policy, ptable, coverage, shown, shown_mask, rule, status)
    elif policy.perturbation == "rounding":
        shown[shown_mask] = round_to_base(shown[shown_mask], policy.rounding_base)
        status[shown_mask] = CellStatus.ROUNDED.value
        rule = np.where(shown_mask, f"{ROUNDING}_base_{policy.rounding_base}", rule)
    shown[hidden | structural] = np.nan

    low_reliability = shown_mask & (shown < policy.rate_flag_below)
    rule = np.where(structural & ~hidden, STRUCTURAL_ZERO, rule)

    cells = _cell_frame(raw, structure, true_values, shown, status, rule, low_reliability,
                        structural, is_margin, audit)
    strata = None
    if raw.strata_events is not None:
        blank = np.where(hidden[:, None], np.nan, 1.0)
        strata = StrataDetail(tuple(raw.strata), (coverage @ raw.strata_events) * blank,
                              (coverage @ raw.strata_person_years) * blank)
    return ProtectedTable(token=_ENGINE_TOKEN, cells=cells,
                          dimensions=tuple(d.code for d in raw.dimensions), policy=policy,
                          audit=audit, description=raw.description, publishable=publishable,
                          notes=notes, strata=strata)


def _primary(raw: RawTable, policy: Policy, values: np.ndarray, structural: np.ndarray,
             coverage: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Primary-sensitive cells and the first rule that flagged each ('' for none)."""
    checks = [
        (primary.FREQUENCY, primary.frequency_rule(values, policy.threshold)),
        (primary.ZEROS, primary.zeros_rule(values, policy.zeros_disclosive, structural)),
    ]
    if raw.is_magnitude:
        magnitudes = coverage @ raw.magnitudes
        top = primary.margin_top_contributions(coverage, raw.top_contributions)
        checks += [
            (primary.DOMINANCE, primary.dominance_rule(magnitudes, top, policy.nk_n, policy.nk_k)),
            (primary.P_PERCENT, primary.p_percent_rule(magnitudes, top, policy.p_percent)),
        ]
    sensitive = np.zeros(len(values), dtype=bool)
    rule = np.full(len(values), "", dtype=object)
    for name, flagged in checks:
        rule[flagged & ~sensitive] = name
        sensitive |= flagged
    return sensitive, rule


def _perturb(raw: RawTable, policy: Policy, ptable: PTable | None, coverage: np.ndarray,
             shown: np.ndarray, shown_mask: np.ndarray, rule: np.ndarray,
             status: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if raw.record_key_sums is None:
        raise ValueError("the cell key method needs record-key sums for every interior cell")
    table = ptable or _ptable_for(policy.ptable)
    keys = cell_keys(coverage @ raw.record_key_sums)
    perturbed = perturb_counts(shown, keys, table).astype(float)
    shown = np.where(shown_mask, perturbed, shown)
    status[shown_mask] = CellStatus.PERTURBED.value
    return shown, np.where(shown_mask, CELL_KEY, rule)


@functools.lru_cache(maxsize=8)
def _ptable_for(name: str) -> PTable:
    """A policy's p-table: a file shipped beside the default one, or an absolute path."""
    candidate = Path(name)
    return PTable.load(candidate if candidate.is_absolute() else DEFAULT_PTABLE_PATH.parent / name)


def _cell_frame(raw: RawTable, structure, true_values, shown, status, rule, low_reliability,
                structural, is_margin, audit) -> pd.DataFrame:
    cells = structure.cells.drop(columns=["is_interior"]).copy()
    for dimension in raw.dimensions:
        cells[f"{dimension.code}_label"] = [raw.label(dimension.code, level)
                                            for level in cells[dimension.code]]
    cells["value"] = shown
    cells["status"] = status
    cells["rule"] = rule
    cells["marker"] = [Marker.NOT_APPLICABLE.value if z and not s.startswith("suppressed") else
                       marker_for(CellStatus(s)) for s, z in zip(status, structural)]
    cells["low_reliability"] = low_reliability
    cells["is_margin"] = is_margin
    for name, values in raw.additive.items():
        cells[name] = structure.coverage @ values
    cells["true_value"] = true_values
    cells["audit_lower"] = audit.lower if audit is not None else np.nan
    cells["audit_upper"] = audit.upper if audit is not None else np.nan
    return cells


__all__ = ["protect", "TOTAL"]
