"""Calibration numbers of the mortality model, each with its source.

Source tags as in explorer.data.parameters ([HMD], [SUIC], [COVID], [DEATHS], [ASSUMED]).
Relative risks (RR) are multiplicative and are re-normalised within sex x census age group, so
that the baseline age-sex rates below stay the population average (see mortality.py).
"""

from __future__ import annotations

import numpy as np

# --- All-cause central death rates per 100,000 by single age [HMD] -----------------------------
# Knots: age -> (men 2011, women 2011, men 2019, women 2019). Ages 1 and 5 and 100 are
# [ASSUMED] knots (childhood minimum; Gompertz extrapolation beyond 90). Log-linear in age between
# knots, linear in calendar year between 2011 and 2019, held at 2019 for 2020-2021 (excess deaths
# in 2020-2021 come from the explicit COVID-19 hazard).
ALL_CAUSE_KNOTS = {
    0: (500, 373, 430, 354),
    1: (25, 20, 22, 18),
    5: (10, 8, 9, 7),
    10: (9, 4, 7, 7),
    20: (50, 18, 56, 17),
    30: (71, 37, 77, 39),
    40: (145, 86, 147, 90),
    50: (303, 214, 335, 213),
    60: (803, 533, 732, 483),
    70: (2131, 1346, 1782, 1219),
    80: (5790, 4086, 5382, 3822),
    90: (18331, 13994, 17102, 13651),
    100: (42000, 36000, 40000, 35000),
}

# --- Suicide rates per 100,000 by 5-year attained age group (codes 3..19) and sex [SUIC] ----------
# National ~10-11 per 100,000 (ages 10+), men ~16-17 and women ~5 [SUIC 2019-2021]; male peak at
# 45-49 (25.5 in 2019) [SUIC]; men:women about 3:1 [SUIC]. Band values [ASSUMED, smoothed].
SUICIDE_RATE_MEN = {
    3: 1.2, 4: 8.0, 5: 14.5, 6: 17.0, 7: 18.5, 8: 19.5, 9: 24.5, 10: 26.0, 11: 24.0,
    12: 18.5, 13: 14.5, 14: 12.0, 15: 11.5, 16: 13.0, 17: 14.0, 18: 15.0, 19: 14.0,
}
SUICIDE_RATE_WOMEN = {
    3: 0.8, 4: 3.2, 5: 4.3, 6: 5.0, 7: 5.6, 8: 6.4, 9: 7.5, 10: 8.0, 11: 7.6,
    12: 6.5, 13: 5.0, 14: 4.2, 15: 3.8, 16: 3.8, 17: 4.0, 18: 4.0, 19: 3.6,
}

# Relative risks of suicide [SUIC directions; magnitudes ASSUMED near the bulletin's figures].
# Disability (limited a lot, a little, not limited): disabled 48.4 vs 15.9 men (x3.0),
# 18.9 vs 4.5 women (x4.2) [SUIC, approx.]; the relative gap larger for women.
SUICIDE_RR_DISABILITY = {1: np.array([3.2, 2.2, 1.0]), 2: np.array([4.6, 3.0, 1.0])}
# Religion codes 1..9: no religion highest of the main groups; Buddhist (26.6 men) and Other (33.2)
# above (Buddhist RR set high because most Buddhists are in low-risk ethnic groups)
# above; Muslim (5.1), Hindu, Jewish, Sikh, Christian lower [SUIC].
SUICIDE_RR_RELIGION = np.array([1.00, 0.78, 2.80, 0.55, 0.60, 0.45, 0.65, 2.30, 0.95])
# Detailed ethnicity codes 1..18: White and Mixed highest (Mixed 16.6, White 13.9), Arab lowest
# (3.2); Asian and Black lower [SUIC].
SUICIDE_RR_ETHNICITY = np.array([
    1.00, 1.05, 1.40, 0.80,
    1.25, 1.10, 1.15, 1.15,
    0.55, 0.55, 0.50, 0.60, 0.60,
    0.35, 0.55, 0.55,
    0.30, 0.60,
])
# NS-SEC codes 0..9 (index = code): never worked / long-term unemployed (8) highest [SUIC].
SUICIDE_RR_NSSEC = np.array([1.00, 0.55, 0.70, 0.85, 0.90, 1.05, 1.25, 1.45, 2.60, 1.10])
# Partnership codes 0..5: single and separated highest, married lowest [SUIC].
SUICIDE_RR_PARTNERSHIP = np.array([1.00, 1.65, 1.00, 2.00, 1.55, 1.25])
# Region codes 1..10: London lowest (6.6 in 2021), North East highest (14.1), Wales high [SUIC].
SUICIDE_RR_REGION = np.array([1.35, 1.15, 1.10, 1.05, 1.00, 0.95, 0.65, 0.95, 1.05, 1.25])
# Deprivation quintile codes 1..5 [ASSUMED gradient].
SUICIDE_RR_DEPRIVATION = np.array([1.35, 1.15, 1.00, 0.90, 0.80])

