-- The published tables of justice_education, with the column types of
-- data_catalog/justice_education.yaml. No identifier column: names, dates of birth and
-- postcodes stay in the build's in-memory work tables.
SET enable_progress_bar = false;
CREATE TABLE pupils (
    person_id INTEGER, sex UTINYINT, ethnicity UTINYINT, fsm UTINYINT, sen UTINYINT,
    persistent_absence UTINYINT, suspension UTINYINT, permanent_exclusion UTINYINT,
    alternative_provision UTINYINT, social_care UTINYINT, ks4_attainment UTINYINT,
    region UTINYINT, birth_cohort UTINYINT, record_key UTINYINT, in_cohort BOOLEAN,
    cautioned_or_sentenced UTINYINT, serious_violence UTINYINT, custody UTINYINT,
    age_first_offence UTINYINT, match_probability FLOAT, has_justice_record UTINYINT,
    linked_to_justice UTINYINT, link_correct UTINYINT
);
CREATE TABLE justice_records (
    justice_id INTEGER, sex UTINYINT, ethnicity UTINYINT, region UTINYINT,
    birth_cohort UTINYINT, age_first_offence UTINYINT, offence_group UTINYINT,
    serious_violence UTINYINT, custody UTINYINT, record_key UTINYINT, linked BOOLEAN,
    match_probability FLOAT
);
CREATE TABLE linkage_model (
    comparison VARCHAR, level VARCHAR, m_probability DOUBLE, u_probability DOUBLE,
    match_weight DOUBLE
);
CREATE TABLE linkage_settings (setting VARCHAR, value VARCHAR);
