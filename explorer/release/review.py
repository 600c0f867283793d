"""Disclosure review: every cell of a table with its TRUE count, what the policy shows, why,
and what an attacker could deduce about each hidden cell. For the statistician review page and
the output-check report (``explorer.release.output_report``) only: nothing here may reach a chart, the
Explore page, a CSV download or the CLI. The page's views of a review (the cell table as text,
its filter, the grid of the suppression pattern) are in ``review_display``, re-exported here.

Per cell (interior cells, hierarchy subtotals, margins and the grand total):
- the dimension labels, ``is_margin``;
- ``true_count`` (the unprotected count), ``shown_value`` (what the policy publishes: the true
  value, its perturbed or rounded value, or blank when hidden or not applicable);
- ``status`` (``CellStatus``), ``suppression`` (primary / secondary / blank), ``rule`` (the rule
  that decided the cell), ``marker`` (GSS);
- for hidden cells, the audit's feasible interval ``audit_lower``..``audit_upper`` (what can be
  deduced from every shown cell and margin, with hidden cells >= 0; ``explorer.sdc.audit``) and
  the range it must reach, ``required_lower``..``required_upper``: a primary cell must be
  possibly as low as value - min(value, p) and as high as value + p (p the policy's protection
  level); a secondary cell only must not be recovered exactly (Hundepool et al., *Statistical
  Disclosure Control*, Wiley 2012, section 4.3). ``protected`` says whether the interval does;
- ``needs_decision`` and ``decision_reasons``: what a human output checker should look at
  (``DecisionReason``).

A table's recommendation (in the spirit of ACRO's per-output status) is ``pass`` when the audit
passes, the table is publishable, the engine left no notes and no cell needs a decision;
otherwise ``review``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import pandas as pd

from explorer.catalog import Catalog
from explorer.db.connection import Database
from explorer.errors import ExplorerError
from explorer.sdc.audit import TOLERANCE
from explorer.release.review_display import (  # the page's views of a review, re-exported
    CELL_FILTERS, DECISION_MARK, GRID_COLOURS, GRID_WORDS, display_frame, filter_cells,
    grid_style, summary_lines, suppression_grid,
)
from explorer.sdc.policy import Policy
from explorer.sdc.primary import DOMINANCE, P_PERCENT
from explorer.sdc.protected_table import ProtectedTable
from explorer.sdc.status import CellStatus
from explorer.tables.request import (
    SINGLE_DIMENSION_MEASURES,
    TableRequest,
    trend_request,
)
from explorer.tables import policy_for, protected_table, protected_view_tables

POLICY_CHOICES = ("public", "official", "statistician", "custom")
CUSTOM = "custom"
CUSTOM_BASE = "official"
"""A custom threshold is applied to the official policy (``Policy.with_threshold``)."""
MAX_CUSTOM_THRESHOLD = 1000
POLICY_PARAMETERS = ("policy", "threshold")
DEFAULT_POLICY = "official"
"""The review page's policy when its link names none: the audience the view is made for. The
page reviews Explore's views, and Explore's views are made for officials; a published public
view is reviewed under ``public`` by a link that says ``policy=public``."""
BANNER = "True values: for output checking only — do not copy or share"
REVIEW_AUDIENCE = "statistician"
"""The audience of review requests (the review page's and ``python -m explorer review``'s)."""


class DecisionReason(str, Enum):
    """Why a cell needs a human output checker's decision."""

    EXACTLY_DISCLOSED = "exactly_disclosed"
    UNDER_PROTECTED = "under_protected"
    NARROW_INTERVAL = "narrow_interval"
    LOW_RELIABILITY_RATE = "low_reliability_rate"
    MAGNITUDE_RULE = "magnitude_rule"


