-- One chunk of synthetic persons as person_rows (the persons columns before the exposure index,
-- plus the death's cause group): chunk_persons and chunk_linkage registered, the chunk's deaths
-- already in deaths. Linked persons are followed from $start to the day of death or $end.
-- Parameters: $start, $end, $first_person_id, $last_person_id.
CREATE OR REPLACE TEMP TABLE person_rows AS
SELECT
    CAST(p.person_id AS INTEGER) AS person_id,
    p.sex,
    synth_birth_date(p.age_at_census, p.days_since_birthday) AS birth_date,
    p.age_at_census,
    p.age_group_census,
    p.ethnicity,
    p.ethnicity_detailed,
    p.religion,
    p.disability,
    p.partnership,
    p.nssec,
    p.qualification,
    p.economic_activity,
    p.tenure,
    p.region,
    p.deprivation_quintile,
    p.armed_forces,
    p.record_key,
    l.linked,
    CASE WHEN l.linked THEN CAST($start AS DATE) END AS entry_date,
    CASE WHEN l.linked THEN coalesce(d.date_of_death, CAST($end AS DATE)) END AS exit_date,
    CAST(CASE WHEN l.linked THEN d.cause_group IS NOT NULL END AS UTINYINT) AS died,
    CAST(CASE WHEN l.linked THEN coalesce(d.cause_group = 1, false) END AS UTINYINT) AS died_suicide,
    CAST(CASE WHEN l.linked THEN coalesce(d.cause_group = 2, false) END AS UTINYINT) AS died_covid19,
    CAST(CASE WHEN l.linked THEN coalesce(d.cause_group = 3, false) END AS UTINYINT) AS died_circulatory,
    CAST(CASE WHEN l.linked THEN coalesce(d.cause_group = 4, false) END AS UTINYINT) AS died_cancer,
    CAST(coalesce(d.cause_group, 0) AS UTINYINT) AS cause_group
FROM chunk_persons AS p
JOIN chunk_linkage AS l USING (person_id)
LEFT JOIN (
    SELECT person_id, date_of_death, cause_group
    FROM deaths
    WHERE person_id BETWEEN $first_person_id AND $last_person_id
) AS d ON d.person_id = p.person_id;
