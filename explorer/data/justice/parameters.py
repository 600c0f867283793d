"""Every calibration number of the synthetic justice_education builder, with its source.

Sources (full references in /work/shared/reference/data-first-figures.md and docs/data.md):
  [DFE-MOJ]  DfE with MoJ, Education, children's social care and offending: local authority
             level dashboard, academic year 2019/20 (national figures from the dashboard's data
             files): pupils who finished KS2 in 2007/08 to 2012/13 with a KS4 record, offending
             at ages 10-17 to the end of 2020; percentages rounded to 1%.
  [DERIVED]  Worked out from [DFE-MOJ] figures, as the comment says.
  [ASSUMED]  A modelling assumption with the published direction where there is one; not a
             published figure.
  [MEASURED] Measured on this builder's own output (the linkage's recall by group).

Codes follow data_catalog/justice_education.yaml; arrays are indexed by code - 1 unless stated.
"""

from __future__ import annotations

import numpy as np

PUBLISHED_COHORT = 3_165_037          # [DFE-MOJ] pupils in the six cohorts
PUBLISHED_CAUTIONED = 128_277         # [DFE-MOJ] cautioned or sentenced at 10-17 (4%)
PUBLISHED_SERIOUS_VIOLENCE = 34_118   # [DFE-MOJ] a serious violence offence at 10-17 (1%)
CAUTIONED_RATE = PUBLISHED_CAUTIONED / PUBLISHED_COHORT            # 4.05%
SERIOUS_VIOLENCE_RATE = PUBLISHED_SERIOUS_VIOLENCE / PUBLISHED_COHORT  # 1.08%

# --- Pupils: shares of all pupils ------------------------------------------------------------
MALE_SHARE = 0.51                     # [DFE-MOJ]
# Birth cohorts 1996/97 .. 2001/02 (KS2 2007/08 .. 2012/13): near-equal, births in England fell
# slightly over those years [ASSUMED].
COHORT_SHARES = np.array([0.172, 0.170, 0.167, 0.165, 0.163, 0.163])
# Regions 1..9 (NE, NW, Y&H, EM, WM, East, London, SE, SW): state-school pupils in England
# [ASSUMED, approximately DfE Schools, pupils and their characteristics].
REGION_SHARES = np.array([4.6, 13.2, 10.1, 8.4, 10.8, 11.0, 15.6, 16.5, 9.8]) / 100.0
LONDON = 7
# Ethnic group, index = code (0 unclassified, 1 White, 2 Mixed, 3 Asian, 4 Black, 5 Other):
# White 80%, Asian 9%, Black 5%, Mixed 4% of all pupils [DFE-MOJ]; Other and unclassified share
# the remaining 2% [ASSUMED]. London's mix [ASSUMED, DfE London pupils]; the rest of England is
# derived so the national shares hold.
ETHNICITY_NATIONAL = np.array([0.5, 80.0, 4.0, 9.0, 5.0, 1.5]) / 100.0
ETHNICITY_LONDON = np.array([0.5, 50.0, 9.0, 19.0, 18.0, 3.5]) / 100.0
FSM_SHARE = 0.35                      # [DFE-MOJ] ever eligible
EHC_SHARE, SEN_SUPPORT_SHARE = 0.04, 0.40   # [DFE-MOJ]
ABSENT_SHARE = 0.45                   # [DFE-MOJ] ever persistently absent
SUSPENDED_SHARE = 0.14                # [DFE-MOJ]
# [DERIVED] published 1%, rounded; 0.85% makes the published 53% of permanently excluded pupils
# cautioned or sentenced agree with the profile share (4.05% x 11% / 0.85% = 52%).
EXCLUDED_SHARE = 0.0085
AP_SHARE = 0.03                       # [DFE-MOJ] ever in alternative provision
AP_IF_EXCLUDED = 0.75                 # most permanently excluded pupils go to AP [ASSUMED]
# Social care: [DFE-MOJ] child in need 11%, looked after 2%. DfE's children-in-need figures
# include looked-after children, so "child in need (not looked after)" is 11% - 2% = 9%.
LOOKED_AFTER_SHARE, CHILD_IN_NEED_SHARE = 0.02, 0.09
# KS4 attainment levels 1..4: 5+ A*-C incl. E&M 58%; 5+ A*-G incl. E&M 91%; any pass 97%
# [DFE-MOJ] -> 58 / 33 / 6 / 3%.
ATTAINMENT_SHARES = np.array([0.58, 0.33, 0.06, 0.03])