REASON_TEXT: dict[DecisionReason, str] = {
    DecisionReason.EXACTLY_DISCLOSED: "hidden, but its value can be worked out exactly from the "
                                      "shown cells and margins",
    DecisionReason.UNDER_PROTECTED: "hidden, but the interval an attacker can deduce does not reach "
                                    "the protection range (value minus and plus the protection level)",
    DecisionReason.NARROW_INTERVAL: "hidden (secondary), but the interval an attacker can deduce is "
                                    "narrower than the protection level",
    DecisionReason.LOW_RELIABILITY_RATE: "a rate is shown from fewer events than the reliability "
                                         "limit (rate_reliability.flag_below): marked low "
                                         "reliability [u]",
    DecisionReason.MAGNITUDE_RULE: "hidden by a dominance or p% rule: check that the largest "
                                   "contributor cannot be estimated closely",
}


class Recommendation(str, Enum):
    PASS = "pass"
    REVIEW = "review"


REVIEW_COLUMNS = ["is_margin", "true_count", "shown_value", "status", "suppression", "rule",
                  "marker", "audit_lower", "audit_upper", "required_lower", "required_upper",
                  "protected", "needs_decision", "decision_reasons"]
"""The columns after the dimension columns (one per dimension, named by its code, holding labels)."""


@dataclass(frozen=True)
class ReviewTable:
    """One table as the output checker sees it. ``frame``: one row per cell (see the module
    docstring); the rest describes the table."""

    title: str
    policy: Policy
    dimensions: tuple[str, ...]
    frame: pd.DataFrame
    audit_passes: bool
    publishable: bool
    notes: tuple[str, ...] = ()
    request: TableRequest | None = None
    role: str = "view"  # "view" or "trend"
    dimension_labels: Mapping[str, str] = field(default_factory=dict)
    levels: pd.DataFrame | None = None
    """Per frame row, each dimension's level (category code, subtotal key or ``TOTAL``), as the
    ProtectedTable's cells carry it: labels can repeat (a subtotal "Wales" over the category
    "Wales"), levels cannot. None for a review built without them (the grid then keys by label)."""

    def hidden(self) -> pd.DataFrame:
        """The hidden cells (primary and secondary suppressions)."""
        return self.frame[self.frame["suppression"] != ""].reset_index(drop=True)

    def decisions(self) -> pd.DataFrame:
        """The cells that need a human decision."""
        return self.frame[self.frame["needs_decision"]].reset_index(drop=True)

    def status_counts(self) -> dict[str, int]:
        """Cells by status, every status listed (0 when unused), in CellStatus order."""
        counts = self.frame["status"].value_counts()
        return {status.value: int(counts.get(status.value, 0)) for status in CellStatus}

    def hidden_by_rule(self) -> dict[str, int]:
        """Hidden cells by the rule that hid them."""
        hidden = self.hidden()
        return {str(rule): int(n) for rule, n in hidden["rule"].value_counts().sort_index().items()}

    def rules_applied(self) -> dict[str, int]:
        """Every rule that decided at least one cell (suppression, perturbation, rounding,
        structural zeros), with its number of cells."""
        rules = self.frame.loc[self.frame["rule"] != "", "rule"]
        return {str(rule): int(n) for rule, n in rules.value_counts().sort_index().items()}

    @property
    def recommendation(self) -> Recommendation:
        return Recommendation.PASS if not self.recommendation_reasons() else Recommendation.REVIEW

    def recommendation_reasons(self) -> list[str]:
        """Plain-words reasons for a ``review`` recommendation (empty for ``pass``)."""
        reasons = []
        if not self.publishable:
            reasons.append("no suppression pattern could protect the table: every cell is hidden")
        if not self.audit_passes:
            reasons.append("the audit fails: a hidden cell can be recovered or narrowed below its "
                           "protection range")
        reasons += [f"engine note: {note}" for note in self.notes]
        decisions = self.decisions()
        if len(decisions):
            counts = pd.Series([code for text in decisions["decision_reasons"]
                                for code in text.split(", ")]).value_counts().sort_index()
            reasons += [f"{n} {'cell' if n == 1 else 'cells'}: {REASON_TEXT[DecisionReason(code)]}"
                        for code, n in counts.items()]
        return reasons

    def dimension_label(self, code: str) -> str:
        return self.dimension_labels.get(code, code.replace("_", " ").capitalize())


# --- building --------------------------------------------------------------------------------

