-- One chunk of generated persons (registered as chunk_persons) into persons.
INSERT INTO persons
SELECT
    person_id,
    sex,
    synth_birth_date(age_at_census, days_since_birthday) AS birth_date,
    age_at_census,
    age_group_census,
    ethnicity,
    ethnicity_detailed,
    religion,
    disability,
    partnership,
    nssec,
    qualification,
    economic_activity,
    tenure,
    region,
    deprivation_quintile,
    armed_forces,
    record_key
FROM chunk_persons;
