"""Calibration of the test-size synthetic database (1,000,000 persons, seed 2011) against published
figures (/work/shared/reference/calibration-targets.md; docs/data.md). Each test states its
tolerance. Comparisons that age confounds use indirect standardisation: the standardised
mortality ratio (SMR) = observed / expected, with expected deaths from the cohort's own
sex x attained-age-group rates, which is stable for small groups.
"""

import math

import pytest

pytestmark = [pytest.mark.sql, pytest.mark.golden]

PERSONS, SEED = 1_000_000, 2011  # conftest's default_database (the default dataset is larger, same model)

# 2011 Census persons by age [calibration-targets.md section 3], regrouped to bands whose edges
# the census table has: (first age, last age, count).
CENSUS_AGE_BANDS = [
    (0, 4, 3_496_750), (5, 9, 3_135_711), (10, 14, 3_258_677), (15, 24, 7_346_630),
    (25, 29, 3_836_609), (30, 34, 3_683_915), (35, 39, 3_732_161), (40, 44, 4_099_089),
    (45, 49, 4_100_526), (50, 54, 3_601_694), (55, 59, 3_183_915), (60, 64, 3_377_162),
    (65, 69, 2_674_161), (70, 74, 2_178_672), (75, 79, 1_777_547), (80, 84, 1_338_005),
    (85, 200, 1_254_688),
]
# HMD central death rates per 100,000 [section 5]: age -> (men 2011, women 2011, men 2019, women 2019)
HMD = {40: (145, 86, 147, 90), 50: (303, 214, 335, 213), 60: (803, 533, 732, 483),
       70: (2131, 1346, 1782, 1219), 80: (5790, 4086, 5382, 3822), 90: (18331, 13994, 17102, 13651)}


# The database stores persons, not person-years; these checks read person-years from the exact
# Lexis split (queries/reference/lexis_split.sql, a TEMP table person_time; test_person_level_model
# shows the product's queries give the same numbers), and persons' attributes by joining.
PERSON_TIME = ("(SELECT person_id, year, age_group, person_years, died, died_suicide, died_covid19, "
               "died_circulatory, died_cancer FROM person_time)")


@pytest.fixture(scope="module")
def db(lexis_reference):
    return lexis_reference


def scalar(db, sql, **params):
    return db.execute(sql, params).fetchall()[0][0]


def suicide_smr_by(db, column: str, min_age: int = 18, max_age: int = 74, sex: int | None = None) -> dict:
    """Suicide SMR by a persons column, persons aged min_age..max_age at census (as the ONS
    study, 18-74), expected deaths from the sex x attained-age-group rates of that population."""
    sex_filter = "" if sex is None else f"AND p.sex = {int(sex)}"
    rows = db.execute(f"""
        WITH pt AS (
            SELECT {column} AS category, p.sex, t.age_group, t.person_years, t.died_suicide
            FROM {PERSON_TIME} AS t JOIN persons AS p USING (person_id)
            WHERE p.age_at_census BETWEEN {int(min_age)} AND {int(max_age)} {sex_filter}
        ),
        reference AS (
            SELECT sex, age_group, sum(died_suicide) / sum(person_years) AS rate
            FROM pt GROUP BY sex, age_group
        )
        SELECT category, sum(died_suicide) / sum(person_years * rate)
        FROM pt JOIN reference USING (sex, age_group) GROUP BY category
    """).fetchall()
    return dict(rows)


def test_age_structure_within_10_percent_relative_of_census(db):
    """Share of persons in each census age band within +-10% (relative) of the 2011 Census."""
    total_census = sum(count for *_, count in CENSUS_AGE_BANDS)
    for first, last, count in CENSUS_AGE_BANDS:
        share = scalar(db, "SELECT avg((age_at_census BETWEEN $first AND $last)::INTEGER) FROM persons",
                       first=first, last=last)
        expected = count / total_census
        assert abs(share / expected - 1) < 0.10, (first, last, share, expected)


def test_women_outnumber_men_from_age_30(db):
    """In every 5-year census age group from 30-34 upwards, women > men."""
    rows = db.execute("""SELECT age_group_census, count(*) FILTER (WHERE sex = 2) - count(*) FILTER (WHERE sex = 1)
                         FROM persons WHERE age_at_census >= 30 GROUP BY 1 ORDER BY 1""").fetchall()
    assert len(rows) == 13 and all(excess > 0 for _, excess in rows), rows


