-- The exposure index of followed persons: from follow_up_input (person_id, birth_date,
-- entry_date, exit_date; exit_date is the last day followed, the day of death or $end) to
-- follow_up_exposure, one row per person. Parameter: $start (first day of follow-up).
--
-- Attained age bands are 5-year groups 0-4, 5-9, ..., 85-89, 90+ (codes 1-19). A person enters
-- follow-up in band entry_age_group and moves to the next band on each birthday that is a
-- multiple of 5 (up to 90). Follow-up is half-open in days, [0, days_followed) counted from
-- $start; band k of the person's follow-up (k = 0, 1, ...) starts on day
--   0                                        for k = 0,
--   days_to_next_band                        for k = 1,
--   days_to_next_band + change_k_after       for k = 2, 3 (the days between the birthdays).
-- The class tuple (entry band, number of changes, year of the first change, change gaps, year
-- in which follow-up ends) fixes in which calendar year every band starts and ends, so the
-- person-days of a group of persons in (year, band) are a linear function of their count, sum
-- of days_to_next_band and sum of days_followed (queries/build/exposure_terms.sql).
-- Follow-up must be shorter than 15 years (at most three band changes; explorer.synth.exposure_index).
CREATE OR REPLACE TEMP TABLE follow_up_exposure AS
WITH base AS (
    SELECT
        person_id,
        birth_date,
        exit_date,
        CAST(exit_date - $start + 1 AS INTEGER) AS followed,
        CAST(least(date_sub('year', birth_date, $start) // 5 + 1, 19) AS INTEGER) AS entry_band
    FROM follow_up_input
),
band_starts AS (
    SELECT
        *,
        [CASE WHEN entry_band + k <= 19
              THEN CAST(CAST(birth_date + to_years(CAST(5 * (entry_band + k - 1) AS INTEGER)) AS DATE)
                        - $start AS INTEGER)
         END FOR k IN [1, 2, 3]] AS band_start
    FROM base
),
counted AS (
    SELECT
        *,
        CAST(coalesce(band_start[1] < followed, false) AS INTEGER)
            + CAST(coalesce(band_start[2] < followed, false) AS INTEGER)
            + CAST(coalesce(band_start[3] < followed, false) AS INTEGER) AS band_changes
    FROM band_starts
)
SELECT
    person_id,
    CAST(year(exit_date) AS USMALLINT) AS exit_year,
    CAST(entry_band + band_changes AS UTINYINT) AS exit_age_group,
    CAST(followed AS USMALLINT) AS days_followed,
    CAST(CASE WHEN band_changes >= 1 THEN band_start[1] ELSE 0 END AS USMALLINT) AS days_to_next_band,
    -- the class tuple
    CAST(entry_band AS UTINYINT) AS entry_age_group,
    CAST(band_changes AS UTINYINT) AS band_changes,
    CAST(CASE WHEN band_changes >= 1 THEN year($start + band_start[1]) ELSE 0 END AS USMALLINT)
        AS first_change_year,
    CAST(CASE WHEN band_changes >= 2 THEN band_start[2] - band_start[1] ELSE 0 END AS USMALLINT)
        AS change_2_after,
    CAST(CASE WHEN band_changes >= 3 THEN band_start[3] - band_start[1] ELSE 0 END AS USMALLINT)
        AS change_3_after,
    CAST(year($start + followed) AS USMALLINT) AS end_year
FROM counted;
