"""The disclosure control engine: RawTable + Policy -> ProtectedTable.

Steps, in order (each decision recorded per cell with the rule that made it):
1. lay out the table's published cells: interior, hierarchy subtotals, margins, grand total
   (``structure``), with true values summed from the interior cells;
2. primary suppression on the true values: frequency threshold and zeros for count tables;
   for magnitude tables also dominance (n, k) and p% on the magnitudes (``primary``);
3. secondary suppression, when the policy enables it: complementary cells chosen by a MILP
   at least cost, where the cost of a cell is its value + 1 (hide the fewest people, then the
   fewest cells) times ``margin_cost_factor`` for margins and subtotals (``secondary``);
4. the audit: each hidden cell's feasible interval given everything shown (``audit``; for
   perturbed tables ``noise_audit``, computed when a review asks for it);
5. flexible outputs (official and public policies) perturb every shown count by the cell key
   method (``perturbation``): the cell key is the sum of the cell's records' keys mod 256 and
   the noise is read from the policy's p-table by (count, cell key), so the same records get
   the same noise in every table; a count that perturbation takes below the threshold is
   hidden too. Each (cell, age band) stratum is perturbed with its own key, so measures that
   standardise use perturbed counts only. ``rounding`` is the other, older option;
6. denominators (person-years, persons) are rounded to the policy's base and blanked for hidden
   cells;
7. reliability: cells whose shown count is below ``rate_reliability.flag_below`` carry the
   ``low_reliability`` flag for the measures layer, which marks *rates* from them [u] (judged
   on the shown value, so the flag cannot leak a perturbed cell's true count); counts carry no
   [u]. Structural zeros are shown as not applicable [z], never hidden.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from explorer.sdc import primary
from explorer.sdc.audit import audit_table
from explorer.sdc.noise_audit import noise_bound_audit
from explorer.sdc.perturbation import cell_keys, perturb_counts
from explorer.sdc.ptable import DEFAULT_PTABLE_PATH, PTable, PTableError
from explorer.sdc.policy import Policy
from explorer.sdc.protected_table import _ENGINE_TOKEN, ProtectedTable, StrataDetail
from explorer.sdc.raw_table import RawTable
from explorer.sdc.rounding import round_to_base
from explorer.sdc.secondary import complementary_suppression
from explorer.sdc.status import CellStatus, Marker, marker_for
from explorer.sdc.structure import TOTAL, build_structure

SECONDARY = "secondary_suppression"
CELL_KEY = "cell_key_perturbation"
PERTURBED_BELOW_THRESHOLD = "frequency_threshold_after_perturbation"
"""Rule of a cell whose perturbed count fell below the threshold. Readers other than output
checkers see it as ``frequency_threshold``: which hidden cells are the small ones is not shown."""
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
    audit_factory = None
    if policy.secondary_enabled and sensitive.any():
        result = complementary_suppression(true_values, sensitive, structure, lower, upper, cost,
                                           forbidden=structural)
        hidden, audit = result.hidden, result.audit
        publishable, notes = result.publishable, result.notes
    else:
        publishable, notes = True, ()
        hidden = sensitive.copy()
        audit = (audit_table(true_values, hidden, structure, lower, upper)
                 if hidden.any() and not policy.perturbed else None)
    secondary = hidden & ~sensitive
    rule = np.where(secondary, SECONDARY, rule)

    status = np.full(len(true_values), CellStatus.SHOWN.value, dtype=object)
    status[sensitive] = CellStatus.SUPPRESSED_PRIMARY.value
    status[secondary] = CellStatus.SUPPRESSED_SECONDARY.value

    shown = true_values.copy()
    shown_mask = ~hidden & ~structural
    strata_events = None if raw.strata_events is None else coverage @ raw.strata_events
    if policy.perturbed:
        table = ptable or policy_ptable(policy)
        shown, below = _perturb(raw, policy, table, coverage, shown, shown_mask)
        # a count that perturbation takes below the threshold is hidden too, so no shown count
        # is ever below it (ONS cell-key-perturbation applies the threshold after perturbing)
        hidden = hidden | below
        status[below] = CellStatus.SUPPRESSED_PRIMARY.value
        rule = np.where(below, PERTURBED_BELOW_THRESHOLD, rule)
        shown_mask = shown_mask & ~below
        status[shown_mask] = CellStatus.PERTURBED.value
        rule = np.where(shown_mask, CELL_KEY, rule)
        if strata_events is not None:
            strata_events = _perturb_strata(raw, table, coverage, strata_events)
        if hidden.any() and audit is None:
            # computed when first asked for (reviews and publishing ask; Explore and the CLI's
            # table do not, so they do not pay for the LPs)
            audit_factory = functools.partial(noise_bound_audit, true_values, shown.copy(), hidden,
                                              structural, structure, table.max_noise,
                                              np.where(hidden, lower, 0.0),
                                              np.where(sensitive | below, upper, 0.0))
    elif policy.perturbation == "rounding":
        shown[shown_mask] = round_to_base(shown[shown_mask], policy.rounding_base)
        status[shown_mask] = CellStatus.ROUNDED.value
        rule = np.where(shown_mask, f"{ROUNDING}_base_{policy.rounding_base}", rule)
    shown[hidden | structural] = np.nan

    low_reliability = shown_mask & (shown < policy.rate_flag_below)
    rule = np.where(structural & ~hidden, STRUCTURAL_ZERO, rule)

    cells = _cell_frame(raw, structure, true_values, shown, status, rule, low_reliability,
                        structural, is_margin, hidden, policy)
    strata = None
    if strata_events is not None:
        blank = np.where(hidden[:, None], np.nan, 1.0)
        strata = StrataDetail(tuple(raw.strata), strata_events * blank,
                              (coverage @ raw.strata_person_years) * blank)
    return ProtectedTable(token=_ENGINE_TOKEN, cells=cells,
                          dimensions=tuple(d.code for d in raw.dimensions), policy=policy,
                          audit=audit, description=raw.description, publishable=publishable,
                          notes=notes, strata=strata, audit_factory=audit_factory)


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


def _perturb(raw: RawTable, policy: Policy, table: PTable, coverage: np.ndarray,
             shown: np.ndarray, shown_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every shown cell's perturbed count (its own cell key: the sum of its records' keys), and
    the shown cells that perturbation took below the threshold."""
    if raw.record_key_sums is None:
        raise ValueError("the cell key method needs record-key sums for every interior cell")
    keys = cell_keys(coverage @ raw.record_key_sums, table.modulus)
    perturbed = perturb_counts(shown, keys, table).astype(float)
    below = shown_mask & (shown >= 1) & (perturbed < policy.threshold)
    return np.where(shown_mask, perturbed, shown), below


