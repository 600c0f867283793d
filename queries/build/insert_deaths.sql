-- One chunk of simulated deaths (chunk_deaths: person_id, death_day, underlying_cause) into deaths.
-- Age at death is in completed years from the birth date; the cause group follows the ONS rule
-- (macro cause_group_of in macros.sql).
INSERT INTO deaths
WITH dated AS (
    SELECT
        d.person_id,
        CAST(DATE '2011-03-27' + CAST(d.death_day AS INTEGER) AS DATE) AS date_of_death,
        synth_birth_date(p.age_at_census, p.days_since_birthday) AS birth_date,
        d.underlying_cause
    FROM chunk_deaths AS d
    JOIN chunk_persons AS p USING (person_id)
)
SELECT
    CAST(person_id AS INTEGER) AS person_id,
    date_of_death,
    CAST(date_sub('year', birth_date, date_of_death) AS UTINYINT) AS age_at_death,
    underlying_cause,
    CAST(cause_group_of(underlying_cause, date_sub('year', birth_date, date_of_death)) AS UTINYINT)
        AS cause_group
FROM dated
ORDER BY person_id;
