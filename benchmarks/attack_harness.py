"""The tools of the disclosure attacks (benchmarks/disclosure_attacks.py): the attacker's CLI,
the referee that reads true counts from the database, the scored result of an attack, and the
utility measure (how far shown values are from true ones, per policy).

The attacker only ever sees what ``python -m explorer`` prints; the referee (``Truth``) reads the
database directly, with its own SQL, so that an attack is scored independently of the product's
queries.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from explorer import cli  # noqa: E402
from explorer.tables.aggregate import dimension_levels  # noqa: E402
from explorer.catalog import Catalog, load_catalog  # noqa: E402
from explorer.sdc.structure import TOTAL  # noqa: E402

DATASET = "census_mortality"
LEXIS_SPLIT = ROOT / "queries" / "reference" / "lexis_split.sql"


# --- the attacker's tools: the CLI -------------------------------------------------------------

@dataclass
class CliAttacker:
    """Runs ``python -m explorer ...`` in this process (same code, same output as a shell)."""

    database: Path
    catalog: Catalog
    calls: int = 0
    refused: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict)

    def run(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exit_:  # argparse errors
                code = int(exit_.code or 0)
        self.calls += 1
        return code, out.getvalue(), err.getvalue()

    def table(self, outcome: str, measure: str, by: Sequence[str], where: Sequence[str] = (),
              period: str | None = None, audience: str = "official") -> pd.DataFrame | None:
        """The CSV the CLI prints, as a frame with a ``levels`` column (one key per breakdown
        dimension, TOTAL for a margin) read off the row order; None when refused."""
        key = (outcome, measure, tuple(by), tuple(where), period, audience)
        if key in self._cache:
            return self._cache[key]
        args = ["table", "--dataset", DATASET, "--outcome", outcome, "--measure", measure,
                "--by", ",".join(by), "--audience", audience, "--format", "csv",
                "--database", str(self.database)]
        for item in where:
            args += ["--where", item]
        if period:
            args += ["--period", period]
        code, out, err = self.run(*args)
        if code != 0:
            self.refused.append(" ".join(a for a in args if a not in ("--database", str(self.database)))
                                + f"  -> exit {code}: {err.strip()[:160]}")
            self._cache[key] = None
            return None
        frame = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
        levels = list(itertools.product(*(dimension_levels(self.catalog.dimension(code)).levels
                                          for code in by)))
        if measure in ("count", "crude_rate", "asmr", "proportion"):
            frame["levels"] = levels
        self._cache[key] = frame
        return frame


def period_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def shown_counts(frame: pd.DataFrame) -> dict[tuple, float | None]:
    """levels -> shown count (None when hidden)."""
    return {levels: (None if status != "shown" or pd.isna(events) else float(events))
            for levels, status, events in zip(frame["levels"], frame["status"], frame["events"])}


# --- the referee: true counts straight from the database ----------------------------------------

class Truth:
    """True event counts and person-years from the database file (the attacker never sees this)."""

    def __init__(self, database: Path, catalog: Catalog):
        self.catalog = catalog
        self.connection = duckdb.connect(str(database), read_only=True)
        # The truth comes from the exact Lexis split of the persons (a TEMP person_time table,
        # queries/reference/lexis_split.sql), independent of the product's exposure index.
        self.connection.execute("SET enable_progress_bar = false")
        self.connection.execute(LEXIS_SPLIT.read_text(encoding="utf-8"))
        self._frames: dict = {}

    def atoms(self, outcome: str, dims: tuple[str, ...]) -> pd.DataFrame:
        """Events and person-years by ``dims`` (category codes) and calendar year."""
        key = (outcome, dims)
        if key not in self._frames:
            event = self.catalog.outcome(outcome).event_column
            columns = "".join(f'"{self.catalog.dimension(d).column}" AS "{d}", ' for d in dims)
            self._frames[key] = self.connection.execute(
                f'SELECT {columns}"year", SUM("{event}")::BIGINT AS events, '
                f'SUM(person_years) AS person_years FROM person_time GROUP BY ALL').df()
        return self._frames[key]

    def _stored_codes(self, code: str, codes) -> list[int]:
        """The codes stored in the database for categories ``codes`` of dimension ``code``: a
        grouping's column holds its base's codes (catalog grouping_of)."""
        dimension = self.catalog.dimension(code)
        if dimension.grouping_of is None:
            return list(codes)
        base = self.catalog.dimension(dimension.grouping_of)
        return [stored for stored, group in dimension.group_of(base).items() if group in set(codes)]

    def cell(self, outcome: str, by: Sequence[str], levels: tuple, where: dict[str, str] | None = None,
             years: tuple[int, int] | None = None, column: str = "events") -> float:
        """The true value of one cell: ``levels`` per breakdown dimension (a category key, a
        group key or TOTAL), within ``where`` (dimension -> category or group key) and years."""
        where = where or {}
        dims = tuple(sorted(set(by) | set(where)))
        frame = self.atoms(outcome, dims)
        mask = np.ones(len(frame), dtype=bool)
        for code, level in zip(by, levels):  # levels: category codes, group keys or TOTAL
            if level != TOTAL:
                leaves = dimension_levels(self.catalog.dimension(code)).leaves(level)
                mask &= frame[code].isin(self._stored_codes(code, leaves)).to_numpy()
        for code, choice in where.items():  # filters: a category or group key
            dimension = self.catalog.dimension(code)
            codes = [dimension.category_by_key(k).code for k in dimension.filter_keys(choice)]
            mask &= frame[code].isin(self._stored_codes(code, codes)).to_numpy()
        first_year = self.catalog.outcome(outcome).first_year
        lo, hi = years or (self.catalog.follow_up.first_year, self.catalog.follow_up.last_year)
        mask &= frame["year"].between(max(lo, first_year), hi).to_numpy()
        return float(frame.loc[mask, column].sum())


# --- results ---------------------------------------------------------------------------------

@dataclass
class AttackResult:
    number: int
    name: str
    audience: str
    targets: int = 0
    hits: int = 0
    shown: int = 0
    shown_exact: int = 0
    small: int = 0
    small_exact: int = 0
    small_below: float = 20
    refused: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def attacker_rate(self) -> float:
        return self.hits / self.targets if self.targets else 0.0

    @property
    def shown_rate(self) -> float:
        return self.shown_exact / self.shown if self.shown else float("nan")

    @property
    def small_rate(self) -> float:
        """How often a shown count of a size like the hidden ones (true count below
        ``small_below``: the smallest counts a policy shows) equals its true count."""
        return self.small_exact / self.small if self.small else float("nan")

    def score(self, estimate: float, true: float) -> None:
        self.targets += 1
        self.hits += int(round(estimate) == round(true))

    def score_shown(self, shown: float, true: float) -> None:
        exact = int(round(shown) == round(true))
        self.shown += 1
        self.shown_exact += exact
        if true < self.small_below:
            self.small += 1
            self.small_exact += exact

    def row(self) -> str:
        shown = f"{self.shown_rate:.1%} of {self.shown}" if self.shown else "no counts shown"
        small = f"{self.small_rate:.1%} of {self.small}" if self.small else "none"
        refused = f"{len(self.refused)}" if self.refused else "none"
        return (f"| {self.number} | {self.name} | {self.audience} | {self.attacker_rate:.1%} of "
                f"{self.targets} | {small} | {shown} | {refused} | {self.note} |")


# --- utility: how far shown values are from the truth, per policy -------------------------------

def utility(database: Path) -> list[dict]:
    """Per policy, over every 1-way breakdown of every outcome (whole follow-up): the share of
    cells hidden; the mean absolute difference between shown and true counts (shown cells) and
    how often a shown count is exact; the same for crude rates per 100,000 (against true events
    over true person-years) and for age-standardised rates (against the rate from the true
    age-band counts, which is what the statistician policy shows)."""
    catalog = load_catalog(DATASET)
    cli, truth = CliAttacker(Path(database), catalog), Truth(Path(database), catalog)
    true_asmr = {}
    rows = []
    for audience in ("statistician", "official", "public"):
        count_diffs, rate_diffs, asmr_diffs, asmr_relative, hidden, cells = [], [], [], [], 0, 0
        for outcome in catalog.outcomes:
            for code in catalog.dimensions:
                frame = cli.table(outcome, "crude_rate", [code], audience=audience)
                if frame is None:
                    continue
                for levels, status, events, value in zip(frame["levels"], frame["status"],
                                                         frame["events"], frame["value"]):
                    cells += 1
                    if status != "shown" or pd.isna(events):
                        hidden += 1
                        continue
                    true = truth.cell(outcome, [code], levels)
                    count_diffs.append(abs(events - true))
                    if not pd.isna(value):
                        years = truth.cell(outcome, [code], levels, column="person_years")
                        rate_diffs.append(abs(value - true / years * 100_000))
                asmr = cli.table(outcome, "asmr", [code], audience=audience)
                if asmr is None:
                    continue  # age-standardised rates are not broken down by age
                for levels, value in zip(asmr["levels"], asmr["value"]):
                    key = (outcome, code, levels)
                    if audience == "statistician":
                        true_asmr[key] = value
                    elif not pd.isna(value) and not pd.isna(true_asmr.get(key, np.nan)):
                        asmr_diffs.append(abs(value - true_asmr[key]))
                        asmr_relative.append(abs(value - true_asmr[key]) / true_asmr[key])
        rows.append({"policy": audience, "cells": cells, "hidden": hidden,
                     "count_mad": float(np.mean(count_diffs)), "rate_mad": float(np.mean(rate_diffs)),
                     "count_exact": float(np.mean(np.array(count_diffs) == 0)),
                     "asmr_mad": float(np.mean(asmr_diffs)) if asmr_diffs else 0.0,
                     "asmr_relative": float(np.median(asmr_relative)) if asmr_relative else 0.0})
    return rows