def review_cells(protected: ProtectedTable, measure: str = "count") -> pd.DataFrame:
    """Every cell of ``protected`` with true count, shown value, status, rule, audit interval,
    protection check and decision reasons (``REVIEW_COLUMNS`` after one label column per
    dimension). ``measure`` decides whether rate reliability flags matter (not for counts)."""
    cells = protected.unprotected_values_for_disclosure_review()
    policy = protected.policy
    frame = pd.DataFrame({code: cells[f"{code}_label"].astype(str) for code in protected.dimensions})
    status = cells["status"].astype(str).to_numpy()
    primary = status == CellStatus.SUPPRESSED_PRIMARY.value
    secondary = status == CellStatus.SUPPRESSED_SECONDARY.value
    hidden = primary | secondary
    true = cells["true_value"].to_numpy(dtype=float)
    lower = np.where(hidden, cells["audit_lower"].to_numpy(dtype=float), np.nan) + 0.0  # no -0
    upper = np.where(hidden, cells["audit_upper"].to_numpy(dtype=float), np.nan) + 0.0
    level = float(policy.protection_level)
    required_lower = np.where(primary, true - np.minimum(true, level), np.nan)
    required_upper = np.where(primary, true + level, np.nan)
    width = upper - lower
    with np.errstate(invalid="ignore"):
        exact = hidden & (width <= TOLERANCE)
        reaches = (lower <= required_lower + TOLERANCE) & (upper >= required_upper - TOLERANCE)
    under = primary & ~reaches & ~exact
    narrow = secondary & ~exact & (width < level - TOLERANCE)
    is_margin = cells["is_margin"].to_numpy(dtype=bool)
    rate_rows = ~is_margin if measure in SINGLE_DIMENSION_MEASURES else np.ones(len(cells), bool)
    shown_value = cells["value"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):  # a rate is shown, marked [u], from hide_below events up
        low_rate = (cells["low_reliability"].to_numpy(dtype=bool) & rate_rows & ~hidden
                    & (shown_value >= policy.rate_hide_below) & (measure != "count"))
    magnitude = hidden & cells["rule"].isin([DOMINANCE, P_PERCENT]).to_numpy()
    reasons = [[] for _ in range(len(cells))]
    for mask, reason in ((exact, DecisionReason.EXACTLY_DISCLOSED),
                         (under, DecisionReason.UNDER_PROTECTED),
                         (narrow, DecisionReason.NARROW_INTERVAL),
                         (magnitude, DecisionReason.MAGNITUDE_RULE),
                         (low_rate, DecisionReason.LOW_RELIABILITY_RATE)):
        for i in np.flatnonzero(mask):
            reasons[i].append(reason.value)

    frame["is_margin"] = is_margin
    frame["true_count"] = true
    frame["shown_value"] = shown_value
    frame["status"] = status
    frame["suppression"] = np.where(primary, "primary", np.where(secondary, "secondary", ""))
    frame["rule"] = cells["rule"].astype(str).to_numpy()
    frame["marker"] = cells["marker"].astype(str).to_numpy()
    frame["audit_lower"] = lower
    frame["audit_upper"] = upper
    frame["required_lower"] = required_lower
    frame["required_upper"] = required_upper
    frame["protected"] = pd.array([bool(not (e or u)) if h else pd.NA
                                   for h, e, u in zip(hidden, exact, under)], dtype="boolean")
    frame["needs_decision"] = [bool(r) for r in reasons]
    frame["decision_reasons"] = [", ".join(r) for r in reasons]
    return frame


def review_from_protected(protected: ProtectedTable, *, request: TableRequest | None = None,
                          title: str = "", role: str = "view",
                          dimension_labels: Mapping[str, str] | None = None) -> ReviewTable:
    """The review of one ProtectedTable (the request, when given, names its measure)."""
    measure = request.measure if request is not None else "count"
    dimensions = tuple(protected.dimensions)
    levels = protected.cells()[list(dimensions)].reset_index(drop=True)
    return ReviewTable(title=title or protected.description, policy=protected.policy,
                       dimensions=dimensions,
                       frame=review_cells(protected, measure), audit_passes=protected.audit_passes,
                       publishable=protected.publishable, notes=tuple(protected.notes),
                       request=request, role=role, dimension_labels=dict(dimension_labels or {}),
                       levels=levels)


