"""The synthetic census population of England and Wales on 27 March 2011, one chunk at a time.

Every attribute is drawn with numpy from the shares in explorer.data.parameters, conditional on
age, sex, region and ethnicity where the census shows strong dependence. Codes follow
data_catalog/census_mortality.yaml.
"""

from __future__ import annotations

import numpy as np

from explorer.data import parameters as P
from explorer.data.sampling import band_index, categorical, categorical_by_row, normalised_rows

U8 = np.uint8


def single_year_age_weights() -> np.ndarray:
    """Population weight of each single year of age 0..MAX_AGE at the 2011 Census."""
    weights = np.zeros(P.MAX_AGE + 1)
    for first, last, count in P.CENSUS_AGE_COUNTS:
        if first == 90:
            decline = P.AGE_90_PLUS_ANNUAL_SURVIVAL ** np.arange(last - first + 1)
            weights[first:last + 1] = count * decline / decline.sum()
        else:
            weights[first:last + 1] = count / (last - first + 1)
    return weights / weights.sum()


def ethnicity_rows_by_region() -> np.ndarray:
    """Detailed ethnicity probabilities for London (row 1) and the rest of E&W (row 0).

    The rest-of-country row is the residual that keeps national shares at [ETH] figures.
    """
    national = normalised_rows(P.ETHNIC_DETAILED_NATIONAL)
    london = normalised_rows(P.ETHNIC_DETAILED_LONDON)
    london_share = P.REGION_SHARES[P.LONDON - 1]
    rest = np.clip((national - london_share * london) / (1 - london_share), 0.0002, None)
    return normalised_rows(np.vstack([rest, london]))


