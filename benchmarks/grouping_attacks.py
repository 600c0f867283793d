"""Attack 9 (issue 17): differencing a coarser grouping declared in the catalog against the
fine table it groups. A mixin of ``benchmarks.disclosure_attacks.Attacks``, which provides the
CLI attacker (``self.cli``), the referee (``self.truth``), the catalog and the policies.

The route: a hidden "Limited a little" count estimated as the shown "Disabled" count of
disability_grouped (limited a lot or a little) minus the shown "Limited a lot" count, and the
same the other way round, in every row of disability x region tables within sex and age band.
The estimate carries the noise of both shown cells, as a margin minus its shown parts does
(attack 1); the attacker clips it to what the rules imply (1 to threshold - 1 + D)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.attack_harness import AttackResult, shown_counts  # noqa: E402

FINE, COARSE = "disability", "disability_grouped"


class GroupingAttacks:
    """Attack 9: a coarser grouping minus the shown parts of the fine table."""

    def attack_9(self) -> AttackResult:
        result = AttackResult(9, "Grouping differencing: a coarser group (Disabled) minus its "
                              "shown fine part (Limited a lot or a little)", "official")
        fine_dimension, coarse_dimension = (self.catalog.dimension(FINE),
                                            self.catalog.dimension(COARSE))
        base_of = coarse_dimension.group_of(fine_dimension)  # fine code -> group code
        disabled = coarse_dimension.category_by_key("disabled").code
        parts = [code for code, group in base_of.items() if group == disabled]
        outcomes = ["all_cause", "circulatory", "cancer"] if self.full else ["all_cause"]
        bands = (["age_45_49", "age_50_54", "age_55_59", "age_60_64", "age_65_69"]
                 if self.full else ["age_55_59", "age_60_64"])
        regions = [category.code for category in self.catalog.dimension("region").categories]
        for outcome in outcomes:
            for band in bands:
                for sex in ("male", "female"):
                    where = [f"sex={sex}", f"age_group={band}"]
                    filters = {"sex": sex, "age_group": band}
                    fine = self.cli.table(outcome, "count", [FINE, "region"], where=where)
                    coarse = self.cli.table(outcome, "count", [COARSE, "region"], where=where)
                    if fine is None or coarse is None:
                        continue
                    self._score_shown_cells(result, fine, outcome, [FINE, "region"], filters)
                    self._score_shown_cells(result, coarse, outcome, [COARSE, "region"], filters)
                    fine_shown, coarse_shown = shown_counts(fine), shown_counts(coarse)
                    for region in regions:
                        group = coarse_shown.get((disabled, region))
                        for target in parts:
                            others = [fine_shown.get((p, region)) for p in parts if p != target]
                            if fine_shown.get((target, region)) is not None or group is None \
                                    or any(value is None for value in others):
                                continue
                            estimate = group - sum(others)
                            result.score(self._bound(estimate, self.official),
                                         self.truth.cell(outcome, [FINE, "region"],
                                                         (target, region), filters))
        result.note = ("a declared grouping is one fixed table; its group minus the shown parts "
                       "carries the noise of every cell used, as a margin does")
        return result
