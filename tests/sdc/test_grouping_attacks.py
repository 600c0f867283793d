"""Coarser groupings (issue 17) attacked under the official policy on the 1M-person test database
(docs/sdc.md, "Requests that open routes are refused").

(a) A group's cell is the same people however the product reaches it (the grouped table, a filter
    on the group, a two-way table, the trend's all-years margin, an ASMR's or a proportion's
    count), so it shows the same count, noise included: asking again by another road averages
    nothing away.
(b) A hidden fine cell (Limited a little) estimated as the shown grouped cell (Disabled) minus the
    shown Limited a lot is exactly right no more often than a shown count of a like size equals
    its own true count, nor than a shown count in the same tables does (scored as
    benchmarks/attack_harness.py scores the attacks of tests/sdc/test_sdc_attacks.py; the truth
    comes from the exact Lexis split, not the product's queries).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.attack_harness import AttackResult, Truth  # noqa: E402
from explorer.sdc.structure import TOTAL  # noqa: E402
from explorer.tables import build_table, build_view_tables, policy_for  # noqa: E402
from explorer.tables.request import validate_request  # noqa: E402

pytestmark = pytest.mark.sql
AUDIENCE = "official"
DISABLED, NOT_DISABLED = 1, 2  # disability_grouped codes
LOT, LITTLE, NOT_LIMITED = 1, 2, 3  # disability codes


def _table(catalog, database, outcome, measure, by, where, period=None):
    request = validate_request(catalog, outcome=outcome, measure=measure, by=list(by),
                               where=where, period=period, audience=AUDIENCE)
    return build_table(request, catalog, database)


def _cells(table, by) -> dict[tuple, tuple[str, float | None]]:
    """levels (a code, group key or TOTAL per breakdown) -> (status, shown count or None)."""
    frame, flags = table.frame, table.row_flags
    cells = {}
    for i in range(len(frame)):
        levels = tuple(flags[code].iat[i] for code in by)
        status = frame["status"].iat[i]
        events = frame["events"].iat[i]
        cells[levels] = (status, None if status != "shown" or np.isnan(events) else float(events))
    return cells


@pytest.fixture(scope="module")
def truth(default_database, census_catalog):
    return Truth(default_database, census_catalog)


@pytest.mark.parametrize("outcome", ["suicide", "all_cause"])
def test_a_group_shows_the_same_count_noise_included_by_every_road(census_catalog, database,
                                                                   outcome):
    sex = census_catalog.dimension("sex")
    compared = 0
    for region in ("north_west", "london", "wales"):
        for female in (False, True):
            sex_key = "female" if female else "male"
            sex_code = sex.category_by_key(sex_key).code
            where = {"sex": sex_key, "region": region}
            group = {"disability_grouped": "disabled"}
            roads = {
                "grouped table": _cells(_table(census_catalog, database, outcome, "count",
                                               ["disability_grouped"], where),
                                        ["disability_grouped"])[(DISABLED,)],
                "filter on the group": _cells(_table(census_catalog, database, outcome, "count",
                                                     ["sex"], {**group, "region": region}),
                                              ["sex"])[(sex_code,)],
                "two-way table": _cells(_table(census_catalog, database, outcome, "count",
                                               ["disability_grouped", "sex"], {"region": region}),
                                        ["disability_grouped", "sex"])[(DISABLED, sex_code)],
                "filters only": _cells(_table(census_catalog, database, outcome, "count", [],
                                              {**group, **where}), ["all"])[("all",)],
                "ASMR's count": _cells(_table(census_catalog, database, outcome, "asmr",
                                              ["disability_grouped"], where),
                                       ["disability_grouped"])[(DISABLED,)],
            }
            view_request = validate_request(census_catalog, outcome=outcome, measure="crude_rate",
                                            by=["disability_grouped"], where=where,
                                            audience=AUDIENCE)
            _, trend = build_view_tables(view_request, census_catalog, database)
            roads["trend's all years"] = _cells(trend, ["disability_grouped", "year"])[
                (DISABLED, TOTAL)]
            if outcome == "all_cause":  # every death counts: the persons path, the same people
                roads["proportion's count"] = _cells(
                    _table(census_catalog, database, outcome, "proportion",
                           ["disability_grouped"], where), ["disability_grouped"])[(DISABLED,)]
            assert len(set(roads.values())) == 1, (region, sex_key, roads)
            compared += roads["grouped table"][1] is not None
    assert compared > 0, "no road showed the group: the test would prove nothing"


def test_the_parent_dimension_is_the_hierarchy_subtotal_noise_included(census_catalog, database):
    """ethnicity is ethnicity_detailed's coarser grouping (its hierarchy parent): each of its
    cells shows what the detailed table's subtotal of the same people shows."""
    detailed = _cells(_table(census_catalog, database, "all_cause", "count",
                             ["ethnicity_detailed"], {"region": "north_west"}),
                      ["ethnicity_detailed"])
    parent = _cells(_table(census_catalog, database, "all_cause", "count", ["ethnicity"],
                           {"region": "north_west"}), ["ethnicity"])
    ethnicity = census_catalog.dimension("ethnicity")
    shown = 0
    for group in census_catalog.dimension("ethnicity_detailed").hierarchy.groups:
        subtotal = detailed[(group.key,)]
        cell = parent[(ethnicity.category_by_key(group.key).code,)]
        if subtotal[0] == "shown" and cell[0] == "shown":
            assert subtotal[1] == cell[1], group.key
            shown += 1
    assert shown >= 2