# --- All-cause relative risks (other causes) [ASSUMED] -----------------------------------------------
ALL_CAUSE_RR_DISABILITY = np.array([2.6, 1.5, 1.0])
ALL_CAUSE_RR_DEPRIVATION = np.array([1.40, 1.20, 1.00, 0.88, 0.78])

# --- COVID-19 ---------------------------------------------------------------------------------------------
# 73,766 COVID-19 deaths of 607,922 in 2020 (12%) [DEATHS]; modelled as a hazard proportional to
# the all-cause rate, from 1 March 2020 to 31 December 2021 [ASSUMED shape].
COVID_START_DAY_OF_2020 = 60  # 1 March 2020 (day index from 1 January)
COVID_FRACTION_OF_ALL_CAUSE = {2020: 0.145, 2021: 0.105}  # per unit of time at risk [ASSUMED]
COVID_RR_MALE = 1.35  # men's COVID excess beyond their all-cause excess [ASSUMED]
# Detailed ethnicity codes 1..18, vs White British: Bangladeshi 5.0/4.5, Pakistani 3.1/2.6,
# Black African 2.4/1.7, Black overall 3.3/2.4 (wave 1), Chinese and White Other near 1 [COVID].
COVID_RR_ETHNICITY = np.array([
    1.00, 1.10, 1.30, 1.00,
    1.60, 1.70, 1.40, 1.50,
    1.80, 2.90, 4.60, 0.90, 1.80,
    2.20, 2.40, 2.40,
    1.80, 1.70,
])
COVID_RR_DEPRIVATION = np.array([1.50, 1.25, 1.05, 0.90, 0.80])  # [ASSUMED]

# --- Cause shares of the remaining (non-suicide, non-COVID) deaths by attained age [DEATHS, approx.] -
# (upper age, circulatory share, cancer share); the rest are "other" causes.
CAUSE_SHARES_BY_AGE = [
    (0, 0.02, 0.01), (14, 0.04, 0.15), (39, 0.11, 0.17), (64, 0.24, 0.38),
    (84, 0.28, 0.32), (200, 0.30, 0.14),
]

# --- ICD-10 codes drawn for each cause (code, weight) [ASSUMED, common underlying causes] ------------
ICD10_SELF_HARM = [("X70", 0.60), ("X64", 0.10), ("X80", 0.06), ("X78", 0.05), ("X61", 0.04),
                   ("X81", 0.03), ("X84", 0.02), ("X60", 0.02), ("Y87.0", 0.01), ("X65", 0.07)]
ICD10_UNDETERMINED = [("Y20", 0.20), ("Y14", 0.25), ("Y12", 0.20), ("Y30", 0.10), ("Y21", 0.10),
                      ("Y34", 0.10), ("Y87.2", 0.05)]
UNDETERMINED_SHARE_OF_SUICIDES_15_PLUS = 0.22  # ~1 in 5 suicides are open verdicts [SUIC, approx.]
ICD10_COVID = [("U07.1", 0.92), ("U07.2", 0.08)]
ICD10_CIRCULATORY = [("I21.9", 0.20), ("I25.1", 0.30), ("I64", 0.12), ("I50.9", 0.10),
                     ("I48", 0.08), ("I61.9", 0.08), ("I71.4", 0.05), ("I10", 0.07)]
ICD10_CANCER = [("C34.9", 0.22), ("C18.9", 0.10), ("C50.9", 0.08), ("C61", 0.07), ("C25.9", 0.07),
                ("C15.9", 0.06), ("C80.9", 0.08), ("C92.0", 0.04), ("C67.9", 0.04), ("C71.9", 0.03),
                ("C16.9", 0.04), ("C22.0", 0.04), ("C56", 0.03), ("C64", 0.03), ("C85.9", 0.07)]
ICD10_OTHER_ADULT = [("J18.9", 0.14), ("J44.9", 0.14), ("F03", 0.16), ("G30.9", 0.08),
                     ("K70.3", 0.05), ("E11.9", 0.04), ("N18.9", 0.04), ("A41.9", 0.05),
                     ("W19", 0.05), ("V89.2", 0.03), ("G12.2", 0.03), ("K74.6", 0.03),
                     ("F10.2", 0.04), ("R99", 0.02), ("X42", 0.04), ("J84.1", 0.06)]
ICD10_OTHER_INFANT = [("P07.3", 0.35), ("Q24.9", 0.25), ("P22.0", 0.15), ("R95", 0.10),
                      ("A41.9", 0.05), ("P36.9", 0.10)]