# Latent disadvantage z ~ N(0, 1) links the characteristics [ASSUMED]: each is a threshold of
# loading * z + sex shift + noise, thresholds solved for the shares above.
LOADINGS = {"fsm": 0.75, "sen": 0.45, "absent": 0.60, "suspended": 0.60, "ap": 0.55,
            "social_care": 0.60, "attainment": 0.65}
MALE_SHIFT = {"fsm": 0.0, "sen": 0.35, "absent": 0.0, "suspended": 0.45, "ap": 0.40,
              "social_care": 0.05, "attainment": 0.20}
EXCLUSION_NOISE = 0.45    # permanent exclusion: suspension's latent + this much extra noise
ATTAINMENT_SEN_SHIFT = {1: 1.2, 2: 0.35, 3: 0.0}   # lower attainment with SEN [ASSUMED]
# Mean of z by region (more disadvantage in the North East, London; less in the South East)
# and by ethnic group (index = code) [ASSUMED, direction of FSM rates by region and ethnicity].
Z_REGION = np.array([0.25, 0.15, 0.10, 0.0, 0.10, -0.15, 0.10, -0.25, -0.15])
Z_ETHNICITY = np.array([0.0, 0.0, 0.20, 0.05, 0.30, 0.20])
TWIN_SHARE = 0.015   # pupils whose next pupil is their twin (~3% of children are twins) [ASSUMED]

# --- Offending: profiles of those cautioned or sentenced (any offence / serious violence) ------
# Shares among those with the outcome [DFE-MOJ]; the offending model is raked to them.
PROFILE_TARGETS = {
    "male": ([0.77], [0.86]),
    "fsm": ([0.69], [0.75]),
    "sen": ([0.13, 0.66], [0.17, 0.68]),             # EHC plan, SEN support (rest: no SEN)
    "absent": ([0.81], [0.85]),
    "suspended": ([0.72], [0.82]),
    "excluded": ([0.11], [0.16]),
    "ap": ([0.29], [0.40]),
    # looked after; child in need not looked after = 45 - 15 and 54 - 24 [DERIVED, as above]
    "social_care": ([0.15, 0.30], [0.24, 0.30]),
    # attainment levels 1..3 from 13 / 49 / 80% and 9 / 40 / 74% cumulative [DERIVED]
    "attainment": ([0.13, 0.36, 0.31], [0.09, 0.31, 0.34]),
    # ethnicity codes 1..5 (White, Mixed, Asian, Black, Other) [DFE-MOJ]; Other is part of the
    # unpublished 3% (any) and 3% (serious violence) left over [ASSUMED]
    "ethnicity": ([0.78, 0.07, 0.05, 0.07, 0.02], [0.66, 0.10, 0.07, 0.14, 0.02]),
}
# Fixed odds multipliers, not raked (no published target) [ASSUMED]: first-time entrants to the
# youth justice system fell by over 80% between 2008/09 and 2018/19, so younger cohorts offend
# less; somewhat more offending in the North East and North West.
COHORT_ODDS = np.array([1.45, 1.25, 1.05, 0.90, 0.75, 0.60])
REGION_ODDS = np.array([1.25, 1.10, 1.10, 1.0, 1.0, 0.90, 1.05, 0.90, 0.95])
CALIBRATION_PUPILS = 400_000   # the fixed sample the offending model is raked on
CALIBRATION_SEED = 20_221_128