def review_table(request: TableRequest, catalog: Catalog, database: Database,
                 policy: Policy) -> ReviewTable:
    """The review of the table an official would see for ``request`` under ``policy``."""
    return review_from_protected(protected_table(request, catalog, database, policy),
                                 request=request, title=describe(request, catalog),
                                 dimension_labels=_dimension_labels(catalog))


def review_view_tables(request: TableRequest, catalog: Catalog, database: Database,
                       policy: Policy) -> tuple[ReviewTable, ...]:
    """Reviews of the tables the Explore page publishes for a view: the view itself and its
    trend by calendar year (protected exactly as Explore protects them); a person-level
    dataset's view has no trend, so its review is the view's alone."""
    view, by_year = protected_view_tables(request, catalog, database, policy)
    labels = _dimension_labels(catalog)
    reviews = [review_from_protected(view, request=request, title=describe(request, catalog),
                                     role="view", dimension_labels=labels)]
    if by_year is not None:
        trend = trend_request(request)
        reviews.append(review_from_protected(by_year, request=trend, title=describe(trend, catalog),
                                             role="trend", dimension_labels=labels))
    return tuple(reviews)


def describe(request: TableRequest, catalog: Catalog) -> str:
    """The request in one line, its filters included (``TableRequest.describe`` omits them)."""
    filters = "; ".join(
        f"{catalog.dimension(code).label.lower()}: "
        f"{', '.join(catalog.dimension(code).filter_choices()[key] for key in keys)}"
        for code, keys in request.where.items())
    return request.describe(catalog) + (f" ({filters})" if filters else "")


def _dimension_labels(catalog: Catalog) -> dict[str, str]:
    labels = {code: dimension.label for code, dimension in catalog.dimensions.items()}
    return {**labels, "year": "Year of death", "all": "All people"}


# --- the policy switcher ----------------------------------------------------------------------

def review_policy(catalog: Catalog, choice: str, threshold: int | None = None) -> Policy:
    """The policy of an audience (public, official, statistician), or the official policy with
    a custom frequency threshold (``choice="custom"``)."""
    if choice == CUSTOM:
        if threshold is None or not 1 <= int(threshold) <= MAX_CUSTOM_THRESHOLD:
            raise ExplorerError(f"a custom threshold must be a whole number from 1 to "
                                f"{MAX_CUSTOM_THRESHOLD}")
        base = policy_for(catalog, CUSTOM_BASE).with_threshold(int(threshold))
        return dataclasses.replace(base, description=(
            f"Custom frequency threshold {int(threshold)} on the {CUSTOM_BASE} policy: counts from "
            f"1 to {int(threshold) - 1} are hidden (none when the threshold is 1); its other rules "
            f"(zeros, {'cell key perturbation' if base.perturbed else 'secondary suppression'}, "
            f"protection level {base.protection_level:g}, rate reliability) are unchanged."))
    if choice not in POLICY_CHOICES:
        raise ExplorerError(f"unknown policy {choice!r}; choose from: {', '.join(POLICY_CHOICES)}")
    return policy_for(catalog, choice)


# --- for the page -----------------------------------------------------------------------------

def policy_caption(choice: str, policy: Policy) -> str:
    """What the page says about the policy in use and why it was chosen."""
    why = ("the default, because Explore's views are made for officials" if choice == DEFAULT_POLICY
           else f"chosen above or in the page's link (the default is {DEFAULT_POLICY}, the "
                "audience Explore's views are made for)")
    return f"Policy {policy.label}: {why}. {policy.description}"


__all__ = [
    "BANNER",
    "CELL_FILTERS",
    "DECISION_MARK",
    "GRID_COLOURS",
    "GRID_WORDS",
    "DEFAULT_POLICY",
    "filter_cells",
    "grid_style",
    "policy_caption",
    "suppression_grid",
    "POLICY_CHOICES",
    "REASON_TEXT",
    "DecisionReason",
    "Recommendation",
    "ReviewTable",
    "display_frame",
    "review_cells",
    "review_from_protected",
    "review_policy",
    "review_table",
    "review_view_tables",
    "summary_lines",
]
