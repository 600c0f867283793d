-- Tables of the census_mortality dataset; names and types as in data_catalog/census_mortality.yaml.
-- The person-level model (shared/DESIGN.md, Scale): one row per person, never one per person-year.
-- Person-years by attained age band and calendar year are computed at query time from each
-- person's exposure index (the last seven columns of persons) and the exposure_terms lookup
-- (docs/data-model.md).
CREATE TABLE persons (
    person_id INTEGER,
    sex UTINYINT,
    birth_date DATE,
    age_at_census UTINYINT,
    age_group_census UTINYINT,
    ethnicity UTINYINT,
    ethnicity_detailed UTINYINT,
    religion UTINYINT,
    disability UTINYINT,
    partnership UTINYINT,
    nssec UTINYINT,
    qualification UTINYINT,
    economic_activity UTINYINT,
    tenure UTINYINT,
    region UTINYINT,
    deprivation_quintile UTINYINT,
    armed_forces UTINYINT,
    record_key UTINYINT,
    linked BOOLEAN,
    entry_date DATE,
    exit_date DATE,
    died UTINYINT,
    died_suicide UTINYINT,
    died_covid19 UTINYINT,
    died_circulatory UTINYINT,
    died_cancer UTINYINT,
    exit_year USMALLINT,
    exit_age_group UTINYINT,
    days_followed USMALLINT,
    days_to_next_band USMALLINT,
    survivor_class USMALLINT,
    death_class USMALLINT
);

CREATE TABLE linkage (
    person_id INTEGER,
    match_status UTINYINT,
    match_probability FLOAT
);

CREATE TABLE deaths (
    person_id INTEGER,
    date_of_death DATE,
    age_at_death UTINYINT,
    underlying_cause VARCHAR,
    cause_group UTINYINT
);

CREATE TABLE exposure_terms (
    exposure_class USMALLINT,
    year USMALLINT,
    age_group UTINYINT,
    constant_days INTEGER,
    next_band_coefficient TINYINT,
    followed_coefficient TINYINT
);
