-- Reference for tests only: the exact Lexis split of the person-level model's followed persons
-- into one row per person, calendar year and attained 5-year age group, as the first version of
-- the builder stored it (queries/build/insert_person_time.sql, removed when the database became
-- person-level). tests/test_person_level_model.py checks that queries over the exposure index
-- give the same events and person-years, cell for cell.
-- Follow-up runs from census day (27 March 2011) to the day of death or 31 December 2021, both
-- inclusive, so a segment is the half-open interval [segment_start, segment_end) in days.
-- Each calendar year is split at most once: at the birthday on which the attained 5-year age
-- group changes (ages 5, 10, ..., 90; 90+ is the last group).
CREATE OR REPLACE TEMP TABLE person_time AS
WITH cohort AS (
    SELECT
        person_id,
        birth_date,
        CASE WHEN died = 1 THEN exit_date END AS date_of_death,
        CASE WHEN died_suicide = 1 THEN 1 WHEN died_covid19 = 1 THEN 2
             WHEN died_circulatory = 1 THEN 3 WHEN died_cancer = 1 THEN 4 ELSE 5 END AS cause_group,
        struct_pack(
            sex, ethnicity, ethnicity_detailed, religion, disability, partnership, nssec,
            qualification, economic_activity, tenure, region, deprivation_quintile, armed_forces,
            record_key
        ) AS attributes,
        CAST(exit_date + 1 AS DATE) AS exit_exclusive
    FROM persons
    WHERE linked
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
