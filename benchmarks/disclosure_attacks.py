"""Disclosure attacks, run as an attacker would: against the CLI's output, on the default dataset.

Issue 11 tried eight attacks on wave 1 (docs/sdc.md, "Threat model"). Each attack here asks the
command line for tables (``python -m explorer table ...``, ``publish``), reads the CSV or JSON
it prints, and works out estimates of true counts from what is shown, knowing our methods (the
p-table's noise bound, the threshold, the Dobson interval). The attacker never reads the
database. A separate referee (``Truth``) reads the database directly to score the estimates.

For each attack: how often the attacker's estimate equals the true count, beside how often a
shown (perturbed) count in the same tables equals its true count. The promise (docs/sdc.md) is
that the first is no higher than the second: an attack tells the attacker a hidden count no
more reliably than the table already tells them a shown one.

    .venv/bin/python benchmarks/disclosure_attacks.py [--database PATH] [--no-write]

writes the results table and the utility table into docs/sdc.md (between the markers
``<!-- attacks:start -->`` ... and ``<!-- utility:start -->`` ...). The tests
(tests/sdc/test_sdc_attacks.py) run the same attacks and assert the promise.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.grouping_attacks import GroupingAttacks  # noqa: E402
from benchmarks.public_attacks import PublicFileAttacks  # noqa: E402
from benchmarks.attack_harness import (DATASET, AttackResult, CliAttacker, Truth,  # noqa: E402
                                       period_text, shown_counts, utility)
from explorer.tables.aggregate import dimension_levels  # noqa: E402
from explorer.catalog import load_catalog  # noqa: E402
from explorer.sdc.structure import TOTAL  # noqa: E402
from explorer.tables import policy_for  # noqa: E402

SDC_DOC = ROOT / "docs" / "sdc.md"


class Attacks(PublicFileAttacks, GroupingAttacks):
    """The eight attacks of issue 11, scripted against the CLI on one database (attacks 5 to 7,
    on the published file, in benchmarks/public_attacks.py), and attack 9 of issue 17 on the
    catalog's coarser groupings (benchmarks/grouping_attacks.py)."""

    def __init__(self, database: Path, breadth: str = "full"):
        self.catalog = load_catalog(DATASET)
        self.cli = CliAttacker(Path(database), self.catalog)
        self.truth = Truth(Path(database), self.catalog)
        self.official = policy_for(self.catalog, "official")
        self.public = policy_for(self.catalog, "public")
        self.full = breadth == "full"
        self.outcomes = (list(self.catalog.outcomes) if self.full else ["suicide", "covid19"])
        self.whole = f"{self.catalog.follow_up.first_year}-{self.catalog.follow_up.last_year}"

    # -- helpers --
    def _bound(self, estimate: float, policy) -> float:
        """The attacker knows a hidden count lies in 1 .. threshold - 1 + D."""
        return float(np.clip(round(estimate), 1, policy.threshold - 1 + policy.max_noise))

    def _one_way_dimensions(self) -> list[str]:
        dims = [code for code, d in self.catalog.dimensions.items()
                if d.table == self.catalog.cohort.persons_table or code != "age_group"]
        return dims if self.full else ["religion", "ethnicity_detailed", "disability", "sex"]

    def _score_shown_cells(self, result: AttackResult, frame: pd.DataFrame, outcome: str,
                           by: Sequence[str], where: dict | None = None,
                           years: tuple[int, int] | None = None) -> None:
        for levels, value in shown_counts(frame).items():
            if value is not None:
                result.score_shown(value, self.truth.cell(outcome, by, levels, where, years))

    def _single_hidden_routes(self, frame: pd.DataFrame, by: Sequence[str]) -> list[tuple]:
        """(target levels, estimate, noisy cells used) for every line of the table (the whole
        1-way table, or a row or column of a 2-way table) with exactly one hidden category
        and a shown margin: margin minus the shown categories."""
        shown = shown_counts(frame)
        routes = []
        levels_per_dim = [dimension_levels(self.catalog.dimension(code)) for code in by]
        for position, dim_levels in enumerate(levels_per_dim):
            others = [lv.levels for j, lv in enumerate(levels_per_dim) if j != position]
            for rest in itertools.product(*others):
                def cell(level, rest=rest):
                    parts = list(rest)
                    parts.insert(position, level)
                    return tuple(parts)
                margin = shown.get(cell(TOTAL))
                parts = [cell(c) for c in dim_levels.categories]
                hidden = [p for p in parts if shown.get(p) is None]
                if margin is None or len(hidden) != 1:
                    continue
                estimate = margin - sum(shown[p] for p in parts if p != hidden[0])
                routes.append((hidden[0], estimate, len(parts)))
        return routes

    # -- attack 1: filter differencing --
    def attack_1(self) -> AttackResult:
        result = AttackResult(1, "Filter differencing: a union filter minus the shown part, "
                              "else a margin minus the shown categories", "official")
        hidden = self.cli.table("suicide", "count", ["religion"])
        religion = self.catalog.dimension("religion")
        hidden_keys = [religion.category_by_code(lv[0]).key for lv, v in shown_counts(hidden).items()
                       if v is None and lv[0] != TOTAL]
        for key in hidden_keys[:4]:
            before = len(self.cli.refused)
            self.cli.table("suicide", "count", ["sex"], where=[f"religion={key}", "religion=christian"])
            result.refused += self.cli.refused[before:]
        for outcome in self.outcomes:
            pairs = [[a, b] for a in ("religion", "ethnicity", "disability")
                     for b in ("sex", "region", "partnership", "tenure", "deprivation_quintile")]
            for by in [[code] for code in self._one_way_dimensions()] + (pairs if self.full else pairs[:2]):
                frame = self.cli.table(outcome, "count", by)
                if frame is None:
                    continue
                self._score_shown_cells(result, frame, outcome, by)
                for target, estimate, _ in self._single_hidden_routes(frame, by):
                    result.score(self._bound(estimate, self.official),
                                 self.truth.cell(outcome, by, target))
        result.note = "union filters refused; margin minus shown parts gives the cell plus the noise of every part"
        return result

    # -- attack 2: period differencing, every split of the period --
    def attack_2(self) -> AttackResult:
        result = AttackResult(2, "Period differencing: 2011-2021 minus 2011-2020, else a period "
                              "total minus its other years (every split averaged)", "official")
        before = len(self.cli.refused)
        self.cli.table("suicide", "count", ["religion"], period="2011-2020")
        self.cli.table("suicide", "count", ["religion"], period="2012-2021")
        result.refused += self.cli.refused[before:]
        first, last = self.catalog.follow_up.first_year, self.catalog.follow_up.last_year
        windows = [(first, last), *self.catalog.follow_up.periods]
        for outcome in self.outcomes:
            start = self.catalog.outcome(outcome).first_year
            for dim in (["religion", "disability", "ethnicity"] if self.full else ["religion"]):
                years = {y: self.cli.table(outcome, "count", [dim], period=str(y))
                         for y in range(start, last + 1)}
                for y, frame in years.items():
                    self._score_shown_cells(result, frame, outcome, [dim], years=(y, y))
                for y, frame in years.items():
                    for levels, value in shown_counts(frame).items():
                        if value is not None or levels[0] == TOTAL:
                            continue
                        routes = []
                        for a, b in windows:
                            if not a <= y <= b or b < start:
                                continue
                            frame_w = self.cli.table(outcome, "count", [dim],
                                                     period=period_text(max(a, start), b))
                            if frame_w is None:
                                continue
                            total = shown_counts(frame_w).get(levels)
                            rest = [shown_counts(years[z]).get(levels)
                                    for z in range(max(a, start), b + 1) if z != y]
                            if total is not None and all(v is not None for v in rest):
                                routes.append((total - sum(rest), len(rest) + 1))
                        line = self._single_hidden_routes(frame, [dim])
                        routes += [(est, n) for target, est, n in line if target == levels]
                        if routes:
                            weights = np.array([1.0 / n for _, n in routes])
                            estimate = float(np.dot(weights, [e for e, _ in routes]) / weights.sum())
                            result.score(self._bound(estimate, self.official),
                                         self.truth.cell(outcome, [dim], levels, years=(y, y)))
        result.note = "free ranges refused; fixed periods and single years, each with its own noise"
        return result

    # -- attack 3: person-years of zero-death years give survivors, so deaths --
    def attack_3(self) -> AttackResult:
        result = AttackResult(3, "Denominators: person-years in years with no deaths give the "
                              "survivors, so the deaths in between", "official")
        start_day = self.catalog.follow_up.start
        first, last = self.catalog.follow_up.first_year, self.catalog.follow_up.last_year
        by = ["religion", "region"]
        tables = {y: self.cli.table("all_cause", "crude_rate", by, period=str(y))
                  for y in range(first, last + 1)}
        for y, frame in tables.items():
            self._score_shown_cells(result, frame, "all_cause", by, years=(y, y))

        def days(year: int) -> int:
            begin = start_day if year == first else pd.Timestamp(year, 1, 1).date()
            return (pd.Timestamp(year, 12, 31).date() - begin).days + 1

        cells = tables[first]["levels"].tolist()
        for levels in cells:
            rows = {y: tables[y].set_index(tables[y]["levels"].map(str)).loc[str(levels)]
                    for y in tables}
            zero = [y for y in rows if rows[y]["status"] == "shown" and rows[y]["events"] == 0
                    and not pd.isna(rows[y]["denominator"])]
            for a, b in zip(zero, zero[1:]):
                between = range(a + 1, b)
                if not between or all(rows[y]["status"] == "shown" for y in between):
                    continue  # nothing hidden in between: no disclosure to score
                survivors_a = rows[a]["denominator"] * 365.25 / days(a)
                survivors_b = rows[b]["denominator"] * 365.25 / days(b)
                true = sum(self.truth.cell("all_cause", by, levels, years=(y, y)) for y in between)
                result.score(round(survivors_a - survivors_b), true)
        result.note = ("denominators rounded to the nearest 10 and never shown for hidden cells"
                       if result.targets else "no group had zero-death years around a hidden year")
        return result

    # -- attack 4: the view and its trend solved together --
    def attack_4(self) -> AttackResult:
        result = AttackResult(4, "The view and its trend table combined: least squares over "
                              "every shown group total, year total and group-year cell", "official")
        first, last = self.catalog.follow_up.first_year, self.catalog.follow_up.last_year
        for outcome in (["suicide", "all_cause"] if self.full else ["suicide"]):
            for dim in (["religion", "disability"] if self.full else ["religion"]):
                categories = dimension_levels(self.catalog.dimension(dim)).categories
                years = list(range(first, last + 1))
                view = shown_counts(self.cli.table(outcome, "count", [dim]))
                trend = {y: shown_counts(self.cli.table(outcome, "count", [dim], period=str(y)))
                         for y in years}
                atoms = [(c, y) for c in categories for y in years]
                index = {atom: i for i, atom in enumerate(atoms)}
                rows, values = [], []

                def equation(members, value):
                    row = np.zeros(len(atoms))
                    row[[index[m] for m in members]] = 1.0
                    rows.append(row)
                    values.append(value)
                for c in [*categories, TOTAL]:
                    if view.get((c,)) is not None:
                        equation([(k, y) for k in (categories if c == TOTAL else [c]) for y in years],
                                 view[(c,)])
                    for y in years:
                        if trend[y].get((c,)) is not None:
                            equation([(k, y) for k in (categories if c == TOTAL else [c])],
                                     trend[y][(c,)])
                solution, *_ = np.linalg.lstsq(np.array(rows), np.array(values), rcond=None)
                for (c, y), estimate in zip(atoms, solution):
                    if trend[y].get((c,)) is None:
                        result.score(self._bound(estimate, self.official),
                                     self.truth.cell(outcome, [dim], (c,), years=(y, y)))
                    else:
                        result.score_shown(trend[y][(c,)], self.truth.cell(outcome, [dim], (c,), years=(y, y)))
        result.note = "margins perturbed independently, so the equations are noisy"
        return result

    # -- attack 8: averaging many routes --
    def _cell_routes(self, frame: pd.DataFrame, by: Sequence[str]) -> dict[tuple, list[tuple]]:
        """Per interior cell of one table, every estimate of it the table gives, with the
        number of noisy cells each adds up: the cell itself when shown (1), and a margin minus
        its other, shown, categories along each line through it (k)."""
        shown = shown_counts(frame)
        routes: dict[tuple, list[tuple]] = {}
        for levels, value in shown.items():
            interior = not any(isinstance(level, str) for level in levels)  # codes, no group or TOTAL
            if interior and value is not None:
                routes.setdefault(levels, []).append((value, 1))
        for target, estimate, n in self._single_hidden_routes(frame, by):
            routes.setdefault(target, []).append((estimate, n))
        return routes

    @staticmethod
    def _combine(routes: list[tuple]) -> tuple[float, float]:
        """Inverse-variance average of (estimate, noisy cells) routes: (estimate, variance units)."""
        weights = np.array([1.0 / n for _, n in routes])
        return float(np.dot(weights, [e for e, _ in routes]) / weights.sum()), float(1 / weights.sum())

    def attack_8(self) -> AttackResult:
        result = AttackResult(8, "Averaging: every route to a hidden cell or a small shown count "
                              "(unions, periods, filters on other dimensions), weighted by its "
                              "noise", "official")
        before = len(self.cli.refused)
        self.cli.table("suicide", "count", ["sex"], where=["religion=muslim", "religion=christian"])
        self.cli.table("suicide", "count", ["religion"], period="2012-2021")
        result.refused += self.cli.refused[before:]
        last = self.catalog.follow_up.last_year
        filters = ["sex", "region", "disability", "partnership", "tenure", "deprivation_quintile"]
        routes_used = []
        for outcome in (["suicide", "covid19"] if self.full else ["suicide"]):
            start = self.catalog.outcome(outcome).first_year
            partitions = [[("period", period_text(y, y)) for y in range(start, last + 1)],
                          [("period", period_text(max(a, start), b))
                           for a, b in self.catalog.follow_up.periods if b >= start]]
            tables = [[code] for code in ("religion", "ethnicity", "ethnicity_detailed", "disability")]
            tables += [["religion", "sex"], ["disability", "sex"]] if self.full else []
            for by in tables:
                frame = self.cli.table(outcome, "count", by)
                self._score_shown_cells(result, frame, outcome, by)
                whole = self._cell_routes(frame, by)
                shown = shown_counts(frame)
                targets = [cell for cell in whole if shown[cell] is None
                           or self.truth.cell(outcome, by, cell) < result.small_below]
                hidden_cells = [c for c, v in shown.items() if v is None and TOTAL not in c]
                targets += [c for c in hidden_cells if c not in whole]
                if not targets:
                    continue
                slices = partitions + [[("where", f"{code}={key}") for key in
                                        self.catalog.dimension(code).keys]
                                       for code in filters if code not in by]
                sliced = []
                for partition in slices:
                    parts = [self.cli.table(outcome, "count", by, period=value)
                             if kind == "period" else
                             self.cli.table(outcome, "count", by, where=[value])
                             for kind, value in partition]
                    sliced.append([self._cell_routes(p, by) if p is not None else {} for p in parts])
                for target in targets:
                    routes = list(whole.get(target, []))
                    for parts in sliced:
                        if all(part.get(target) for part in parts):
                            combined = [self._combine(part[target]) for part in parts]
                            routes.append((sum(e for e, _ in combined), sum(v for _, v in combined)))
                    if not routes:
                        continue  # no route at all: nothing to estimate from
                    routes_used.append(len(routes))
                    estimate, _ = self._combine(routes)
                    true = self.truth.cell(outcome, by, target)
                    if shown[target] is None:
                        result.score(self._bound(estimate, self.official), true)
                    else:
                        value = shown[target]
                        bound = self.official.max_noise
                        result.score(float(np.clip(round(estimate), max(self.official.threshold,
                                                                        value - bound), value + bound)), true)
        result.note = ("union filters and free periods refused; routes per cell: "
                       f"{min(routes_used, default=0)} to {max(routes_used, default=0)}, each "
                       "adding the noise of every cell it uses")
        return result

    def run_all(self) -> list[AttackResult]:
        publication = self._publication()
        results = [self.attack_1(), self.attack_2(), self.attack_3(), self.attack_4(),
                   self.attack_5(publication), self.attack_6(publication), self.attack_8(),
                   self.attack_9()]
        results.insert(6, self.attack_7(publication))
        return results


