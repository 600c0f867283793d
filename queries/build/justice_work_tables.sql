-- Work tables of the justice_education build. They live in the build's in-memory DuckDB
-- connection only: identifiers (names, dates of birth, postcodes) never reach the published
-- database file. postcode_area_codes (area index, code) is registered by the builder.
SET enable_progress_bar = false;
CREATE OR REPLACE TEMP MACRO justice_postcode(area_code, district, sector, unit_index) AS
    -- "NE12 3AB": area, district, space, sector, two unit letters (unit 0-59 of its sector)
    area_code || district || ' ' || sector
    || substr('ABDEFGHJLNPQRSTUWXYZ', CAST((unit_index * 6 + (district + sector) % 6) // 20 AS INTEGER) + 1, 1)
    || substr('ABDEFGHJLNPQRSTUWXYZ', CAST((unit_index * 6 + (district + sector) % 6) % 20 AS INTEGER) + 1, 1);
CREATE TABLE postcode_areas AS SELECT CAST(area AS INTEGER) AS area, code FROM postcode_area_codes;
CREATE TABLE pupil_rows (
    person_id INTEGER, sex UTINYINT, ethnicity UTINYINT, fsm UTINYINT, sen UTINYINT,
    persistent_absence UTINYINT, suspension UTINYINT, permanent_exclusion UTINYINT,
    alternative_provision UTINYINT, social_care UTINYINT, ks4_attainment UTINYINT,
    region UTINYINT, birth_cohort UTINYINT, record_key UTINYINT, has_justice_record UTINYINT
);
CREATE TABLE justice_rows (
    record_order BIGINT, sort_key UBIGINT, true_person_id INTEGER, sex UTINYINT,
    ethnicity UTINYINT, region UTINYINT, birth_cohort UTINYINT, age_first_offence UTINYINT,
    offence_group UTINYINT, serious_violence UTINYINT, custody UTINYINT, record_key UTINYINT
);
-- Identifiers, as Splink reads them (plus the blocking helpers birth_year, surname_initial).
CREATE TABLE pupil_identifiers (
    unique_id BIGINT, first_name VARCHAR, surname VARCHAR, dob DATE, sex UTINYINT,
    postcode VARCHAR, birth_year INTEGER, surname_initial VARCHAR
);
CREATE TABLE justice_identifiers (
    record_order BIGINT, first_name VARCHAR, surname VARCHAR, dob DATE, sex UTINYINT,
    postcode VARCHAR
);
