"""The attacks on the public file (issue 11, attacks 5 to 7): what anyone can work out from the
published views alone. A mixin of ``benchmarks.disclosure_attacks.Attacks``, which provides the
CLI attacker (``self.cli``), the referee (``self.truth``), the catalog and the policies."""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.attack_harness import DATASET, AttackResult  # noqa: E402
from explorer.tables.aggregate import dimension_levels  # noqa: E402
from explorer.measures.poisson_limits import byars_lower, byars_upper  # noqa: E402
from explorer.sdc.structure import build_structure  # noqa: E402


class PublicFileAttacks:
    """Attacks 5 (interval shape), 6 (the p-table as intervals) and 7 (the status column)."""

    # -- attacks 5 and 6: the public file --
    def _publication(self) -> dict:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "published.json"
            code, _, err = self.cli.run("publish", "--dataset", DATASET, "--database",
                                        str(self.cli.database), "--out", str(out))
            if code != 0:
                raise RuntimeError(f"publish failed: {err}")
            return json.loads(out.read_text(encoding="utf-8"))

    def _view_cells(self, view: dict):
        """(outcome, by, levels, row) for each row of a published view, in row order."""
        by = [d["code"] for d in view["dimensions"]]
        levels = list(itertools.product(*(dimension_levels(self.catalog.dimension(code)).levels
                                          for code in by)))
        return by, list(zip(levels, view["table"]["rows"]))

    def attack_5(self, publication: dict) -> AttackResult:
        result = AttackResult(5, "Public confidence intervals: the Dobson interval's shape "
                              "inverted to the count behind each age-standardised rate", "public")
        candidates = np.arange(1, 20000, dtype=float)
        ratio = (byars_upper(candidates) - candidates) / (candidates - byars_lower(candidates))
        for view in publication["views"]:
            if view["measure"]["code"] != "asmr":
                continue
            by, cells = self._view_cells(view)
            years = tuple(view["period"])
            for levels, row in cells:
                if row["status"] != "shown" or row["value"] is None or row["lower"] is None:
                    continue
                true = self.truth.cell(view["outcome"]["code"], by, levels, years=years)
                result.score_shown(row["events"], true)
                if row["value"] - row["lower"] <= 0:
                    continue
                observed = (row["upper"] - row["value"]) / (row["value"] - row["lower"])
                estimate = candidates[int(np.argmin(np.abs(ratio - observed)))]
                result.score(estimate, true)
        result.note = "each age band's count is perturbed with its own cell key before the rate and interval"
        return result

    def attack_6(self, publication: dict) -> AttackResult:
        result = AttackResult(6, "Public p-table: shown counts as intervals (noise bound), "
                              "margins and parts solved together for every hidden cell", "public")
        bound = self.public.max_noise
        ceiling = self.public.threshold - 1 + bound
        for view in publication["views"]:
            by, cells = self._view_cells(view)
            years = tuple(view["period"])
            outcome = view["outcome"]["code"]
            structure = build_structure([dimension_levels(self.catalog.dimension(c)) for c in by])
            hidden = [i for i, (_, row) in enumerate(cells) if row["status"] != "shown"]
            for levels, row in cells:
                if row["status"] == "shown" and row["events"] is not None:
                    result.score_shown(row["events"], self.truth.cell(outcome, by, levels, years=years))
            if not hidden:
                continue
            box = [(0.0, float(ceiling)) if row["status"] != "shown" else
                   (0.0, 0.0) if row["events"] is None else
                   (max(0.0, row["events"] - bound), row["events"] + bound) for _, row in cells]
            matrix = structure.constraint_matrix()
            for i in hidden:
                objective = np.zeros(len(cells))
                objective[i] = 1.0
                low = linprog(objective, A_eq=matrix, b_eq=np.zeros(len(matrix)), bounds=box)
                high = linprog(-objective, A_eq=matrix, b_eq=np.zeros(len(matrix)), bounds=box)
                if low.status != 0 or high.status != 0:
                    continue
                estimate = (low.fun - high.fun) / 2
                result.score(self._bound(estimate, self.public),
                             self.truth.cell(outcome, by, cells[i][0], years=years))
        result.note = "counts perturbed by a probability distribution, not rounded"
        return result

    # -- attack 7: the status column --
    def attack_7(self, publication: dict) -> AttackResult:
        result = AttackResult(7, "Status and rule columns: telling the small hidden cells "
                              "(primary) from the others (secondary)", "official, public")
        kinds = set()
        hidden_cells = 0
        for (outcome, measure, by, where, period, audience), frame in self.cli._cache.items():
            if frame is None or "status" not in frame:
                continue
            hidden = frame[frame["status"] != "shown"]
            hidden_cells += len(hidden)
            kinds |= set(zip(hidden["status"], hidden["rule"].fillna(""), hidden["marker"]))
        for view in publication["views"]:
            hidden = [row for row in view["table"]["rows"] if row["status"] != "shown"]
            hidden_cells += len(hidden)
            kinds |= {(row["status"], "", row["marker"]) for row in hidden}
        result.targets = hidden_cells
        result.hits = hidden_cells if len({k[:2] for k in kinds if k[0] != "shown"}) > 2 else 0
        result.note = f"hidden cells carry one status and rule: {sorted(kinds)}"
        self.status_kinds = kinds
        return result