def age_group_code(ages: np.ndarray) -> np.ndarray:
    """5-year age group codes 1..19 (19 = 90+) as in the catalog dimension age_group."""
    return np.minimum(ages // 5 + 1, 19).astype(U8)


def _by_age_table(table) -> tuple[list[int], np.ndarray]:
    return [upper for upper, *_ in table], np.array([row for _, row in table])


def generate_persons(rng: np.random.Generator, first_person_id: int, count: int) -> dict[str, np.ndarray]:
    """Columns of ``count`` persons; ``days_since_birthday`` (0..364) fixes the birth date."""
    uniforms = rng.random((16, count))
    ages = categorical(uniforms[0], single_year_age_weights()).astype(np.int64)
    uppers = [upper for upper, _ in P.FEMALE_SHARE_BY_AGE]
    female_share = np.array([share for _, share in P.FEMALE_SHARE_BY_AGE])[band_index(ages, uppers)]
    sex = np.where(uniforms[1] < female_share, 2, 1).astype(U8)
    days_since_birthday = rng.integers(0, 365, count).astype(np.int16)

    region = (categorical(uniforms[2], P.REGION_SHARES) + 1).astype(U8)
    ethnic_rows = ethnicity_rows_by_region()
    ethnicity_detailed = (categorical_by_row(uniforms[3], ethnic_rows,
                                             (region == P.LONDON).astype(np.int64)) + 1).astype(U8)
    ethnicity = P.ETHNIC_PARENT[ethnicity_detailed - 1]
    religion = (categorical_by_row(uniforms[4], P.RELIGION_BY_ETHNICITY,
                                   ethnicity_detailed.astype(np.int64) - 1) + 1).astype(U8)

    disability = _disability(uniforms[5], ages, region)
    adult = ages >= 16
    working_age = adult & (ages <= 74)

    uppers, rows = _by_age_table(P.PARTNERSHIP_BY_AGE)
    partnership = categorical_by_row(uniforms[6], rows, band_index(np.maximum(ages, 16), uppers)) + 1
    partnership = np.where(adult, partnership, 0).astype(U8)

    uppers, rows = _by_age_table(P.QUALIFICATION_BY_AGE)
    qualification = categorical_by_row(uniforms[7], rows, band_index(np.maximum(ages, 16), uppers)) + 1
    qualification = np.where(adult, qualification, 0).astype(U8)

    uppers, rows = _by_age_table(P.ECONOMIC_ACTIVITY_BY_AGE)
    activity_band = band_index(np.clip(ages, 16, 74), uppers)
    activity = categorical_by_row(uniforms[8], rows, activity_band) + 1
    long_term_sick = (disability == 1) & (ages <= 64) & (uniforms[9] < P.LIMITED_A_LOT_LONG_TERM_SICK)
    activity = np.where(long_term_sick, 6, activity)
    economic_activity = np.where(working_age, activity, 0).astype(U8)

    nssec = _nssec(uniforms[10], uniforms[11], qualification, economic_activity, working_age)

    uppers, rows = _by_age_table(P.TENURE_BY_AGE)
    tenure = (categorical_by_row(uniforms[12], rows, band_index(ages, uppers)) + 1).astype(U8)
    deprivation = (categorical_by_row(uniforms[13], P.DEPRIVATION_BY_TENURE,
                                      tenure.astype(np.int64) - 1) + 1).astype(U8)

    forces_prob = np.where(sex == 1, P.ARMED_FORCES_PROB[1], P.ARMED_FORCES_PROB[2])
    in_forces = (ages >= 18) & (ages <= 55) & (uniforms[14] < forces_prob)
    armed_forces = np.where(in_forces, 1, 2).astype(U8)
    record_key = rng.integers(0, 256, count).astype(U8)

    return {
        "person_id": np.arange(first_person_id, first_person_id + count, dtype=np.int64),
        "sex": sex,
        "age_at_census": ages.astype(U8),
        "days_since_birthday": days_since_birthday,
        "age_group_census": age_group_code(ages),
        "ethnicity": ethnicity,
        "ethnicity_detailed": ethnicity_detailed,
        "religion": religion,
        "disability": disability,
        "partnership": partnership,
        "nssec": nssec,
        "qualification": qualification,
        "economic_activity": economic_activity,
        "tenure": tenure,
        "region": region,
        "deprivation_quintile": deprivation,
        "armed_forces": armed_forces,
        "record_key": record_key,
    }


def _disability(uniforms: np.ndarray, ages: np.ndarray, region: np.ndarray) -> np.ndarray:
    """1 limited a lot, 2 a little, 3 not limited; steep age gradient, regional factor."""
    uppers = [upper for upper, *_ in P.DISABILITY_BY_AGE]
    band = band_index(ages, uppers)
    a_lot = np.array([row[1] for row in P.DISABILITY_BY_AGE])[band]
    a_little = np.array([row[2] for row in P.DISABILITY_BY_AGE])[band]
    factor = np.ones(len(ages))
    for region_code, region_factor in P.DISABILITY_REGION_FACTOR.items():
        factor[region == region_code] = region_factor
    a_lot = np.minimum(a_lot * factor, 0.9)
    a_little = np.minimum(a_little * factor, 0.95 - a_lot)
    return np.where(uniforms < a_lot, 1, np.where(uniforms < a_lot + a_little, 2, 3)).astype(U8)


def _nssec(u_class: np.ndarray, u_never: np.ndarray, qualification: np.ndarray,
           economic_activity: np.ndarray, working_age: np.ndarray) -> np.ndarray:
    """NS-SEC: 0 outside 16-74, 9 for students, 8 for some never-worked, else by qualification."""
    qualification_group = np.where(qualification == 1, 0, np.where(qualification == 7, 2, 1))
    rows = [P.NSSEC_BY_QUALIFICATION[key] for key in ("level_4", "middle", "none")]
    nssec = P.NSSEC_CLASSES[categorical_by_row(u_class, rows, qualification_group)]
    never_prob = np.zeros(len(nssec))
    for activity_code, prob in P.NSSEC8_PROB_BY_ACTIVITY.items():
        never_prob[economic_activity == activity_code] = prob
    nssec = np.where(u_never < never_prob, 8, nssec)
    nssec = np.where(economic_activity == 3, 9, nssec)
    return np.where(working_age, nssec, 0).astype(U8)
