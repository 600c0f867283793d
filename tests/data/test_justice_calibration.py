"""The justice_education build at its default size (500,000 pupils, seed 2022) against the
published MoJ-DfE figures (/work/shared/reference/data-first-figures.md), as the product shows
them: through the linkage (a missed link means no flag) and through the product's own path
(explorer.tables.build_table, statistician audience: true counts, no perturbation).

Tolerances: the published percentages are rounded to 1% (so +-0.5 points before anything else);
at 500,000 pupils about 20,000 are cautioned or sentenced, so a share among them has a sampling
standard error of at most 0.35 points (0.7 at two standard errors; about 0.45 for serious
violence's 5,300); and the offending model is raked on the recall the linkage is expected to
have by group (parameters.EXPECTED_RECALL_*), which a given build meets only approximately (about
+-1 point on a profile share). Profile shares among those cautioned or sentenced: within 2
points; among the serious-violence group, smaller: within 2.5. Shares of all pupils, which do
not depend on the linkage: within 1 point. Overall shares: 4.05% +- 0.25 and 1.08% +- 0.12.
"""

from __future__ import annotations

import duckdb
import pytest

from explorer.data.justice import parameters as P
from explorer.db.connection import open_database
from explorer.tables import build_table
from explorer.tables.request import validate_request

pytestmark = [pytest.mark.sql, pytest.mark.golden]

PROFILE_TOLERANCE, SV_PROFILE_TOLERANCE, ALL_PUPILS_TOLERANCE = 0.02, 0.025, 0.01

# dimension -> category key -> (all pupils, any offence, serious violence), published [DFE-MOJ]
PUBLISHED = {
    "sex": {"male": (0.51, 0.77, 0.86)},
    "fsm": {"eligible": (0.35, 0.69, 0.75)},
    "sen": {"ehc_plan": (0.04, 0.13, 0.17), "sen_support": (0.40, 0.66, 0.68),
            "no_sen": (0.56, 0.21, 0.15)},
    "persistent_absence": {"persistently_absent": (0.45, 0.81, 0.85)},
    "suspension": {"suspended": (0.14, 0.72, 0.82)},
    "permanent_exclusion": {"excluded": (0.01, 0.11, 0.16)},
    "alternative_provision": {"alternative_provision": (0.03, 0.29, 0.40)},
    # child in need includes looked-after children in the published figures (parameters.py)
    "social_care": {"looked_after": (0.02, 0.15, 0.24), "child_in_need": (0.09, 0.30, 0.30)},
    # 4 levels from the cumulative 58 / 91 / 97% (all), 13 / 49 / 80% (any), 9 / 40 / 74% (SV)
    "ks4_attainment": {"five_a_c_em": (0.58, 0.13, 0.09), "five_a_g_em": (0.33, 0.36, 0.31),
                       "any_pass": (0.06, 0.31, 0.34), "no_pass": (0.03, 0.20, 0.26)},
    "ethnicity": {"white": (0.80, 0.78, 0.66), "asian": (0.09, 0.05, 0.07),
                  "black": (0.05, 0.07, 0.14), "mixed": (0.04, 0.07, 0.10)},
}
# Age at first caution or sentence, published for 10-18 (3, 5, 8, 11, 15, 17, 16, 15, 10%): the
# cohort's offending covers 10-17, so age 18 is dropped and the rest renormalised.
AGE_SHARES = dict(zip(range(10, 18), P.FIRST_OFFENCE_AGE_SHARES))
AGE_TOLERANCE = 0.015


@pytest.fixture(scope="module")
def counts(justice_default_database, justice_catalog):
    """dimension -> outcome -> category key -> (people with the outcome, people), from the
    product's count tables (statistician audience)."""
    found: dict = {}
    with open_database(justice_default_database, justice_catalog.code) as database:
        for dimension in PUBLISHED:
            keys = {category.label: category.key
                    for category in justice_catalog.dimensions[dimension].categories}
            for outcome in ("cautioned_or_sentenced", "serious_violence"):
                request = validate_request(justice_catalog, outcome=outcome, measure="count",
                                           by=(dimension,), audience="statistician")
                frame = build_table(request, justice_catalog, database).frame
                assert (frame["status"] == "shown").all(), frame
                found.setdefault(dimension, {})[outcome] = {
                    keys.get(row[dimension], "__total__"): (row["events"], row["denominator"])
                    for _, row in frame.iterrows()}
    return found


def test_overall_shares_cautioned_or_sentenced_and_serious_violence(counts):
    any_offence, pupils = counts["sex"]["cautioned_or_sentenced"]["__total__"]
    violence, _ = counts["sex"]["serious_violence"]["__total__"]
    assert pupils == 500_000
    assert any_offence / pupils == pytest.approx(P.CAUTIONED_RATE, abs=0.0025)       # 4.05%
    assert violence / pupils == pytest.approx(P.SERIOUS_VIOLENCE_RATE, abs=0.0012)   # 1.08%


@pytest.mark.parametrize("dimension, key", [(d, k) for d, keys in PUBLISHED.items() for k in keys])
def test_profiles_of_all_pupils_and_of_those_cautioned_or_sentenced(counts, dimension, key):
    all_share, any_share, violence_share = PUBLISHED[dimension][key]
    tables = counts[dimension]
    events, people = tables["cautioned_or_sentenced"][key]
    total_events, total_people = tables["cautioned_or_sentenced"]["__total__"]
    violence, _ = tables["serious_violence"][key]
    total_violence, _ = tables["serious_violence"]["__total__"]
    if key == "excluded":
        all_share = P.EXCLUDED_SHARE   # 1% published, rounded (parameters.py: 0.85%)
    assert people / total_people == pytest.approx(all_share, abs=ALL_PUPILS_TOLERANCE)
    assert events / total_events == pytest.approx(any_share, abs=PROFILE_TOLERANCE)
    assert violence / total_violence == pytest.approx(violence_share, abs=SV_PROFILE_TOLERANCE)


@pytest.mark.parametrize("dimension, key, published", [
    ("sex", "male", 0.06), ("fsm", "eligible", 0.08), ("sen", "ehc_plan", 0.12),
    ("sen", "sen_support", 0.07), ("persistent_absence", "persistently_absent", 0.07),
    ("suspension", "suspended", 0.20), ("permanent_exclusion", "excluded", 0.53),
    ("alternative_provision", "alternative_provision", 0.38)])
def test_share_of_pupils_with_a_characteristic_cautioned_or_sentenced(counts, dimension, key,
                                                                      published):
    """The published "% of those with it cautioned or sentenced" (rounded to 1%): within 1.5
    points, 5 for permanent exclusion (about 4,000 pupils at this size)."""
    events, people = counts[dimension]["cautioned_or_sentenced"][key]
    assert events / people == pytest.approx(published, abs=0.05 if key == "excluded" else 0.015)


def test_age_at_first_caution_or_sentence(justice_default_database):
    with duckdb.connect(str(justice_default_database), read_only=True) as connection:
        rows = connection.execute(
            "SELECT age_first_offence, count(*) / sum(count(*)) OVER () FROM pupils "
            "WHERE cautioned_or_sentenced = 1 GROUP BY 1 ORDER BY 1").fetchall()
    shares = dict(rows)
    assert set(shares) == set(AGE_SHARES)
    for age, expected in AGE_SHARES.items():
        assert shares[age] == pytest.approx(expected, abs=AGE_TOLERANCE), age
    assert max(shares, key=shares.get) == 15   # the published peak
