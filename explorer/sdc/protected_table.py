"""ProtectedTable: the only table type that charts, tables, downloads and the CLI accept.

Only the engine (``explorer.sdc.protect.protect``) can make one: the constructor demands a
token that the engine alone holds, so code elsewhere cannot wrap raw counts in this type.
Per cell it carries the shown value (or none), a ``CellStatus``, the rule that decided it and
the GSS marker; the table carries the policy name and version and the audit result. True
values stay inside: ``cells()`` never contains them, and the one way out is the explicitly
named ``unprotected_values_for_disclosure_review()``, for the statistician review page only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

import numpy as np
import pandas as pd

from explorer.sdc.status import CellStatus, marker_legend

if TYPE_CHECKING:
    from explorer.sdc.audit import AuditResult
    from explorer.sdc.policy import Policy

_ENGINE_TOKEN = object()
"""Held by explorer.sdc.protect; a ProtectedTable cannot be made without it."""

_TRUE_VALUE_COLUMNS = ("true_value",)
_AUDIENCE_RULES = {"frequency_threshold_after_perturbation": "frequency_threshold"}
"""Rules shown to readers other than output checkers under another name, so that the rule
does not say which hidden cells are the small ones."""


_T = TypeVar("_T")


class ReadOnly(Generic[_T]):
    """A read-only attribute of a sealed carrier (ProtectedTable, MeasureTable): reads the
    carrier's slot ``_<name>``, set once by its constructor; a copy when ``copy`` (a frame the
    caller may then edit without changing the carrier). Setting or deleting it raises."""

    def __init__(self, doc: str | None = None, *, copy: bool = False) -> None:
        self.__doc__ = doc
        self._copy = copy

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot, self._owner = f"_{name}", owner.__name__

    def __get__(self, carrier: Any, owner: type | None = None) -> _T:
        if carrier is None:
            return self  # type: ignore[return-value] - the class attribute itself
        value = getattr(carrier, self._slot)
        return value.copy() if self._copy else value

    def __set__(self, carrier: Any, value: object) -> NoReturn:
        raise AttributeError(f"a {self._owner} is read-only")

    def __delete__(self, carrier: Any) -> NoReturn:
        raise AttributeError(f"a {self._owner} is read-only")


@dataclass(frozen=True)
class StrataDetail:
    """Per-cell stratified inputs (cells in ``cells()`` order x strata); hidden cells NaN."""

    strata: tuple
    events: np.ndarray
    person_years: np.ndarray


class ProtectedTable:
    """A table after disclosure control. See the module docstring."""

    __slots__ = ("_cells", "_dimensions", "_policy", "_audit", "_description", "_publishable",
                 "_notes", "_strata", "_audit_factory")

    def __init__(self, *, token: object, cells: pd.DataFrame, dimensions: tuple[str, ...],
                 policy: "Policy", audit: "AuditResult | None", description: str = "",
                 publishable: bool = True, notes: tuple[str, ...] = (),
                 strata: "StrataDetail | None" = None, audit_factory=None) -> None:
        if token is not _ENGINE_TOKEN:
            raise TypeError("a ProtectedTable can only be made by explorer.sdc.protect.protect()")
        for name, value in (("_dimensions", dimensions), ("_policy", policy), ("_audit", audit),
                            ("_description", description), ("_publishable", publishable),
                            ("_notes", tuple(notes)), ("_strata", strata), ("_cells", cells),
                            ("_audit_factory", audit_factory)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a ProtectedTable is read-only")

    # --- what may be shown -------------------------------------------------------------

    dimensions: ReadOnly[tuple[str, ...]] = ReadOnly()
    policy: ReadOnly["Policy"] = ReadOnly()
    description: ReadOnly[str] = ReadOnly()
    publishable: ReadOnly[bool] = ReadOnly(
        "False when no suppression pattern could protect the table, so every cell is hidden.")
    notes: ReadOnly[tuple[str, ...]] = ReadOnly(
        "The engine's remarks for the output checker (e.g. a fallback pattern was used).")

    @property
    def policy_name(self) -> str:
        return self._policy.name

    @property
    def policy_version(self) -> str:
        return self._policy.version

    def cells(self, include_margins: bool = True) -> pd.DataFrame:
        """Every published cell: a level and a label column per dimension, ``value`` (the shown
        count, NaN when hidden or not applicable), ``status``, ``rule``, ``marker``,
        ``low_reliability``, ``is_margin`` and any additive companions (e.g. person_years)."""
        frame = self._cells.drop(columns=list(_TRUE_VALUE_COLUMNS)).copy()
        frame["rule"] = frame["rule"].replace(_AUDIENCE_RULES)
        if not include_margins:
            frame = frame[~frame["is_margin"]]
        return frame.reset_index(drop=True)

    def hidden_count(self) -> dict[str, int]:
        """How many cells each suppression status hid."""
        counts = self._cells["status"].value_counts()
        return {status.value: int(counts.get(status.value, 0))
                for status in (CellStatus.SUPPRESSED_PRIMARY, CellStatus.SUPPRESSED_SECONDARY)}

    @property
    def audit(self) -> "AuditResult | None":
        """The audit of the hidden cells: intervals an attacker can derive from what is shown
        (for a perturbed table, from the noise bound; computed on first use)."""
        if self._audit is None and self._audit_factory is not None:
            object.__setattr__(self, "_audit", self._audit_factory())
            object.__setattr__(self, "_audit_factory", None)
        return self._audit

    @property
    def audit_passes(self) -> bool:
        """True when no hidden cell can be recovered or narrowed below its protection range."""
        return self.audit is None or self.audit.passes

    def marker_legend(self) -> str:
        """The legend for the markers this table uses (empty when it uses none)."""
        used = {m for m in self._cells["marker"].unique() if m}
        return marker_legend(used) if used else ""

    # --- inputs for measures ------------------------------------------------------------------

    def stratified_inputs_for_measures(self) -> "StrataDetail | None":
        """Events and person-years of every cell by stratum (age band, or age band x sex), for
        age standardisation and adjusted models; rows of hidden cells are NaN, so a measure
        for a hidden cell cannot be computed. Never shown: only explorer.measures reads it."""
        return self._strata

    # --- the one way out for true values -------------------------------------------------

    def unprotected_values_for_disclosure_review(self) -> pd.DataFrame:
        """Every cell with its TRUE value, status, rule and the audit's feasible interval.

        Disclosive by design: for the statistician review page and the output-check report
        only. Nothing else may call this (a test checks the callers)."""
        frame = self._cells.copy().reset_index(drop=True)
        audit = self.audit
        frame["audit_lower"] = audit.lower if audit is not None else np.nan
        frame["audit_upper"] = audit.upper if audit is not None else np.nan
        return frame

    def __repr__(self) -> str:
        hidden = self.hidden_count()
        return (f"<ProtectedTable {'x'.join(self._dimensions)}: {len(self._cells)} cells, "
                f"{hidden[CellStatus.SUPPRESSED_PRIMARY.value]} primary and "
                f"{hidden[CellStatus.SUPPRESSED_SECONDARY.value]} "
                f"secondary suppressions, policy {self._policy.label}>")

