"""Deaths of linked persons from 27 March 2011 to 31 December 2021, by cause.

Model: piecewise-constant hazards on calendar-year intervals (2020 split on 1 March, when the
COVID-19 hazard starts), evaluated at each person's exact age in the middle of the interval.
  all-cause baseline   log-linear interpolation of HMD single-age rates, 2011 -> 2019 [HMD]
  suicide              age-sex rates [SUIC] x relative risks (disability, religion, ethnicity,
                       NS-SEC, partnership, region, deprivation) re-normalised to mean one
                       within sex x census age group, so the age-sex rates are preserved
  COVID-19             fraction of the all-cause rate in 2020-2021 x ethnicity/deprivation RR
  other causes         all-cause minus suicide, x disability/deprivation RR; split into
                       circulatory / cancer / other by age-dependent shares [DEATHS]
One exponential clock per person (one uniform) gives the death time; a second uniform picks
the cause in proportion to the cause hazards; a third picks the ICD-10 code.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from explorer.data import mortality_parameters as M
from explorer.data import parameters as P
from explorer.data.population import age_group_code
from explorer.data.sampling import band_index, mean_one_within_groups, weighted_choice

DAYS_PER_YEAR = 365.25
CAUSE_SUICIDE, CAUSE_COVID, CAUSE_CIRCULATORY, CAUSE_CANCER, CAUSE_OTHER = 1, 2, 3, 4, 5
LAST_DAY = (P.FOLLOW_UP_END - P.CENSUS_DAY).days  # day index of 31 December 2021


def follow_up_intervals() -> list[tuple[int, int, int, bool]]:
    """(first day, end day exclusive, calendar year, COVID hazard on) in days since census day."""
    intervals = []
    for year in range(P.FIRST_YEAR, P.LAST_YEAR + 1):
        start = max((dt.date(year, 1, 1) - P.CENSUS_DAY).days, 1)
        end = (dt.date(year + 1, 1, 1) - P.CENSUS_DAY).days
        if year == 2020:
            covid_start = start + M.COVID_START_DAY_OF_2020
            intervals += [(start, covid_start, year, False), (covid_start, end, year, True)]
        else:
            intervals.append((start, end, year, year in M.COVID_FRACTION_OF_ALL_CAUSE))
    return intervals


def all_cause_rate(sex: np.ndarray, exact_age: np.ndarray, year: int) -> np.ndarray:
    """All-cause central death rate per person-year at exact age, by sex and year [HMD]."""
    knot_ages = np.array(sorted(M.ALL_CAUSE_KNOTS))
    knots = np.log(np.array([M.ALL_CAUSE_KNOTS[age] for age in knot_ages], dtype=np.float64))
    weight_2019 = min(max((year - 2011) / 8.0, 0.0), 1.0)
    men = (1 - weight_2019) * knots[:, 0] + weight_2019 * knots[:, 2]
    women = (1 - weight_2019) * knots[:, 1] + weight_2019 * knots[:, 3]
    log_rate = np.where(sex == 1, np.interp(exact_age, knot_ages, men),
                        np.interp(exact_age, knot_ages, women))
    return np.exp(log_rate) / 100_000.0


def suicide_rate(sex: np.ndarray, exact_age: np.ndarray) -> np.ndarray:
    """Baseline suicide rate per person-year by sex and attained 5-year group (ages 10+) [SUIC]."""
    men = np.zeros(20)
    women = np.zeros(20)
    for code, rate in M.SUICIDE_RATE_MEN.items():
        men[code] = rate
    for code, rate in M.SUICIDE_RATE_WOMEN.items():
        women[code] = rate
    group = age_group_code(np.floor(exact_age).astype(np.int64))
    return np.where(sex == 1, men[group], women[group]) / 100_000.0


def relative_risks(persons: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-person multipliers for suicide, COVID-19 and other causes, mean one per sex x age group."""
    sex = persons["sex"].astype(np.int64)
    group = (sex - 1) * 20 + persons["age_group_census"].astype(np.int64)
    disability = persons["disability"].astype(np.int64) - 1
    deprivation = persons["deprivation_quintile"].astype(np.int64) - 1
    ethnic = persons["ethnicity_detailed"].astype(np.int64) - 1
    suicide_disability = np.where(sex == 1, M.SUICIDE_RR_DISABILITY[1][disability],
                                  M.SUICIDE_RR_DISABILITY[2][disability])
    suicide = (suicide_disability
               * M.SUICIDE_RR_RELIGION[persons["religion"].astype(np.int64) - 1]
               * M.SUICIDE_RR_ETHNICITY[ethnic]
               * M.SUICIDE_RR_NSSEC[persons["nssec"]]
               * M.SUICIDE_RR_PARTNERSHIP[persons["partnership"]]
               * M.SUICIDE_RR_REGION[persons["region"].astype(np.int64) - 1]
               * M.SUICIDE_RR_DEPRIVATION[deprivation])
    covid = M.COVID_RR_ETHNICITY[ethnic] * M.COVID_RR_DEPRIVATION[deprivation]
    other = M.ALL_CAUSE_RR_DISABILITY[disability] * M.ALL_CAUSE_RR_DEPRIVATION[deprivation]
    covid_sex = np.where(sex == 1, M.COVID_RR_MALE, 1.0)
    return {
        "suicide": mean_one_within_groups(suicide, group),
        "covid": mean_one_within_groups(covid, group) * covid_sex,
        "other": mean_one_within_groups(other, group),
    }


