-- The ONS cause group of one death and whether its code was in use in the given year
-- (used by explorer.synth.icd10). Parameters: $code, $age, $year.
SELECT icd10_valid_in_year($code, $year) AS code_in_use, cause_group_of($code, $age) AS cause_group;
