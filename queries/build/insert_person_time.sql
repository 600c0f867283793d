-- Lexis split of one chunk of linked persons into person_time.
-- Follow-up runs from census day (27 March 2011) to the day of death or 31 December 2021, both
-- inclusive, so a segment is the half-open interval [segment_start, segment_end) in days.
-- Each calendar year is split at most once: at the birthday on which the attained 5-year age
-- group changes (ages 5, 10, ..., 90; 90+ is the last group).
-- Each segment repeats its person's attributes (linked flag, dimension columns, record key; in
-- the order of CREATE TABLE person_time) so breakdowns need no join (catalog:
-- cohort.person_columns_in_person_time).
-- Parameters: $first_person_id, $last_person_id (the chunk's range, to read its deaths).
INSERT INTO person_time
WITH cohort AS (
    SELECT
        p.person_id,
        synth_birth_date(p.age_at_census, p.days_since_birthday) AS birth_date,
        d.date_of_death,
        d.cause_group,
        struct_pack(
            linked := l.linked, sex := p.sex, ethnicity := p.ethnicity,
            ethnicity_detailed := p.ethnicity_detailed, religion := p.religion,
            disability := p.disability, partnership := p.partnership, nssec := p.nssec,
            qualification := p.qualification, economic_activity := p.economic_activity,
            tenure := p.tenure, region := p.region,
            deprivation_quintile := p.deprivation_quintile, armed_forces := p.armed_forces,
            record_key := p.record_key
        ) AS attributes,
        CAST(COALESCE(d.date_of_death, DATE '2021-12-31') + 1 AS DATE) AS exit_exclusive
    FROM chunk_persons AS p
    JOIN chunk_linkage AS l USING (person_id)
    LEFT JOIN (
        SELECT person_id, date_of_death, cause_group
        FROM deaths
        WHERE person_id BETWEEN $first_person_id AND $last_person_id
    ) AS d USING (person_id)
    WHERE l.linked
),
years AS (
    SELECT
        c.*,
        y.year,
        greatest(DATE '2011-03-27', make_date(y.year, 1, 1)) AS year_start,
        least(c.exit_exclusive, make_date(y.year + 1, 1, 1)) AS year_end,
        CAST(c.birth_date + to_years(CAST(y.year - year(c.birth_date) AS INTEGER)) AS DATE) AS birthday,
        least(greatest(y.year - year(c.birth_date) - 1, 0) // 5 + 1, 19) AS group_before_birthday,
        least((y.year - year(c.birth_date)) // 5 + 1, 19) AS group_after_birthday
    FROM cohort AS c
    CROSS JOIN range(2011, 2022) AS y(year)
    WHERE make_date(y.year, 1, 1) < c.exit_exclusive
),
flagged AS (
    SELECT
        *,
        (group_before_birthday <> group_after_birthday
         AND birthday > year_start AND birthday < year_end) AS split_at_birthday
    FROM years
),
segments AS (
    SELECT
        f.person_id,
        f.year,
        f.date_of_death,
        f.cause_group,
        f.attributes,
        CASE WHEN part.part = 0 THEN f.year_start ELSE f.birthday END AS segment_start,
        CASE WHEN part.part = 0 AND f.split_at_birthday THEN f.birthday ELSE f.year_end END
            AS segment_end,
        CASE
            WHEN part.part = 1 THEN f.group_after_birthday
            WHEN f.split_at_birthday THEN f.group_before_birthday
            WHEN f.birthday <= f.year_start THEN f.group_after_birthday
            ELSE f.group_before_birthday
        END AS age_group
    FROM flagged AS f
    CROSS JOIN range(2) AS part(part)
    WHERE part.part = 0 OR f.split_at_birthday
),
with_event AS (
    SELECT
        *,
        (date_of_death IS NOT NULL AND date_of_death >= segment_start
         AND date_of_death < segment_end) AS death_here
    FROM segments
    WHERE segment_end > segment_start
)
SELECT
    person_id,
    CAST(year AS USMALLINT) AS year,
    CAST(age_group AS UTINYINT) AS age_group,
    (segment_end - segment_start) / 365.25 AS person_years,
    CAST(death_here AS UTINYINT) AS died,
    CAST(death_here AND cause_group = 1 AS UTINYINT) AS died_suicide,
    CAST(death_here AND cause_group = 2 AS UTINYINT) AS died_covid19,
    CAST(death_here AND cause_group = 3 AS UTINYINT) AS died_circulatory,
    CAST(death_here AND cause_group = 4 AS UTINYINT) AS died_cancer,
    attributes.*
FROM with_event;
