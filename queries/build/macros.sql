-- Macros used while building the synthetic census_mortality database (explorer.synth).

-- ONS cause group of a death from its ICD-10 underlying cause and age at death (completed years):
--   1 suicide: intentional self-harm X60-X84, Y87.0 at ages 10+; undetermined intent Y10-Y34,
--     Y87.2 at ages 15+ (ONS National Statistics definition of suicide)
--   2 COVID-19: U07.1, U07.2 (codes in use from 2020)
--   3 circulatory: I00-I99    4 cancer: C00-C97    5 any other cause
-- Codes are compared without the dot, upper-case ('Y87.0' and 'Y870' are the same code).
CREATE OR REPLACE MACRO icd10_normalised(code) AS replace(upper(trim(code)), '.', '');

CREATE OR REPLACE MACRO cause_group_of(code, age) AS (
    CASE
        WHEN (left(icd10_normalised(code), 3) BETWEEN 'X60' AND 'X84'
              OR icd10_normalised(code) = 'Y870')
            THEN CASE WHEN age >= 10 THEN 1 ELSE 5 END
        WHEN (left(icd10_normalised(code), 3) BETWEEN 'Y10' AND 'Y34'
              OR icd10_normalised(code) = 'Y872')
            THEN CASE WHEN age >= 15 THEN 1 ELSE 5 END
        WHEN icd10_normalised(code) IN ('U071', 'U072') THEN 2
        WHEN left(icd10_normalised(code), 3) BETWEEN 'I00' AND 'I99' THEN 3
        WHEN left(icd10_normalised(code), 3) BETWEEN 'C00' AND 'C97' THEN 4
        ELSE 5
    END
);

-- COVID-19 codes U07.1/U07.2 did not exist before 2020.
CREATE OR REPLACE MACRO icd10_valid_in_year(code, year) AS (
    NOT (left(icd10_normalised(code), 3) = 'U07' AND year < 2020)
);

-- Birth date from completed age on census day (27 March 2011) and days since the last birthday
-- (0..364): the last birthday falls between 28 March 2010 and 27 March 2011.
CREATE OR REPLACE MACRO synth_birth_date(age_at_census, days_since_birthday) AS
    CAST((DATE '2011-03-27' - CAST(days_since_birthday AS INTEGER))
         - to_years(CAST(age_at_census AS INTEGER)) AS DATE);