def test_grouped_minus_shown_part_recovers_a_hidden_cell_no_more_often_than_a_shown_count_is_exact(
        census_catalog, database, truth):
    policy = policy_for(census_catalog, AUDIENCE)
    result = AttackResult(17, "Grouping differencing: Disabled minus Limited a lot", AUDIENCE)
    region = census_catalog.dimension("region")
    for outcome in ("all_cause", "circulatory", "cancer"):
        for band in ("age_45_49", "age_50_54", "age_55_59", "age_60_64", "age_65_69"):
            for sex in ("male", "female"):
                where = {"sex": sex, "age_group": band}
                fine = _cells(_table(census_catalog, database, outcome, "count",
                                     ["disability", "region"], where), ["disability", "region"])
                coarse = _cells(_table(census_catalog, database, outcome, "count",
                                       ["disability_grouped", "region"], where),
                                ["disability_grouped", "region"])
                for category in region.categories:
                    r = category.code
                    true = {code: truth.cell(outcome, ["disability"], (code,),
                                             {**where, "region": category.key})
                            for code in (LOT, LITTLE, NOT_LIMITED)}
                    grouped_true = {DISABLED: true[LOT] + true[LITTLE],
                                    NOT_DISABLED: true[NOT_LIMITED]}
                    assert grouped_true[DISABLED] == truth.cell(
                        outcome, ["disability_grouped"], (DISABLED,),
                        {**where, "region": category.key})
                    for code in (LOT, LITTLE, NOT_LIMITED):
                        if fine[(code, r)][1] is not None:
                            result.score_shown(fine[(code, r)][1], true[code])
                    for code in (DISABLED, NOT_DISABLED):
                        if coarse[(code, r)][1] is not None:
                            result.score_shown(coarse[(code, r)][1], grouped_true[code])
                    little, lot = fine[(LITTLE, r)][1], fine[(LOT, r)][1]
                    disabled = coarse[(DISABLED, r)][1]
                    if little is None and lot is not None and disabled is not None:
                        estimate = np.clip(round(disabled - lot), 1,
                                           policy.threshold - 1 + policy.max_noise)
                        result.score(float(estimate), true[LITTLE])
    print(result.row())
    assert result.targets >= 20, "too few hidden cells to attack: the test would prove nothing"
    assert result.small > 0 and result.shown > 0
    assert result.attacker_rate <= result.small_rate, result.row()
    assert result.attacker_rate <= result.shown_rate, result.row()