def test_share_aged_65_plus_near_16_percent(db):
    """16.4% aged 65+ at the 2011 Census; tolerance 15.0-17.8%."""
    share = scalar(db, "SELECT avg((age_at_census >= 65)::INTEGER) FROM persons")
    assert 0.150 <= share <= 0.178


def hmd_rate(age: float, sex: int) -> float:
    """HMD rate per person-year at exact age, log-linear between decades, mean of 2011 and 2019."""
    low = int(age // 10 * 10)
    weight = (age - low) / 10
    columns = (0, 2) if sex == 1 else (1, 3)
    log_rate = [(1 - weight) * math.log(HMD[low][c]) + weight * math.log(HMD[low + 10][c]) for c in columns]
    return sum(math.exp(value) for value in log_rate) / 2 / 100_000


@pytest.mark.parametrize("sex", [1, 2])
@pytest.mark.parametrize("age_group, mid_age", [(9, 42.5), (13, 62.5), (17, 82.5)])
def test_all_cause_rates_within_25_percent_of_hmd(db, sex, age_group, mid_age):
    """All-cause rate 2012-2019 at ages 40-44, 60-64, 80-84 within +-25% of HMD (band midpoint)."""
    rate = scalar(db, f"""SELECT sum(t.died) / sum(t.person_years) FROM {PERSON_TIME} t JOIN persons p USING (person_id)
                         WHERE p.sex = $sex AND t.age_group = $age_group AND t.year BETWEEN 2012 AND 2019""",
                  sex=sex, age_group=age_group)
    expected = hmd_rate(mid_age, sex)
    assert abs(rate / expected - 1) < 0.25, (rate * 1e5, expected * 1e5)


def test_deaths_per_year_near_0_9_percent(db):
    """About 0.9% of the population dies each year before COVID (480-530k of 56M): 0.8-1.1%."""
    rate = scalar(db, "SELECT sum(died) / sum(person_years) FROM person_time WHERE year BETWEEN 2012 AND 2019")
    assert 0.008 <= rate <= 0.011


def suicide_rate(db, where: str = "TRUE") -> float:
    return scalar(db, f"""SELECT 1e5 * sum(t.died_suicide) / sum(t.person_years)
                          FROM {PERSON_TIME} t JOIN persons p USING (person_id)
                          WHERE t.age_group >= 3 AND {where}""")


def test_suicide_crude_rate_ages_10_plus_8_to_13(db):
    """National suicide rate ages 10+ about 10-11 per 100,000; tolerance 8-13 per 100,000 p-y."""
    assert 8 <= suicide_rate(db) <= 13


def test_suicide_male_female_ratio_2_5_to_3_8(db):
    """Men about 3x women (16.9 vs 5.3 in 2019); tolerance ratio 2.5-3.8."""
    assert 2.5 <= suicide_rate(db, "p.sex = 1") / suicide_rate(db, "p.sex = 2") <= 3.8


def test_male_suicide_peaks_at_ages_40_to_54(db):
    """Highest male age-specific suicide rate (ages 10+) in a band within 40-54 (codes 9-11)."""
    rows = db.execute(f"""SELECT t.age_group, sum(t.died_suicide) / sum(t.person_years) AS rate
                         FROM {PERSON_TIME} t JOIN persons p USING (person_id)
                         WHERE p.sex = 1 AND t.age_group >= 3 GROUP BY 1 ORDER BY rate DESC""").fetchall()
    assert rows[0][0] in (9, 10, 11), rows[:3]


def test_suicide_disabled_above_not_limited_gap_larger_for_women(db):
    """Disabled (a lot or a little) SMR > not limited in both sexes; women's ratio > men's."""
    ratios = {}
    for sex in (1, 2):
        smr = suicide_smr_by(db, "disability", sex=sex)
        assert smr[1] > smr[3] and smr[2] > smr[3], smr
        ratios[sex] = min(smr[1], smr[2]) / smr[3]
    assert ratios[2] > ratios[1], ratios


def test_suicide_religion_directions(db):
    """No religion > Christian; Buddhist and Other pooled > Christian; Muslim < no religion."""
    smr = suicide_smr_by(db, "religion")
    pooled = suicide_smr_by(db, "CASE WHEN religion IN (3, 8) THEN 38 ELSE religion END")
    assert smr[1] > smr[2] and pooled[38] > smr[2] and smr[6] < smr[1], smr


def test_suicide_white_and_mixed_above_asian_and_black(db):
    """Ethnic groups: White and Mixed SMRs above Asian and Black."""
    smr = suicide_smr_by(db, "ethnicity")
    assert min(smr[1], smr[2]) > max(smr[3], smr[4]), smr


def test_suicide_nssec_8_highest(db):
    """NS-SEC 8 (never worked, long-term unemployed) has the highest SMR of classes 1-8."""
    smr = suicide_smr_by(db, "nssec")
    assert max(range(1, 9), key=lambda code: smr[code]) == 8, smr


def test_suicide_single_and_separated_above_married(db):
    """Single and separated SMRs above married."""
    smr = suicide_smr_by(db, "partnership")
    assert smr[1] > smr[2] and smr[3] > smr[2], smr


def test_suicide_london_lowest_region(db):
    """London (code 7) has the lowest suicide SMR of the ten regions."""
    smr = suicide_smr_by(db, "region")
    assert min(smr, key=smr.get) == 7, smr


def test_covid_deaths_only_in_2020_and_2021(db):
    """COVID-19 deaths only in 2020-2021, and they are 8-16% of deaths in 2020."""
    early = scalar(db, "SELECT count(*) FROM deaths WHERE cause_group = 2 AND year(date_of_death) < 2020")
    share_2020 = scalar(db, "SELECT avg((cause_group = 2)::INTEGER) FROM deaths WHERE year(date_of_death) = 2020")
    assert early == 0 and 0.08 <= share_2020 <= 0.16


def test_covid_black_and_asian_above_white_age_sex_adjusted(db):
    """COVID-19 SMR (sex x age adjusted, 2020-2021) for Black and Asian at least 1.3x White."""
    rows = db.execute(f"""
        WITH pt AS (SELECT p.ethnicity, p.sex, t.age_group, t.person_years, t.died_covid19
                    FROM {PERSON_TIME} t JOIN persons p USING (person_id) WHERE t.year >= 2020),
        reference AS (SELECT sex, age_group, sum(died_covid19) / sum(person_years) AS rate FROM pt GROUP BY ALL)
        SELECT ethnicity, sum(died_covid19) / sum(person_years * rate) FROM pt JOIN reference USING (sex, age_group)
        GROUP BY ethnicity""").fetchall()
    smr = dict(rows)
    assert smr[4] > 1.3 * smr[1] and smr[3] > 1.3 * smr[1], smr


def linkage_rate(db, where: str = "TRUE") -> float:
    return scalar(db, f"SELECT avg(p.linked::INTEGER) FROM persons p WHERE {where}")


def test_linkage_overall_0_90_to_0_96(db):
    """About 95% of census records linked; tolerance 0.90-0.96."""
    assert 0.90 <= linkage_rate(db) <= 0.96


def test_linkage_directions(db):
    """Linkage lower for ages 20-29 than 50-59, men than women, London than elsewhere."""
    assert linkage_rate(db, "p.age_at_census BETWEEN 20 AND 29") < linkage_rate(db, "p.age_at_census BETWEEN 50 AND 59")
    assert linkage_rate(db, "p.sex = 1") < linkage_rate(db, "p.sex = 2")
    assert linkage_rate(db, "p.region = 7") < linkage_rate(db, "p.region <> 7")
    assert scalar(db, "SELECT count(*) FROM linkage JOIN persons USING (person_id) "
                      "WHERE linked <> (match_status IN (1, 2))") == 0


def test_the_default_dataset_is_drawn_from_the_calibrated_model(census_catalog):
    """The figures above are claimed for the default dataset too: same seed, same model, and at
    least as many persons (so the same targets with less noise)."""
    defaults = census_catalog.build_defaults
    assert defaults.seed == SEED and defaults.persons >= PERSONS