def _cause_shares(exact_age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uppers = [upper for upper, *_ in M.CAUSE_SHARES_BY_AGE]
    band = band_index(np.floor(exact_age), uppers)
    circulatory = np.array([row[1] for row in M.CAUSE_SHARES_BY_AGE])[band]
    cancer = np.array([row[2] for row in M.CAUSE_SHARES_BY_AGE])[band]
    return circulatory, cancer


def simulate_deaths(rng: np.random.Generator, persons: dict[str, np.ndarray],
                    at_risk: np.ndarray) -> dict[str, np.ndarray]:
    """Deaths of the persons flagged ``at_risk``: person_id, death_day (days after census day),
    underlying_cause (ICD-10). Only the person columns of explorer.data.population are used."""
    count = len(persons["person_id"])
    uniforms = rng.random((4, count))
    clock = -np.log1p(-uniforms[0])  # Exp(1) threshold on the cumulative hazard
    sex = persons["sex"]
    age_at_census = persons["age_at_census"].astype(np.float64)
    days_since_birthday = persons["days_since_birthday"].astype(np.float64)
    risks = relative_risks(persons)

    cumulative = np.zeros(count)
    death_day = np.full(count, -1, dtype=np.int64)
    cause = np.zeros(count, dtype=np.int64)
    exact_age_at_death = np.zeros(count)
    for start, end, year, covid_on in follow_up_intervals():
        alive = at_risk & (death_day < 0)
        mid_age = age_at_census + (days_since_birthday + (start + end) / 2.0) / DAYS_PER_YEAR
        start_age = age_at_census + (days_since_birthday + start) / DAYS_PER_YEAR
        base = all_cause_rate(sex, mid_age, year)
        suicide_base = suicide_rate(sex, start_age)
        suicide = suicide_base * risks["suicide"]
        other = np.maximum(base - suicide_base, 0.2 * base) * risks["other"]
        covid = base * M.COVID_FRACTION_OF_ALL_CAUSE.get(year, 0.0) * risks["covid"] if covid_on \
            else np.zeros(count)
        hazard_per_day = (suicide + other + covid) / DAYS_PER_YEAR
        added = hazard_per_day * (end - start)
        dies_here = alive & (cumulative + added >= clock)
        offset = (clock[dies_here] - cumulative[dies_here]) / hazard_per_day[dies_here]
        day = np.minimum(start + np.floor(offset).astype(np.int64), end - 1)
        death_day[dies_here] = day
        exact_age_at_death[dies_here] = age_at_census[dies_here] + \
            (days_since_birthday[dies_here] + day) / DAYS_PER_YEAR
        total = (suicide + other + covid)[dies_here]
        pick = uniforms[1][dies_here] * total
        cause[dies_here] = np.where(pick < suicide[dies_here], CAUSE_SUICIDE,
                                    np.where(pick < suicide[dies_here] + covid[dies_here],
                                             CAUSE_COVID, CAUSE_OTHER))
        cumulative = np.where(alive, cumulative + added, cumulative)

    died = np.flatnonzero(death_day >= 0)
    codes = _icd10_codes(cause[died], exact_age_at_death[died], uniforms[2][died], uniforms[3][died])
    return {
        "person_id": persons["person_id"][died],
        "death_day": death_day[died].astype(np.int32),
        "underlying_cause": codes,
    }


def _icd10_codes(cause: np.ndarray, exact_age: np.ndarray, u_split: np.ndarray,
                 u_code: np.ndarray) -> np.ndarray:
    """ICD-10 underlying cause consistent with the simulated cause and age at death.

    Non-suicide, non-COVID deaths are split into circulatory, cancer and other by age-dependent
    shares; suicides at 15+ are sometimes coded as undetermined intent (Y10-Y34, Y87.2), which the
    ONS definition counts as suicide only from age 15.
    """
    codes = np.empty(len(cause), dtype=object)
    circulatory_share, cancer_share = _cause_shares(exact_age)
    is_other = cause == CAUSE_OTHER
    circulatory = is_other & (u_split < circulatory_share)
    cancer = is_other & ~circulatory & (u_split < circulatory_share + cancer_share)
    residual = is_other & ~circulatory & ~cancer
    infant = residual & (exact_age < 1.0)
    undetermined = (cause == CAUSE_SUICIDE) & (exact_age >= 15.02) & \
        (u_split < M.UNDETERMINED_SHARE_OF_SUICIDES_15_PLUS)
    self_harm = (cause == CAUSE_SUICIDE) & ~undetermined
    for mask, table in (
        (self_harm, M.ICD10_SELF_HARM), (undetermined, M.ICD10_UNDETERMINED),
        (cause == CAUSE_COVID, M.ICD10_COVID), (circulatory, M.ICD10_CIRCULATORY),
        (cancer, M.ICD10_CANCER), (residual & ~infant, M.ICD10_OTHER_ADULT),
        (infant, M.ICD10_OTHER_INFANT),
    ):
        if mask.any():
            codes[mask] = weighted_choice(u_code[mask], table)
    return codes
