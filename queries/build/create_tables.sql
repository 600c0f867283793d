-- Tables of the census_mortality dataset; names and types as in data_catalog/census_mortality.yaml.
CREATE TABLE persons (
    person_id BIGINT,
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
    record_key UTINYINT
);

CREATE TABLE linkage (
    person_id BIGINT,
    match_status UTINYINT,
    match_probability DOUBLE,
    linked BOOLEAN
);

CREATE TABLE deaths (
    person_id BIGINT,
    date_of_death DATE,
    age_at_death UTINYINT,
    underlying_cause VARCHAR,
    cause_group UTINYINT
);

CREATE TABLE person_time (
    person_id BIGINT,
    year USMALLINT,
    age_group UTINYINT,
    person_years DOUBLE,
    died UTINYINT,
    died_suicide UTINYINT,
    died_covid19 UTINYINT,
    died_circulatory UTINYINT,
    died_cancer UTINYINT,
    linked BOOLEAN,
    sex UTINYINT,
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
    record_key UTINYINT
);