# Age at first caution or sentence [DFE-MOJ] for ages 10..18 (3, 5, 8, 11, 15, 17, 16, 15, 10%);
# the synthetic cohort covers 10-17, so age 18 is dropped and the rest renormalised.
FIRST_OFFENCE_AGE_PUBLISHED = np.array([3, 5, 8, 11, 15, 17, 16, 15, 10], dtype=float)
FIRST_OFFENCE_AGES = np.arange(10, 18)
FIRST_OFFENCE_AGE_SHARES = FIRST_OFFENCE_AGE_PUBLISHED[:8] / FIRST_OFFENCE_AGE_PUBLISHED[:8].sum()
# Offence group of the first caution or sentence: violence, theft, drugs, criminal damage,
# public order, other [ASSUMED, roughly Youth Justice Statistics first-time entrants]. For
# serious violence, 37% had a prior offence [DFE-MOJ], so the first is the violence in 63%.
OFFENCE_GROUP_SHARES = np.array([0.28, 0.22, 0.15, 0.10, 0.08, 0.17])
SERIOUS_VIOLENCE_FIRST = 0.63
# Custodial sentence at 10-17 [ASSUMED]: about 0.25% of pupils (ONS, Jan 2023: 1.1% of pupils
# had immediate custody at 16-24, mostly after 18); far likelier after serious violence and for
# looked-after children (ONS, Dec 2022).
CUSTODY_LOG_ODDS = {"base": -4.1, "serious_violence": 1.9, "looked_after": 0.8, "male": 0.5}
# Justice records of children outside the cohort (independent schools, arrived after KS2, no
# KS4 record): a share of all justice records [ASSUMED].
OUT_OF_COHORT_SHARE = 0.06

# --- Identifiers and their errors ------------------------------------------------------------
# Name pool by ethnic group (index = code): shares of english, south_asian, african, other.
NAME_POOLS = np.array([
    [0.85, 0.05, 0.05, 0.05],   # unclassified
    [0.99, 0.00, 0.00, 0.01],   # White
    [0.70, 0.05, 0.20, 0.05],   # Mixed
    [0.03, 0.95, 0.00, 0.02],   # Asian
    [0.45, 0.00, 0.55, 0.00],   # Black (Caribbean names mostly English; African)
    [0.15, 0.10, 0.05, 0.70],   # Other
])
# Share of people with one of the pool's common (head) names, and the Zipf exponent within the
# head: Smith about 1.3%, the commonest boys' names about 3% of boys [ASSUMED, ONS baby names
# 1996-2002]; South Asian surnames far more concentrated (Khan, Patel, Ahmed, Ali).
GIVEN_HEAD = {"english": (0.72, 0.4), "south_asian": (0.80, 0.6), "african": (0.75, 0.6),
              "other": (0.75, 0.6)}
SURNAME_HEAD = {"english": (0.22, 0.6), "south_asian": (0.70, 0.9), "african": (0.55, 0.8),
                "other": (0.60, 0.8)}
POOL_INDEX = {"english": 0, "south_asian": 1, "african": 2, "other": 3}
# Errors on the justice (PNC-like) side, per pool [ASSUMED]: a name recorded as another
# member of its variant group (nickname or transliterated spelling), a one-character typo.
GIVEN_VARIANT = np.array([0.10, 0.35, 0.30, 0.30])
GIVEN_TYPO = np.array([0.02, 0.06, 0.06, 0.06])
SURNAME_VARIANT = np.array([0.04, 0.25, 0.20, 0.20])
SURNAME_TYPO = np.array([0.02, 0.06, 0.06, 0.06])
# Given name and surname recorded the other way round (naming conventions that do not put the
# family name last) [ASSUMED].
NAMES_SWAPPED = np.array([0.002, 0.08, 0.06, 0.08])
# Another surname entirely (a step-parent's or carer's name, an alias) [ASSUMED]: more often for
# looked-after children and children in need.
SURNAME_CHANGED = {"base": 0.015, "looked_after": 0.12, "child_in_need": 0.04}
# Date of birth: day and month swapped (possible when the day is 12 or less), one of day, month
# or year wrong [ASSUMED].
DOB_SWAPPED, DOB_ONE_PART = 0.025, 0.02
SEX_WRONG = 0.004
# Postcode: missing (no fixed abode, not recorded) and changed (moved between the school record
# and the offence) [ASSUMED]: families on low incomes move more often; looked-after children
# move placements.
POSTCODE_MISSING = {"base": 0.02, "looked_after": 0.10}
POSTCODE_MOVED = {"base": 0.12, "fsm": 0.14, "looked_after": 0.35, "child_in_need": 0.10,
                  "london": 0.05}
