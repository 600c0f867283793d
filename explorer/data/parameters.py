"""Every calibration number of the synthetic census_mortality builder, with its source.

Sources (full references in /work/shared/reference/calibration-targets.md and docs/data.md):
  [CENSUS]   ONS, Population and household estimates for England and Wales, March 2011
             (tables QS103EW/KS102EW), and 2011 Census topic releases (ethnicity, religion,
             disability, partnership, qualification, tenure).
  [ETH]      GOV.UK Ethnicity facts and figures, Population of England and Wales (2011 Census).
  [HMD]      Human Mortality Database, England and Wales, central death rates 2011 and 2019.
  [DEATHS]   ONS, Deaths registered in England and Wales, 2011-2021.
  [SUIC]     ONS, Suicides in England and Wales (2019-2021 editions) and ONS,
             Sociodemographic inequalities in suicides in England and Wales: 2011 to 2021 (2023).
  [COVID]    ONS, Updating ethnic contrasts in deaths involving COVID-19, England and Wales.
  [LINK]     ONS 2011 Census-to-deaths linkage report; Census 2021 linkage to the PDS.
  [ASSUMED]  A modelling assumption, chosen to give the published direction; not a published
             figure.

Category order of every array below follows the integer codes of
data_catalog/census_mortality.yaml (index 0 = code 1 unless stated).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

CENSUS_DAY = dt.date(2011, 3, 27)
FOLLOW_UP_END = dt.date(2021, 12, 31)  # last day at risk (inclusive)
FIRST_YEAR, LAST_YEAR = 2011, 2021
MAX_AGE = 105  # oldest single year of age generated [ASSUMED]

# --- Age at census -------------------------------------------------------------------------
# Persons by age group [CENSUS]: (first age, last age, count). 85+ is split into 85-89 and
# 90+ using "about 430,000 aged 90+" [CENSUS].
CENSUS_AGE_COUNTS = [
    (0, 4, 3_496_750), (5, 9, 3_135_711), (10, 14, 3_258_677), (15, 17, 2_079_229),
    (18, 24, 5_267_401), (25, 29, 3_836_609), (30, 34, 3_683_915), (35, 39, 3_732_161),
    (40, 44, 4_099_089), (45, 49, 4_100_526), (50, 54, 3_601_694), (55, 59, 3_183_915),
    (60, 64, 3_377_162), (65, 69, 2_674_161), (70, 74, 2_178_672), (75, 79, 1_777_547),
    (80, 84, 1_338_005), (85, 89, 824_688), (90, MAX_AGE, 430_000),
]
AGE_90_PLUS_ANNUAL_SURVIVAL = 0.72  # single-year decline within 90+ [ASSUMED, HMD-like]

# Share female by age (upper bound of band inclusive). Women outnumber men from about 30
# and increasingly above 70; 27.6M men vs 28.5M women overall [CENSUS].
FEMALE_SHARE_BY_AGE = [
    (29, 0.490), (44, 0.507), (59, 0.507), (69, 0.515), (74, 0.530), (79, 0.555),
    (84, 0.595), (89, 0.650), (MAX_AGE, 0.740),
]

# --- Region ----------------------------------------------------------------------------------
# Codes 1..10: NE, NW, Y&H, EM, WM, East, London, SE, SW, Wales. London 8.17M (14.6%), WM 5.6M,
# EM 4.5M, Wales 3.06M [CENSUS]; the others approximated from ONS mid-2011 estimates.
REGION_SHARES = np.array([4.6, 12.6, 9.4, 8.1, 10.0, 10.4, 14.6, 15.4, 9.4, 5.5]) / 100.0
LONDON = 7
WALES = 10
NORTH_EAST = 1

# --- Ethnicity (18 detailed groups, codes 1..18) -------------------------------------------
# National shares [ETH]; London shares from 2011 Census London profile [CENSUS, approx.].
ETHNIC_DETAILED_NATIONAL = np.array([
    80.5, 0.9, 0.1, 4.4,          # White: British, Irish, Gypsy/Traveller, Other
    0.8, 0.3, 0.6, 0.5,           # Mixed
    2.5, 2.0, 0.8, 0.7, 1.5,      # Asian: Indian, Pakistani, Bangladeshi, Chinese, Other
    1.8, 1.1, 0.4,                # Black: African, Caribbean, Other
    0.4, 0.6,                     # Other: Arab, Any other
])
ETHNIC_DETAILED_LONDON = np.array([
    44.9, 2.2, 0.1, 12.6, 1.5, 0.8, 1.2, 1.5, 6.6, 2.7, 2.7, 1.5, 4.9, 7.0, 4.2, 2.1, 1.3, 2.1,
])
# Parent (5-group code) of each detailed code, as in the YAML hierarchy.
ETHNIC_PARENT = np.array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5], dtype=np.uint8)

# --- Religion given detailed ethnicity --------------------------------------------------------
# Columns: none, Christian, Buddhist, Hindu, Jewish, Muslim, Sikh, Other, not stated (codes 1..9).
# Rows chosen so that national shares are near Christian 59.3%, no religion 25.1%, Muslim 4.8%,
# Hindu 1.5%, Sikh 0.8%, Jewish 0.5%, Buddhist 0.4%, Other 0.4%, not stated 7.2% [CENSUS], with
# Muslims mostly Pakistani/Bangladeshi, Hindus and Sikhs mostly Indian [ASSUMED, Census-like].
RELIGION_BY_ETHNICITY = np.array([
    [0.272, 0.648, 0.002, 0.0003, 0.004, 0.002, 0.0003, 0.004, 0.068],  # White British
    [0.150, 0.770, 0.002, 0.0, 0.002, 0.002, 0.0, 0.004, 0.070],       # White Irish
    [0.100, 0.800, 0.0, 0.0, 0.0, 0.0, 0.0, 0.010, 0.090],             # Gypsy/Traveller
    [0.220, 0.630, 0.003, 0.001, 0.030, 0.050, 0.001, 0.005, 0.060],   # Other White
    [0.450, 0.450, 0.003, 0.0, 0.0, 0.010, 0.0, 0.007, 0.080],         # White & Black Caribbean
    [0.250, 0.600, 0.002, 0.0, 0.0, 0.070, 0.0, 0.005, 0.073],         # White & Black African
    [0.380, 0.350, 0.020, 0.030, 0.005, 0.120, 0.010, 0.005, 0.080],   # White & Asian
    [0.350, 0.430, 0.010, 0.010, 0.010, 0.090, 0.005, 0.010, 0.085],   # Other Mixed
    [0.020, 0.090, 0.002, 0.460, 0.0, 0.140, 0.240, 0.018, 0.030],     # Indian
    [0.010, 0.010, 0.0, 0.0, 0.0, 0.920, 0.001, 0.001, 0.058],         # Pakistani
    [0.010, 0.010, 0.0, 0.010, 0.0, 0.900, 0.0, 0.001, 0.069],         # Bangladeshi
    [0.560, 0.200, 0.130, 0.0, 0.0, 0.010, 0.0, 0.010, 0.090],         # Chinese
    [0.060, 0.130, 0.150, 0.260, 0.0, 0.300, 0.020, 0.030, 0.050],     # Other Asian
    [0.030, 0.680, 0.0, 0.003, 0.0, 0.220, 0.0, 0.003, 0.064],         # African
    [0.100, 0.730, 0.0, 0.0, 0.0, 0.020, 0.0, 0.020, 0.130],           # Caribbean
    [0.100, 0.600, 0.0, 0.0, 0.0, 0.180, 0.0, 0.020, 0.100],           # Other Black
    [0.030, 0.050, 0.0, 0.0, 0.010, 0.850, 0.0, 0.010, 0.050],         # Arab
    [0.100, 0.220, 0.050, 0.040, 0.050, 0.400, 0.030, 0.030, 0.080],   # Any other
])

# --- Disability by age -------------------------------------------------------------------------
# (upper age, P limited a lot, P limited a little). Overall about 9% / 9% [CENSUS disability];
# steep age gradient [ASSUMED, shaped on the Census age profile].
DISABILITY_BY_AGE = [
    (15, 0.015, 0.022), (24, 0.025, 0.035), (34, 0.035, 0.045), (49, 0.060, 0.070),
    (64, 0.125, 0.125), (74, 0.185, 0.190), (84, 0.320, 0.250), (MAX_AGE, 0.520, 0.250),
]
# Regional multipliers on the disability probabilities: higher in Wales and the North East,
# lowest in London [CENSUS disability; magnitudes ASSUMED].
DISABILITY_REGION_FACTOR = {NORTH_EAST: 1.22, WALES: 1.25, LONDON: 0.85}

# --- Partnership (ages 16+) by age ---------------------------------------------------------------
# Columns: single, married/CP, separated, divorced, widowed (codes 1..5). Ages 16+ overall:
# married 46.8%, single 34.6%, divorced 9.0%, widowed ~7%, separated ~2.6% [CENSUS, approx.].
PARTNERSHIP_BY_AGE = [
    (24, [0.950, 0.040, 0.005, 0.005, 0.000]),
    (34, [0.530, 0.420, 0.025, 0.025, 0.000]),
    (49, [0.230, 0.590, 0.045, 0.125, 0.010]),
    (64, [0.090, 0.660, 0.030, 0.170, 0.050]),
    (74, [0.050, 0.620, 0.015, 0.120, 0.195]),
    (84, [0.040, 0.450, 0.010, 0.070, 0.430]),
    (MAX_AGE, [0.040, 0.220, 0.005, 0.040, 0.695]),
]

# --- Highest qualification (ages 16+) by age --------------------------------------------------------
# Columns: Level 4+, Level 3, Level 2, apprenticeship, Level 1, other, none (codes 1..7).
# Ages 16+: none 22.7%, Level 4+ 27.2%, apprenticeship 3.6% [CENSUS]; age shape [ASSUMED].
QUALIFICATION_BY_AGE = [
    (24, [0.150, 0.330, 0.220, 0.010, 0.160, 0.030, 0.100]),
    (49, [0.350, 0.120, 0.150, 0.030, 0.150, 0.060, 0.140]),
    (64, [0.270, 0.090, 0.140, 0.050, 0.130, 0.070, 0.250]),
    (MAX_AGE, [0.130, 0.050, 0.080, 0.060, 0.060, 0.070, 0.550]),
]

# --- Economic activity (ages 16-74) by age ----------------------------------------------------------
# Columns: employed, unemployed, student, retired, home/family, long-term sick, other (codes 1..7).
# 70% of 16-74 active, of whom 89% employed, 6% unemployed, 5% students [CENSUS, UK 2011].
ECONOMIC_ACTIVITY_BY_AGE = [
    (24, [0.520, 0.100, 0.290, 0.000, 0.040, 0.015, 0.035]),
    (49, [0.800, 0.055, 0.020, 0.000, 0.075, 0.040, 0.010]),
    (64, [0.650, 0.035, 0.003, 0.140, 0.055, 0.087, 0.030]),
    (74, [0.120, 0.005, 0.000, 0.855, 0.010, 0.005, 0.005]),
]
# Share of people limited a lot aged 16-64 recoded to long-term sick [ASSUMED].
LIMITED_A_LOT_LONG_TERM_SICK = 0.40

# --- NS-SEC (ages 16-74) ------------------------------------------------------------------------------
# Never worked / long-term unemployed (class 8) drawn from the unemployed, long-term sick and
# those looking after the home; target ~3.7% of 16-74 as in 2001 [CENSUS 2001; ASSUMED mapping].
NSSEC8_PROB_BY_ACTIVITY = {2: 0.26, 6: 0.22, 5: 0.15, 7: 0.10}
# Classes 1..7 and 9 given qualification group: Level 4+, middle levels, no qualification [ASSUMED].
NSSEC_CLASSES = np.array([1, 2, 3, 4, 5, 6, 7, 9], dtype=np.uint8)
NSSEC_BY_QUALIFICATION = {
    "level_4": [0.25, 0.38, 0.12, 0.08, 0.03, 0.06, 0.04, 0.04],
    "middle": [0.06, 0.17, 0.16, 0.11, 0.10, 0.18, 0.13, 0.09],
    "none": [0.02, 0.06, 0.08, 0.10, 0.10, 0.25, 0.30, 0.09],
}

# --- Tenure by age ---------------------------------------------------------------------------------------
# Columns: owned outright, mortgage, social rented, private rented, communal (codes 1..5).
# Households ~31/33/18/18% [CENSUS]; age shape and communal shares [ASSUMED].
TENURE_BY_AGE = [
    (15, [0.120, 0.480, 0.190, 0.208, 0.002]),
    (24, [0.120, 0.300, 0.200, 0.340, 0.040]),
    (44, [0.080, 0.510, 0.160, 0.245, 0.005]),
    (64, [0.380, 0.360, 0.150, 0.105, 0.005]),
    (84, [0.690, 0.060, 0.170, 0.060, 0.020]),
    (MAX_AGE, [0.550, 0.020, 0.170, 0.060, 0.200]),
]
# Deprivation quintile (1 most deprived .. 5) given tenure [ASSUMED].
DEPRIVATION_BY_TENURE = np.array([
    [0.11, 0.16, 0.21, 0.25, 0.27],
    [0.12, 0.18, 0.21, 0.24, 0.25],
    [0.46, 0.25, 0.15, 0.09, 0.05],
    [0.27, 0.24, 0.20, 0.16, 0.13],
    [0.25, 0.22, 0.20, 0.18, 0.15],
])

# Armed forces: ~0.3% of ages 18-55, mostly men [ASSUMED from MoD strength ~170k].
ARMED_FORCES_PROB = {1: 0.0052, 2: 0.0007}  # by sex code, ages 18-55

# --- Linkage -------------------------------------------------------------------------------------------------
# About 95% of census records linked [LINK]; lower for ages 20-29, men, some minority groups
# and London (direction of the Census 2021 PDS linkage) [LINK; magnitudes ASSUMED].
LINK_BASE = 0.962
LINK_PENALTY_AGE_20_29 = 0.060
LINK_PENALTY_MALE = 0.015
LINK_PENALTY_LONDON = 0.035
LINK_PENALTY_COMMUNAL = 0.030
LINK_PENALTY_ETHNIC_DETAILED = {3: 0.05, 4: 0.05, 12: 0.04, 13: 0.03, 14: 0.04, 16: 0.03,
                                17: 0.05, 18: 0.04}
LINK_SHARE_BY_MATCH_KEY = 0.08  # linked records found by match key rather than NHS number [ASSUMED]