# --- docs ------------------------------------------------------------------------------------

def attacks_markdown(results: Iterable[AttackResult], database: Path) -> str:
    lines = ["| # | attack | audience | attacker's estimate = true | shown count = true, counts "
             "10-19 | shown count = true, all | requests refused | why |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [result.row() for result in results]
    return "\n".join(lines)


def utility_markdown(rows: Sequence[dict]) -> str:
    lines = ["| policy | cells | hidden | mean abs. difference, counts | shown count = true | "
             "mean abs. difference, crude rate per 100,000 | mean abs. difference, age-standardised "
             "rate per 100,000 | median relative difference, age-standardised rate |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r['policy']} | {r['cells']} | {r['hidden']} ({r['hidden'] / r['cells']:.0%}) | "
              f"{r['count_mad']:.2f} | {r['count_exact']:.0%} | {r['rate_mad']:.2f} | "
              f"{r['asmr_mad']:.2f} | {r['asmr_relative']:.1%} |" for r in rows]
    return "\n".join(lines)


def replace_between(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"docs/sdc.md lacks the markers {start} ... {end}")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=ROOT / "data" / f"{DATASET}.duckdb")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    attacks = Attacks(args.database)
    results = attacks.run_all()
    table = attacks_markdown(results, args.database)
    usefulness = utility_markdown(utility(args.database))
    print(table)
    print()
    print(usefulness)
    print(f"\n{attacks.cli.calls} CLI calls; refused:")
    for line in sorted(set(attacks.cli.refused)):
        print("  ", line)
    if not args.no_write:
        text = SDC_DOC.read_text(encoding="utf-8")
        text = replace_between(text, "attacks", table)
        text = replace_between(text, "utility", usefulness)
        SDC_DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