def _perturb_strata(raw: RawTable, table: PTable, coverage: np.ndarray,
                    strata_events: np.ndarray) -> np.ndarray:
    """Each (cell, stratum) count perturbed with its own cell key: a stratum is a cell of the
    finer table (cell x age band [x sex]), so it gets exactly the value that cell gets in any
    table that shows it, and an age-standardised rate is computed from shown-grade counts only."""
    if raw.strata_record_key_sums is None:
        raise ValueError("the cell key method needs record-key sums for every stratum")
    keys = cell_keys(coverage @ raw.strata_record_key_sums, table.modulus)
    flat = perturb_counts(strata_events.ravel(), keys.ravel(), table)
    return flat.reshape(strata_events.shape).astype(float)


def policy_ptable(policy: Policy) -> PTable:
    """The policy's p-table, checked against the parameters the policy says it was made with."""
    return _ptable_for(policy.ptable, policy.max_noise, policy.ptable_variance, policy.js)


@functools.lru_cache(maxsize=8)
def _ptable_for(name: str, max_noise: int, variance: float, js: int) -> PTable:
    """A p-table file shipped beside the default one (or an absolute path); when a parameter
    file ``<name>.yaml`` sits beside it (explorer.sdc.ptable_design writes one), its
    parameters must be the policy's."""
    candidate = Path(name)
    path = candidate if candidate.is_absolute() else DEFAULT_PTABLE_PATH.parent / name
    table = PTable.load(path)
    sidecar = path.with_name(path.name + ".yaml")
    if sidecar.is_file() and max_noise:
        recorded = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
        expected = {"max_noise": max_noise, "variance": variance, "js": js}
        differing = {key: recorded.get(key) for key, value in expected.items()
                     if recorded.get(key) is None or float(recorded[key]) != float(value)}
        if differing:
            raise PTableError(f"p-table {path.name} was made with {differing}, but the policy says "
                              f"{ {key: expected[key] for key in differing} }; regenerate it "
                              "(python -m explorer.sdc.ptable_design)")
    if max_noise and table.max_noise > max_noise:
        raise PTableError(f"p-table {path.name} moves a count by {table.max_noise}, more than the "
                          f"policy's max_noise {max_noise}")
    return table


def _cell_frame(raw: RawTable, structure, true_values, shown, status, rule, low_reliability,
                structural, is_margin, hidden, policy: Policy) -> pd.DataFrame:
    cells = structure.cells.drop(columns=["is_interior"]).copy()
    for dimension in raw.dimensions:
        cells[f"{dimension.code}_label"] = [raw.label(dimension.code, level)
                                            for level in cells[dimension.code]]
    cells["value"] = shown
    cells["status"] = status
    cells["rule"] = rule
    cells["marker"] = [Marker.NOT_APPLICABLE.value if z and not CellStatus(s).hidden else
                       marker_for(CellStatus(s)) for s, z in zip(status, structural)]
    cells["low_reliability"] = low_reliability
    cells["is_margin"] = is_margin
    for name, values in raw.additive.items():
        # denominators: rounded to the policy's base, never shown for a hidden cell
        rounded = round_to_base(np.maximum(structure.coverage @ values, 0.0), policy.denominator_base)
        cells[name] = np.where(hidden, np.nan, rounded)
    cells["true_value"] = true_values
    return cells


__all__ = ["protect", "policy_ptable", "TOTAL"]