# Where a move goes: same sector (another unit), same district, same area, another area of the
# region, another region [ASSUMED: most moves are local].
MOVE_SCOPE = np.array([0.25, 0.25, 0.25, 0.20, 0.05])
# Errors on the school (NPD-like) side: fewer [ASSUMED].
NPD_GIVEN_VARIANT, NPD_GIVEN_TYPO, NPD_SURNAME_TYPO = 0.02, 0.005, 0.005
NPD_DOB_ONE_PART, NPD_POSTCODE_MISSING = 0.002, 0.005
# Ethnicity as recorded in the justice record (officer-observed) differs for some [ASSUMED]:
# probability of recording another group, by true group (index = code), and which group then.
ETHNICITY_RECORDED_OTHER = np.array([0.5, 0.02, 0.35, 0.06, 0.05, 0.30])
ETHNICITY_RECORDED_INSTEAD = np.array([
    [0.00, 0.80, 0.05, 0.05, 0.05, 0.05],   # unclassified
    [0.50, 0.00, 0.20, 0.00, 0.00, 0.30],   # White
    [0.05, 0.45, 0.00, 0.00, 0.45, 0.05],   # Mixed
    [0.20, 0.20, 0.10, 0.00, 0.00, 0.50],   # Asian
    [0.20, 0.00, 0.60, 0.00, 0.00, 0.20],   # Black
    [0.20, 0.30, 0.10, 0.30, 0.10, 0.00],   # Other
])

# Synthetic postcode geography: postcode areas per region; each area has DISTRICTS districts,
# 10 sectors each, UNITS_PER_SECTOR units (about 1.3 million units in England, about 2.4 pupils
# of the six cohorts per unit at the published size) [ASSUMED].
POSTCODE_AREAS = (
    "NE SR DH TS DL", "M L WA WN BL OL SK PR BB FY LA CA CH CW", "LS BD HD HX WF S DN HU YO HG",
    "NG DE LE NN LN", "B CV WV WS DY ST TF WR HR", "CB CO IP NR PE CM SS SG AL LU",
    "E EC N NW SE SW W WC BR CR DA EN HA IG KT RM SM TW UB",
    "BN CT GU ME MK OX PO RG RH SL SO TN HP", "BA BH BS DT EX GL PL SN SP TA TQ TR",
)
DISTRICTS, SECTORS, UNITS_PER_SECTOR = 20, 10, 60

# Expected recall of the linkage by group [MEASURED]: a multiplicative model (ethnic group x free
# school meals x social care) fitted by iterative proportional fitting to the recall of builds at
# the default size (500,000 pupils, seeds 2022 and 7; docs/data.md, "The justice-education
# dataset"); FSM and social care factors relative to "not eligible" and "neither". The offending
# model is raked on what the linkage shows, so a group whose records link less often offends
# correspondingly more in the synthetic truth. Index = ethnic code (0 unclassified, 1 White, ...,
# 5 Other); social care 1..3.
EXPECTED_RECALL_ETHNICITY = np.array([0.972, 0.985, 0.966, 0.898, 0.952, 0.910])
EXPECTED_RECALL_FSM = 0.990
EXPECTED_RECALL_SOCIAL_CARE = np.array([0.894, 0.987, 1.0])
